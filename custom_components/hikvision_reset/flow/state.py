"""Where one journey stands, and what its steps ask of the flow they run in.

The config flow holds one :class:`Journey`; the step groups (``reauth``, ``way_home``) share it
by composition. A journey either brings an entry's camera back (reauth) or adds a new camera
found by the search (``adding``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Final

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntry, ConfigFlow
from homeassistant.const import CONF_HOST, CONF_USERNAME
from homeassistant.core import HomeAssistant

from ..const import CONF_MODEL, DEFAULT_PORT, DEFAULT_USERNAME, HARD_RESET_ADDRESS
from ..isapi import DeviceInfo
from ..isapi.sadp import SadpDevice
from ..restore.backups import Backup
from .fields import new_camera_connection

UNKNOWN: Final = "?"


@dataclass(slots=True)
class JourneyState:
    """Everything a journey learns on its way, in one place."""

    host: str | None = None  # where the camera is now
    device: SadpDevice | None = None  # as SADP found it
    new_password: str | None = None  # the password Home Assistant gave it (this journey, or
    # a journey a restart cut short)
    activated_by: str | None = None  # "isapi" (its web port answered) or "sadp"
    sadp_used: dict[str, str] = field(default_factory=dict)  # the SADP forms used, to tell
    searched: bool = False  # SADP was asked for the entry's camera
    soft_checked: bool = False  # the camera's own password reset was looked for
    wait_at: tuple[str | None, int] = (None, DEFAULT_PORT)  # None: wherever DHCP put it
    wait_task: asyncio.Task[dict[str, Any]] | None = None
    home_data: dict[str, Any] = field(default_factory=dict)  # the settings it answered with
    home_info: DeviceInfo | None = None
    backup: Backup | None = None  # the settings saved before the last restore, to offer back
    recovered_fired: bool = False
    new_connection: dict[str, Any] = field(default_factory=dict)  # adding: the entry to be
    found: dict[str, SadpDevice] = field(default_factory=dict)  # adding: the search's answer


class Journey:
    """One journey's state, and the flow it runs in."""

    def __init__(self, flow: ConfigFlow) -> None:
        """Nothing is known yet."""
        self.flow = flow
        self.state = JourneyState()

    @property
    def hass(self) -> HomeAssistant:
        """Home Assistant."""
        return self.flow.hass

    @property
    def adding(self) -> bool:
        """A new camera (the add flow's search), not an entry's reauth."""
        return self.flow.source != SOURCE_REAUTH

    @property
    def entry(self) -> ConfigEntry[Any]:
        """The entry whose camera the journey brings back (reauth only)."""
        return self.flow._get_reauth_entry()

    def connection(self) -> dict[str, Any]:
        """The connection settings the journey starts from.

        A reset camera has one account, ``admin`` (activated with the new password): whatever
        account Home Assistant used before, the journey and the entry go on with that one.
        """
        if self.adding:
            return dict(self.state.new_connection)
        return {**self.entry.data, CONF_USERNAME: DEFAULT_USERNAME}

    def start_adding(self, device: SadpDevice) -> None:
        """Adding ``device``, found by the search: the entry it will have, before activation."""
        self.state.device, self.state.host = device, device.ipv4
        self.state.new_connection = new_camera_connection(device)

    def name(self) -> str:
        """The camera's name, as the person knows it."""
        if not self.adding:
            return self.entry.title
        device = self.state.device
        return (device.model if device else None) or "Hikvision camera"

    def placeholders(self, **extra: str) -> dict[str, str]:
        """What every step's text may name."""
        connection = self.connection()
        return {
            "name": self.name(),
            "model": connection.get(CONF_MODEL) or UNKNOWN,
            "host": self.state.host or connection[CONF_HOST],
            "reset_address": HARD_RESET_ADDRESS,
            **extra,
        }
