"""Restoring and rebooting one camera: sent once, one at a time, then followed through the reboot.

A restore (or reboot) is "in progress" from the moment it is sent until the camera is back
online or the wait times out; meanwhile another one for the same camera is refused before
anything is sent. The reboot is followed without credentials (``/SDK/activateStatus``), so a
camera whose password was wiped is never sent a login.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util

from . import const
from .const import DOMAIN
from .isapi import (
    IsapiAccountLockedError,
    IsapiAuthenticationError,
    IsapiConnectionError,
    IsapiError,
    IsapiNotActivatedError,
    IsapiResultUnknownError,
    RestoreMode,
)
from .trouble import trouble_for

if TYPE_CHECKING:
    from .coordinator import HikvisionCoordinator
    from .data import HikvisionConfigEntry


class AlreadyRestoringError(Exception):
    """A restore or reboot of this camera is still in progress: nothing was sent."""


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

    @property
    def device_id(self) -> str | None:
        """The camera's device registry id."""
        device = dr.async_get(self.hass).async_get_device_by_identifier(
            (DOMAIN, str(self.entry.unique_id)), self.entry.entry_id
        )
        return device.id if device else None

    async def async_run(self, mode: RestoreMode | None) -> str:
        """Send a restore (``mode``) or a reboot (None) once, then follow the reboot.

        Returns the first stage (``accepted`` or ``unconfirmed``); raises
        :class:`AlreadyRestoringError` or the client's error.
        """
        if self.in_progress:
            raise AlreadyRestoringError(self.entry.title)
        # Claimed before the first await: a second press in the same instant finds it taken.
        self.in_progress = True
        label = str(mode) if mode is not None else "reboot"
        self.last = RestoreState(label, dt_util.utcnow(), const.STAGE_FAILED)
        try:
            if await self.coordinator.must_not_log_in():
                raise self._refusal()  # nothing is sent; the reauth journey is already open
            stage = await self._send(mode)
        except IsapiError as err:
            self.in_progress = False
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
        if mode == RestoreMode.FULL:
            self.coordinator.full_restore_sent = True
        self._fire(stage)
        self.entry.async_create_background_task(
            self.hass, self._follow(), f"{DOMAIN} follow restore {self.entry.title}"
        )
        return stage

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
        assert self.last is not None
        self.last.stage = stage
        self.hass.bus.async_fire(
            const.EVENT_RESTORE,
            {
                "device_id": self.device_id,
                "entry_id": self.entry.entry_id,
                "name": self.entry.title,
                const.ATTR_MODE: self.last.mode,
                const.ATTR_STAGE: stage,
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
            await self._wait_for(online=False, limit=const.OFFLINE_TIMEOUT)
            self.rebooting = True
            self._fire(const.STAGE_OFFLINE)
            activated = await self._wait_for(online=True, limit=const.ONLINE_TIMEOUT)
        except TimeoutError:
            self.rebooting = False
            self.in_progress = False
            self._fire(const.STAGE_TIMEOUT)
            await self.coordinator.async_request_refresh()
            return
        self.rebooting = False
        self.in_progress = False
        self._fire(const.STAGE_ONLINE, activated=activated)
        await self.coordinator.async_refresh()
