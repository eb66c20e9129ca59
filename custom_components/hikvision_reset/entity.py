"""The base entity (one device per camera), the admin check, and the translating decorator.

A device is the entry's own camera or one behind its recorder (linked to it by
``via_device_id``); both have the same entities. Invariant: an entity action raises only
translated errors (``errors``), and only an administrator (or an automation, acting for no
user) may start one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate

from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity, DataUpdateCoordinator

from .const import DOMAIN, MANUFACTURER
from .data import HikvisionRuntimeData
from .errors import EXPLAINED, translated_error
from .recorder.cameras import ChannelCamera
from .restore.restorer import Restorer
from .restore.settings import firmware_of


@dataclass(frozen=True, slots=True)
class Camera:
    """What an entity needs of its camera."""

    coordinator: DataUpdateCoordinator[Any]
    restorer: Restorer
    identifier: str  # its device's identifier (its entities' unique ids start with it)
    device_info: DeviceInfo
    available: Callable[[], bool]
    behind: ChannelCamera | None = None  # a camera behind the recorder


def own_device_fields(data: HikvisionRuntimeData) -> dict[str, Any]:
    """The entry's own device, as keyword arguments of ``DeviceInfo`` and of the registry.

    (``DeviceInfo`` is a dataclass from Home Assistant 2026.11 on: its mapping view is only a
    compatibility layer, so the registry is given these fields, not an unpacked ``DeviceInfo``.)
    """
    coordinator = data.coordinator
    info = coordinator.data
    return {
        "identifiers": {(DOMAIN, str(coordinator.config_entry.unique_id))},
        "connections": {(CONNECTION_NETWORK_MAC, info.mac_address)} if info.mac_address else set(),
        "manufacturer": MANUFACTURER,
        "model": info.model,
        "name": info.display_name,
        "serial_number": info.serial_number,
        "sw_version": firmware_of(info),
        "hw_version": info.hardware_version,
        "configuration_url": coordinator.client.base_url,
    }


def own_camera(data: HikvisionRuntimeData) -> Camera:
    """The entry's own camera (or recorder)."""
    restorer = data.restorer
    serial = str(data.coordinator.config_entry.unique_id)
    device_info: DeviceInfo = DeviceInfo(**own_device_fields(data))  # type: ignore[typeddict-item]
    return Camera(data.coordinator, restorer, serial, device_info, lambda: not restorer.rebooting)


def cameras_behind(data: HikvisionRuntimeData, found: list[ChannelCamera]) -> list[Camera]:
    """Cameras behind the entry's recorder, under its device."""
    return [
        Camera(
            camera.coordinator,
            camera.restorer,
            camera.identifier,
            camera.device_info(data.device_id),
            lambda camera=camera: camera.available,  # type: ignore[misc]
            camera,
        )
        for camera in found
    ]


class HikvisionEntity(CoordinatorEntity[DataUpdateCoordinator[Any]]):
    """An entity of one Hikvision camera."""

    _attr_has_entity_name = True

    def __init__(self, camera: Camera, key: str) -> None:
        """Attach the entity to the camera's device."""
        super().__init__(camera.coordinator)
        self.camera = camera
        self.restorer = camera.restorer
        self._attr_unique_id = f"{camera.identifier}_{key}"
        self._attr_device_info = camera.device_info

    @property
    def available(self) -> bool:
        """Unavailable while the camera reboots after a restore (or its recorder lost it)."""
        return super().available and self.camera.available()

    @property
    def camera_name(self) -> str:
        """What its messages call the camera."""
        return self.restorer.target.name


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
            raise translated_error(err, self.camera_name) from err

    return handler  # type: ignore[return-value]
