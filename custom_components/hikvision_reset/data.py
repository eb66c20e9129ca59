"""What one set-up camera keeps at run time (``entry.runtime_data``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

if TYPE_CHECKING:
    from .coordinator import HikvisionCoordinator
    from .restore import Restorer

type HikvisionConfigEntry = ConfigEntry[HikvisionRuntimeData]


@dataclass(slots=True)
class HikvisionRuntimeData:
    """The camera's poller and its restore controller."""

    coordinator: HikvisionCoordinator
    restorer: Restorer
