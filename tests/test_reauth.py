"""The reauth journey, driven as the frontend drives it: HA's config-flow HTTP API.

Home Assistant lists one "Authentication expired" repair for the camera; clicking it opens this
flow (the frontend fetches the flow by the id in the repair's data). Every step is rendered
through the English translations and checked as the homeowner reads it.
"""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.hikvision_reset.const import DOMAIN, EVENT_AUTH_FAILED, EVENT_RESTORE
from custom_components.hikvision_reset.recovery import network, sadp as ha_sadp
from simulator import Fault, SadpResponder, SimulatedCamera

from .helpers import (
    NEW_PASSWORD,
    PASSWORD,
    CameraFactory,
    Journey,
    broken_entry,
    device_id,
    entry_for,
    settle,
    wait_progress,
)


async def test_known_password(
    hass: HomeAssistant, http: TestClient, camera: SimulatedCamera
) -> None:
    entry = await broken_entry(hass, camera)
    journey = await Journey.open(hass, http, entry)
    seen = await journey.seen()
    assert seen.step == "reauth_attempts"
    assert seen.description.startswith(
        "**Garage** (DS-2CD2143G2-I, at 127.0.0.1) refuses Home Assistant's password."
    )
    await journey.send({"next_step_id": "password"})
    assert (await journey.seen()).title == "Enter the password of Garage"
    await journey.send({CONF_PASSWORD: "still-wrong"})
    assert (await journey.seen()).errors == {
        "base": "Wrong user name or password. The camera allows 5 more attempts before it "
        "locks the account."
    }
    await journey.send({CONF_PASSWORD: PASSWORD})
    assert (await journey.seen()).description == "The password was updated."
    await settle(hass)
    assert entry.state is ConfigEntryState.LOADED
    assert entry.data[CONF_PASSWORD] == PASSWORD
    assert camera.failed_logins == 2  # setup's, and the user's one wrong try
    assert not camera.ever_locked


async def test_known_password_while_locked_sends_nothing(
    hass: HomeAssistant, http: TestClient, camera: SimulatedCamera
) -> None:
    camera.consecutive_failures = 6
    entry = await broken_entry(hass, camera)
    journey = await Journey.open(hass, http, entry)
    assert (await journey.seen()).step == "reauth_locked"
    await journey.send({"next_step_id": "password"})
    requests = sum(camera.requests.values())
    await journey.send({CONF_PASSWORD: PASSWORD})
    assert (
        (await journey.seen())
        .errors["base"]
        .startswith(
            "The camera has locked the account after too many wrong passwords. Try again in 30 "
            "minutes"
        )
    )
    assert sum(camera.requests.values()) == requests


async def test_known_password_of_another_camera(
    hass: HomeAssistant, http: TestClient, camera: SimulatedCamera, make_camera: CameraFactory
) -> None:
    entry = await broken_entry(hass, camera)
    other = await make_camera(model="DS-2CD2086G2-I")
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_PORT: other.port})
    journey = await Journey.open(hass, http, entry)
    await journey.send({"next_step_id": "password"})
    await journey.send({CONF_PASSWORD: PASSWORD})
    assert (await journey.seen()).description == (
        "That is another camera (a different serial number)."
    )


async def test_forgotten_password_to_reset_to_reactivation(
    hass: HomeAssistant, http: TestClient, camera: SimulatedCamera
) -> None:
    """The whole bad day: wrong password, repair, hard reset, re-activation, working camera."""
    auth_events = async_capture_events(hass, EVENT_AUTH_FAILED)
    restore_events = async_capture_events(hass, EVENT_RESTORE)
    entry = await broken_entry(hass, camera)
    assert [e.data["reason"] for e in auth_events] == ["invalid_auth"]

    journey = await Journey.open(hass, http, entry)
    await journey.send({"next_step_id": "reset_steps"})
    seen = await journey.seen()
    assert seen.title == "Reset Garage with its button"  # the DS-2CD2143G2-I's own steps
    assert "Open the DS-2CD2143G2-I to reach its memory-card slot" in seen.description
    assert "Keep holding for 15\u201320 seconds" in seen.description
    assert "comes back *inactive* at **192.168.1.64**" in seen.description
    await journey.send({})
    assert (await journey.seen()).title == "Find Garage"
    # The user says it is reset, but it is not yet: HA looks without logging in.
    await journey.send({"host": "127.0.0.1"})
    assert (await journey.seen()).errors["base"].startswith("The camera is still activated")
    assert camera.failed_logins == 1

    camera.password = None  # the hard reset: inactive, no admin password
    await journey.send({"host": "127.0.0.1"})
    assert (await journey.seen()).title == "Choose a new admin password for Garage"
    for weak, says in (
        ("password", "at least two kinds"),
        ("Admin1234", "user name"),
        ("pass word1", "without spaces"),
        ("Garden-4567", "four digits in a row"),
    ):
        await journey.send({"new_password": weak})
        assert says in (await journey.seen()).errors["new_password"], weak
    assert camera.requests[("POST", "/ISAPI/Security/challenge")] == 0  # none was sent
    await journey.send({"new_password": NEW_PASSWORD})
    await wait_progress(journey)
    assert (await journey.seen()).description == (
        "The camera is activated with the new password and back in Home Assistant."
    )
    await settle(hass)

    assert camera.password == NEW_PASSWORD
    assert entry.data[CONF_PASSWORD] == NEW_PASSWORD
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get("button.garage_restore_defaults").state == "unknown"
    assert [e.data["stage"] for e in restore_events] == ["recovered"]
    assert camera.failed_logins == 1
    assert not camera.ever_locked


