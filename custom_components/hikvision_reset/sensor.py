"""The time and outcome of the last restore started from Home Assistant, kept across restarts.

After a restart it shows what it showed before (Home Assistant's restore-state); a restore that
was under way is shown as interrupted until its follow, resumed by the restorer, says more.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN, EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoreEntity

from . import const
from .data import HikvisionConfigEntry, HikvisionRuntimeData
from .entity import HikvisionEntity
from .restore.record import RestoreState

# Stages of a restore still under way: restored after a restart, they are "interrupted".
_UNDER_WAY = frozenset(
    {
        const.STAGE_SENDING,
        const.STAGE_ACCEPTED,
        const.STAGE_UNCONFIRMED,
        const.STAGE_OFFLINE,
        const.STAGE_INTERRUPTED,
    }
)

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HikvisionConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the last-restore sensor."""
    async_add_entities([HikvisionLastRestoreSensor(entry.runtime_data)])


class HikvisionLastRestoreSensor(HikvisionEntity, RestoreEntity, SensorEntity):
    """When the last restore or reboot was started, with its mode and stage as attributes."""

    _attr_device_class = SensorDeviceClass.TIMESTAMP
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_translation_key = "last_restore"

    def __init__(self, data: HikvisionRuntimeData) -> None:
        """Describe the sensor."""
        super().__init__(data, "last_restore")
        self._restored: RestoreState | None = None

    async def async_added_to_hass(self) -> None:
        """Take back what the sensor showed before the restart."""
        await super().async_added_to_hass()
        state = await self.async_get_last_state()
        if state is None or state.state in (STATE_UNKNOWN, STATE_UNAVAILABLE):
            return
        record = {**state.attributes, "started": state.state}
        record["settings"] = state.attributes.get("settings_backup")
        restored = RestoreState.from_record(record)
        if restored is not None and restored.stage in _UNDER_WAY:
            restored.stage = const.STAGE_INTERRUPTED
        self._restored = restored

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Nothing here depends on the entity id: renamed in place (Home Assistant 2026.11+)."""
        parent = getattr(super(), "async_entity_id_changed", None)
        if parent is not None:
            parent(old_entity_id)

    @property
    def _last(self) -> RestoreState | None:
        return self.restorer.last or self._restored

    @property
    def available(self) -> bool:
        """It reports history, so it stays available while the camera reboots."""
        return True

    @property
    def native_value(self) -> datetime | None:
        """When the last restore was sent."""
        last = self._last
        return last.started if last else None

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Mode, stage and error of the last restore, and what became of the settings."""
        last = self._last
        if last is None:
            return {}
        return {
            "mode": last.mode,
            "stage": last.stage,
            "error": last.error,
            "settings_backup": None if last.settings is None else str(last.settings),
            "backup": last.backup,
            "backup_error": last.backup_error,
        }
