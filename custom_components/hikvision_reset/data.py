"""What one set-up camera keeps at run time (``entry.runtime_data``), and its entry's type."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry

from .coordinator import HikvisionCoordinator
from .recorder.channels import RecorderCameras
from .restore.restorer import Restorer

type HikvisionConfigEntry = ConfigEntry[HikvisionRuntimeData]


@dataclass(slots=True)
class HikvisionRuntimeData:
    """The camera's poller and its restore controller; a recorder's cameras behind it."""

    coordinator: HikvisionCoordinator
    restorer: Restorer
    recorder: RecorderCameras | None = None
    device_id: str | None = None  # the entry's device (the cameras behind a recorder hang on it)

    def restorer_for(self, identifier: str) -> Restorer | None:
        """The restorer of the device ``identifier`` names (the entry's, or one behind it)."""
        if self.recorder is not None and (camera := self.recorder.by_identifier(identifier)):
            return camera.restorer
        return self.restorer if identifier == self.coordinator.config_entry.unique_id else None
