"""The actions: ``restore_defaults`` and ``restore_configuration`` (its undo).

A target is a camera's device: an entry's own, or one behind its recorder.
"""

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
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.service import (
    async_get_device_and_config_entry,
    async_register_admin_service,
)
import voluptuous as vol

from .const import (
    ATTR_BACKUP,
    ATTR_DEVICE_ID,
    ATTR_MODE,
    DOMAIN,
    SERVICE_RESTORE_CONFIGURATION,
    SERVICE_RESTORE_DEFAULTS,
)
from .data import HikvisionRuntimeData
from .errors import (
    EXPLAINED,
    NoBackupError,
    error_key,
    translated_error,
)
from .isapi import RestoreMode
from .restore.restorer import Restorer

SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): vol.All(cv.ensure_list, [cv.string]),
        vol.Optional(ATTR_MODE, default=RestoreMode.BASIC.value): vol.In(
            [mode.value for mode in RestoreMode]
        ),
        # Save the camera's settings first; False restores even when they cannot be saved.
        vol.Optional(ATTR_BACKUP, default=True): cv.boolean,
    }
)
PUT_BACK_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): cv.string,
        # A backup's file name (as diagnostics list them); the newest when left out.
        vol.Optional(ATTR_BACKUP): cv.string,
    }
)


def _restorer_of(call: ServiceCall, device_id: str) -> Restorer:
    """The restorer of a targeted device.

    Raises a translated ServiceValidationError for unknown, foreign or unloaded devices.
    """
    device, entry = async_get_device_and_config_entry(call.hass, DOMAIN, device_id)
    data: HikvisionRuntimeData = entry.runtime_data
    for domain, identifier in device.identifiers:
        if domain == DOMAIN and (found := data.restorer_for(identifier)):
            return found
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="camera_gone",
        translation_placeholders={"name": device.name_by_user or device.name or device_id},
    )


async def _restore_one(
    restorer: Restorer, device_id: str, mode: RestoreMode, backup: bool
) -> tuple[dict[str, Any], HomeAssistantError | None]:
    """Restore one camera: its result, and the error to tell (the others go on regardless)."""
    name = restorer.target.name
    result: dict[str, Any] = {"device_id": device_id, "name": name, "mode": str(mode)}
    try:
        sent = await restorer.async_run(mode, backup=backup)
        result |= {
            "result": sent.stage,
            "settings_backup": str(sent.settings),
            "backup": sent.backup,
            "backup_error": sent.backup_error,
        }
    except EXPLAINED as err:
        error = translated_error(err, name)
        result.update(result="error", error=error_key(err), message=str(error))
        return result, error
    return result, None


async def async_restore_defaults(call: ServiceCall) -> ServiceResponse:
    """Restore every targeted camera concurrently; report one result per camera."""
    mode = RestoreMode(call.data[ATTR_MODE])
    backup: bool = call.data[ATTR_BACKUP]
    targets = {device_id: _restorer_of(call, device_id) for device_id in call.data[ATTR_DEVICE_ID]}
    outcomes = await asyncio.gather(
        *(
            _restore_one(restorer, device_id, mode, backup)
            for device_id, restorer in targets.items()
        )
    )
    errors = [error for _, error in outcomes if error is not None]
    if errors and not call.return_response:
        if len(outcomes) == 1:
            (only,) = errors
            raise only
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="restore_failed",
            # Home Assistant drops each message's final period: put it back between them.
            translation_placeholders={"details": ". ".join(str(error) for error in errors)},
        )
    return {"results": [result for result, _ in outcomes]}


async def async_restore_configuration(call: ServiceCall) -> ServiceResponse:
    """Put a camera's saved settings back (it reboots); the undo of a restore."""
    device_id = call.data[ATTR_DEVICE_ID]
    restorer = _restorer_of(call, device_id)
    name = restorer.target.name
    try:
        stage, backup = await restorer.async_restore_configuration(call.data.get(ATTR_BACKUP))
    except NoBackupError as err:  # it says why there is none
        raise translated_error(err, name, ServiceValidationError) from err
    except EXPLAINED as err:
        raise translated_error(err, name) from err
    return {
        "device_id": device_id,
        "name": name,  # the camera's; the file is "backup"
        "result": stage,
        "backup": backup.name,
        "backup_size": backup.size,
        "backup_created": backup.created.isoformat(),
    }


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the services: administrators only (automations and scripts act for no user)."""
    async_register_admin_service(
        hass,
        DOMAIN,
        SERVICE_RESTORE_DEFAULTS,
        async_restore_defaults,
        schema=SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    async_register_admin_service(
        hass,
        DOMAIN,
        SERVICE_RESTORE_CONFIGURATION,
        async_restore_configuration,
        schema=PUT_BACK_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
