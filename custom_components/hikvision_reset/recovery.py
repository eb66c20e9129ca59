"""Bringing a reset camera home: find it by SADP, activate it, give it its old address back.

Used by the reauth journey (and the "search the network" step of the add flow). Each function
does one thing once; nothing here retries a command or a login.

SADP's destinations and listening address are settings (environment variables, read on each
use), so that tests and the demo keep to loopback:

- ``HIKVISION_RESET_SADP_TARGETS``: ``host:port[,host:port…]`` (default: the multicast group
  239.255.255.250 and the broadcast address, port 37020);
- ``HIKVISION_RESET_SADP_LISTEN``: ``host:port`` to also listen on, or ``off`` (default
  ``0.0.0.0:37020``, joined to the multicast group).
"""

from __future__ import annotations

import asyncio
from ipaddress import IPv4Address, IPv4Network, ip_address
import os
from typing import Any, Final

from homeassistant.components import network
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryNotReady,
    HomeAssistantError,
)
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from . import const
from .const import DOMAIN, LOGGER
from .events import async_fire_restore, camera_device
from .isapi import (
    DeviceInfo,
    IsapiAuthenticationError,
    IsapiConnectionError,
    IsapiError,
    IsapiNotActivatedError,
)
from .isapi.sadp import (
    DEFAULT_TARGETS,
    MULTICAST_GROUP,
    SADP_PORT,
    KeyMode,
    NetworkSettings,
    SadpClient,
    SadpDevice,
    SadpOutcome,
    UpdateLayout,
)
from .login import client_from_data
from .pending import JOURNEY, async_get_pending
from .trouble import Trouble, async_report_trouble

# What worked with this camera over SADP (kept with the entry, tried first next time):
# {"key_mode": KeyMode, "update_layout": UpdateLayout, "target": "host:port"}.
CONF_SADP: Final = "sadp"
ENV_TARGETS: Final = "HIKVISION_RESET_SADP_TARGETS"
ENV_LISTEN: Final = "HIKVISION_RESET_SADP_LISTEN"
SEARCH_SECONDS: Final = 3.0
# How long a camera may take to come back at its new address after an update (it restarts its
# network stack; some firmware reboots).
BACK_TIMEOUT: Final = 180.0
BACK_INTERVAL: Final = 3.0
# A reset camera is first asked over HTTP (ISAPI) only this briefly: off its segment, nothing
# answers, and SADP does the activation instead.
REACH_TIMEOUT: Final = 3.0


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.strip().rpartition(":")
    return host, int(port)


def sadp_client() -> SadpClient:
    """A SADP client with the configured destinations (see the module's docstring)."""
    targets_text = os.environ.get(ENV_TARGETS, "").strip()
    listen_text = os.environ.get(ENV_LISTEN, "").strip()
    targets = (
        tuple(_address(part) for part in targets_text.split(",") if part.strip())
        if targets_text
        else DEFAULT_TARGETS
    )
    if listen_text.lower() == "off":
        return SadpClient(targets, listen=None, multicast_group=None)
    if listen_text:
        host, port = _address(listen_text)
        group = MULTICAST_GROUP if not ip_address(host).is_loopback else None
        return SadpClient(targets, listen=(host, port), multicast_group=group)
    return SadpClient(targets, listen=("0.0.0.0", SADP_PORT))


def entry_mac(hass: HomeAssistant, entry: ConfigEntry[Any]) -> str | None:
    """The camera's MAC address, as its device in the registry has it."""
    device = camera_device(hass, entry)
    if device is None:
        return None
    return next((v for kind, v in device.connections if kind == dr.CONNECTION_NETWORK_MAC), None)


async def async_search() -> list[SadpDevice]:
    """Every Hikvision device that answers SADP (empty when the network cannot be searched)."""
    try:
        return await sadp_client().discover(SEARCH_SECONDS)
    except OSError as err:  # no route for multicast, no interface…
        LOGGER.warning("Searching the network (SADP) failed: %s", err)
        return []


