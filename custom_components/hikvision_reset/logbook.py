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
        return {
            LOGBOOK_ENTRY_NAME: data.get("name", "Hikvision camera"),
            LOGBOOK_ENTRY_MESSAGE: template.format(mode=data[ATTR_MODE]),
        }

    async_describe_event(DOMAIN, EVENT_RESTORE, describe)
