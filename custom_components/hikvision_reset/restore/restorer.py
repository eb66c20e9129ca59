"""Restoring and rebooting one camera: sent once, one at a time, followed through the reboot.

Invariants: a restore (or reboot, or settings put back) is claimed before the first await until
the camera is back or the wait times out, across a restart too (kept before its command goes
out); another one for the same camera is refused before anything is sent. The follow asks no
credentials, so a wiped camera is never sent a login. (One class: all share the claim.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .. import const
from ..const import DOMAIN
from ..errors import EXPLAINED, AlreadyRestoringError, NoRouteError
from ..events import async_fire_restore_event
from ..isapi import (
    IsapiAuthenticationError,
    IsapiClient,
    IsapiNotActivatedError,
    IsapiResultUnknownError,
    RestoreMode,
)
from ..pending import JOURNEY, RESTORE, async_get_pending
from . import backups
from .backups import Backup
from .follow import async_follow
from .record import RestoreState, Sent
from .settings import (
    SettingsBackup,
    async_choose_backup,
    async_save_before_restore,
    async_settings_told,
    firmware_of,
)
from .target import Guard, Target


class Restorer:
    """Sends one camera's restores and reboots, and follows them."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry[Any], target: Target) -> None:
        """``target``: the camera (``entry``'s own, or one behind its recorder)."""
        self.hass, self.entry = hass, entry
        self._target = target
        self.last: RestoreState | None = None
        self.rebooting = self.in_progress = False
        self._password_after: str | None = None

    @property
    def target(self) -> Target:
        """The camera and its route; a restore under way keeps the one it started with."""
        return self._target

    @target.setter
    def target(self, target: Target) -> None:
        """Another route (chosen only while nothing is under way: a restore keeps its own)."""
        self._target = target

    def _release(self) -> None:
        """The restore is over: the next one may start."""
        self.in_progress = False

    @property
    def guard(self) -> Guard:
        """Whether Home Assistant may log in to the camera."""
        return self.target.guard

    @property
    def client(self) -> IsapiClient:
        """The camera's route (a camera the restorer cannot reach is refused before)."""
        if self.target.client is None:
            raise NoRouteError(self.target.name)
        return self.target.client

    async def async_run(self, mode: RestoreMode | None, *, backup: bool = True) -> Sent:
        """Send a restore (``mode``) or a reboot (None) once, then follow the reboot.

        Before a restore the camera's settings are saved when it offers them (``backup``
        False: not even tried). Only a failed download of settings the camera does offer stops
        the restore. Raises :class:`AlreadyRestoringError`, the client's errors or ours.
        """
        if mode is not None and self.target.client is None:
            raise NoRouteError(self.target.name)  # nothing is claimed, nothing is sent

        async def send() -> str:
            if mode is not None:
                await self._save_settings(backup)
            await self._keep()  # before the command: a restart must not send it again
            if mode == RestoreMode.FULL:  # from now on, an inactive camera is this restore's
                self.guard.note_full_restore()
            return await self._send(mode)

        stage = await self._start(str(mode) if mode is not None else "reboot", send)
        assert self.last is not None
        return Sent(stage, self.last.settings, self.last.backup, self.last.backup_error)

    async def async_restore_configuration(self, name: str | None = None) -> tuple[str, Backup]:
        """Put saved settings back (the newest, or ``name``): :class:`NoBackupError` if none."""
        chosen, passwords = await async_choose_backup(
            self.hass, self.entry, self.target.settings(), self.target.name, name
        )

        async def send() -> str:
            assert self.last is not None
            self.last.put_back = chosen.name
            await self._keep()
            stage, self._password_after = await backups.async_restore_configuration(
                self.hass, self.client, chosen, passwords
            )
            return stage

        return await self._start("configuration", send), chosen

    async def _start(self, label: str, send: Callable[[], Awaitable[str]]) -> str:
        """Claim the camera, send, report, and follow the reboot; one at a time, never resent."""
        if self.in_progress:
            raise AlreadyRestoringError(self.target.name)
        # Claimed before the first await: a second press in the same instant finds it taken.
        self.in_progress = True
        self._password_after = None
        self.last = RestoreState(label, dt_util.utcnow(), const.STAGE_SENDING)
        stage: str | None = None
        try:
            if await self.guard.must_not_log_in():
                raise self.guard.refusal()  # nothing is sent; the reauth journey is open
            if self.target.verify is not None:
                await self.target.verify()  # the address answers as this camera
            stage = await send()
        except EXPLAINED as err:
            self.last.error = type(err).__name__
            self._fire(const.STAGE_FAILED, error=str(err))
            if isinstance(err, (IsapiAuthenticationError, IsapiNotActivatedError)):
                await self.guard.async_refused_while_acting(err)
                if (told := self.guard.told(err)) is not err:
                    raise told from err  # what to do depends on whose login it was
            raise
        except asyncio.CancelledError:  # Home Assistant stops: a command kept as sent resumes
            stage = const.STAGE_INTERRUPTED  # (so it is not forgotten below)
            raise
        finally:
            if stage is None:  # whatever went wrong (a missing backup file too): not restoring
                self._release()
                await self._forget()
        self._fire(stage)
        await self._keep()
        self._start_follow()
        return stage

    async def _save_settings(self, wanted: bool) -> None:
        """What becomes of the settings before a restore (see ``settings``)."""
        assert self.last is not None
        place = self.target.settings()
        if place is None or not place.carried:
            told = SettingsBackup.BEHIND_RECORDER
            saved = await async_settings_told(self.hass, self.target.name, told)
        elif wanted:
            saved = await async_save_before_restore(
                self.hass,
                self.entry,
                place,
                self.client,
                name=self.target.name,
                password=self.target.password,
                firmware=firmware_of(self.target.identity()),
            )
        else:
            saved = await async_settings_told(self.hass, self.target.name, SettingsBackup.SKIPPED)
        self.last.settings = saved.outcome
        self.last.backup = saved.backup.name if saved.backup else None
        self.last.backup_error = saved.sentence

    async def _send(self, mode: RestoreMode | None) -> str:
        try:
            if mode is None:
                await self.target.reboot()
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
        data = {**self.target.about(), **settings, **extra}
        async_fire_restore_event(self.hass, data, last.mode, stage)
        self.target.updated()

    # ---- kept across restarts -----------------------------------------------------------------
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
        if last.put_back and (place := self.target.settings()) is not None:
            kept = place.backup_passwords(self.entry.data).get(last.put_back)
            self._password_after = kept if isinstance(kept, str) else None
        if last.mode == RestoreMode.FULL:
            self.guard.note_full_restore()
        last.stage = const.STAGE_INTERRUPTED  # (sent, or maybe sent: followed either way)
        self.target.updated()
        self._start_follow()
        return True

    async def _keep(self) -> None:
        """Keep the restore under way across a restart, with what the camera said it is."""
        assert self.last is not None
        pending = await async_get_pending(self.hass)
        record = {**self.last.as_record(), "device": asdict(self.target.identity())}
        await pending.async_set(RESTORE, self.target.key, record)

    async def _forget(self) -> None:
        """The restore is over: nothing to resume; kept as the camera's last one."""
        pending = await async_get_pending(self.hass)
        last = self.last  # (one that died unsent, a bug's, is no "last restore")
        ended = last.as_record() if last and last.stage != const.STAGE_SENDING else None
        await pending.async_end(self.target.key, ended)

    # ---- the follow ---------------------------------------------------------------------------
    def _start_follow(self) -> None:
        self.entry.async_create_background_task(
            self.hass, self._follow(), f"{DOMAIN} follow restore {self.target.name}"
        )

    async def _follow(self) -> None:
        """Follow the camera through its reboot, then tell how it ended."""
        assert self.last is not None
        resumed = self.last.stage == const.STAGE_INTERRUPTED
        if self._password_after and (resumed or self._password_after != self.target.password):
            await self.target.password_put_back(self._password_after)  # (told once more: resumed)
        followed = await async_follow(self.target.is_up, self.last, resumed, self._went_down)
        if followed.online:
            await self._back_online(followed.activated)
        else:
            await self._timed_out()

    async def _went_down(self) -> None:
        self.rebooting = True
        self._fire(const.STAGE_OFFLINE)
        await self._keep()

    async def _timed_out(self) -> None:
        assert self.last is not None
        self.rebooting = False
        self._release()
        went_down = self.last.down_at is not None
        self._fire(const.STAGE_TIMEOUT)
        await self._forget()
        if self.last.mode == RestoreMode.FULL and went_down:
            # Wiped, and not back at its address: a full restore resets the network settings
            # too (192.168.1.64). The way home finds it by SADP and brings it home; kept, so
            # that a restart before then opens it again.
            pending = await async_get_pending(self.hass)
            wiped = {"stage": "wiped", "mac": None, "at": dt_util.utcnow().isoformat()}
            await pending.async_set(JOURNEY, self.target.key, wiped)
            self.guard.async_gone_after_full_restore()
            return
        await self.target.timed_out()

    async def _back_online(self, activated: bool | None) -> None:
        self.rebooting = False
        self._release()
        self._fire(const.STAGE_ONLINE, activated=activated)
        await self._forget()
        if self._password_after and self._password_after != self.target.password:
            # Settings put back with another admin password: log in with that one from now on.
            await self.target.new_password(self._password_after)
            return
        await self.target.back()
