"""Repairs: the fix flow of a camera behind a recorder (``recorder.repair`` raises its issue).

The integration's other troubles are fixed by Home Assistant's own reauth repair.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant

from .data import HikvisionConfigEntry
from .flow.behind_recorder import BehindRecorderRepairFlow


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """The flow fixing ``issue_id`` (a camera whose recorder is not loaded is told so)."""
    data = data or {}
    entry: HikvisionConfigEntry | None = hass.config_entries.async_get_entry(
        str(data.get("entry_id"))
    )
    if entry is not None and entry.state is ConfigEntryState.LOADED:
        cameras = entry.runtime_data.recorder
        camera = cameras.cameras.get(int(data.get("channel", 0))) if cameras else None
        if cameras is not None and camera is not None:
            return BehindRecorderRepairFlow(cameras, camera, str(data.get("kind")))
    return RecorderNotLoadedFlow()


class RecorderNotLoadedFlow(RepairsFlow):
    """The camera's recorder is not set up (disabled, or not answering): nothing to do yet."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """Say so; the repair stays until the recorder is back and the camera is."""
        return self.async_abort(reason="recorder_not_loaded")
