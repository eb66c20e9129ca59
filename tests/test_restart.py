"""A restart loses nothing: restores, resets and new passwords survive Home Assistant restarting.

``restart()`` plays what a restart does to this integration: the states are dumped as Home
Assistant does when it stops, flows end, entries unload (their tasks are cancelled), everything
the integration held in memory is dropped, and then the states and entries come back from
storage. (The test harness cannot run a second Home Assistant over the same registries.) Each
test asserts what the person sees afterwards and what the camera received.
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, CONF_PASSWORD
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er, restore_state
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.hikvision_reset import const
from custom_components.hikvision_reset.const import DOMAIN, EVENT_RESTORE
from custom_components.hikvision_reset.pending import async_get_pending
from simulator import SadpResponder, SimulatedCamera

from .helpers import (
    NEW_PASSWORD,
    PUT_RESET,
    CameraFactory,
    Journey,
    broken_entry,
    choices,
    device_id,
    entry_for,
    entry_reason,
    exception_text,
    pick_and_activate,
    search,
    settle,
    setup_entry,
    until_done,
    wait_progress,
    wait_stage,
)

RESTORE = "button.garage_restore_defaults"
SENSOR = "sensor.garage_last_restore"


async def restart(hass: HomeAssistant, *, dump: bool = True) -> None:
    """What a restart does to the integration (see the module's docstring).

    ``dump`` False: a power cut (Home Assistant could not dump its states when it stopped).
    """
    states = restore_state.async_get(hass)
    if dump:
        await states.async_dump_states()
    for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN):
        hass.config_entries.flow.async_abort(flow["flow_id"])
    entries = hass.config_entries.async_entries(DOMAIN)
    for entry in entries:
        if entry.state is not ConfigEntryState.NOT_LOADED:
            await hass.config_entries.async_unload(entry.entry_id)
    for key in [k for k in hass.data if isinstance(k, str) and k.startswith(DOMAIN)]:
        del hass.data[key]
    await states.async_load()
    for entry in entries:
        await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


def attributes(hass: HomeAssistant, entity_id: str = SENSOR) -> dict[str, Any]:
    state = hass.states.get(entity_id)
    assert state is not None
    return {"state": state.state, **state.attributes}


async def restored(hass: HomeAssistant) -> dict[str, Any]:
    """Garage restored from its button, back online: what its Last restore shows."""
    events = async_capture_events(hass, EVENT_RESTORE)
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: RESTORE}, blocking=True
    )
    await wait_stage(hass, events, "online")
    await settle(hass)
    return attributes(hass)


async def test_the_last_restore_is_still_shown_after_a_restart(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    before = await restored(hass)
    assert before["stage"] == "online"
    await restart(hass)
    assert loaded_entry.state is ConfigEntryState.LOADED
    after = attributes(hass)
    assert after == before  # was: "unknown"
    assert after["settings_backup"] == "saved"
    assert camera.requests[PUT_RESET] == 1


async def test_the_last_restore_is_still_shown_after_a_power_cut(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    """No state was dumped (the power went): the last restore, kept the moment it ended, is."""
    before = await restored(hass)
    await restart(hass, dump=False)
    after = attributes(hass)
    assert (after["state"], after["stage"], after["mode"]) == (
        before["state"],
        "online",
        "basic",
    )  # was: "unknown"
    assert after["settings_backup"] == "saved"
    assert camera.requests[PUT_RESET] == 1


async def test_a_renamed_last_restore_sensor_keeps_what_it_shows_across_a_restart(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    """The person renames the sensor's entity id: it keeps its value, then and after a restart."""
    before = await restored(hass)
    renamed = "sensor.garage_camera_reset"
    er.async_get(hass).async_update_entity(SENSOR, new_entity_id=renamed)
    await settle(hass)
    assert hass.states.get(SENSOR) is None
    assert attributes(hass, renamed) == before
    await restart(hass)
    assert attributes(hass, renamed) == before
    assert hass.states.get(SENSOR) is None
    assert camera.requests[PUT_RESET] == 1


async def test_a_restart_right_after_a_basic_restore_sends_nothing_again(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    camera.reboot_seconds = 2.0
    events = async_capture_events(hass, EVENT_RESTORE)
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: RESTORE}, blocking=True
    )
    assert [e.data["stage"] for e in events] == ["accepted"]
    await restart(hass)  # the camera is rebooting
    assert loaded_entry.state is ConfigEntryState.LOADED  # was: retrying setup
    assert attributes(hass)["stage"] in ("interrupted", "offline")
    # The claim holds across the restart: a second press sends nothing.
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: RESTORE}, blocking=True
        )
    assert (await exception_text(hass, err.value)).startswith("Garage is already restoring")
    await wait_stage(hass, events, "online")
    await settle(hass)
    assert attributes(hass)["stage"] == "online"
    assert camera.requests[PUT_RESET] == 1
    assert camera.restores == ["basic"]
    assert camera.failed_logins == 0
    # Over, and nothing left to resume: the next press restores again.
    await restart(hass)
    since = len(events)
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: RESTORE}, blocking=True
    )
    assert camera.requests[PUT_RESET] == 2
    await wait_stage(hass, events, "online", since)


