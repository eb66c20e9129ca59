"""The cameras behind one recorder at run time: found from its channel list and kept in step.

Invariants: a channel the recorder lists becomes a camera once (its entities are added when it
first appears, its route chosen then and again when it comes back); a camera that stays away
is asked why at most once per ``CHECK_INTERVAL`` (``recorder.repair``), never while a restore or
its repair is under way; a camera that is back has its repair removed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterable
import time
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from ..auth.memory import LoginMemory
from ..const import DOMAIN
from ..isapi.recorder import Channel
from ..pending import JOURNEY, RESTORE, async_get_pending, pending_now
from .cameras import ChannelCamera
from .coordinator import RecorderCoordinator
from .repair import CHECK_INTERVAL, INACTIVE, async_clear, async_report

type NewCameras = Callable[[list[ChannelCamera]], None]


class RecorderCameras:
    """The recorder's poller and its cameras, by channel."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        coordinator: RecorderCoordinator,
        memory: LoginMemory,
        own: DataUpdateCoordinator[Any],
    ) -> None:
        """``own``: the recorder's own poller, after which its cameras are asked for."""
        self.hass = hass
        self.entry = entry
        self.coordinator = coordinator
        self.own = own
        self.memory = memory
        self.cameras: dict[int, ChannelCamera] = {}
        self.fixing: set[int] = set()  # channels whose repair flow is under way
        self._listeners: list[NewCameras] = []
        self._checked: dict[int, float] = {}
        self._away: set[int] = set()
        self._adding: set[int] = set()

    async def async_setup(self) -> None:
        """Ask for the channels once and choose the routes.

        A recorder that does not answer now leaves its cameras to the next poll.
        """
        await self.coordinator.async_read_virtual_host()
        await self.coordinator.async_refresh()
        await self._async_add(self.coordinator.data.channels.values())
        self.entry.async_on_unload(self.coordinator.async_add_listener(self._updated))
        self.entry.async_on_unload(self.own.async_add_listener(self._own_polled))

    @callback
    def _own_polled(self) -> None:
        """The recorder answered its own poll: now its cameras (one login at a time)."""
        if self.own.last_update_success:
            self._spawn(self.coordinator.async_refresh(), "cameras poll")
        elif self.coordinator.last_update_success:  # the recorder is away: so are its cameras
            self.coordinator.async_set_update_error(UpdateFailed("the recorder did not answer"))

    async def _async_pick_up(self, camera: ChannelCamera) -> None:
        """What a restart interrupted: a restore under way resumes; a wiped camera's repair."""
        pending = await async_get_pending(self.hass)
        key = camera.restorer.target.key
        record = pending.get(RESTORE, key)
        serial = (record or {}).get("device", {}).get("serial_number")
        if isinstance(serial, str) and serial != camera.identifier:  # as listed when it was sent
            self.coordinator.serials.setdefault(camera.number, serial)
        if record is not None and not camera.restorer.resume(record):
            await pending.async_set(RESTORE, key, None)
        if pending.get(JOURNEY, key) is not None:
            async_report(self.hass, self.entry, camera.number, camera.name, INACTIVE)

    def by_identifier(self, identifier: str) -> ChannelCamera | None:
        """The camera a device identifier names."""
        return next((c for c in self.cameras.values() if c.identifier == identifier), None)

    @callback
    def async_on_new(self, listener: NewCameras) -> None:
        """``listener`` gets the cameras there are now, and each one added later."""
        self._listeners.append(listener)
        if self.cameras:
            listener(list(self.cameras.values()))

    async def _async_add(self, channels: Iterable[Channel]) -> None:
        new = [
            ChannelCamera(self.hass, self.entry, self.coordinator, channel, self.memory)
            for channel in channels
            if channel.id not in self.cameras and channel.id not in self._adding
        ]
        if not new:
            return
        self._adding.update(camera.number for camera in new)
        try:
            await asyncio.gather(*(camera.async_find_way() for camera in new))
        finally:
            self._adding.difference_update(camera.number for camera in new)
        for camera in new:
            self.cameras[camera.number] = camera
            await self._async_pick_up(camera)
        for listener in self._listeners:
            listener(new)

    async def async_find_way(self, camera: ChannelCamera) -> None:
        """Choose the camera's route again, and show it."""
        await camera.async_find_way()
        self.coordinator.async_update_listeners()

    @callback
    def _updated(self) -> None:
        data = self.coordinator.data
        if any(n not in self.cameras and n not in self._adding for n in data.channels):
            self._spawn(self._async_add(data.channels.values()), "cameras")
        for number, camera in self.cameras.items():
            if camera.restorer.in_progress or number in self.fixing:
                continue
            state = data.states.get(number)
            if state is not None and state.online:
                async_clear(self.hass, self.entry, number)
                kept = pending_now(self.hass)
                if kept is not None and kept.get(JOURNEY, camera.restorer.target.key):
                    self._spawn(self._async_home(camera), f"home {number}")
                if number in self._away:  # back: its route may have changed meanwhile
                    self._away.discard(number)
                    self._checked.pop(number, None)
                    self._spawn(self.async_find_way(camera), f"route {number}")
                continue
            if state is None or state.online is not False:
                continue
            self._away.add(number)
            if time.monotonic() - self._checked.get(number, -CHECK_INTERVAL) >= CHECK_INTERVAL:
                self._checked[number] = time.monotonic()
                self._spawn(self._async_check(camera), f"check {number}")

    async def _async_home(self, camera: ChannelCamera) -> None:
        """Connected again: a wiped camera's kept way home is over."""
        pending = await async_get_pending(self.hass)
        await pending.async_set(JOURNEY, camera.restorer.target.key, None)

    async def _async_check(self, camera: ChannelCamera) -> None:
        kind = await camera.async_why_away()
        if kind is not None and camera.number not in self.fixing:
            async_report(self.hass, self.entry, camera.number, camera.name, kind)

    def _spawn(self, work: Coroutine[Any, Any, None], what: str) -> None:
        self.entry.async_create_background_task(
            self.hass, work, f"{DOMAIN} {self.entry.title} {what}"
        )
