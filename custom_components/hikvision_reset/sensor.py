"""The time and outcome of the last restore started from Home Assistant."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import HikvisionConfigEntry, HikvisionRuntimeData
from .entity import HikvisionEntity

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HikvisionConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the last-restore sensor."""
    async_add_entities([HikvisionLastRestoreSensor(entry.runtime_data)])


class HikvisionLastRestoreSensor(HikvisionEntity, SensorEntity):
    """When the last restore or reboot was started, with its mode and stage as attributes."""

    _attr_device_class = SensorDeviceClass.TIMESTAMP
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_translation_key = "last_restore"

    def __init__(self, data: HikvisionRuntimeData) -> None:
        """Describe the sensor."""
        super().__init__(data, "last_restore")

    @property
    def available(self) -> bool:
        """It reports history, so it stays available while the camera reboots."""
        return True

    @property
    def native_value(self) -> datetime | None:
        """When the last restore was sent."""
        last = self.restorer.last
        return last.started if last else None

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Mode, stage and error of the last restore, and what became of the settings."""
        last = self.restorer.last
        if last is None:
            return {}
        return {
            "mode": last.mode,
            "stage": last.stage,
            "error": last.error,
            "settings_backup": None if last.settings is None else str(last.settings),
            "backup": last.backup,
        }