async def test_full_restore_goes_straight_to_finding_the_camera(
    hass: HomeAssistant, http: TestClient, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    events = async_capture_events(hass, EVENT_RESTORE)
    await hass.services.async_call(
        DOMAIN,
        "restore_defaults",
        {"device_id": device_id(hass, loaded_entry), "mode": "full"},
        blocking=True,
    )
    for _ in range(100):
        if any(e.data["stage"] == "online" for e in events):
            break
        await settle(hass, 0.04)
    await settle(hass)
    journey = await Journey.open(hass, http, loaded_entry)
    assert (await journey.seen()).step == "find_camera"
    await journey.send({"host": "127.0.0.1"})
    await journey.send({"new_password": NEW_PASSWORD})
    await wait_progress(journey)
    # Its settings were saved before the restore: offered back; the homeowner declines.
    assert (await journey.seen()).step == "offer_configuration"
    await journey.send({"next_step_id": "finish"})
    assert journey.last["reason"] == "recovered"
    await settle(hass)
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert loaded_entry.data[CONF_PASSWORD] == NEW_PASSWORD
    assert camera.requests[("PUT", "/ISAPI/System/configurationData")] == 0
    assert camera.failed_logins == 0


@pytest.mark.parametrize(
    ("setup", "says"),
    [
        ("stopped", "Home Assistant did not find the camera on the network."),
        ("garbled", "The device at this address does not answer like a Hikvision camera."),
    ],
)
async def test_find_camera_errors(
    hass: HomeAssistant, http: TestClient, camera: SimulatedCamera, setup: str, says: str
) -> None:
    entry = await broken_entry(hass, camera)
    journey = await Journey.open(hass, http, entry)
    await journey.send({"next_step_id": "reset_steps"})
    await journey.send({})
    if setup == "stopped":
        await camera.stop()
    else:
        camera.faults["/SDK/activateStatus"] = Fault(malformed=True)
    await journey.send({"host": "127.0.0.1"})
    assert (await journey.seen()).errors["base"].startswith(says)


@pytest.mark.parametrize(
    ("fault", "field", "says"),
    [
        (
            Fault(status_code=4, sub_status="riskPassword"),
            "new_password",
            "The camera refused this password as too easy to guess.",
        ),
        (Fault(status_code=3, sub_status="deviceError"), "base", "The camera refused the"),
        (Fault(drop=True), "base", "Home Assistant cannot reach a camera at this address."),
    ],
)
async def test_activation_errors(
    hass: HomeAssistant,
    http: TestClient,
    camera: SimulatedCamera,
    fault: Fault,
    field: str,
    says: str,
) -> None:
    entry = await broken_entry(hass, camera)
    camera.password = None
    journey = await Journey.open(hass, http, entry)
    await journey.send({"next_step_id": "reset_steps"})
    await journey.send({})
    await journey.send({"host": "127.0.0.1"})
    camera.faults["/ISAPI/System/activate"] = fault
    await journey.send({"new_password": NEW_PASSWORD})
    assert (await journey.seen()).errors[field].startswith(says)
    assert not camera.active


async def test_activated_camera_is_another_one(
    hass: HomeAssistant, http: TestClient, camera: SimulatedCamera, make_camera: CameraFactory
) -> None:
    entry = await broken_entry(hass, camera)
    other = await make_camera(model="DS-2CD2086G2-I", password=None)
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_PORT: other.port})
    journey = await Journey.open(hass, http, entry)
    await journey.send({"next_step_id": "reset_steps"})
    await journey.send({})
    await journey.send({"host": "127.0.0.1"})
    await journey.send({"new_password": NEW_PASSWORD})
    await wait_progress(journey)
    assert journey.last["reason"] == "wrong_device"


