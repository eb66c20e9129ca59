"""What one set-up camera keeps at run time (``entry.runtime_data``), and its entry's type."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry

from .coordinator import HikvisionCoordinator
from .restore.restorer import Restorer

type HikvisionConfigEntry = ConfigEntry[HikvisionRuntimeData]


@dataclass(slots=True)
class HikvisionRuntimeData:
    """The camera's poller and its restore controller."""

    coordinator: HikvisionCoordinator
    restorer: Restorer