async def async_find(mac: str | None, serial: str | None) -> SadpDevice | None:
    """The camera with ``mac`` (or, lacking it, ``serial``) on the network, active or not."""
    if mac is None and serial is None:
        return None
    wanted = mac.lower() if mac else None
    return next(
        (
            device
            for device in await async_search()
            if (wanted and device.mac == wanted) or (serial and device.serial_number == serial)
        ),
        None,
    )


def device_data(base: dict[str, Any], device: SadpDevice, password: str) -> dict[str, Any]:
    """Connection settings for ``device`` where it is now, with ``password``."""
    return {
        **base,
        CONF_HOST: device.ipv4,
        CONF_PORT: device.http_port or 80,
        CONF_PASSWORD: password,
    }


def _first[T: str](known: str | None, choices: tuple[T, ...]) -> tuple[T, ...]:
    """``choices`` with the one that worked last time (``known``) first."""
    return tuple(sorted(choices, key=lambda choice: choice != known))


def _target(learned: dict[str, Any]) -> tuple[str, int] | None:
    text = learned.get("target")
    return _address(text) if isinstance(text, str) and ":" in text else None


def learned_sadp(learned: dict[str, Any], outcome: SadpOutcome, variant_key: str) -> dict[str, Any]:
    """What an accepted SADP command teaches about this camera, added to what was known."""
    updated = {**learned, "target": f"{outcome.target[0]}:{outcome.target[1]}"}
    if outcome.variant is not None:
        updated[variant_key] = outcome.variant
    return updated


async def async_activate(
    hass: HomeAssistant, base: dict[str, Any], device: SadpDevice, password: str
) -> tuple[str, dict[str, Any]]:
    """Activate ``device`` with ``password``: over ISAPI when its address answers, else SADP.

    Returns ``"isapi"`` or ``"sadp"``, and what the camera taught (``CONF_SADP``); raises the
    client's errors. SADP tries the key reading that worked before first, and the other once.
    """
    client = client_from_data(hass, device_data(base, device, password))
    learned: dict[str, Any] = dict(base.get(CONF_SADP) or {})
    activated: bool | None
    try:
        async with asyncio.timeout(REACH_TIMEOUT):
            activated = await client.is_activated()
    except TimeoutError, IsapiError:
        activated = None  # its web port is out of reach (another segment): SADP it is
    if activated is False:
        await client.activate(password)
        return "isapi", learned
    if activated:
        raise IsapiError("the camera's web page says it is already activated")
    outcome = await sadp_client().activate(
        device,
        password,
        key_modes=_first(learned.get("key_mode"), (KeyMode.ASCII, KeyMode.HEX)),
        first_target=_target(learned),
    )
    return "sadp", learned_sadp(learned, outcome, "key_mode")


async def async_guess_settings(hass: HomeAssistant, host: str, port: int) -> NetworkSettings:
    """Settings that put the camera back at ``host``.

    The mask of Home Assistant's own network that contains ``host`` (from the network
    integration), and that network's first address as the gateway (the user can change both).
    """
    prefix = 24
    try:
        target = IPv4Address(host)
    except ValueError:
        target = None
    if target is not None:
        for adapter in await network.async_get_adapters(hass):
            for ipv4 in adapter["ipv4"]:
                net = IPv4Network(f"{ipv4['address']}/{ipv4['network_prefix']}", strict=False)
                if target in net:
                    prefix = net.prefixlen
                    break
    net = IPv4Network(f"{target or '192.168.1.0'}/{prefix}", strict=False)
    gateway = str(next(net.hosts(), net.network_address))
    return NetworkSettings(host, str(net.netmask), gateway, http_port=port)


async def async_guess_home(hass: HomeAssistant) -> NetworkSettings:
    """Mask and gateway of Home Assistant's own network, for a new camera; no address."""
    try:
        own = await network.async_get_source_ip(hass)
    except HomeAssistantError:
        own = "192.168.1.10"
    guess = await async_guess_settings(hass, own, 80)
    return NetworkSettings("", guess.subnet_mask, guess.gateway, http_port=80)


class AddressTakenError(Exception):
    """Another device already answers at the address the camera would get."""


