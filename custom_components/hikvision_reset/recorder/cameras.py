"""The cameras behind one recorder: each one's device, route, guard and restorer.

Invariants: a camera is known by its recorder and channel (its serial is not always listed);
its route is chosen again only while nothing is under way; its restores are followed through the
recorder's channel status (never the camera's login); a restore of a camera without a route is
refused before anything is sent, and never goes to the recorder itself.
"""

from __future__ import annotations

from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from ..auth.guard import LoginGuard, RouteGuard
from ..auth.login import key_from_data
from ..auth.memory import LoginMemory
from ..const import DOMAIN, MANUFACTURER
from ..events import camera_device
from ..isapi import DeviceInfo, IsapiError
from ..isapi.recorder import Channel
from ..restore.restorer import Restorer
from ..restore.target import Target
from .coordinator import RecorderCoordinator
from .repair import INACTIVE, REFUSES, async_report_wiped
from .routes import Route, Way, async_find_way

# What the recorder says of a camera that refuses its login (Hikvision's ISAPI guide).
_REFUSED: Final = "errorUserNameOrPasswd"


class ChannelCamera:
    """One camera on one of the recorder's channels."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        coordinator: RecorderCoordinator,
        channel: Channel,
        memory: LoginMemory,
    ) -> None:
        """Nothing is sent until the route is chosen (:meth:`async_find_way`)."""
        self.hass = hass
        self.entry = entry
        self.coordinator = coordinator
        self.number = channel.id
        self.memory = memory
        self.identifier = f"{entry.unique_id}:ch{channel.id}"
        self._channel = channel
        self.way = Way(Route.RECORDER, None, "")
        self.restorer = Restorer(hass, entry, self._target())

    @property
    def channel(self) -> Channel:
        """The channel as the recorder last listed it."""
        return self.coordinator.data.channels.get(self.number, self._channel)

    @property
    def name(self) -> str:
        """What the person calls it: its name on the recorder."""
        return self.channel.name

    @property
    def online(self) -> bool:
        """Whether the recorder says its camera is connected (unknown counts as connected)."""
        state = self.coordinator.data.states.get(self.number)
        return state is None or state.online is not False

    @property
    def available(self) -> bool:
        """Its entities' availability: listed by an answering recorder, connected, not rebooting."""
        return (
            self.coordinator.last_update_success
            and self.number in self.coordinator.data.channels
            and self.online
            and not self.restorer.rebooting
        )

    @property
    def route(self) -> Route:
        """How Home Assistant reaches it now."""
        return self.way.route

    async def async_is_activated(self) -> bool | None:
        """Whether the camera is activated (None: not known), without the camera's login.

        Its route's activation check first; when there is none or it does not answer, the
        recorder's search (``activated``, one source) is the one fallback.
        """
        if (client := self.way.client) is not None:
            try:
                return await client.is_activated()
            except IsapiError:
                pass
        channel = self.channel
        try:
            found = await self.coordinator.recorder.search()
        except IsapiError:
            return None
        for camera in found:
            same = (channel.serial_number and camera.serial_number == channel.serial_number) or (
                channel.address and camera.address == channel.address
            )
            if same:
                return camera.activated
        return None

    async def async_why_away(self) -> str | None:
        """Why the recorder cannot connect to it; None: unplugged, unreachable or not known.

        ``INACTIVE``: reset; ``REFUSES``: activated, refusing the recorder's password.
        """
        state = self.coordinator.data.states.get(self.number)
        if state is None or state.online is not False:
            return None
        activated = await self.async_is_activated()
        if activated is False:
            return INACTIVE
        if activated and state.detail == _REFUSED:
            return REFUSES
        return None

    def identity(self) -> DeviceInfo:
        """What the camera is, as its recorder lists it."""
        channel = self.channel
        return DeviceInfo(
            name=channel.name,
            model=channel.model or "IP camera",
            serial_number=channel.serial_number or self.identifier,
            mac_address=None,
            firmware_version=channel.firmware,
            firmware_build=None,
            device_type="IPCamera",
            hardware_version=None,
        )

    def device_info(self, recorder_device_id: str | None) -> dr.DeviceInfo:
        """The camera's device, under its recorder's."""
        channel = self.channel
        info = dr.DeviceInfo(
            identifiers={(DOMAIN, self.identifier)},
            manufacturer=MANUFACTURER,
            model=channel.model or None,
            name=channel.name,
            serial_number=channel.serial_number,
            sw_version=channel.firmware,
        )
        if recorder_device_id is not None:
            info["via_device_id"] = recorder_device_id
        return info

    @callback
    def about(self) -> dict[str, Any]:
        """What its events say of it."""
        device = camera_device(self.hass, self.entry, self.identifier)
        return {
            "device_id": device.id if device else None,
            "entry_id": self.entry.entry_id,
            "name": self.name,
            "channel": self.number,
        }

    async def async_find_way(self) -> None:
        """Choose the route (not while a restore is under way)."""
        if self.restorer.in_progress:
            return
        self.way = await async_find_way(
            self.hass, self.entry, self.channel, self.coordinator.virtual_host
        )
        self.restorer.target = self._target()

    def _guard(self) -> RouteGuard:
        recorder: LoginGuard = self.coordinator.guard
        key = key_from_data(self.way.connection or self.entry.data)
        if self.way.connection is None:  # the recorder's login, for this camera only
            key = f"{key}#channel{self.number}"
        return RouteGuard(self.memory, key, self.way.password, recorder, self._gone)

    @callback
    def _gone(self) -> None:
        async_report_wiped(self.hass, self.entry, self.number, self.name)

    async def _is_up(self) -> bool | None:
        """Whether its recorder says it is connected; None: not connected (or not said)."""
        try:
            state = (await self.coordinator.recorder.states()).get(self.number)
        except IsapiError:
            return None
        return True if state is not None and state.online else None

    async def _reboot(self) -> object:
        """A restart: the camera's own, or the recorder's per-channel one (documented)."""
        client = self.way.client
        if client is not None and self.way.route in (Route.DIRECT, Route.VIRTUAL_HOST):
            return await client.reboot()
        return await self.coordinator.recorder.reboot_channel(self.number)

    def _target(self) -> Target:
        return Target(
            key=f"{self.entry.entry_id}:ch{self.number}",
            name=self.name,
            client=self.way.client,
            guard=self._guard(),
            password=self.way.password,
            identity=self.identity,
            about=self.about,
            is_up=self._is_up,
            reboot=self._reboot,
            updated=self.coordinator.async_update_listeners,
            back=self.coordinator.async_request_refresh,
            timed_out=self.coordinator.async_request_refresh,
            saves_settings=False,
        )
