"""The base entity: one device per camera."""

from __future__ import annotations

from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN, MANUFACTURER
from .coordinator import HikvisionCoordinator
from .data import HikvisionRuntimeData


class HikvisionEntity(CoordinatorEntity[HikvisionCoordinator]):
    """An entity of one Hikvision camera."""

    _attr_has_entity_name = True

    def __init__(self, data: HikvisionRuntimeData, key: str) -> None:
        """Attach the entity to the camera's device."""
        coordinator: HikvisionCoordinator = data.coordinator
        super().__init__(coordinator)
        self.restorer = data.restorer
        info = coordinator.data
        serial = str(coordinator.config_entry.unique_id)
        self._attr_unique_id = f"{serial}_{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, serial)},
            connections={(CONNECTION_NETWORK_MAC, info.mac_address)} if info.mac_address else set(),
            manufacturer=MANUFACTURER,
            model=info.model,
            name=info.display_name,
            serial_number=info.serial_number,
            sw_version=" ".join(v for v in (info.firmware_version, info.firmware_build) if v)
            or None,
            hw_version=info.hardware_version,
            configuration_url=coordinator.client.base_url,
        )

    @property
    def available(self) -> bool:
        """Unavailable while the camera reboots after a restore."""
        return super().available and not self.restorer.rebooting