# ---- the whole way home: SADP ------------------------------------------------------------------


async def test_hard_reset_camera_out_of_reach_comes_all_the_way_home(
    hass: HomeAssistant,
    http: TestClient,
    camera: SimulatedCamera,
    sadp_responder: SadpResponder,
) -> None:
    """The done-means of the journey: reset, found by SADP while HTTP cannot reach it,
    activated over SADP, moved back to its old address, entry working again."""
    restore_events = async_capture_events(hass, EVENT_RESTORE)
    sadp_responder.cameras.append(camera)
    entry = await broken_entry(hass, camera)
    old_port = camera.port
    await camera.hard_reset("127.0.0.1")  # web port gone; SADP reports it elsewhere
    assert not camera.online

    journey = await Journey.open(hass, http, entry)
    await journey.send({"next_step_id": "reset_steps"})
    await journey.send({})  # "I have reset it"
    seen = await journey.seen()
    assert seen.title == "Choose a new admin password for Garage"
    assert seen.description.startswith("Found: Garage at 127.0.0.1 is inactive.")
    await journey.send({"new_password": "admin"})
    assert "8 to 16 characters" in (await journey.seen()).errors["new_password"]
    assert sadp_responder.requests["activate"] == 0
    await journey.send({"new_password": NEW_PASSWORD})
    assert camera.password == NEW_PASSWORD  # activated over SADP: HTTP could not reach it
    assert sadp_responder.requests["activate"] == 1
    seen = await journey.seen()
    assert seen.title == "Bring Garage back to its address"
    assert "is now at **127.0.0.1:80**" in seen.description
    form = {f["name"]: f.get("default") for f in journey.last["data_schema"]}
    assert form == {
        "host": "127.0.0.1",
        "subnet_mask": "255.255.255.0",  # no adapter of HA's holds it here: a /24 is guessed
        "gateway": "127.0.0.1",
        "port": old_port,
        "dhcp": False,
    }
    await journey.send(form)
    assert journey.last["type"] in ("progress", "abort")
    await wait_progress(journey)
    assert (await journey.seen()).description == (
        "The camera is activated with the new password and back in Home Assistant."
    )
    await settle(hass)
    assert camera.online
    assert (camera.host, camera.port) == ("127.0.0.1", old_port)
    assert entry.state is ConfigEntryState.LOADED
    assert entry.data[CONF_PASSWORD] == NEW_PASSWORD
    assert [e.data["stage"] for e in restore_events] == ["recovered"]
    assert camera.failed_logins == 1  # setup's, before the journey: none after
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)


async def test_an_entry_of_another_account_comes_home_as_admin(
    hass: HomeAssistant,
    http: TestClient,
    camera: SimulatedCamera,
    sadp_responder: SadpResponder,
) -> None:
    """Home Assistant used an operator account; after the reset only ``admin`` exists: the
    journey activates and moves it as admin, and the entry goes on with that account."""
    sadp_responder.cameras.append(camera)
    entry = entry_for(camera)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_USERNAME: "ha-operator"})
    await hass.config_entries.async_setup(entry.entry_id)  # the camera knows no such user
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    await camera.hard_reset("127.0.0.1")
    journey = await Journey.open(hass, http, entry)
    await journey.send({"next_step_id": "reset_steps"})
    await journey.send({})
    await journey.send({"new_password": NEW_PASSWORD})
    form = {f["name"]: f.get("default") for f in journey.last["data_schema"]}
    await journey.send(form)
    await wait_progress(journey)
    assert journey.last["reason"] == "recovered"
    await settle(hass)
    assert entry.state is ConfigEntryState.LOADED
    assert entry.data[CONF_USERNAME] == "admin"
    assert camera.failed_logins == 1  # setup's, with the operator account: none after


async def test_camera_not_found_then_found(
    hass: HomeAssistant,
    http: TestClient,
    camera: SimulatedCamera,
    sadp_responder: SadpResponder,
) -> None:
    entry = await broken_entry(hass, camera)
    journey = await Journey.open(hass, http, entry)
    await journey.send({"next_step_id": "reset_steps"})
    await journey.send({})
    assert (
        (await journey.seen())
        .errors["base"]
        .startswith("Home Assistant did not find the camera on the network.")
    )
    # Still not reset: SADP sees it, activated.
    sadp_responder.cameras.append(camera)
    await journey.send({"host": "127.0.0.1"})
    assert (await journey.seen()).errors["base"].startswith("The camera is still activated")
    assert camera.failed_logins == 1


