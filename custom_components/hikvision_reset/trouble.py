"""Why Home Assistant cannot log in to a camera: kept for the reauth journey, told to automations.

There is one place a homeowner meets the problem: Home Assistant's own "Authentication expired"
repair (and the integration card), both of which open this integration's reauth flow, which
shows the model's reset steps. The ``hikvision_reset_auth_failed`` event tells automations (a
notification with the steps, say).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant, callback
from homeassistant.util.hass_dict import HassKey

from .const import CONF_MODEL, DOMAIN, EVENT_AUTH_FAILED
from .events import camera_device
from .reset_guide import guide_for

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

_TROUBLE: HassKey[dict[str, Trouble]] = HassKey(f"{DOMAIN}_trouble")


@dataclass(frozen=True, slots=True)
class Trouble:
    """Why the camera refuses Home Assistant, as the camera last described it."""

    reason: str
    attempts_left: int | None = None
    unlock_minutes: int | None = None


@callback
def async_report_trouble(hass: HomeAssistant, entry: ConfigEntry[Any], trouble: Trouble) -> None:
    """Remember ``trouble`` for the entry's reauth flow and fire the event."""
    hass.data.setdefault(_TROUBLE, {})[entry.entry_id] = trouble
    model = entry.data.get(CONF_MODEL)
    device = camera_device(hass, entry)
    hass.bus.async_fire(
        EVENT_AUTH_FAILED,
        {
            "device_id": device.id if device else None,
            "entry_id": entry.entry_id,
            "name": entry.title,
            "model": model,
            "host": entry.data[CONF_HOST],
            "reason": trouble.reason,
            "reset_guide": guide_for(model).kind,
            "attempts_left": trouble.attempts_left,
            "unlock_minutes": trouble.unlock_minutes,
        },
    )


@callback
def trouble_for(hass: HomeAssistant, entry_id: str) -> Trouble | None:
    """What is known about the entry's login trouble (None: nothing reported)."""
    return hass.data.get(_TROUBLE, {}).get(entry_id)


@callback
def async_clear_trouble(hass: HomeAssistant, entry_id: str) -> None:
    """The camera accepts us again, or the entry is gone."""
    hass.data.get(_TROUBLE, {}).pop(entry_id, None)
