"""The camera's device, and what the integration's events say of it.

One place builds the events' common keys and the ``hikvision_reset_restore`` payload
(restores, reboots, settings put back, the way home's ``recovered``), so that every stage
carries the same keys.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .const import ATTR_MODE, ATTR_STAGE, DOMAIN, EVENT_RESTORE


@callback
def camera_device(
    hass: HomeAssistant, entry: ConfigEntry[Any], identifier: str | None = None
) -> dr.DeviceEntry | None:
    """The entry's camera (or, by ``identifier``, one behind its recorder) in the registry."""
    return dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, identifier or str(entry.unique_id)), entry.entry_id
    )


@callback
def about(
    hass: HomeAssistant, entry: ConfigEntry[Any], identifier: str | None = None, name: str = ""
) -> dict[str, Any]:
    """What every event of the integration says of its camera (or one behind its recorder)."""
    device = camera_device(hass, entry, identifier)
    return {
        "device_id": device.id if device else None,
        "entry_id": entry.entry_id,
        "name": name or entry.title,
    }


@callback
def async_fire_restore_event(
    hass: HomeAssistant, subject: dict[str, Any], mode: str, stage: str
) -> None:
    """Fire ``hikvision_reset_restore`` for one stage of a camera's restore (or recovery).

    ``subject``: what the event says of the camera (``about``), with any further keys.
    """
    hass.bus.async_fire(EVENT_RESTORE, {**subject, ATTR_MODE: mode, ATTR_STAGE: stage})


@callback
def async_fire_restore(
    hass: HomeAssistant, entry: ConfigEntry[Any], mode: str, stage: str, **extra: Any
) -> None:
    """``async_fire_restore_event`` for the camera of its own entry."""
    async_fire_restore_event(hass, {**about(hass, entry), **extra}, mode, stage)
