"""Diagnostics: what the camera said and how the last restore went, secrets redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant

from .coordinator import HikvisionConfigEntry

TO_REDACT = {CONF_PASSWORD, CONF_USERNAME, "serial_number", "mac_address", "unique_id"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: HikvisionConfigEntry
) -> dict[str, Any]:
    """Diagnostics of one camera."""
    coordinator = entry.runtime_data
    last = coordinator.last_restore
    return async_redact_data(
        {
            "entry": {"data": dict(entry.data), "unique_id": entry.unique_id, "title": entry.title},
            "device_info": asdict(coordinator.data),
            "last_update_success": coordinator.last_update_success,
            "rebooting": coordinator.rebooting,
            "last_restore": None
            if last is None
            else {"mode": last.mode, "stage": last.stage, "error": last.error},
        },
        TO_REDACT,
    )
