"""The way home against SADP firmware that reads the single-source details otherwise.

Each single-source choice (the salted ``update`` password's tail, the activation's AES key) gets
one fallback, never more: the journey brings the camera home, the camera sees at most one wrong
attempt, the entry keeps what worked (diagnostics show it), and the next journey uses it first.
"""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
import pytest

from custom_components.hikvision_reset.diagnostics import async_get_config_entry_diagnostics
from simulator import SadpResponder, SimulatedCamera

from .helpers import NEW_PASSWORD, Journey, broken_entry, settle, shown, wait_progress

SALT = "fc5237a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabb947a"


async def reset_and_activate(
    hass: HomeAssistant, http: TestClient, camera: SimulatedCamera
) -> Journey:
    """Hard reset out of HTTP's reach, then the journey up to the new password's answer."""
    await camera.hard_reset("127.0.0.1")
    entry = hass.config_entries.async_entries("hikvision_reset")[0]
    journey = await Journey.open(hass, http, entry)
    await journey.send({"next_step_id": "reset_steps"})
    await journey.send({})  # "I have reset it"
    await journey.send({"new_password": NEW_PASSWORD})
    return journey


async def journey_home(
    hass: HomeAssistant, http: TestClient, camera: SimulatedCamera, responder: SadpResponder
) -> tuple[Journey, str]:
    """The whole journey with the suggested settings; what its wait said."""
    journey = await reset_and_activate(hass, http, camera)
    assert journey.last["step_id"] == "move", journey.last
    form = {f["name"]: f.get("default") for f in journey.last["data_schema"]}
    await journey.send(form)
    waiting = (await journey.seen()).description
    await wait_progress(journey)
    return journey, waiting


@pytest.mark.parametrize(
    ("tail", "key", "updates", "activates", "learned"),
    [
        # As the source's latest version builds it: one update.
        ("uuid", "ascii", 1, 1, {"key_mode": "ascii", "update_layout": "uuid_tail"}),
        # Firmware that wants the zero tail (the source's first version): two.
        ("zeros", "ascii", 2, 1, {"key_mode": "ascii", "update_layout": "zero_tail"}),
        # Firmware that checks only K: one.
        ("ignored", "ascii", 1, 1, {"key_mode": "ascii", "update_layout": "uuid_tail"}),
        # Firmware that reads the activation key the other way: activated on the second try.
        ("uuid", "hex", 1, 2, {"key_mode": "hex", "update_layout": "uuid_tail"}),
    ],
)
async def test_the_way_home_with_each_variant(
    hass: HomeAssistant,
    http: TestClient,
    camera: SimulatedCamera,
    sadp_responder: SadpResponder,
    tail: str,
    key: str,
    updates: int,
    activates: int,
    learned: dict[str, str],
) -> None:
    camera.salt, camera.salted_tail, camera.sadp_key_mode = SALT, tail, key
    sadp_responder.cameras.append(camera)
    entry = await broken_entry(hass, camera)
    old = (camera.host, camera.port)
    journey, waiting = await journey_home(hass, http, camera, sadp_responder)
    target = f"127.0.0.1:{sadp_responder.port}"
    # The person is told which of the single-source forms were used.
    assert waiting.endswith(
        f" Over SADP, Home Assistant used: activate {learned['key_mode']}; update "
        f"{learned['update_layout']}; to {target} (how a camera reads these is documented by one "
        "source only)."
    )
    assert (await journey.seen()).description == (
        "The camera is activated with the new password and back in Home Assistant."
    )
    assert sadp_responder.requests["update"] == updates
    assert sadp_responder.requests["activate"] == activates
    assert camera.sadp_failures <= 1  # at most one wrong update attempt seen by the camera
    assert (camera.host, camera.port) == old
    await settle(hass)
    assert entry.state is ConfigEntryState.LOADED
    assert entry.data["sadp"] == {**learned, "target": target}
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["sadp"] == {**learned, "target": target}

    # The next time, what worked goes first: one update, one activation.
    await hass.config_entries.async_unload(entry.entry_id)
    camera.password = "changed-Elsewhere1"
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    before = dict(sadp_responder.requests)
    journey, _ = await journey_home(hass, http, camera, sadp_responder)
    assert journey.last["reason"] == "recovered"
    assert sadp_responder.requests["update"] - before["update"] == 1
    assert sadp_responder.requests["activate"] - before["activate"] == 1
    assert camera.sadp_failures == 0  # (the hard reset cleared the count; none since)


