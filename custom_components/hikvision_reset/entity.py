"""The base entity (one device per camera), the admin check, and the translating decorator.

Invariant: an entity action raises only translated errors (``errors``), and only an
administrator (or an automation, acting for no user) may start one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from functools import wraps
from typing import Any, Concatenate

from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN, MANUFACTURER
from .coordinator import HikvisionCoordinator
from .data import HikvisionRuntimeData
from .errors import EXPLAINED, translated_error
from .restore.settings import firmware_of


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
            sw_version=firmware_of(info),
            hw_version=info.hardware_version,
            configuration_url=coordinator.client.base_url,
        )

    @property
    def available(self) -> bool:
        """Unavailable while the camera reboots after a restore."""
        return super().available and not self.restorer.rebooting


async def async_require_admin(hass: HomeAssistant, context: Context | None, name: str) -> None:
    """Refuse a person who is not an administrator; automations and scripts act for no user."""
    user_id = context.user_id if context else None
    if user_id is None:
        return
    user = await hass.auth.async_get_user(user_id)
    if user is None or not user.is_admin:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="admin_only",
            translation_placeholders={"name": name},
        )


def hikvision_exception_handler[EntityT: HikvisionEntity, **P](
    func: Callable[Concatenate[EntityT, P], Awaitable[Any]],
) -> Callable[Concatenate[EntityT, P], Coroutine[Any, Any, None]]:
    """Decorate an entity action: the client's errors and ours become translated errors."""

    @wraps(func)
    async def handler(self: EntityT, *args: P.args, **kwargs: P.kwargs) -> None:
        try:
            await func(self, *args, **kwargs)
        except EXPLAINED as err:
            raise translated_error(err, self.coordinator.config_entry.title) from err

    return handler  # type: ignore[return-value]
