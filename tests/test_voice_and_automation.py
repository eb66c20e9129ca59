"""Assist (voice) and automations: the routes homeowners use, as shown in the README."""

from __future__ import annotations

from typing import Any

from homeassistant.components import conversation
from homeassistant.core import Context, HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from simulator import SimulatedCamera

from .helpers import device_id, entry_for, settle, setup_automations, setup_entry, voice_automation

NOTIFY_AUTOMATION: dict[str, Any] = {
    "alias": "Tell me how to reset a camera that refuses the password",
    "triggers": [{"trigger": "event", "event_type": "hikvision_reset_auth_failed"}],
    "actions": [
        {
            "action": "persistent_notification.create",
            "data": {
                "notification_id": "hikvision_reset_{{ trigger.event.data.entry_id }}",
                "title": "{{ trigger.event.data.name }} refuses Home Assistant's password",
                "message": (
                    "{{ trigger.event.data.model }} at {{ trigger.event.data.host }}: "
                    "{% if trigger.event.data.reset_guide == 'sadp' %}no reset button, use SADP."
                    "{% else %}power off, hold the reset button, power on, hold 15-20 s."
                    "{% endif %} Steps: Settings > System > Repairs."
                ),
            },
        }
    ],
}


@pytest.mark.parametrize(
    "sentence", ["reset the garage camera", "Restore defaults on the garage camera"]
)
async def test_voice_restores_the_camera_once(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry, sentence: str
) -> None:
    await setup_automations(hass, [voice_automation(device_id(hass, loaded_entry))])
    result = await conversation.async_converse(
        hass, sentence, None, Context(), language="en", agent_id=conversation.HOME_ASSISTANT_AGENT
    )
    assert result.response.speech["plain"]["speech"].startswith("Restoring the garage camera")
    assert camera.restores == ["basic"]
    assert camera.requests[("PUT", "/ISAPI/System/factoryReset")] == 1
    await settle(hass, 1.0)


async def test_other_sentences_do_nothing(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    await setup_automations(hass, [voice_automation(device_id(hass, loaded_entry))])
    await conversation.async_converse(
        hass,
        "what time is it",
        None,
        Context(),
        language="en",
        agent_id=conversation.HOME_ASSISTANT_AGENT,
    )
    assert camera.restores == []


async def test_notify_with_reset_steps(
    hass: HomeAssistant, camera: SimulatedCamera, hass_ws_client: WebSocketGenerator
) -> None:
    await setup_automations(hass, [NOTIFY_AUTOMATION])
    entry = await setup_entry(hass, entry_for(camera, password="forgotten"))
    await hass.async_block_till_done()
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "persistent_notification/get"})
    notes = {n["notification_id"]: n for n in (await client.receive_json())["result"]}
    note = notes[f"hikvision_reset_{entry.entry_id}"]
    assert note["title"] == "Garage refuses Home Assistant's password"
    assert "DS-2CD2143G2-I at 127.0.0.1: power off, hold the reset button" in note["message"]
