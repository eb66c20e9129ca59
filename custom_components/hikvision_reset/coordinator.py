"""The coordinator: light polling for availability and identity, and following restores."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from . import const
from .const import DOMAIN, LOGGER
from .isapi import (
    DeviceInfo,
    IsapiAuthenticationError,
    IsapiClient,
    IsapiConnectionError,
    IsapiError,
    IsapiNotActivatedError,
    IsapiResultUnknownError,
    RestoreMode,
)
from .issues import async_clear_auth_issue, async_raise_auth_issue, issue_exists
from .lockout import (
    account_key,
    minutes_locked,
    note_auth_error,
    note_refused,
    seconds_locked,
    was_refused,
)

type HikvisionConfigEntry = ConfigEntry[HikvisionCoordinator]

_UNLOCK_RETRIES: HassKey[dict[str, CALLBACK_TYPE]] = HassKey("hikvision_reset_unlock_retries")


@callback
def async_cancel_unlock_retries(hass: HomeAssistant, entry_id: str | None = None) -> None:
    """Cancel the pending retry of one entry (or of all, with None)."""
    retries = hass.data.get(_UNLOCK_RETRIES, {})
    for key in [entry_id] if entry_id else list(retries):
        if (cancel := retries.pop(key, None)) is not None:
            cancel()


def client_from_data(hass: HomeAssistant, data: dict[str, Any]) -> IsapiClient:
    """An ISAPI client for the connection settings in ``data`` (entry data or a form)."""
    return IsapiClient(
        async_get_clientsession(hass, verify_ssl=data.get(CONF_VERIFY_SSL, True)),
        data[CONF_HOST],
        port=data[CONF_PORT],
        username=data[CONF_USERNAME],
        password=data[CONF_PASSWORD],
        ssl=data.get(CONF_SSL, False),
        verify_ssl=data.get(CONF_VERIFY_SSL, True),
    )


def key_from_data(data: dict[str, Any]) -> str:
    """The lockout key of the account in ``data``."""
    return account_key(data[CONF_HOST], data[CONF_PORT], data[CONF_USERNAME])


@dataclass(slots=True)
class RestoreState:
    """The last restore (or reboot) started from Home Assistant, and how it went."""

    mode: str
    started: datetime
    stage: str
    error: str | None = None


class HikvisionCoordinator(DataUpdateCoordinator[DeviceInfo]):
    """Polls one camera: one deviceInfo request per interval, and nothing after a refused login."""

    config_entry: HikvisionConfigEntry

    def __init__(self, hass: HomeAssistant, entry: HikvisionConfigEntry) -> None:
        """Prepare the client; nothing is sent yet."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title}",
            update_interval=const.SCAN_INTERVAL,
        )
        self.client = client_from_data(hass, dict(entry.data))
        self.lock_key = key_from_data(dict(entry.data))
        self.password: str = entry.data[CONF_PASSWORD]
        self.auth_failed = False
        self.rebooting = False
        self.last_restore: RestoreState | None = None

    @property
    def device_id(self) -> str | None:
        """The camera's device registry id."""
        device = dr.async_get(self.hass).async_get_device_by_identifier(
            (DOMAIN, str(self.config_entry.unique_id)), self.config_entry.entry_id
        )
        return device.id if device else None

    def _must_not_log_in(self) -> bool:
        """The camera refused these credentials already, or says the account is locked."""
        return (
            self.auth_failed
            or was_refused(self.hass, self.lock_key, self.password)
            or minutes_locked(self.hass, self.lock_key) is not None
        )

    async def _async_update_data(self) -> DeviceInfo:
        if self._must_not_log_in():
            # Never a second login with credentials the camera refused: wait for the user.
            self.async_handle_auth_error(None)
        try:
            info = await self.client.device_info()
        except (IsapiAuthenticationError, IsapiNotActivatedError) as err:
            self.async_handle_auth_error(err)
        except IsapiError as err:
            key = "cannot_connect" if isinstance(err, IsapiConnectionError) else "device_error"
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key=key,
                translation_placeholders={"error": str(err)},
            ) from err
        async_clear_auth_issue(self.hass, self.config_entry.entry_id)
        return info

    @callback
    def async_handle_auth_error(self, err: IsapiError | None) -> NoReturn:
        """The camera refused us: raise the repair issue, stop polling, and start reauth.

        Raises ``ConfigEntryAuthFailed`` (which makes the coordinator stop polling and Home
        Assistant start the reauth flow).
        """
        self.auth_failed = True
        entry = self.config_entry
        self._retry_after_unlock()
        if err is None and issue_exists(self.hass, entry.entry_id):
            # Nothing new to tell: keep the issue as the camera last described it.
            raise ConfigEntryAuthFailed(translation_domain=DOMAIN, translation_key="invalid_auth")
        attempts_left: int | None = None
        locked_minutes: int | None = None
        if isinstance(err, IsapiNotActivatedError):
            last = self.last_restore
            reason = (
                const.REASON_RESTORED_FULL
                if last is not None and last.mode == RestoreMode.FULL
                else const.REASON_NOT_ACTIVATED
            )
        else:
            if isinstance(err, IsapiAuthenticationError):
                note_auth_error(self.hass, self.lock_key, err)
                attempts_left = err.attempts_left
                if err.locked:
                    # A locked camera refuses every password: ours may be right. One try once
                    # the camera unlocks (someone else's failed logins may have locked it).
                    self._retry_after_unlock()
                else:
                    note_refused(self.hass, self.lock_key, self.password)
            locked_minutes = minutes_locked(self.hass, self.lock_key)
            reason = (
                const.REASON_LOCKED if locked_minutes is not None else const.REASON_INVALID_AUTH
            )
        async_raise_auth_issue(
            self.hass, entry, reason, attempts_left=attempts_left, unlock_minutes=locked_minutes
        )
        raise ConfigEntryAuthFailed(translation_domain=DOMAIN, translation_key=reason)

    @callback
    def _retry_after_unlock(self) -> None:
        """Reload the entry (one login) once the camera's lock has run out; nothing before.

        The timer lives outside the entry (a failed setup unloads it): it is kept per entry in
        ``hass.data``, and cancelled when the entry is removed or Home Assistant stops.
        """
        seconds = seconds_locked(self.hass, self.lock_key)
        retries = self.hass.data.setdefault(_UNLOCK_RETRIES, {})
        entry_id = self.config_entry.entry_id
        if seconds is None or entry_id in retries:
            return

        @callback
        def unlocked(_now: datetime) -> None:
            retries.pop(entry_id, None)
            self.hass.config_entries.async_schedule_reload(entry_id)

        retries[entry_id] = async_call_later(self.hass, seconds + const.UNLOCK_MARGIN, unlocked)

    # ---- restore / reboot ----------------------------------------------------------------------
    async def async_restore(self, mode: RestoreMode | None) -> str:
        """Send a restore (``mode``) or a reboot (None) once, then follow the reboot.

        Returns the first stage (``accepted`` or ``unconfirmed``); raises the client's error.
        """
        label = str(mode) if mode is not None else "reboot"
        self.last_restore = RestoreState(label, dt_util.utcnow(), const.STAGE_FAILED)
        try:
            if self._must_not_log_in():
                raise IsapiAuthenticationError("the camera already refused these credentials")
            if mode is None:
                await self.client.reboot()
            else:
                await self.client.restore_defaults(mode)
        except IsapiResultUnknownError:
            stage = const.STAGE_UNCONFIRMED
        except IsapiError as err:
            self.last_restore.error = type(err).__name__
            self._fire(const.STAGE_FAILED, error=str(err))
            if isinstance(err, (IsapiAuthenticationError, IsapiNotActivatedError)):
                try:
                    self.async_handle_auth_error(err)
                except ConfigEntryAuthFailed:
                    self.config_entry.async_start_reauth(self.hass)
            raise
        else:
            stage = const.STAGE_ACCEPTED
        self._fire(stage)
        self.config_entry.async_create_background_task(
            self.hass, self._follow_reboot(), f"{DOMAIN} follow restore {self.config_entry.title}"
        )
        return stage

    def _fire(self, stage: str, **extra: Any) -> None:
        assert self.last_restore is not None
        self.last_restore.stage = stage
        self.hass.bus.async_fire(
            const.EVENT_RESTORE,
            {
                "device_id": self.device_id,
                "entry_id": self.config_entry.entry_id,
                "name": self.config_entry.title,
                const.ATTR_MODE: self.last_restore.mode,
                const.ATTR_STAGE: stage,
                **extra,
            },
        )
        self.async_update_listeners()

    async def _answers(self) -> bool | None:
        """Whether the camera answers the unauthenticated activation check; None if down."""
        try:
            return await self.client.is_activated()
        except IsapiConnectionError:
            return None
        except IsapiError:
            return True  # it answers, with something we do not parse: it is up

    async def _wait_for(self, online: bool, limit: float) -> bool | None:
        """Poll until the camera is down (``online=False``) or up; the last answer, or raise."""
        async with asyncio.timeout(limit):
            while True:
                answer = await self._answers()
                if (answer is not None) == online:
                    return answer
                await asyncio.sleep(const.FOLLOW_INTERVAL)

    async def _follow_reboot(self) -> None:
        """Follow the camera through its reboot, without credentials (lockout-safe)."""
        try:
            await self._wait_for(online=False, limit=const.OFFLINE_TIMEOUT)
            self.rebooting = True
            self._fire(const.STAGE_OFFLINE)
            activated = await self._wait_for(online=True, limit=const.ONLINE_TIMEOUT)
        except TimeoutError:
            self.rebooting = False
            self._fire(const.STAGE_TIMEOUT)
            await self.async_request_refresh()
            return
        self.rebooting = False
        self._fire(const.STAGE_ONLINE, activated=activated)
        await self.async_refresh()