async def at_the_move_step(
    hass: HomeAssistant, http: TestClient, camera: SimulatedCamera, responder: SadpResponder
) -> tuple[Journey, dict[str, Any]]:
    """Wrong password, hard reset (out of HTTP's reach), journey up to "bring it back"."""
    responder.cameras.append(camera)
    entry = await broken_entry(hass, camera)
    await camera.hard_reset("127.0.0.1")
    journey = await Journey.open(hass, http, entry)
    await journey.send({"next_step_id": "reset_steps"})
    await journey.send({})
    await journey.send({"new_password": NEW_PASSWORD})
    assert journey.last["step_id"] == "move"
    form = {f["name"]: f.get("default") for f in journey.last["data_schema"]}
    return journey, form


async def test_move_refused_and_not_answering_leave_a_way_on(
    hass: HomeAssistant,
    http: TestClient,
    camera: SimulatedCamera,
    sadp_responder: SadpResponder,
) -> None:
    journey, form = await at_the_move_step(hass, http, camera, sadp_responder)
    # Someone changed the password in between: the camera refuses the update (one form of it:
    # this camera announces no salt, so base64(MD5), the one confirmed encoding).
    camera.password = "Other-Passw0rd"
    await journey.send(form)
    assert (
        (await journey.seen())
        .errors["base"]
        .startswith(
            "The camera refused its new password with the network settings, in each form Home "
            "Assistant knows (1 of the camera's six attempts used;"
        )
    )
    assert sadp_responder.requests["update"] == 1
    camera.password = NEW_PASSWORD
    # Now it takes the settings, but its web port never comes up there.
    sadp_responder.silent = True
    await journey.send(form)
    assert (await journey.seen()).errors["base"].startswith("The camera did not answer.")
    sadp_responder.silent = False
    free_port = form["port"] + 0
    camera.listening = False  # it moves, but does not answer (a cable problem)
    original_move = camera.move

    async def move_but_stay_silent(host: str, port: int) -> None:
        camera.host, camera.port = host, port

    camera.move = move_but_stay_silent  # type: ignore[method-assign]
    await journey.send({**form, "port": free_port})
    await wait_progress(journey)
    seen = await journey.seen()
    assert seen.title == "Garage did not come back"
    # The user fixes the cable: the journey searches again, finds it activated, moves it.
    camera.move = original_move  # type: ignore[method-assign]
    await journey.send({})
    assert (await journey.seen()).title == "Bring Garage back to its address"
    await journey.send(form)
    await wait_progress(journey)
    assert journey.last["reason"] == "recovered"
    await settle(hass)
    [entry] = hass.config_entries.async_entries(DOMAIN)
    assert entry.state is ConfigEntryState.LOADED


async def test_dhcp_instead_found_again_by_sadp(
    hass: HomeAssistant,
    http: TestClient,
    camera: SimulatedCamera,
    sadp_responder: SadpResponder,
) -> None:
    journey, form = await at_the_move_step(hass, http, camera, sadp_responder)
    await journey.send({**form, "dhcp": True})
    await wait_progress(journey)
    assert journey.last["reason"] == "recovered"
    assert camera.dhcp
    assert sadp_responder.requests["inquiry"] >= 2  # found first to activate, then where it went


