"""When a camera behind a recorder needs the person: one repair per camera, and when to raise it.

A camera behind a recorder has no entry of its own, so Home Assistant's reauth repair cannot
carry it: its repair is this integration's own (fixed by ``repairs``). Raised when a camera the
recorder no longer connects to is inactive (reset), refuses the recorder's password, or was
wiped by a full restore from Home Assistant and did not come back; removed when it is back.
Invariant: finding out asks only the unauthenticated activation check, through its route, at
most once per ``CHECK_INTERVAL`` per camera.
"""

from __future__ import annotations

import inspect
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from ..const import CONF_MODEL, DOMAIN

# Home Assistant 2026.11 links an issue to its entry (removed with it, hidden while it is
# disabled); 2026.10 has no such argument.
_LINKS_ENTRY: Final = "config_entry_id" in inspect.signature(ir.async_create_issue).parameters
CHECK_INTERVAL: Final = 600.0  # seconds between two checks of a camera that stays away
INACTIVE: Final = "camera_inactive"  # reset (or wiped): to be activated again
REFUSES: Final = "camera_refuses_recorder"  # its password is not the recorder's any more


def issue_id(entry: ConfigEntry[Any], channel: int) -> str:
    """The repair of one camera behind the recorder."""
    return f"behind_recorder_{entry.entry_id}_{channel}"


@callback
def async_report(
    hass: HomeAssistant, entry: ConfigEntry[Any], channel: int, name: str, kind: str
) -> None:
    """Raise (or update) the camera's repair."""
    linked = {"config_entry_id": entry.entry_id} if _LINKS_ENTRY else {}
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(entry, channel),
        is_fixable=True,
        is_persistent=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key=kind,
        translation_placeholders={
            "name": name,
            "recorder": entry.title,
            "channel": str(channel),
            "model": entry.data.get(CONF_MODEL) or "?",
        },
        data={"entry_id": entry.entry_id, "channel": channel, "kind": kind},
        **linked,
    )


@callback
def async_report_wiped(
    hass: HomeAssistant, entry: ConfigEntry[Any], channel: int, name: str
) -> None:
    """A full restore from Home Assistant wiped the camera, and it did not come back."""
    async_report(hass, entry, channel, name, INACTIVE)


@callback
def async_clear(hass: HomeAssistant, entry: ConfigEntry[Any], channel: int) -> None:
    """The camera is back: its repair goes (nothing when it has none)."""
    if ir.async_get(hass).async_get_issue(DOMAIN, issue_id(entry, channel)) is not None:
        ir.async_delete_issue(hass, DOMAIN, issue_id(entry, channel))


@callback
def async_clear_all(hass: HomeAssistant, entry_id: str) -> None:
    """The recorder's entry is gone: its cameras' repairs go too."""
    registry = ir.async_get(hass)
    prefix = f"behind_recorder_{entry_id}_"
    for domain, key in list(registry.issues):
        if domain == DOMAIN and key.startswith(prefix):
            ir.async_delete_issue(hass, DOMAIN, key)