async def test_a_camera_that_refuses_every_form_is_told_plainly(
    hass: HomeAssistant,
    http: TestClient,
    camera: SimulatedCamera,
    sadp_responder: SadpResponder,
) -> None:
    """Two of the camera's six attempts per press, and what to do; with the count it says."""
    camera.salt, camera.sadp_retry_field = SALT, "RetryTimes"
    sadp_responder.cameras.append(camera)
    await broken_entry(hass, camera)
    journey = await reset_and_activate(hass, http, camera)
    form = {f["name"]: f.get("default") for f in journey.last["data_schema"]}
    camera.password = "Someone-Else1"  # changed in between: every form is refused
    await journey.send(form)
    error = (await journey.seen()).errors["base"]
    assert error == (
        "The camera refused its new password with the network settings (2 tried; the camera "
        "says 4 attempts remain before it refuses new settings for 30 minutes). Unplug the "
        "camera's power for a moment (that clears the count), wait two minutes and press Submit "
        "once more; if it still refuses, give it its address with Hikvision's SADP tool."
    )
    assert sadp_responder.requests["update"] == 2
    assert camera.sadp_failures == 2
    german = await shown(hass, journey.last, "de")
    assert "laut Kamera bleiben 4 Versuche" in german.errors["base"]


async def test_activation_refused_in_both_readings_says_what_to_do(
    hass: HomeAssistant,
    http: TestClient,
    camera: SimulatedCamera,
    sadp_responder: SadpResponder,
) -> None:
    camera.refuse_passwords = frozenset({NEW_PASSWORD})
    sadp_responder.cameras.append(camera)
    await broken_entry(hass, camera)
    journey = await reset_and_activate(hass, http, camera)
    seen = await journey.seen()
    assert seen.step == "activate"
    assert seen.errors["base"].startswith(
        "The camera refused the activation in each form Home Assistant knows (2 tried:"
    )
    assert seen.errors["base"].endswith(
        "activate it with Hikvision's SADP tool, then give Home Assistant that password."
    )
    assert sadp_responder.requests["activate"] == 2
    assert not camera.active


async def test_a_mute_group_and_the_other_layout_still_bring_the_camera_home(
    hass: HomeAssistant,
    http: TestClient,
    camera: SimulatedCamera,
    sadp_responder: SadpResponder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The camera's web port answers after the reset (it is activated there, so SADP has learned
    nothing), the group destination is mute, and the firmware wants the zero tail: the first
    submit spends its two sends on the mute group and the refused layout, and says so; the next
    one goes where the camera answered, in the other layout, and it comes home."""
    camera.salt, camera.salted_tail = SALT, "zeros"
    sadp_responder.cameras.append(camera)
    mute = SadpResponder([camera])
    await mute.start()
    mute.silent = True
    group, heard = f"127.0.0.1:{mute.port}", f"127.0.0.1:{sadp_responder.port}"
    monkeypatch.setenv("HIKVISION_RESET_SADP_TARGETS", f"{group},{heard}")
    try:
        entry = await broken_entry(hass, camera)
        await camera.hard_reset("127.0.0.1")
        camera.listening, camera.port = True, 0  # its web port answers, at another port
        await camera.start()
        journey = await Journey.open(hass, http, entry)
        await journey.send({"next_step_id": "reset_steps"})
        await journey.send({})
        await journey.send({"new_password": NEW_PASSWORD})
        assert sadp_responder.requests["activate"] == 0  # activated by its web port
        assert journey.last["step_id"] == "move", journey.last
        form = {f["name"]: f.get("default") for f in journey.last["data_schema"]}
        await journey.send(form)
        assert (await journey.seen()).errors["base"] == (
            "The camera refused its new password with the network settings in the form Home "
            "Assistant sent (uuid_tail; 2 of the camera's six attempts used: after six wrong ones "
            "it refuses new settings for 30 minutes). How a camera reads it is documented by one "
            "source only: press Submit to send it in the other form."
        )
        assert (mute.requests["update"], sadp_responder.requests["update"]) == (1, 1)
        await journey.send(form)
        waiting = (await journey.seen()).description
        assert f"update zero_tail; to {heard}" in waiting  # what was used, said
        await wait_progress(journey)
        assert journey.last["reason"] == "recovered"
        assert (mute.requests["update"], sadp_responder.requests["update"]) == (1, 2)
        assert camera.sadp_failures <= 1
        assert entry.data["sadp"] == {"target": heard, "update_layout": "zero_tail"}
    finally:
        mute.close()
