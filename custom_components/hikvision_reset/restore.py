"""Restoring and rebooting one camera: sent once, one at a time, then followed through the reboot.

A restore (or reboot) is "in progress" from the moment it is sent until the camera is back
online or the wait times out; meanwhile another one for the same camera is refused before
anything is sent. The reboot is followed without credentials (``/SDK/activateStatus``), so a
camera whose password was wiped is never sent a login.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.const import CONF_PASSWORD
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed
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
from .events import async_fire_restore
from .isapi import (
    DeviceInfo,
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
from .pending import RESTORE, async_get_pending
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
    down_at: datetime | None = None  # when the camera was seen going down
    put_back: str | None = None  # the backup being put back (its password is the entry's)

    def as_record(self) -> dict[str, Any]:
        """What is kept across a restart."""
        return {
            "mode": self.mode,
            "started": self.started.isoformat(),
            "stage": self.stage,
            "error": self.error,
            "settings": None if self.settings is None else str(self.settings),
            "backup": self.backup,
            "backup_error": self.backup_error,
            "down_at": None if self.down_at is None else self.down_at.isoformat(),
            "put_back": self.put_back,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> RestoreState | None:
        """A kept restore, or None when the record is unreadable."""
        started = dt_util.parse_datetime(str(record.get("started")))
        if started is None or not isinstance(record.get("mode"), str):
            return None
        down_at = dt_util.parse_datetime(str(record.get("down_at") or ""))
        settings = record.get("settings")
        return cls(
            mode=record["mode"],
            started=started,
            stage=str(record.get("stage")),
            error=record.get("error"),
            settings=SettingsBackup(settings) if settings in set(SettingsBackup) else None,
            backup=record.get("backup"),
            backup_error=record.get("backup_error"),
            down_at=down_at,
            put_back=record.get("put_back"),
        )


def device_info_from(record: Any) -> DeviceInfo | None:
    """The camera's identity as a kept restore recorded it (None when unreadable)."""
    names = {f.name for f in fields(DeviceInfo)}
    if not isinstance(record, dict) or set(record) != names:
        return None
    if not all(isinstance(v, str) or v is None for v in record.values()):
        return None
    if not record["model"] or not record["serial_number"] or record["name"] is None:
        return None
    return DeviceInfo(**record)


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
        self._password_after: str | None = None

    async def async_run(self, mode: RestoreMode | None, *, backup: bool = True) -> Sent:
        """Send a restore (``mode``) or a reboot (None) once, then follow the reboot.

        Before a restore the camera's settings are saved when it offers them (``backup``
        False: not even tried). Only a failed download of settings the camera does offer stops
        the restore. Raises :class:`AlreadyRestoringError` or the client's error.
        """

        async def send() -> str:
            if mode is not None:
                await self._save_settings(backup)
            await self._keep()  # before the command: a restart must not send it again
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
            assert self.last is not None
            self.last.put_back = chosen.name
            await self._keep()
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
        self.last = RestoreState(label, dt_util.utcnow(), const.STAGE_SENDING)
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
                await self._forget()
        self._fire(stage)
        await self._keep()
        self._start_follow()
        return stage

    def _start_follow(self) -> None:
        self.entry.async_create_background_task(
            self.hass, self._follow(), f"{DOMAIN} follow restore {self.entry.title}"
        )

    def resume(self, record: dict[str, Any]) -> bool:
        """Pick up a restore that a restart interrupted: claimed again, followed again.

        Nothing is sent: the follow asks the unauthenticated activation check, with the same
        deadlines as before the restart. False when the record is unreadable.
        """
        last = RestoreState.from_record(record)
        if last is None:
            return False
        self.last, self.in_progress = last, True
        self.rebooting = last.down_at is not None
        if last.stage == const.STAGE_SENDING:  # it may or may not have reached the camera
            last.stage = const.STAGE_UNCONFIRMED
        if last.put_back:
            self._password_after = self.entry.data.get(CONF_BACKUP_PASSWORDS, {}).get(last.put_back)
        if last.mode == RestoreMode.FULL:
            self.coordinator.full_restore_sent = True
        last.stage = const.STAGE_INTERRUPTED
        self.coordinator.async_update_listeners()
        self._start_follow()
        return True

    async def _keep(self) -> None:
        """Keep the restore under way across a restart, with what the camera said it is."""
        assert self.last is not None
        pending = await async_get_pending(self.hass)
        record = {**self.last.as_record(), "device": asdict(self.coordinator.data)}
        await pending.async_set(RESTORE, self.entry.entry_id, record)

    async def _forget(self) -> None:
        """The restore is over: nothing to resume."""
        pending = await async_get_pending(self.hass)
        await pending.async_set(RESTORE, self.entry.entry_id, None)

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
        if trouble is not None and trouble.reason in const.INACTIVE_REASONS:
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
        async_fire_restore(self.hass, self.entry, last.mode, stage, **settings, **extra)
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
        """Poll until the camera is down (``online=False``) or up; the last answer, or raise.

        It is asked once even when no time is left (a restore resumed late).
        """
        answer = await self._answers()
        if (answer is not None) == online:
            return answer
        async with asyncio.timeout(limit):
            while True:
                await asyncio.sleep(const.FOLLOW_INTERVAL)
                answer = await self._answers()
                if (answer is not None) == online:
                    return answer

    def _seconds_left(self, since: datetime, limit: float) -> float:
        return max(0.0, (since - dt_util.utcnow()).total_seconds() + limit)

    async def _follow(self) -> None:
        """Follow the camera through its reboot, without credentials (lockout-safe).

        The deadlines count from the restore's own times (kept across restarts): it must go
        down within ``OFFLINE_TIMEOUT`` of being sent and come back within ``ONLINE_TIMEOUT`` of
        going down, whether or not Home Assistant restarted in between.
        """
        last = self.last
        assert last is not None
        resumed = last.stage == const.STAGE_INTERRUPTED
        try:
            if last.down_at is None:
                left = self._seconds_left(last.started, const.OFFLINE_TIMEOUT)
                answer = await self._answers()
                if resumed and answer is not None and left <= 0:
                    # Up, past the window in which it had to go down: it rebooted while Home
                    # Assistant was away.
                    await self._finished(answer)
                    return
                if answer is not None:
                    await self._wait_for(online=False, limit=left)
                # Seen down (or, resumed while down, at the latest moment it could have gone).
                offline_by = last.started + timedelta(seconds=const.OFFLINE_TIMEOUT)
                last.down_at = min(dt_util.utcnow(), offline_by) if resumed else dt_util.utcnow()
                self.rebooting = True
                self._fire(const.STAGE_OFFLINE)
                await self._keep()
            activated = await self._wait_for(
                online=True, limit=self._seconds_left(last.down_at, const.ONLINE_TIMEOUT)
            )
        except TimeoutError:
            await self._timed_out()
            return
        await self._finished(activated)

    async def _timed_out(self) -> None:
        assert self.last is not None
        self.rebooting = False
        self.in_progress = False
        went_down = self.last.down_at is not None
        self._fire(const.STAGE_TIMEOUT)
        await self._forget()
        if self.last.mode == RestoreMode.FULL and went_down:
            # Wiped, and not back at its address: a full restore resets the network settings
            # too (192.168.1.64). The reauth journey finds it by SADP and brings it home.
            async_report_trouble(self.hass, self.entry, Trouble(const.REASON_RESTORED_FULL))
            self.coordinator.auth_failed = True
            self.entry.async_start_reauth(self.hass)
            return
        await self.coordinator.async_request_refresh()

    async def _finished(self, activated: bool | None) -> None:
        self.rebooting = False
        self.in_progress = False
        self._fire(const.STAGE_ONLINE, activated=activated)
        await self._forget()
        if self._password_after and self._password_after != self.coordinator.password:
            # Settings put back with another admin password: log in with that one from now on.
            self.hass.config_entries.async_update_entry(
                self.entry, data={**self.entry.data, CONF_PASSWORD: self._password_after}
            )
            self.hass.config_entries.async_schedule_reload(self.entry.entry_id)
            return
        await self.coordinator.async_refresh()