async def test_a_full_restore_gone_away_gets_its_repair_on_time_after_a_restart(
    hass: HomeAssistant, http: TestClient, camera: SimulatedCamera, sadp_responder: SadpResponder
) -> None:
    """The camera leaves its address (a full restore wipes the network settings), Home
    Assistant restarts during the wait: the way home opens when it would have anyway."""
    sadp_responder.cameras.append(camera)
    camera.full_restore_address = "127.0.0.1"  # SADP reports it there; its web port is gone
    entry = await setup_entry(hass, entry_for(camera))
    events = async_capture_events(hass, EVENT_RESTORE)
    await hass.services.async_call(
        DOMAIN,
        "restore_defaults",
        {"device_id": device_id(hass, entry), "mode": "full"},
        blocking=True,
    )
    offline = await wait_stage(hass, events, "offline")
    went_down = time.monotonic()
    await restart(hass)
    assert entry.state is ConfigEntryState.LOADED  # was: retrying setup, with no repair, forever
    assert attributes(hass)["stage"] == "interrupted"
    await wait_stage(hass, events, "timeout")
    waited = time.monotonic() - went_down
    # The same window as without the restart: down, then ONLINE_TIMEOUT for it to come back.
    assert const.ONLINE_TIMEOUT - 0.5 <= waited <= const.ONLINE_TIMEOUT + 2.0, waited
    await settle(hass, 0.3)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]
    journey = await Journey.open(hass, http, entry)
    assert (await journey.seen()).step == "activate"  # found by SADP, inactive
    await journey.send({"new_password": NEW_PASSWORD})
    form = {f["name"]: f.get("default") for f in journey.last["data_schema"]}
    await journey.send(form)
    await wait_progress(journey)
    assert journey.last["step_id"] == "offer_configuration"  # the settings saved before the restore
    await journey.send({"next_step_id": "restore_configuration"})
    assert journey.last["reason"] == "recovered_with_settings"
    assert camera.restores == ["full"]  # never a second restore
    assert camera.failed_logins == 0
    assert offline.data["mode"] == "full"


async def test_a_restart_between_activation_and_the_move_keeps_the_new_password(
    hass: HomeAssistant, http: TestClient, camera: SimulatedCamera, sadp_responder: SadpResponder
) -> None:
    sadp_responder.cameras.append(camera)
    entry = await broken_entry(hass, camera)
    await camera.hard_reset("127.0.0.1")
    journey = await Journey.open(hass, http, entry)
    await journey.send({"next_step_id": "reset_steps"})
    await journey.send({})
    await journey.send({"new_password": NEW_PASSWORD})
    assert journey.last["step_id"] == "move"
    assert camera.password == NEW_PASSWORD
    assert entry.data[CONF_PASSWORD] == NEW_PASSWORD  # kept the moment the camera took it
    failed = camera.failed_logins
    await restart(hass)
    # Not "retrying setup" forever: the way home opens again, where it was.
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert await entry_reason(hass, entry) == (
        "Garage is activated with the password Home Assistant set, but is not back at its "
        "address yet: open Settings → System → Repairs to bring it home."
    )
    journey = await Journey.open(hass, http, entry)
    seen = await journey.seen()
    assert seen.step == "move"  # found by SADP, activated by Home Assistant: bring it home
    form = {f["name"]: f.get("default") for f in journey.last["data_schema"]}
    await journey.send(form)
    await wait_progress(journey)
    assert journey.last["reason"] == "recovered"
    await settle(hass)
    assert entry.state is ConfigEntryState.LOADED
    assert camera.failed_logins == failed  # no login was refused after the restart
    assert sadp_responder.requests["activate"] == 1  # never activated twice


