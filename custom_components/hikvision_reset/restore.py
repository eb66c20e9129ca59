"""Restoring and rebooting one camera: sent once, one at a time, then followed through the reboot.

A restore (or reboot) is "in progress" from the moment it is sent until the camera is back
online or the wait times out; meanwhile another one for the same camera is refused before
anything is sent. The reboot is followed without credentials (``/SDK/activateStatus``), so a
camera whose password was wiped is never sent a login.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from homeassistant.const import CONF_PASSWORD
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util

from . import const
from .backups import (
    CONF_BACKUP_PASSWORDS,
    CONF_SETTINGS_DOWNLOAD,
    Backup,
    BackupDiskError,
    BackupFailedError,
    BackupTooLargeError,
    SettingsBackup,
    async_list,
    async_read,
    async_take,
    known_absent,
    learned,
    not_offered,
)
from .const import DOMAIN
from .isapi import (
    IsapiAccountLockedError,
    IsapiAuthenticationError,
    IsapiConnectionError,
    IsapiError,
    IsapiNotActivatedError,
    IsapiResultUnknownError,
    IsapiTooLargeError,
    IsapiTransferError,
    IsapiUnsupportedAuthError,
    RestoreMode,
)
from .sentences import async_sentence
from .trouble import Trouble, async_report_trouble, trouble_for

if TYPE_CHECKING:
    from .coordinator import HikvisionCoordinator
    from .data import HikvisionConfigEntry


class AlreadyRestoringError(Exception):
    """A restore or reboot of this camera is still in progress: nothing was sent."""


class NoBackupError(Exception):
    """There is no saved configuration of this camera (by that name): nothing was sent."""


class NothingSentError(IsapiError):
    """Refused before anything was sent (the user must act in the reauth journey first)."""


class RefusedNothingSentError(NothingSentError, IsapiAuthenticationError):
    """The camera refused these credentials before: they are not sent again."""


class LockedNothingSentError(NothingSentError, IsapiAccountLockedError):
    """The camera has the account locked: nothing is sent before it unlocks."""


class InactiveNothingSentError(NothingSentError, IsapiNotActivatedError):
    """The camera is inactive (reset): it must be activated in the reauth journey first."""


@dataclass(slots=True)
class RestoreState:
    """The last restore (or reboot) started from Home Assistant, and how it went."""

    mode: str
    started: datetime
    stage: str
    error: str | None = None
    settings: SettingsBackup | None = None  # restores only: what became of the settings
    backup: str | None = None  # the file saved first
    backup_error: str | None = None  # why there is none, as the person reads it


@dataclass(frozen=True, slots=True)
class Sent:
    """What a restore or reboot sent: its first stage, and what became of the settings."""

    stage: str
    settings: SettingsBackup | None = None
    backup: str | None = None
    backup_error: str | None = None


class Restorer:
    """Sends one camera's restores and reboots, and follows them."""

    def __init__(
        self, hass: HomeAssistant, entry: HikvisionConfigEntry, coordinator: HikvisionCoordinator
    ) -> None:
        """Nothing is sent until :meth:`async_run`."""
        self.hass = hass
        self.entry = entry
        self.coordinator = coordinator
        self.client = coordinator.client
        self.last: RestoreState | None = None
        self.rebooting = False
        self.in_progress = False
        self._went_down = False
        self._password_after: str | None = None

    @property
    def device_id(self) -> str | None:
        """The camera's device registry id."""
        device = dr.async_get(self.hass).async_get_device_by_identifier(
            (DOMAIN, str(self.entry.unique_id)), self.entry.entry_id
        )
        return device.id if device else None

    async def async_run(self, mode: RestoreMode | None, *, backup: bool = True) -> Sent:
        """Send a restore (``mode``) or a reboot (None) once, then follow the reboot.

        Before a restore the camera's settings are saved when it offers them (``backup``
        False: not even tried). Only a failed download of settings the camera does offer stops
        the restore. Raises :class:`AlreadyRestoringError` or the client's error.
        """

        async def send() -> str:
            if mode is not None:
                await self._save_settings(backup)
            return await self._send(mode)

        stage = await self._start(str(mode) if mode is not None else "reboot", send)
        if mode == RestoreMode.FULL:
            self.coordinator.full_restore_sent = True
        assert self.last is not None
        return Sent(stage, self.last.settings, self.last.backup, self.last.backup_error)

    async def async_put_back(self, name: str | None = None) -> tuple[str, Backup]:
        """Upload a saved configuration (the newest, or ``name``); the camera reboots with it.

        Raises :class:`NoBackupError` when there is none (nothing is sent).
        """
        backups = await async_list(self.hass, str(self.entry.unique_id))
        chosen = next((b for b in backups if name in (None, b.name)), None)
        if chosen is None:
            raise NoBackupError(name or "")
        passwords = self.entry.data.get(CONF_BACKUP_PASSWORDS, {})
        try:
            data = await async_read(self.hass, chosen)
        except OSError as err:  # removed or unreadable since it was listed
            raise NoBackupError(chosen.name) from err

        async def send() -> str:
            try:
                await self.client.upload_configuration(data)
            except IsapiResultUnknownError:
                return const.STAGE_UNCONFIRMED
            finally:
                # The file carries the admin password of its time: log in with that one.
                self._password_after = passwords.get(chosen.name)
            return const.STAGE_ACCEPTED

        return await self._start("configuration", send), chosen

    async def _start(self, label: str, send: Callable[[], Awaitable[str]]) -> str:
        """Claim the camera, send, report, and follow the reboot; one at a time, never resent."""
        if self.in_progress:
            raise AlreadyRestoringError(self.entry.title)
        # Claimed before the first await: a second press in the same instant finds it taken.
        self.in_progress = True
        self._password_after = None
        self.last = RestoreState(label, dt_util.utcnow(), const.STAGE_FAILED)
        stage: str | None = None
        try:
            if await self.coordinator.must_not_log_in():
                raise self._refusal()  # nothing is sent; the reauth journey is already open
            stage = await send()
        except IsapiError as err:
            self.last.error = type(err).__name__
            self._fire(const.STAGE_FAILED, error=str(err))
            if isinstance(err, (IsapiAuthenticationError, IsapiNotActivatedError)) and not (
                isinstance(err, NothingSentError)
            ):
                try:
                    await self.coordinator.async_auth_failed(err)
                except ConfigEntryAuthFailed:
                    self.entry.async_start_reauth(self.hass)
            raise
        finally:
            if stage is None:  # whatever went wrong (a missing backup file too): not restoring
                self.in_progress = False
        self._fire(stage)
        self.entry.async_create_background_task(
            self.hass, self._follow(), f"{DOMAIN} follow restore {self.entry.title}"
        )
        return stage

    async def _save_settings(self, wanted: bool) -> None:
        """Save the settings before a restore, when the camera offers them.

        A camera that does not offer them is told so and restored anyway, and what it offers is
        kept with the entry; a failed download of settings it does offer raises (nothing sent).
        """
        assert self.last is not None
        info = self.coordinator.data
        firmware = " ".join(v for v in (info.firmware_version, info.firmware_build) if v) or None
        outcome = known_absent(self.entry.data, firmware) if wanted else SettingsBackup.SKIPPED
        taken: Backup | None = None
        if outcome is None:
            try:
                taken = await async_take(self.hass, self.client, str(self.entry.unique_id))
            except IsapiTransferError as err:  # it had begun: the camera offers it
                raise BackupFailedError(str(err)) from err
            except (
                IsapiAuthenticationError,
                IsapiNotActivatedError,
                IsapiUnsupportedAuthError,
                IsapiConnectionError,
            ):
                raise  # told as what they are: a refused login, an inactive or unreachable camera
            except IsapiTooLargeError as err:
                raise BackupTooLargeError(str(err)) from err
            except OSError as err:
                raise BackupDiskError(str(err)) from err
            except IsapiError as err:
                outcome = not_offered(err)
                if outcome is None:
                    raise BackupFailedError(str(err)) from err
            else:
                outcome = SettingsBackup.SAVED
            await self._remember(outcome, firmware, taken)
        self.last.settings = outcome
        self.last.backup = taken.name if taken else None
        if outcome is not SettingsBackup.SAVED:
            self.last.backup_error = await async_sentence(
                self.hass, f"backup_{outcome}", name=self.entry.title
            )

    async def _remember(
        self, outcome: SettingsBackup, firmware: str | None, taken: Backup | None
    ) -> None:
        """Keep with the entry what the camera offers, and the password of a new backup."""
        data = {**self.entry.data, CONF_SETTINGS_DOWNLOAD: learned(outcome, firmware)}
        if taken is not None:
            kept = {b.name for b in await async_list(self.hass, str(self.entry.unique_id))}
            passwords = {k: v for k, v in data.get(CONF_BACKUP_PASSWORDS, {}).items() if k in kept}
            passwords[taken.name] = self.coordinator.password
            data[CONF_BACKUP_PASSWORDS] = passwords
        if data != self.entry.data:
            self.hass.config_entries.async_update_entry(self.entry, data=data)

    def _refusal(self) -> IsapiError:
        """Why nothing is sent: the camera is inactive, locked, or refused these credentials."""
        trouble = trouble_for(self.hass, self.entry.entry_id)
        if trouble is not None and trouble.reason in (
            const.REASON_NOT_ACTIVATED,
            const.REASON_RESTORED_FULL,
        ):
            return InactiveNothingSentError("the camera is inactive")
        if self.coordinator.memory.minutes_locked(self.coordinator.lock_key) is not None:
            return LockedNothingSentError("the account is locked", locked=True)
        return RefusedNothingSentError("the camera already refused these credentials")

    async def _send(self, mode: RestoreMode | None) -> str:
        try:
            if mode is None:
                await self.client.reboot()
            else:
                await self.client.restore_defaults(mode)
        except IsapiResultUnknownError:
            return const.STAGE_UNCONFIRMED
        return const.STAGE_ACCEPTED

    def _fire(self, stage: str, **extra: Any) -> None:
        last = self.last
        assert last is not None
        last.stage = stage
        settings = (
            {}
            if last.settings is None
            else {
                "settings_backup": str(last.settings),
                "backup": last.backup,
                "backup_error": last.backup_error,
            }
        )
        self.hass.bus.async_fire(
            const.EVENT_RESTORE,
            {
                "device_id": self.device_id,
                "entry_id": self.entry.entry_id,
                "name": self.entry.title,
                const.ATTR_MODE: last.mode,
                const.ATTR_STAGE: stage,
                **settings,
                **extra,
            },
        )
        self.coordinator.async_update_listeners()

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

    async def _follow(self) -> None:
        """Follow the camera through its reboot, without credentials (lockout-safe)."""
        try:
            self._went_down = False
            await self._wait_for(online=False, limit=const.OFFLINE_TIMEOUT)
            self.rebooting = self._went_down = True
            self._fire(const.STAGE_OFFLINE)
            activated = await self._wait_for(online=True, limit=const.ONLINE_TIMEOUT)
        except TimeoutError:
            self.rebooting = False
            self.in_progress = False
            self._fire(const.STAGE_TIMEOUT)
            if self.last is not None and self.last.mode == RestoreMode.FULL and self._went_down:
                # Wiped, and not back at its address: a full restore resets the network settings
                # too (192.168.1.64). The reauth journey finds it by SADP and brings it home.
                async_report_trouble(self.hass, self.entry, Trouble(const.REASON_RESTORED_FULL))
                self.coordinator.auth_failed = True
                self.entry.async_start_reauth(self.hass)
                return
            await self.coordinator.async_request_refresh()
            return
        self.rebooting = False
        self.in_progress = False
        self._fire(const.STAGE_ONLINE, activated=activated)
        if self._password_after and self._password_after != self.coordinator.password:
            # Settings put back with another admin password: log in with that one from now on.
            self.hass.config_entries.async_update_entry(
                self.entry, data={**self.entry.data, CONF_PASSWORD: self._password_after}
            )
            self.hass.config_entries.async_schedule_reload(self.entry.entry_id)
            return
        await self.coordinator.async_refresh()
