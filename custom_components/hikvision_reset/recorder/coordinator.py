"""The recorder's cameras, polled through the recorder: its channel list and their state.

Invariants: one channel list and one status request per interval, asked right after the
recorder's own poll succeeded (never beside it: two logins at once would be two refusals);
every request in the
recorder's own login goes through :meth:`RecorderCoordinator.guarded`: nothing while that login
is refused or locked, and a refusal is the recorder's own (its reauth, never resent); a busy
recorder (503) keeps what it said last and is asked again next interval, never sooner.
"""

from __future__ import annotations

from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from ..auth.guard import LoginGuard
from ..const import DOMAIN, LOGGER
from ..errors import translated_error
from ..isapi import (
    DeviceInfo,
    IsapiAuthenticationError,
    IsapiClient,
    IsapiDeviceBusyError,
    IsapiError,
    IsapiNotSupportedError,
)
from ..isapi.recorder import Channel, ChannelState, RecorderClient

# Device types and model families that are recorders (deviceInfo's deviceType, Hikvision's
# model names: DS-76xx/77xx/96xx NVRs, iDS-7xxx DVRs).
_RECORDER_TYPES: Final = frozenset({"NVR", "DVR", "HVR", "XVR"})
_RECORDER_MODELS: Final = ("DS-76", "DS-77", "DS-96", "DS-73", "IDS-7", "IDS-9")


def is_recorder(info: DeviceInfo) -> bool:
    """Whether the device is a recorder (it may have cameras on its channels)."""
    kind = (info.device_type or "").upper()
    return kind in _RECORDER_TYPES or info.model.upper().startswith(_RECORDER_MODELS)


@dataclass(slots=True)
class RecorderState:
    """What the recorder said of its cameras at the last poll."""

    channels: dict[int, Channel] = field(default_factory=dict)
    states: dict[int, ChannelState] = field(default_factory=dict)
    virtual_host: bool | None = None  # None: the recorder has no such setting (or not asked)


class RecorderCoordinator(DataUpdateCoordinator[RecorderState]):
    """Polls the recorder for its cameras (Hikvision cameras only: others speak no ISAPI)."""

    config_entry: ConfigEntry[Any]

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry[Any], client: IsapiClient, guard: LoginGuard
    ) -> None:
        """The recorder's client and guard are its entry's; nothing is sent yet."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title} cameras",
            update_interval=None,  # asked after the recorder's own poll (``RecorderCameras``)
        )
        self.recorder = RecorderClient(client)
        self.guard = guard
        self.virtual_host: bool | None = None
        self.data = RecorderState()  # nothing known before the first poll
        self.serials: dict[int, str] = {}  # as last listed: a camera away is listed without

    async def guarded[T](self, request: Coroutine[Any, Any, T]) -> T:
        """``request`` in the recorder's own login: not sent while it is refused or locked.

        A refusal is told to the recorder's guard (its reauth journey) and raised.
        """
        if await self.guard.must_not_log_in():
            request.close()
            raise IsapiAuthenticationError("not sent: the recorder refused this password before")
        try:
            return await request
        except IsapiAuthenticationError as err:
            await self.guard.async_refused_while_acting(err)
            raise

    async def async_read_virtual_host(self) -> None:
        """Ask once whether the Virtual Host is on (at setup, and after turning it on)."""
        try:
            self.virtual_host = await self.guarded(self.recorder.virtual_host())
        except IsapiError as err:
            LOGGER.debug("%s: the Virtual Host could not be read: %s", self.config_entry.title, err)
            self.virtual_host = None

    async def _states(self) -> dict[int, ChannelState]:
        """Whether each camera is connected; a recorder without the list says nothing of them.

        (Unknown counts as connected: its cameras stay.)
        """
        try:
            return await self.recorder.states()
        except IsapiNotSupportedError:
            return {}

    async def _async_update_data(self) -> RecorderState:
        if await self.guard.must_not_log_in():  # the recorder's own login waits for the user
            await self.guard.async_auth_failed(None)
        try:
            channels = [c for c in await self.recorder.channels() if c.hikvision]
            states = await self._states()
        except IsapiAuthenticationError as err:  # the recorder's own reauth; nothing resent
            await self.guard.async_auth_failed(err)
        except IsapiDeviceBusyError as err:  # busy (503 to bursts): what it said last stands
            LOGGER.debug("%s is busy; asked again next interval: %s", self.config_entry.title, err)
            return self.data
        except IsapiError as err:  # unreachable, refused: told; the next interval asks
            raise translated_error(err, self.config_entry.title, UpdateFailed) from err
        self.serials.update({c.id: c.serial_number for c in channels if c.serial_number})
        return RecorderState({c.id: c for c in channels}, states, self.virtual_host)
