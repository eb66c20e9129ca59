"""Hikvision Reset: restore Hikvision IP cameras to factory defaults from Home Assistant."""

from __future__ import annotations

from homeassistant.const import EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .auth.guard import async_cancel_unlock_retries, async_clear_trouble
from .auth.memory import async_get_memory
from .const import DOMAIN
from .coordinator import HikvisionCoordinator
from .data import HikvisionConfigEntry, HikvisionRuntimeData
from .entity import own_device_fields
from .pending import LAST, RESTORE, async_get_pending
from .recorder.channels import RecorderCameras
from .recorder.coordinator import RecorderCoordinator, is_recorder
from .recorder.repair import async_clear_all
from .recovery.progress import async_first_login
from .restore.backups import async_remove_all
from .restore.record import device_info_from
from .restore.restorer import Restorer
from .restore.settings import CONF_CAMERA_SETTINGS, SettingsPlace
from .restore.target import entry_target
from .services import async_setup_services

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
    """Set up one camera; a restore that a restart interrupted is picked up where it was.

    While a restore is followed the camera may well not answer: the entry is set up from what
    the camera said before (kept with the restore), and the follow resumes.
    """
    coordinator = HikvisionCoordinator(hass, entry, await async_get_memory(hass))
    pending = await async_get_pending(hass)
    under_way = pending.get(RESTORE, entry.entry_id)
    known = device_info_from(under_way.get("device")) if under_way else None
    if known is not None:
        coordinator.async_set_updated_data(known)
    else:
        await async_first_login(hass, entry, coordinator)
    restorer = Restorer(hass, entry, entry_target(hass, entry, coordinator))
    data = entry.runtime_data = HikvisionRuntimeData(coordinator, restorer)
    if is_recorder(coordinator.data):  # its cameras hang on its device
        device = dr.async_get(hass).async_get_or_create(
            config_entry_id=entry.entry_id, **own_device_fields(data)
        )
        data.device_id = device.id
        poller = RecorderCoordinator(hass, entry, coordinator.client, coordinator.guard)
        memory = await async_get_memory(hass)
        data.recorder = RecorderCameras(hass, entry, poller, memory, coordinator)
        await data.recorder.async_setup()
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    if under_way is not None and not (known is not None and restorer.resume(under_way)):
        await pending.async_set(RESTORE, entry.entry_id, None)  # unreadable: nothing to resume
    return True


async def async_unload_entry(hass: HomeAssistant, entry: HikvisionConfigEntry) -> bool:
    """Unload one camera (its background tasks end with the entry)."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: HikvisionConfigEntry) -> None:
    """Removing a camera: its login trouble, any pending retry and its backups go.

    Home Assistant's own "delete?" dialog is the confirmation.
    """
    async_clear_trouble(hass, entry.entry_id)
    async_clear_all(hass, entry.entry_id)
    async_cancel_unlock_retries(hass, entry.entry_id)
    await (await async_get_pending(hass)).async_forget(entry.entry_id)
    if entry.unique_id:
        await async_remove_all(hass, entry.unique_id)
    for serial in entry.data.get(CONF_CAMERA_SETTINGS, {}):  # a recorder's cameras
        await async_remove_all(hass, SettingsPlace(serial, entry.unique_id).folder)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: HikvisionConfigEntry, device: dr.DeviceEntry
) -> bool:
    """A camera its recorder no longer lists may be deleted; the entry's own device may not."""
    cameras = entry.runtime_data.recorder
    if cameras is None:
        return False
    channels = cameras.coordinator.data.channels
    listed = {c.identifier for c in cameras.cameras.values() if c.number in channels}
    ours = {value for domain, value in device.identifiers if domain == DOMAIN}
    if not ours or str(entry.unique_id) in ours or ours & listed:
        return False
    pending = await async_get_pending(hass)
    for camera in filter(None, map(cameras.by_identifier, ours)):  # its last restore goes
        await pending.async_set(LAST, camera.restorer.target.key, None)
    serial = device.serial_number
    kept = entry.data.get(CONF_CAMERA_SETTINGS, {})
    still = {channel.serial_number for channel in channels.values()}  # moved to another port
    if serial and serial in kept and serial not in still:  # its backups go with it
        await async_remove_all(hass, SettingsPlace(serial, entry.unique_id).folder)
        others = {k: v for k, v in kept.items() if k != serial}
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_CAMERA_SETTINGS: others}
        )
    return True
