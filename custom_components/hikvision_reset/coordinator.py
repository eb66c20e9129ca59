"""The coordinator: light polling for availability and identity, and nothing after a refusal."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, NoReturn

from homeassistant.const import CONF_PASSWORD
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util.hass_dict import HassKey

from . import const
from .const import DOMAIN, LOGGER
from .isapi import (
    DeviceInfo,
    IsapiAuthenticationError,
    IsapiConnectionError,
    IsapiError,
    IsapiNotActivatedError,
    IsapiUnsupportedAuthError,
)
from .lockout import LoginMemory
from .login import client_from_data, key_from_data
from .trouble import Trouble, async_clear_trouble, async_report_trouble, trouble_for

if TYPE_CHECKING:
    from .data import HikvisionConfigEntry

_UNLOCK_RETRIES: HassKey[dict[str, CALLBACK_TYPE]] = HassKey(f"{DOMAIN}_unlock_retries")


@callback
def async_cancel_unlock_retries(hass: HomeAssistant, entry_id: str | None = None) -> None:
    """Cancel the pending retry of one entry (or of all, with None)."""
    retries = hass.data.get(_UNLOCK_RETRIES, {})
    for key in [entry_id] if entry_id else list(retries):
        if (cancel := retries.pop(key, None)) is not None:
            cancel()


class HikvisionCoordinator(DataUpdateCoordinator[DeviceInfo]):
    """Polls one camera: one deviceInfo request per interval, and nothing after a refused login."""

    config_entry: HikvisionConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: HikvisionConfigEntry, memory: LoginMemory
    ) -> None:
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
        self.memory = memory
        self.password: str = entry.data[CONF_PASSWORD]
        self.auth_failed = False
        # Set by the restore controller: an inactive camera was fully reset from Home Assistant.
        self.full_restore_sent = False

    async def must_not_log_in(self) -> bool:
        """The camera refused these credentials already, or says the account is locked."""
        return (
            self.auth_failed
            or await self.memory.was_refused(self.lock_key, self.password)
            or self.memory.minutes_locked(self.lock_key) is not None
        )

    async def _async_update_data(self) -> DeviceInfo:
        if await self.must_not_log_in():
            # Never a second login with credentials the camera refused: wait for the user.
            await self.async_auth_failed(None)
        try:
            info = await self.client.device_info()
        except (IsapiAuthenticationError, IsapiNotActivatedError) as err:
            await self.async_auth_failed(err)
        except IsapiUnsupportedAuthError as err:
            # Not a refused login: nothing was sent. The user must turn digest back on.
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="digest_disabled",
                translation_placeholders={"name": self.config_entry.title},
            ) from err
        except IsapiError as err:
            key = "cannot_connect" if isinstance(err, IsapiConnectionError) else "device_error"
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key=key,
                translation_placeholders={"name": self.config_entry.title, "error": str(err)},
            ) from err
        async_clear_trouble(self.hass, self.config_entry.entry_id)
        return info

    async def async_auth_failed(self, err: IsapiError | None) -> NoReturn:
        """The camera refused us: remember why, stop polling, and start reauth.

        Raises ``ConfigEntryAuthFailed``, which makes the coordinator stop polling and Home
        Assistant start the reauth flow (and its one "Authentication expired" repair).
        ``err`` None: nothing was sent (the credentials were refused before, or the account is
        locked); what the camera said last time still holds.
        """
        self.auth_failed = True
        entry = self.config_entry
        self._retry_after_unlock()
        reason = const.REASON_INVALID_AUTH
        attempts_left: int | None = None
        if isinstance(err, IsapiNotActivatedError):
            reason = (
                const.REASON_RESTORED_FULL if self.full_restore_sent else const.REASON_NOT_ACTIVATED
            )
        elif isinstance(err, IsapiAuthenticationError):
            self.memory.note_auth_error(self.lock_key, err)
            attempts_left = err.attempts_left
            if err.locked:
                # A locked camera refuses every password: ours may be right. One try once the
                # camera unlocks (someone else's failed logins may have locked it).
                self._retry_after_unlock()
            else:
                await self.memory.note_refused(self.lock_key, self.password)
        locked_minutes = self.memory.minutes_locked(self.lock_key)
        if locked_minutes is not None:
            reason = const.REASON_LOCKED
        if err is not None or trouble_for(self.hass, entry.entry_id) is None:
            async_report_trouble(self.hass, entry, Trouble(reason, attempts_left, locked_minutes))
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN,
            translation_key=reason,
            translation_placeholders={"name": entry.title, "minutes": str(locked_minutes)},
        )

    @callback
    def _retry_after_unlock(self) -> None:
        """Reload the entry (one login) once the camera's lock has run out; nothing before.

        The timer lives outside the entry (a failed setup unloads it): it is kept per entry in
        ``hass.data``, and cancelled when the entry is removed or Home Assistant stops.
        """
        seconds = self.memory.seconds_locked(self.lock_key)
        retries = self.hass.data.setdefault(_UNLOCK_RETRIES, {})
        entry_id = self.config_entry.entry_id
        if seconds is None or entry_id in retries:
            return

        @callback
        def unlocked(_now: datetime) -> None:
            retries.pop(entry_id, None)
            self.hass.config_entries.async_schedule_reload(entry_id)

        retries[entry_id] = async_call_later(self.hass, seconds + const.UNLOCK_MARGIN, unlocked)
