"""A restore as it is kept: shown by the sensor, resumed after a restart.

The record holds what a restart must not lose (what was sent, when, what the camera said it is,
when it went down); reading it back never raises: an unreadable record reads as None.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from homeassistant.util import dt as dt_util

from ..isapi import DeviceInfo
from .settings import SettingsBackup


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
