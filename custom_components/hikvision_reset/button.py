"""Restore defaults, Factory reset and Reboot buttons (the entry's camera and any behind it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.components.button.const import ButtonDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN, STAGE_UNCONFIRMED
from .data import HikvisionConfigEntry
from .entity import (
    Camera,
    HikvisionEntity,
    async_require_admin,
    cameras_behind,
    hikvision_exception_handler,
    own_camera,
)
from .isapi import RestoreMode
from .restore.record import Sent
from .restore.restorer import Restorer

# One press at a time per button; a second press of a camera that is already restoring is
# refused by the restore controller before anything is sent.
PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class HikvisionButtonEntityDescription(ButtonEntityDescription):
    """A button and what pressing it does."""

    press_fn: Callable[[Restorer], Awaitable[Sent]]


BUTTONS: tuple[HikvisionButtonEntityDescription, ...] = (
    HikvisionButtonEntityDescription(
        key="restore_defaults",
        translation_key="restore_defaults",
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda restorer: restorer.async_run(RestoreMode.BASIC),
    ),
    HikvisionButtonEntityDescription(
        key="factory_reset",
        translation_key="factory_reset",
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        press_fn=lambda restorer: restorer.async_run(RestoreMode.FULL),
    ),
    HikvisionButtonEntityDescription(
        key="reboot",
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda restorer: restorer.async_run(None),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HikvisionConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the camera's buttons, and those of each camera behind a recorder as it is found."""
    data = entry.runtime_data

    def add(cameras: list[Camera]) -> None:
        async_add_entities(
            HikvisionButtonEntity(camera, description)
            for camera in cameras
            for description in BUTTONS
        )

    add([own_camera(data)])
    if data.recorder is not None:
        data.recorder.async_on_new(lambda found: add(cameras_behind(data, found)))


class HikvisionButtonEntity(HikvisionEntity, ButtonEntity):
    """A button of one camera."""

    entity_description: HikvisionButtonEntityDescription

    def __init__(self, camera: Camera, description: HikvisionButtonEntityDescription) -> None:
        """Describe the button."""
        super().__init__(camera, description.key)
        self.entity_description = description

    @hikvision_exception_handler
    async def async_press(self) -> None:
        """Send the command once (administrators only); a failure is raised, never retried.

        A press by a person carries their user in its context; automations and scripts (voice
        sentence triggers included) act for no user and are allowed.
        """
        await async_require_admin(self.hass, self._context, self.camera_name)
        sent = await self.entity_description.press_fn(self.restorer)
        if sent.stage == STAGE_UNCONFIRMED:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="result_unknown",
                translation_placeholders={"name": self.camera_name},
            )
