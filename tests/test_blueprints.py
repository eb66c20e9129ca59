"""The shipped blueprints, loaded by Home Assistant's blueprint integration and driven for real."""

from __future__ import annotations

from pathlib import Path
import shutil
from typing import Any

from homeassistant.components import conversation
from homeassistant.core import Context, HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
import yaml

from custom_components.hikvision_reset.const import DOMAIN, EVENT_RESTORE
from simulator import SimulatedCamera

from .helpers import device_id, entry_for, settle, setup_entry

SHIPPED = Path(__file__).resolve().parents[1] / "blueprints" / "automation" / "hikvision_reset"


@pytest.fixture(autouse=True)
def installed_blueprints(hass: HomeAssistant) -> None:
    """What importing them does: the files under <config>/blueprints/automation/<namespace>/."""
    shutil.copytree(SHIPPED, Path(hass.config.config_dir, "blueprints/automation/hikvision_reset"))


async def automation(hass: HomeAssistant, blueprint: str, inputs: dict[str, Any]) -> None:
    for component in ("homeassistant", "conversation", "intent", "persistent_notification"):
        assert await async_setup_component(hass, component, {})
    config = {
        "id": blueprint,
        "alias": blueprint,
        "use_blueprint": {"path": f"hikvision_reset/{blueprint}.yaml", "input": inputs},
    }
    assert await async_setup_component(hass, "automation", {"automation": [config]})
    await hass.async_block_till_done()
    assert hass.states.get(f"automation.{blueprint}").state == "on"  # it loaded and validated


async def notes(hass: HomeAssistant, ws: WebSocketGenerator) -> dict[str, dict[str, Any]]:
    client = await ws(hass)
    await client.send_json_auto_id({"type": "persistent_notification/get"})
    return {n["notification_id"]: n for n in (await client.receive_json())["result"]}


async def say(hass: HomeAssistant, sentence: str) -> conversation.ConversationResult:
    """What Assist does with a spoken sentence (Home Assistant's own agent, in English)."""
    return await conversation.async_converse(
        hass, sentence, None, Context(), language="en", agent_id=conversation.HOME_ASSISTANT_AGENT
    )


def test_blueprints_are_importable_by_url() -> None:
    for path in SHIPPED.glob("*.yaml"):
        text = path.read_text()
        meta = yaml.load(text, Loader=yaml.BaseLoader)["blueprint"]  # !input is a tag
        assert meta["domain"] == "automation"
        assert meta["source_url"].endswith(f"/blueprints/automation/hikvision_reset/{path.name}")
    assert len(list(SHIPPED.glob("*.yaml"))) == 3


async def test_notify_me_with_the_steps(
    hass: HomeAssistant, camera: SimulatedCamera, hass_ws_client: WebSocketGenerator
) -> None:
    await automation(hass, "notify_reset_steps", {})
    entry = await setup_entry(hass, entry_for(camera, password="forgotten"))
    await settle(hass)
    note = (await notes(hass, hass_ws_client))[f"hikvision_reset_{entry.entry_id}"]
    assert note["title"] == "Garage refuses Home Assistant's password"
    message = " ".join(note["message"].split())
    assert message == (
        "Garage (DS-2CD2143G2-I, 127.0.0.1) no longer accepts Home Assistant's password; it "
        "allows 6 more wrong passwords before it locks the account. Home Assistant has stopped "
        "trying. Open Settings → System → Repairs: it shows the steps for this camera, and "
        "brings it back."
    )


async def test_notify_me_of_a_locked_account(
    hass: HomeAssistant, camera: SimulatedCamera, hass_ws_client: WebSocketGenerator
) -> None:
    await automation(hass, "notify_reset_steps", {})
    camera.consecutive_failures = 6
    entry = await setup_entry(hass, entry_for(camera, password="forgotten"))
    await settle(hass)
    note = (await notes(hass, hass_ws_client))[f"hikvision_reset_{entry.entry_id}"]
    assert " ".join(note["message"].split()).startswith(
        "Garage has locked its account after too many wrong passwords (for 30 more minutes)."
    )


async def test_restore_by_voice_basic_only(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    camera.reboot_seconds = 3.0  # still restoring when it is asked again
    await automation(
        hass,
        "restore_by_voice",
        {"camera": device_id(hass, loaded_entry), "sentences": ["restore the garage camera"]},
    )
    result = await say(hass, "restore the garage camera")
    assert result.response.speech["plain"]["speech"] == (
        "Restoring the camera's defaults. It will be back in two minutes."
    )
    assert camera.restores == ["basic"]  # never full by voice
    await settle(hass, 0.3)
    # Said again while it restores: nothing is sent, and the answer says why.
    result = await say(hass, "restore the garage camera")
    speech = " ".join(result.response.speech["plain"]["speech"].split())
    assert speech.startswith("The camera could not be restored: Garage is already restoring")
    assert camera.requests[("PUT", "/ISAPI/System/factoryReset")] == 1
    await settle(hass, 1.0)


async def test_tell_me_when_it_is_done(
    hass: HomeAssistant,
    camera: SimulatedCamera,
    loaded_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    await automation(hass, "restore_finished", {})
    events = async_capture_events(hass, EVENT_RESTORE)
    await hass.services.async_call(
        DOMAIN, "restore_defaults", {"device_id": device_id(hass, loaded_entry)}, blocking=True
    )
    for _ in range(200):
        if any(e.data["stage"] == "online" for e in events):
            break
        await settle(hass, 0.04)
    await settle(hass, 0.2)
    note = (await notes(hass, hass_ws_client))[f"hikvision_reset_restore_{loaded_entry.entry_id}"]
    assert note["title"] == "Garage: restore done"
    assert " ".join(note["message"].split()) == "Garage is back online after the restore."