async def async_answers(hass: HomeAssistant, base: dict[str, Any], host: str, port: int) -> bool:
    """Whether something answers HTTP at ``host:port`` (asked briefly, without a login)."""
    client = client_from_data(hass, {**base, CONF_HOST: host, CONF_PORT: port})
    try:
        async with asyncio.timeout(REACH_TIMEOUT):
            await client.is_activated()
    except TimeoutError, IsapiConnectionError:
        return False
    except IsapiError:
        return True  # it answered, with something else
    return True


async def async_move(
    hass: HomeAssistant,
    base: dict[str, Any],
    device: SadpDevice,
    password: str,
    settings: NetworkSettings,
) -> dict[str, Any]:
    """Give ``device`` the network ``settings`` (SADP ``update``, with its admin password).

    Refused with :class:`AddressTakenError`, nothing sent, when another device already answers
    at that address (the reset camera is not there: SADP found it elsewhere). Returns what the
    camera taught (``CONF_SADP``): the salted password's layout that worked is tried first next
    time.
    """
    if not settings.dhcp and await async_answers(hass, base, settings.ipv4, settings.http_port):
        raise AddressTakenError(settings.ipv4)
    learned: dict[str, Any] = dict(base.get(CONF_SADP) or {})
    outcome = await sadp_client().update_network(
        device,
        password,
        settings,
        username=username_of(base),
        layouts=_first(
            learned.get("update_layout"), (UpdateLayout.UUID_TAIL, UpdateLayout.ZERO_TAIL)
        ),
        first_target=_target(learned),
    )
    return learned_sadp(learned, outcome, "update_layout")


async def async_wait_back(hass: HomeAssistant, data: dict[str, Any]) -> DeviceInfo:
    """Wait until the camera answers ``deviceInfo`` at ``data``'s address with its password.

    A refused login ends the wait at once (never a second login with a refused password).
    Raises ``TimeoutError`` when it does not come back in time.
    """
    client = client_from_data(hass, data)
    async with asyncio.timeout(BACK_TIMEOUT):
        # A camera takes seconds to apply new network settings: look only after a first pause.
        # (An answer within milliseconds would also end the progress step before the frontend
        # has subscribed to it, leaving the dialog waiting.)
        await asyncio.sleep(BACK_INTERVAL)
        while True:
            try:
                return await client.device_info()
            except IsapiAuthenticationError, IsapiNotActivatedError:
                raise
            except IsapiError:
                await asyncio.sleep(BACK_INTERVAL)


def username_of(data: dict[str, Any]) -> str:
    """The admin user name of an entry's data."""
    return str(data.get(CONF_USERNAME) or "admin")


def _away(journey: dict[str, Any]) -> bool:
    """The camera Home Assistant activated is not home, and will not come on its own."""
    if journey.get("stage") != "moved":
        return True  # activated where Home Assistant cannot reach it (192.168.1.64)
    since = dt_util.parse_datetime(str(journey.get("at")))
    return since is None or (dt_util.utcnow() - since).total_seconds() > BACK_TIMEOUT


async def async_first_login(
    hass: HomeAssistant, entry: ConfigEntry[Any], coordinator: DataUpdateCoordinator[Any]
) -> None:
    """The entry's first login, or the way home again for a camera not home yet.

    A camera Home Assistant activated but did not bring home (a restart cut the journey short)
    opens the journey again instead of retrying setup forever. The entry already holds the
    password the camera accepted: one login, with that password.
    """
    pending = await async_get_pending(hass)
    journey = pending.get(JOURNEY, entry.entry_id)
    try:
        await coordinator.async_config_entry_first_refresh()
    except ConfigEntryNotReady:
        if journey is None or not _away(journey):
            raise
        async_report_trouble(hass, entry, Trouble(const.REASON_AWAY))
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN,
            translation_key=const.REASON_AWAY,
            translation_placeholders={"name": entry.title},
        ) from None
    if journey is not None:  # it came home while Home Assistant was away
        await pending.async_set(JOURNEY, entry.entry_id, None)
        async_fire_restore(hass, entry, "activation", const.STAGE_RECOVERED)
