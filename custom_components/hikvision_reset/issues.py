"""The repair issue raised when Home Assistant can no longer log in to a camera."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, issue_registry as ir

from .const import (
    CONF_MODEL,
    DOMAIN,
    EVENT_AUTH_FAILED,
    HARD_RESET_ADDRESS,
    REASON_NOT_ACTIVATED,
    REASON_RESTORED_FULL,
)
from .reset_guide import guide_for

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

_TRANSLATION_KEYS = {
    "button": "auth_failed",
    "sadp": "auth_failed_sadp",
    "unknown": "auth_failed_unknown_model",
}
UNKNOWN = "?"


def issue_id(entry_id: str) -> str:
    """One issue per config entry."""
    return f"auth_failed_{entry_id}"


@callback
def async_raise_auth_issue(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    reason: str,
    *,
    attempts_left: int | None = None,
    unlock_minutes: int | None = None,
) -> None:
    """Create (or update) the camera's repair issue and fire the matching event."""
    model = entry.data.get(CONF_MODEL)
    guide = guide_for(model)
    activation = reason in (REASON_NOT_ACTIVATED, REASON_RESTORED_FULL)
    key = "not_activated" if activation else _TRANSLATION_KEYS[guide.kind]
    if reason == REASON_RESTORED_FULL:
        key = "restored_full"
    host = entry.data["host"]
    placeholders = {
        "name": entry.title,
        "model": model or UNKNOWN,
        "host": host,
        "attempts_left": UNKNOWN if attempts_left is None else str(attempts_left),
        "unlock_minutes": UNKNOWN if unlock_minutes is None else str(unlock_minutes),
        "reset_address": HARD_RESET_ADDRESS,
    }
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(entry.entry_id),
        is_fixable=True,
        is_persistent=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key=key,
        translation_placeholders=placeholders,
        data={"entry_id": entry.entry_id, "reason": reason},
    )
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, str(entry.unique_id)), entry.entry_id
    )
    hass.bus.async_fire(
        EVENT_AUTH_FAILED,
        {
            "device_id": device.id if device else None,
            "entry_id": entry.entry_id,
            "name": entry.title,
            "model": model,
            "host": host,
            "reason": reason,
            "reset_guide": guide.kind,
            "attempts_left": attempts_left,
            "unlock_minutes": unlock_minutes,
        },
    )


@callback
def issue_exists(hass: HomeAssistant, entry_id: str) -> bool:
    """Whether the camera's issue is open."""
    return ir.async_get(hass).async_get_issue(DOMAIN, issue_id(entry_id)) is not None


@callback
def async_clear_auth_issue(hass: HomeAssistant, entry_id: str) -> None:
    """Remove the issue (the camera accepts us again, or the entry is gone)."""
    ir.async_delete_issue(hass, DOMAIN, issue_id(entry_id))
