"""What a restart must not lose of the way home: the password Home Assistant gave a camera.

Invariants: the password is kept the moment the camera accepts it (with the entry, or, for a
camera being added, in the pending records), before any other step; the journey's stage
(activated, moved) is kept beside it. After a restart, the entry's first login uses that password
once, and a camera that is not home opens the way home again instead of retrying setup forever.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.util import dt as dt_util

from .. import const
from ..auth.guard import Trouble, async_report_trouble
from ..auth.login import client_from_data
from ..const import DEFAULT_USERNAME, DOMAIN
from ..coordinator import HikvisionCoordinator
from ..events import async_fire_restore
from ..isapi.sadp import NetworkSettings, SadpDevice
from ..pending import ADDITION, JOURNEY, PENDING_KEY, async_get_pending
from .bring_home import BACK_TIMEOUT, CONF_SADP

ADDITION_KEPT: Final = timedelta(days=7)


async def async_keep_password(
    hass: HomeAssistant, entry: ConfigEntry[Any] | None, device: SadpDevice | None, password: str
) -> None:
    """The camera took the password Home Assistant set (``entry`` None: a camera being added)."""
    pending = await async_get_pending(hass)
    mac = device.mac if device else None
    record = {
        "stage": "activated",
        "mac": mac,
        "at": dt_util.utcnow().isoformat(),
        CONF_PASSWORD: password,  # written at once (the entry's own store writes a moment later)
    }
    if entry is None:
        if mac is not None:
            await pending.async_set(ADDITION, mac, record)
        return
    await pending.async_set(JOURNEY, entry.entry_id, record)
    # A reset camera has one account: the entry goes on with it (whatever it used before).
    data = {**entry.data, CONF_USERNAME: DEFAULT_USERNAME, CONF_PASSWORD: password}
    hass.config_entries.async_update_entry(entry, data=data)


async def async_keep_moved(
    hass: HomeAssistant, entry: ConfigEntry[Any], settings: NetworkSettings
) -> None:
    """The camera took its new network settings: the entry points there from now on."""
    if not settings.dhcp:
        data = {**entry.data, CONF_HOST: settings.ipv4, CONF_PORT: settings.http_port}
        hass.config_entries.async_update_entry(entry, data=data)
    pending = await async_get_pending(hass)
    journey = pending.get(JOURNEY, entry.entry_id) or {}
    moved = {**journey, "stage": "moved", "at": dt_util.utcnow().isoformat()}
    await pending.async_set(JOURNEY, entry.entry_id, moved)


@callback
def keep_learned(hass: HomeAssistant, entry: ConfigEntry[Any], learned: dict[str, Any]) -> None:
    """What SADP worked with, kept with the entry (tried first next time)."""
    if entry.data.get(CONF_SADP) != learned:
        hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_SADP: learned})


async def async_kept_password(hass: HomeAssistant, mac: str) -> str | None:
    """The password Home Assistant gave a camera it was adding, before a restart.

    Kept for a week: a camera not added by then is forgotten (its record goes).
    """
    pending = await async_get_pending(hass)
    kept = pending.get(ADDITION, mac) or {}
    since = dt_util.parse_datetime(str(kept.get("at")))
    if since is None or dt_util.utcnow() - since > ADDITION_KEPT:
        if kept:
            await pending.async_set(ADDITION, mac, None)
        return None
    password = kept.get(CONF_PASSWORD)
    return password if isinstance(password, str) else None


async def async_activated_before(
    hass: HomeAssistant, entry: ConfigEntry[Any], device: SadpDevice
) -> bool:
    """Whether Home Assistant activated the entry's camera in a journey a restart cut short."""
    journey = (await async_get_pending(hass)).get(JOURNEY, entry.entry_id)
    return journey is not None and journey.get("mac") in (None, device.mac)


@callback
def forget_journey(hass: HomeAssistant, kind: str, key: str) -> None:
    """The camera is home (or added): its record goes. Nothing here awaits."""
    if (pending := hass.data.get(PENDING_KEY)) is not None:
        pending.forget_soon(kind, key)


def _away(journey: dict[str, Any]) -> bool:
    """The camera is not home, and will not come on its own."""
    if journey.get("stage") != "moved":
        return True  # wiped, or activated where Home Assistant cannot reach it (192.168.1.64)
    since = dt_util.parse_datetime(str(journey.get("at")))
    return since is None or (dt_util.utcnow() - since).total_seconds() > BACK_TIMEOUT


async def async_first_login(
    hass: HomeAssistant, entry: ConfigEntry[Any], coordinator: HikvisionCoordinator
) -> None:
    """The entry's first login, or the way home again for a camera not home yet.

    A camera Home Assistant activated but did not bring home (a restart cut the journey short)
    opens the journey again instead of retrying setup forever. The entry already holds the
    password the camera accepted: one login, with that password.
    """
    pending = await async_get_pending(hass)
    journey = pending.get(JOURNEY, entry.entry_id)
    kept = journey.get(CONF_PASSWORD) if journey else None
    own = {CONF_USERNAME: DEFAULT_USERNAME, CONF_PASSWORD: kept}
    if isinstance(kept, str) and any(entry.data.get(k) != v for k, v in own.items()):
        # Activated just before the power went: the entry had not written it yet.
        hass.config_entries.async_update_entry(entry, data={**entry.data, **own})
        coordinator.guard.password = kept
        coordinator.client = client_from_data(hass, entry.data)
    try:
        await coordinator.async_config_entry_first_refresh()
    except ConfigEntryNotReady:
        if journey is None or not _away(journey):
            raise
        wiped = journey.get("stage") == "wiped"
        reason = const.REASON_RESTORED_FULL if wiped else const.REASON_AWAY
        async_report_trouble(hass, entry, Trouble(reason))
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN,
            translation_key=reason,
            translation_placeholders={"name": entry.title},
        ) from None
    if journey is not None:  # it came home while Home Assistant was away
        await pending.async_set(JOURNEY, entry.entry_id, None)
        async_fire_restore(hass, entry, "activation", const.STAGE_RECOVERED)
