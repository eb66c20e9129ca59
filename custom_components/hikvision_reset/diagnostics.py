"""Diagnostics: what the camera said and how the last restore went, secrets redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant

from .auth.memory import async_get_memory
from .data import HikvisionConfigEntry
from .pending import JOURNEY, RESTORE, async_get_pending
from .recorder.cameras import ChannelCamera
from .recovery.bring_home import CONF_SADP
from .restore.backups import CONF_BACKUP_PASSWORDS, CONF_BACKUP_USERS, async_list
from .restore.settings import CONF_CAMERA_SETTINGS, CONF_SETTINGS_DOWNLOAD

TO_REDACT = {
    CONF_PASSWORD,
    CONF_USERNAME,
    CONF_BACKUP_PASSWORDS,
    CONF_BACKUP_USERS,
    "serial_number",
    "mac_address",
    "unique_id",
    "address",
    "dev_index",
    CONF_CAMERA_SETTINGS,  # keyed by serial: shown per camera instead
}


async def _behind(hass: HomeAssistant, entry: HikvisionConfigEntry) -> dict[str, Any]:
    """The cameras behind a recorder: what the recorder says of each, the route chosen.

    And what each offers for download, and its backups (by name, size and date).
    """
    cameras = entry.runtime_data.recorder
    assert cameras is not None
    data = cameras.coordinator.data

    async def settings(camera: ChannelCamera) -> dict[str, Any]:
        place = camera.restorer.target.settings()
        if place is None:
            return {"settings_download": None, "backups": []}
        return {
            "settings_download": place.record(entry.data).get(CONF_SETTINGS_DOWNLOAD),
            "backups": [b.describe() for b in await async_list(hass, place.folder)],
            "settings_by_route": place.carried,
        }

    return {
        "virtual_host": data.virtual_host,
        "options": {
            key: "**REDACTED**" if "password" in key else value
            for key, value in entry.options.items()
        },
        "cameras": [
            {
                "channel": asdict(camera.channel),
                "state": asdict(state) if (state := data.states.get(number)) else None,
                "route": camera.route,
                "rebooting": camera.restorer.rebooting,
                "restore_in_progress": camera.restorer.in_progress,
                "last_stage": camera.restorer.last.stage if camera.restorer.last else None,
                **await settings(camera),
            }
            for number, camera in sorted(cameras.cameras.items())
        ],
    }


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: HikvisionConfigEntry
) -> dict[str, Any]:
    """Diagnostics of one camera."""
    coordinator = entry.runtime_data.coordinator
    restorer = entry.runtime_data.restorer
    last = restorer.last
    memory = await async_get_memory(hass)
    pending = await async_get_pending(hass)
    under_way = pending.get(RESTORE, entry.entry_id) or {}
    recorder = entry.runtime_data.recorder
    behind = {} if recorder is None else {"behind_recorder": await _behind(hass, entry)}
    return async_redact_data(
        {
            **behind,
            "entry": {"data": dict(entry.data), "unique_id": entry.unique_id, "title": entry.title},
            "device_info": asdict(coordinator.data),
            "last_update_success": coordinator.last_update_success,
            "rebooting": restorer.rebooting,
            "restore_in_progress": restorer.in_progress,
            "login_memory": memory.summary(),
            # Names, sizes and dates only: never the files' contents.
            "backups": [b.describe() for b in await async_list(hass, str(entry.unique_id))],
            # What the camera offers for download, as learned from its answers.
            "settings_download": entry.data.get(CONF_SETTINGS_DOWNLOAD),
            # Which SADP variants worked with this camera (tried first next time).
            "sadp": entry.data.get(CONF_SADP),
            # What a restart would resume: a restore being followed, a way home not finished.
            "under_way": {
                "restore": {k: v for k, v in under_way.items() if k != "device"} or None,
                "journey": pending.get(JOURNEY, entry.entry_id),
            },
            "last_restore": None
            if last is None
            else {
                "mode": last.mode,
                "stage": last.stage,
                "error": last.error,
                "settings_backup": last.settings,
                "backup": last.backup,
                "backup_error": last.backup_error,
            },
        },
        TO_REDACT,
    )
