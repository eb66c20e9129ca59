"""Hikvision Reset: restore Hikvision IP cameras to factory defaults from Home Assistant."""

from __future__ import annotations

from homeassistant.const import EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .backups import async_remove_all
from .const import DOMAIN
from .coordinator import HikvisionCoordinator, async_cancel_unlock_retries
from .data import HikvisionConfigEntry, HikvisionRuntimeData
from .lockout import async_get_memory
from .restore import Restorer
from .services import async_setup_services
from .trouble import async_clear_trouble

PLATFORMS: list[Platform] = [Platform.BUTTON, Platform.SENSOR]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's services (once, whatever the number of cameras)."""
    async_setup_services(hass)
    await async_get_memory(hass)

    @callback
    def stop(_event: Event) -> None:
        async_cancel_unlock_retries(hass)

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, stop)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: HikvisionConfigEntry) -> bool:
    """Set up one camera."""
    coordinator = HikvisionCoordinator(hass, entry, await async_get_memory(hass))
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = HikvisionRuntimeData(coordinator, Restorer(hass, entry, coordinator))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: HikvisionConfigEntry) -> bool:
    """Unload one camera (its background tasks end with the entry)."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: HikvisionConfigEntry) -> None:
    """Removing a camera: its login trouble, any pending retry and its backups go.

    Home Assistant's own "delete?" dialog is the confirmation.
    """
    async_clear_trouble(hass, entry.entry_id)
    async_cancel_unlock_retries(hass, entry.entry_id)
    if entry.unique_id:
        await async_remove_all(hass, entry.unique_id)
