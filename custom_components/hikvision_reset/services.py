"""The ``hikvision_reset.restore_defaults`` service."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.service import async_get_device_and_config_entry
import voluptuous as vol

from .const import ATTR_DEVICE_ID, ATTR_MODE, DOMAIN, SERVICE_RESTORE_DEFAULTS
from .coordinator import HikvisionConfigEntry
from .helpers import error_key
from .isapi import IsapiError, RestoreMode

SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): vol.All(cv.ensure_list, [cv.string]),
        vol.Optional(ATTR_MODE, default=RestoreMode.BASIC.value): vol.In(
            [mode.value for mode in RestoreMode]
        ),
    }
)


async def _restore_one(
    entry: HikvisionConfigEntry, device_id: str, mode: RestoreMode
) -> dict[str, Any]:
    """Restore one camera; its result, never an exception (the others go on)."""
    result: dict[str, Any] = {"device_id": device_id, "name": entry.title, "mode": str(mode)}
    try:
        result["result"] = await entry.runtime_data.async_restore(mode)
    except IsapiError as err:
        result.update(result="error", error=error_key(err), message=str(err))
    return result


async def async_restore_defaults(call: ServiceCall) -> ServiceResponse:
    """Restore every targeted camera concurrently; report one result per camera."""
    mode = RestoreMode(call.data[ATTR_MODE])
    targets: dict[str, HikvisionConfigEntry] = {}
    for device_id in call.data[ATTR_DEVICE_ID]:
        # Raises a translated ServiceValidationError for unknown, foreign or unloaded devices.
        _device, entry = async_get_device_and_config_entry(call.hass, DOMAIN, device_id)
        targets[device_id] = entry
    results = await asyncio.gather(
        *(_restore_one(entry, device_id, mode) for device_id, entry in targets.items())
    )
    failed = [r for r in results if r["result"] == "error"]
    if failed and not call.return_response:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="restore_failed",
            translation_placeholders={
                "names": ", ".join(f"{r['name']} ({r['error']})" for r in failed)
            },
        )
    return {"results": list(results)}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the services."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_RESTORE_DEFAULTS,
        async_restore_defaults,
        schema=SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