async def test_a_restart_after_the_move_logs_in_with_the_new_password(
    hass: HomeAssistant, http: TestClient, camera: SimulatedCamera, sadp_responder: SadpResponder
) -> None:
    sadp_responder.cameras.append(camera)
    entry = await broken_entry(hass, camera)
    await camera.hard_reset("127.0.0.1")
    events = async_capture_events(hass, EVENT_RESTORE)
    journey = await Journey.open(hass, http, entry)
    await journey.send({"next_step_id": "reset_steps"})
    await journey.send({})
    await journey.send({"new_password": NEW_PASSWORD})
    form = {f["name"]: f.get("default") for f in journey.last["data_schema"]}
    await journey.send(form)  # the camera takes its address back; the wait starts
    assert journey.last["type"] == "progress"
    failed = camera.failed_logins
    requests = sum(camera.requests.values())
    await restart(hass)
    assert entry.state is ConfigEntryState.LOADED
    assert entry.data[CONF_PASSWORD] == NEW_PASSWORD
    assert camera.failed_logins == failed
    # One login with the new password (deviceInfo: the digest challenge, then the answer).
    assert sum(camera.requests.values()) - requests <= 2
    assert [e.data["stage"] for e in events] == ["recovered"]
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)


async def test_a_new_camera_activated_before_a_restart_is_added_with_its_password(
    hass: HomeAssistant, make_camera: CameraFactory, sadp_responder: SadpResponder
) -> None:
    """Adding from the search: the camera took Home Assistant's password, then Home Assistant
    restarted. The next search adds it with that password (no reset needed)."""
    fresh = await make_camera(mac="44:47:cc:00:00:0d")
    port = fresh.port
    await fresh.hard_reset("127.0.0.1")
    sadp_responder.cameras.append(fresh)
    result = await pick_and_activate(hass, "44:47:cc:00:00:0d")
    assert result["step_id"] == "move"
    assert fresh.password == "N3w-Passw0rd"
    await restart(hass)
    result = await search(hass)
    assert "(active)" in choices(result)["44:47:cc:00:00:0d"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"camera": "44:47:cc:00:00:0d"}
    )
    assert result["step_id"] == "move"  # out of reach: placed first, with the kept password
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "host": "127.0.0.1",
            "subnet_mask": "255.0.0.0",
            "gateway": "127.0.0.1",
            "port": port,
            "dhcp": False,
        },
    )
    result = await until_done(hass, result["flow_id"])
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_PASSWORD] == "N3w-Passw0rd"
    assert sadp_responder.requests["activate"] == 1  # activated once, before the restart
    assert fresh.failed_logins == 0
    await hass.async_block_till_done()


@pytest.mark.parametrize(
    "record",
    [
        {"mode": 3},  # nothing readable: set up as usual
        {"device": {"model": "x"}, "mode": "basic", "started": "2026-12-01T10:00:00+00:00"},
        {  # a readable camera, an unreadable restore
            "device": {
                "name": "Garage",
                "model": "DS-2CD2143G2-I",
                "serial_number": "DS-2CD2143G2-I20240101AAWR00000001",
                "mac_address": None,
                "firmware_version": None,
                "firmware_build": None,
                "device_type": None,
                "hardware_version": None,
            },
            "mode": "basic",
            "started": "yesterday",
        },
    ],
)
async def test_an_unreadable_record_is_set_aside(
    hass: HomeAssistant, camera: SimulatedCamera, record: dict[str, Any]
) -> None:
    entry = entry_for(camera)
    entry.add_to_hass(hass)
    pending = await async_get_pending(hass)
    await pending.async_set("restore", entry.entry_id, record)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert pending.get("restore", entry.entry_id) is None
    assert not entry.runtime_data.restorer.in_progress
    assert camera.restores == []


async def test_a_restart_after_a_full_restore_timed_out_reopens_the_way_home(
    hass: HomeAssistant, http: TestClient, camera: SimulatedCamera, sadp_responder: SadpResponder
) -> None:
    sadp_responder.cameras.append(camera)
    camera.full_restore_address = "127.0.0.1"
    entry = await setup_entry(hass, entry_for(camera))
    events = async_capture_events(hass, EVENT_RESTORE)
    await hass.services.async_call(
        DOMAIN,
        "restore_defaults",
        {"device_id": device_id(hass, entry), "mode": "full"},
        blocking=True,
    )
    await wait_stage(hass, events, "timeout")
    await settle(hass, 0.3)
    await restart(hass)  # before anyone opened the repair
    assert entry.state is ConfigEntryState.SETUP_ERROR  # was: retrying setup, no repair
    assert (await entry_reason(hass, entry)).startswith("Garage was fully reset")
    journey = await Journey.open(hass, http, entry)
    assert (await journey.seen()).step == "activate"  # found by SADP, inactive
    assert camera.restores == ["full"]
