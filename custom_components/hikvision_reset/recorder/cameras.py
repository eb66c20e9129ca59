"""The cameras behind one recorder: each one's device, route, guard and restorer.

Invariants: a camera is known by its recorder and channel (its serial is not always listed);
its route is chosen again only while nothing is under way; its restores are followed through the
recorder's channel status; one without a route is refused unsent, never sent to the recorder.
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .. import const
from ..auth.guard import LoginGuard, RouteGuard
from ..auth.login import key_from_data
from ..auth.memory import LoginMemory
from ..const import DOMAIN, LOGGER, MANUFACTURER
from ..errors import CameraSwappedError, WrongCameraError
from ..events import about
from ..isapi import (
    DeviceInfo,
    IsapiDeviceBusyError,
    IsapiError,
    IsapiInvalidResponseError,
    IsapiNotSupportedError,
)
from ..isapi.recorder import Channel, same_serial
from ..restore.restorer import Restorer
from ..restore.settings import SettingsPlace
from ..restore.target import Target
from .coordinator import RecorderCoordinator
from .repair import INACTIVE, REFUSES, async_report_wiped
from .routes import Route, Way, async_find_way, keep_camera_password

# What the recorder says of a camera that refuses its login (Hikvision's ISAPI guide).
_REFUSED: Final = "errorUserNameOrPasswd"
_BUSY_TRIES: Final = 3


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
    def serial(self) -> str | None:
        """Its serial: as listed now, else as last listed (a camera away is listed without)."""
        return self.channel.serial_number or self.coordinator.serials.get(self.number)

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
        """Its entities' availability: listed by an answering recorder, and not rebooting.

        Connected to the recorder too, unless reached by its own port (a camera refusing the
        recorder's password can still be restored directly).
        """
        return (
            self.coordinator.last_update_success
            and self.number in self.coordinator.data.channels
            and (self.online or self.way.connection is not None)
            and not self.restorer.rebooting
        )

    @property
    def route(self) -> Route:
        """How Home Assistant reaches it now."""
        return self.way.route

    async def async_is_activated(self) -> bool | None:
        """Whether the camera is activated (None: not known), without the camera's login.

        By its own port (direct, Virtual Host): its ``/SDK/activateStatus``, documented and
        unauthenticated; else the recorder's search (``activated``, one source), with the
        forwarded ``activateStatus`` as the one fallback (whether a recorder forwards it is
        not documented: it might answer for itself).
        """
        own = self.way.client if self.way.connection is not None else None
        forwarded = self.way.client if self.way.route is Route.FORWARDED else None
        if own is not None:
            try:
                return await own.is_activated()
            except IsapiError:
                pass  # its port is gone: the recorder's search
        if (found := await self._search()) is not None or forwarded is None:
            return found
        try:
            return await self.coordinator.guarded(forwarded.is_activated())
        except IsapiError:
            return None

    async def _search(self) -> bool | None:
        """What the recorder's search says of this camera (None: not found, or no search)."""
        channel = self.channel
        try:
            found = await self.coordinator.guarded(self.coordinator.recorder.search())
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
        fields: dict[str, Any] = {
            "identifiers": {(DOMAIN, self.identifier)},
            "manufacturer": MANUFACTURER,
            "model": channel.model or None,
            "name": channel.name,
            "serial_number": channel.serial_number,
            "sw_version": channel.firmware,
        }
        if recorder_device_id is not None:
            fields["via_device_id"] = recorder_device_id
        info: dr.DeviceInfo = dr.DeviceInfo(**fields)  # type: ignore[typeddict-item]
        return info

    @callback
    def about(self) -> dict[str, Any]:
        """What its events say of it."""
        return {**about(self.hass, self.entry, self.identifier, self.name), "channel": self.number}

    async def async_find_way(self) -> None:
        """Choose the route; a restore under way keeps its own until it ends."""
        if self._busy():
            return
        way = await async_find_way(
            self.hass, self.entry, self.channel, self.coordinator.virtual_host
        )
        if self._busy():  # pressed meanwhile: that restore keeps its route
            return
        self.way = way
        self.restorer.target = self._target()

    def _busy(self) -> bool:
        return self.restorer.in_progress

    def _guard(self) -> RouteGuard:
        recorder: LoginGuard = self.coordinator.guard
        connection = self.way.connection  # None: the recorder's login
        key = key_from_data(connection) if connection is not None else None
        return RouteGuard(self.memory, key, self.way.password, recorder, self._gone)

    @callback
    def _gone(self) -> None:
        async_report_wiped(self.hass, self.entry, self.number, self.name)

    async def _is_up(self) -> bool | None:
        """Whether its recorder says it is connected; None: not connected (or not said).

        A busy recorder (503) is asked again, spaced, a few times: busy is not "down".
        """
        for _ in range(_BUSY_TRIES):
            try:
                states = await self.coordinator.guarded(self.coordinator.recorder.states())
            except IsapiDeviceBusyError:
                await asyncio.sleep(const.FOLLOW_INTERVAL)
                continue
            except IsapiError:
                return None
            state = states.get(self.number)
            return True if state is not None and state.online else None
        return None

    async def _verify(self, way: Way) -> None:
        """Before a command by its own port: it answers as this camera (the serial listed).

        A recorder's PoE addresses (192.168.254.x) may also be used on the home network, and a
        camera swapped on a port is listed with its serial only at the next poll. A check the
        camera cannot answer (no serial in its deviceInfo, not offered) steps aside.
        """
        if way.connection is None or way.client is None or not (serial := self.serial):
            return
        try:
            info = await way.client.device_info()
        except IsapiInvalidResponseError, IsapiNotSupportedError:
            return
        if not same_serial(info.serial_number, serial):
            direct = way.route is Route.DIRECT
            raise (WrongCameraError if direct else CameraSwappedError)(self.name)

    async def _reboot(self) -> object:
        """A restart: the camera's own, or the recorder's per-channel one (documented)."""
        client = self.way.client
        if client is not None and self.way.connection is not None:
            return await client.reboot()
        return await self.coordinator.recorder.reboot_channel(self.number)

    def _settings(self, way: Way) -> SettingsPlace | None:
        """Its settings' place (by serial); its port carries them, the VH maybe, devIndex not."""
        vh, carried = way.route is Route.VIRTUAL_HOST, way.connection is not None
        serial, recorder = self.serial, str(self.entry.unique_id)
        return SettingsPlace(serial, recorder, carried, vh) if serial else None

    async def _password_put_back(self, password: str) -> None:
        """Settings put back bring another password: the recorder is told, and it is kept."""
        try:
            recorder = self.coordinator.recorder
            await self.coordinator.guarded(recorder.set_channel_password(self.number, password))
        except IsapiError as err:
            LOGGER.warning("%s: the recorder did not take its password back: %s", self.name, err)
        keep_camera_password(self.hass, self.entry, self.number, password)

    async def _back(self) -> None:
        """Back after a restore: its route is chosen again (and its login, if it changed)."""
        await self.async_find_way()
        await self.coordinator.async_request_refresh()

    def _target(self) -> Target:
        way = self.way
        return Target(
            key=f"{self.entry.entry_id}:ch{self.number}",
            name=self.name,
            client=way.client,
            guard=self._guard(),
            password=way.password,
            identity=self.identity,
            about=self.about,
            is_up=self._is_up,
            reboot=self._reboot,
            updated=self.coordinator.async_update_listeners,
            back=self._back,
            timed_out=self.coordinator.async_request_refresh,
            settings=lambda: self._settings(way),
            password_put_back=self._password_put_back,
            new_password=lambda _password: self._back(),
            verify=lambda: self._verify(way),
        )
