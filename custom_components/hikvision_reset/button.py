"""Restore defaults, Factory reset and Reboot buttons."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.components.button.const import ButtonDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN, STAGE_UNCONFIRMED
from .coordinator import HikvisionConfigEntry, HikvisionCoordinator
from .entity import HikvisionEntity
from .helpers import hikvision_exception_handler
from .isapi import RestoreMode

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class HikvisionButtonEntityDescription(ButtonEntityDescription):
    """A button and what pressing it does."""

    press_fn: Callable[[HikvisionCoordinator], Awaitable[Any]]


BUTTONS: tuple[HikvisionButtonEntityDescription, ...] = (
    HikvisionButtonEntityDescription(
        key="restore_defaults",
        translation_key="restore_defaults",
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda coordinator: coordinator.async_restore(RestoreMode.BASIC),
    ),
    HikvisionButtonEntityDescription(
        key="factory_reset",
        translation_key="factory_reset",
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        press_fn=lambda coordinator: coordinator.async_restore(RestoreMode.FULL),
    ),
    HikvisionButtonEntityDescription(
        key="reboot",
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda coordinator: coordinator.async_restore(None),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HikvisionConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the camera's buttons."""
    async_add_entities(
        HikvisionButtonEntity(entry.runtime_data, description) for description in BUTTONS
    )


class HikvisionButtonEntity(HikvisionEntity, ButtonEntity):
    """A button of one camera."""

    entity_description: HikvisionButtonEntityDescription

    def __init__(
        self, coordinator: HikvisionCoordinator, description: HikvisionButtonEntityDescription
    ) -> None:
        """Describe the button."""
        super().__init__(coordinator, description.key)
        self.entity_description = description

    @hikvision_exception_handler
    async def async_press(self) -> None:
        """Send the command once; a failure is raised, never retried."""
        stage = await self.entity_description.press_fn(self.coordinator)
        if stage == STAGE_UNCONFIRMED:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="result_unknown",
                translation_placeholders={"name": self.coordinator.config_entry.title},
            )
