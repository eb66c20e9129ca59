"""Typed values the ISAPI client returns."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

# deviceName values firmware ships with: useless to tell cameras apart.
FACTORY_NAMES: Final = frozenset(
    {
        "IP CAMERA",
        "IPCAMERA",
        "NETWORK CAMERA",
        "IPDOME",
        "NETWORK VIDEO RECORDER",
        "EMBEDDED NET DVR",
    }
)


class RestoreMode(StrEnum):
    """What ``PUT /ISAPI/System/factoryReset`` restores."""

    BASIC = "basic"  # keeps network settings and users: the web UI's "Restore"
    FULL = "full"  # everything, admin password included: the device must be activated again


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """The identity a device reports in ``/ISAPI/System/deviceInfo``."""

    name: str
    model: str
    serial_number: str
    mac_address: str | None
    firmware_version: str | None
    firmware_build: str | None
    device_type: str | None
    hardware_version: str | None

    @property
    def display_name(self) -> str:
        """The device's name, or its model when the name is still the factory default."""
        return self.model if self.name.strip().upper() in FACTORY_NAMES else self.name


@dataclass(frozen=True, slots=True)
class ResponseStatus:
    """A ``ResponseStatus`` document."""

    status_code: int
    status_string: str
    sub_status_code: str
    request_url: str | None = None
    description: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the device accepted the request."""
        return self.status_code == 1


@dataclass(frozen=True, slots=True)
class UserCheck:
    """A ``userCheck`` document (the 401 body, or the answer of the user check call)."""

    status_value: int | None
    locked: bool
    unlock_seconds: int | None
    attempts_left: int | None