async def test_guessed_network_comes_from_home_assistants_adapters(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    adapters = [
        {"name": "eth0", "ipv4": [{"address": "192.168.20.5", "network_prefix": 22}]},
        {"name": "lo", "ipv4": [{"address": "127.0.0.1", "network_prefix": 8}]},
    ]

    async def get_adapters(_hass: HomeAssistant) -> list[dict[str, object]]:
        return adapters

    monkeypatch.setattr(network.network, "async_get_adapters", get_adapters)
    settings = await network.async_guess_settings(hass, "192.168.21.40", 8080)
    assert (settings.ipv4, settings.subnet_mask, settings.gateway, settings.http_port) == (
        "192.168.21.40",
        "255.255.252.0",
        "192.168.20.1",
        8080,
    )
    other = await network.async_guess_settings(hass, "10.1.2.3", 80)
    assert (other.subnet_mask, other.gateway) == ("255.255.255.0", "10.1.2.1")
    named = await network.async_guess_settings(hass, "camera.local", 80)
    assert named.subnet_mask == "255.255.255.0"


@pytest.mark.parametrize(
    ("targets", "listen", "expected_targets", "expected_listen", "group"),
    [
        (
            "",
            "",
            (("239.255.255.250", 37020), ("255.255.255.255", 37020)),
            ("0.0.0.0", 37020),
            True,
        ),
        (
            "127.0.0.5:4000,127.0.0.6:4001",
            "off",
            (("127.0.0.5", 4000), ("127.0.0.6", 4001)),
            None,
            False,
        ),
        ("127.0.0.5:4000", "127.0.0.1:37020", (("127.0.0.5", 4000),), ("127.0.0.1", 37020), False),
        ("127.0.0.5:4000", "0.0.0.0:37020", (("127.0.0.5", 4000),), ("0.0.0.0", 37020), True),
    ],
)
def test_sadp_settings(
    monkeypatch: pytest.MonkeyPatch,
    targets: str,
    listen: str,
    expected_targets: tuple[tuple[str, int], ...],
    expected_listen: tuple[str, int] | None,
    group: bool,
) -> None:
    """Production defaults (multicast, broadcast, the group listener) unless settings say."""
    monkeypatch.setenv(ha_sadp.ENV_TARGETS, targets)
    monkeypatch.setenv(ha_sadp.ENV_LISTEN, listen)
    sadp_client = ha_sadp.sadp_client()
    assert sadp_client.targets == expected_targets
    assert sadp_client.listen == expected_listen
    assert (sadp_client.multicast_group is not None) is group


async def test_camera_that_can_reset_its_own_password_is_offered_that_first(
    hass: HomeAssistant,
    http: TestClient,
    camera: SimulatedCamera,
    sadp_responder: SadpResponder,
) -> None:
    """SADP says the camera supports security questions: no need to lose every setting."""
    camera.security_questions = True
    sadp_responder.cameras.append(camera)
    entry = await broken_entry(hass, camera)
    journey = await Journey.open(hass, http, entry)
    await journey.send({"next_step_id": "reset_steps"})
    seen = await journey.seen()
    assert seen.step == "reset_soft"
    assert seen.title == "Reset the password without losing the settings"
    assert "open **http://127.0.0.1/**, click **Forgot Password**" in seen.description
    assert seen.options == {
        "password": "I know the password",
        "reset_hard": "Show me how to reset the camera",
    }
    # They reset it on the camera's page, then enter it here.
    camera.password = "Fr3sh-Garden"
    await journey.send({"next_step_id": "password"})
    await journey.send({CONF_PASSWORD: "Fr3sh-Garden"})
    assert journey.last["reason"] == "reauth_successful"
    assert camera.restores == []  # nothing was lost


async def test_the_hard_reset_stays_one_click_away(
    hass: HomeAssistant,
    http: TestClient,
    camera: SimulatedCamera,
    sadp_responder: SadpResponder,
) -> None:
    camera.password_reset_ability = True
    sadp_responder.cameras.append(camera)
    entry = await broken_entry(hass, camera)
    journey = await Journey.open(hass, http, entry)
    await journey.send({"next_step_id": "reset_steps"})
    assert (await journey.seen()).step == "reset_soft"  # its own password reset, offered first
    await journey.send({"next_step_id": "reset_hard"})
    seen = await journey.seen()
    assert seen.step == "reset_button"  # the DS-2CD2143G2-I's own steps, sourced
    assert seen.title == "Reset Garage with its button"
    assert "Open the DS-2CD2143G2-I to reach its memory-card slot" in seen.description
    await journey.send({})  # "I have reset it" — but it was not: it is still active
    seen = await journey.seen()
    assert seen.step == "find_camera"
    assert seen.errors["base"].startswith("The camera is still activated")


async def test_an_address_another_device_answers_at_is_refused(
    hass: HomeAssistant,
    http: TestClient,
    camera: SimulatedCamera,
    make_camera: CameraFactory,
    sadp_responder: SadpResponder,
) -> None:
    other = await make_camera(model="DS-2CD2086G2-I")  # already at an address of the network
    journey, form = await at_the_move_step(hass, http, camera, sadp_responder)
    await journey.send({**form, "port": other.port})
    assert (await journey.seen()).errors["host"] == (
        "Another device already answers at this address. Pick a free address (or DHCP)."
    )
    assert sadp_responder.requests["update"] == 0  # nothing was sent to the camera
    assert other.failed_logins == 0  # and nothing logged in to the other device
    await journey.send(form)
    await wait_progress(journey)
    assert journey.last["reason"] == "recovered"
