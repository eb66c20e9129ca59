"""Logbook entries for restores."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.logbook.const import LOGBOOK_ENTRY_MESSAGE, LOGBOOK_ENTRY_NAME
from homeassistant.core import Event, HomeAssistant, callback

from .const import ATTR_MODE, ATTR_STAGE, DOMAIN, EVENT_RESTORE

_MESSAGES = {
    "accepted": "accepted a {mode} restore and is rebooting",
    "unconfirmed": "was sent a {mode} restore (the connection dropped before it answered)",
    "offline": "went offline to reboot ({mode})",
    "online": "is back online after the {mode}",
    "failed": "refused the {mode}",
    "timeout": "did not finish rebooting in time after the {mode}",
    "recovered": "was activated with a new password and is back in Home Assistant",
}
# What became of the settings, said with the restore's first stage (English: the logbook has no
# translations).
_SETTINGS = {
    "saved": "settings saved first",
    "not_offered": "settings not saved: the camera does not offer them",
    "export_password": "settings not saved: the camera gives them only with an export password",
    "skipped": "settings not saved (backup: false)",
    "behind_recorder": "settings not saved: not by a route through the recorder that carries them",
    "route_failed": "settings not saved: the recorder's Virtual Host did not pass them on",
}
_FIRST_STAGES = ("accepted", "unconfirmed")
SETTINGS = "settings_backup"


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, Any]]], None],
) -> None:
    """Describe the restore events."""

    @callback
    def describe(event: Event) -> dict[str, Any]:
        data = event.data
        template = _MESSAGES.get(data[ATTR_STAGE], "{mode}: " + str(data[ATTR_STAGE]))
        message = template.format(mode=data[ATTR_MODE])
        if data[ATTR_STAGE] in _FIRST_STAGES and (note := _SETTINGS.get(data.get(SETTINGS, ""))):
            message = f"{message} ({note})"
        return {
            LOGBOOK_ENTRY_NAME: data.get("name", "Hikvision camera"),
            LOGBOOK_ENTRY_MESSAGE: message,
        }

    async_describe_event(DOMAIN, EVENT_RESTORE, describe)
