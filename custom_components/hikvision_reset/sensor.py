"""The last restore started from Home Assistant (kept across restarts), and a camera's route.

After a restart the last restore shows what it showed before (Home Assistant's restore-state,
or the last restore kept at once when the restart dumped no states: a power cut); one that was
under way is shown as interrupted until its follow, resumed by the restorer, says more. A camera
behind a recorder also says how Home Assistant reaches it.
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
from .data import HikvisionConfigEntry
from .entity import Camera, HikvisionEntity, cameras_behind, own_camera
from .pending import LAST, async_get_pending
from .recorder.routes import Route
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
    """Add the last-restore sensors, and the route of each camera behind a recorder."""
    data = entry.runtime_data
    async_add_entities([HikvisionLastRestoreSensor(own_camera(data))])

    def add(cameras: list[Camera]) -> None:
        async_add_entities(
            sensor
            for camera in cameras
            for sensor in (HikvisionLastRestoreSensor(camera), HikvisionRouteSensor(camera))
        )

    if data.recorder is not None:
        data.recorder.async_on_new(lambda found: add(cameras_behind(data, found)))


class HikvisionLastRestoreSensor(HikvisionEntity, RestoreEntity, SensorEntity):
    """When the last restore or reboot was started, with its mode and stage as attributes."""

    _attr_device_class = SensorDeviceClass.TIMESTAMP
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_translation_key = "last_restore"

    def __init__(self, camera: Camera) -> None:
        """Describe the sensor."""
        super().__init__(camera, "last_restore")
        self._restored: RestoreState | None = None

    async def async_added_to_hass(self) -> None:
        """Take back what the sensor showed before the restart.

        Or the newer last restore, kept at once, when the restart dumped no states (a power cut).
        """
        await super().async_added_to_hass()
        state = await self.async_get_last_state()
        restored: RestoreState | None = None
        if state is not None and state.state not in (STATE_UNKNOWN, STATE_UNAVAILABLE):
            record = {**state.attributes, "started": state.state}
            record["settings"] = state.attributes.get("settings_backup")
            restored = RestoreState.from_record(record)
        kept = (await async_get_pending(self.hass)).get(LAST, self.restorer.target.key)
        ended = RestoreState.from_record(kept) if kept is not None else None
        if ended is not None and (restored is None or ended.started > restored.started):
            restored = ended
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


class HikvisionRouteSensor(HikvisionEntity, SensorEntity):
    """How Home Assistant reaches a camera behind its recorder (the device page shows it)."""

    _attr_device_class = SensorDeviceClass.ENUM
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_translation_key = "route"
    _attr_options = [route.value for route in Route]

    def __init__(self, camera: Camera) -> None:
        """Describe the sensor."""
        super().__init__(camera, "route")
        assert camera.behind is not None
        self.behind = camera.behind

    @property
    def available(self) -> bool:
        """Shown while the recorder answers (the route says how, even to a camera away)."""
        return self.coordinator.last_update_success

    @property
    def native_value(self) -> str:
        """The route chosen."""
        return self.behind.route.value
