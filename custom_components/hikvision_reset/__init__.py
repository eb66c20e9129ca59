"""Hikvision Reset: restore Hikvision IP cameras to factory defaults from Home Assistant."""

from __future__ import annotations

from homeassistant.const import EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN
from .coordinator import (
    HikvisionConfigEntry,
    HikvisionCoordinator,
    async_cancel_unlock_retries,
)
from .issues import async_clear_auth_issue
from .services import async_setup_services

PLATFORMS: list[Platform] = [Platform.BUTTON, Platform.SENSOR]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's services (once, whatever the number of cameras)."""
    async_setup_services(hass)

    @callback
    def stop(_event: Event) -> None:
        async_cancel_unlock_retries(hass)

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, stop)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: HikvisionConfigEntry) -> bool:
    """Set up one camera."""
    coordinator = HikvisionCoordinator(hass, entry)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: HikvisionConfigEntry) -> bool:
    """Unload one camera (its background tasks end with the entry)."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: HikvisionConfigEntry) -> None:
    """Removing a camera removes its repair issue and any pending retry."""
    async_clear_auth_issue(hass, entry.entry_id)
    async_cancel_unlock_retries(hass, entry.entry_id)
