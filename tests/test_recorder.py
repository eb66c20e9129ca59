"""Cameras behind a recorder: their devices, the route shown, restores, restarts and the way home.

Against a simulated NVR whose two PoE cameras answer only through it (their listed addresses
answer nothing), over real HTTP on loopback, through Home Assistant's public surface: the device
registry, entity states, button presses, actions, the repairs and options flows' HTTP API.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
import socket
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import pytest_socket

from custom_components.hikvision_reset import const
from custom_components.hikvision_reset.const import DOMAIN, EVENT_RESTORE
from custom_components.hikvision_reset.isapi import recorder as isapi_recorder
from custom_components.hikvision_reset.recorder import repair, routes
from custom_components.hikvision_reset.restore import backups, settings
from simulator import Fault, PoeChannel, SimulatedCamera, SimulatedRecorder

from .helpers import (
    GET_CONFIG,
    NEW_PASSWORD,
    PASSWORD,
    PUT_CONFIG,
    PUT_RESET,
    CameraFactory,
    Clock,
    entry_for,
    exception_text,
    fill,
    settle,
    setup_entry,
    strings,
    wait_stage,
)
from .test_restart import restart

POE = ("127.0.254.1", "127.0.254.2")
CHANNELS = ("GET", "/ISAPI/ContentMgmt/InputProxy/channels")
STATES = ("GET", "/ISAPI/ContentMgmt/InputProxy/channels/status")
SEARCH = ("GET", "/ISAPI/ContentMgmt/InputProxy/search")


@pytest.fixture(autouse=True)
def poe_addresses(socket_enabled: None) -> None:
    """The addresses the recorder lists (its PoE network, where nothing answers) are loopback
    too: Home Assistant may knock there (and find nothing), as it would at 192.168.254.x."""
    pytest_socket.socket_allow_hosts(["127.0.0.1", *POE], allow_unix_socket=True)


@pytest.fixture
async def nvr(make_camera: CameraFactory) -> AsyncIterator[SimulatedRecorder]:
    """A DS-7608NXI with two PoE cameras, reachable only through it."""
    front = await make_camera(
        name="Front", model="DS-2CD2143G2-I", serial="20240101AAWR00000101", mac="c0:56:e3:00:01:01"
    )
    back = await make_camera(
        name="Back",
        model="DS-2CD2386G2-ISU/SL",
        serial="20240101AAWR00000102",
        mac="c0:56:e3:00:01:02",
    )
    recorder = SimulatedRecorder(
        password=PASSWORD,
        serial="20240101CCWR00000001",
        mac="c0:56:e3:00:0f:01",
        channels=[
            PoeChannel(1, front, POE[0], PASSWORD),
            PoeChannel(2, back, POE[1], PASSWORD),
        ],
        reboot_seconds=0.2,
    )
    await recorder.start()
    yield recorder
    await recorder.close()


@pytest.fixture
async def nvr_entry(hass: HomeAssistant, nvr: SimulatedRecorder) -> MockConfigEntry:
    """The recorder, set up."""
    return await setup_entry(hass, entry_for(nvr))


def camera_device(hass: HomeAssistant, entry: MockConfigEntry, channel: int) -> dr.DeviceEntry:
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"{entry.unique_id}:ch{channel}"), entry.entry_id
    )
    assert device is not None
    return device


def entity(hass: HomeAssistant, entry: MockConfigEntry, channel: int, key: str) -> str:
    unique_id = f"{entry.unique_id}:ch{channel}_{key}"
    platform = "button" if key in ("restore_defaults", "factory_reset", "reboot") else "sensor"
    entity_id = er.async_get(hass).async_get_entity_id(platform, DOMAIN, unique_id)
    assert entity_id is not None, unique_id
    return entity_id


async def press(hass: HomeAssistant, entity_id: str) -> None:
    await hass.services.async_call("button", "press", {ATTR_ENTITY_ID: entity_id}, blocking=True)


async def test_the_recorder_s_cameras_are_devices_under_it(
    hass: HomeAssistant, nvr: SimulatedRecorder, nvr_entry: MockConfigEntry
) -> None:
    registry = dr.async_get(hass)
    recorder = registry.async_get_device_by_identifier(
        (DOMAIN, str(nvr_entry.unique_id)), nvr_entry.entry_id
    )
    assert recorder is not None
    assert recorder.model == "DS-7608NXI-I2/8P/S"
    front, back = camera_device(hass, nvr_entry, 1), camera_device(hass, nvr_entry, 2)
    assert (front.name, front.model, front.via_device_id) == (
        "Front",
        "DS-2CD2143G2-I",
        recorder.id,
    )
    assert (back.name, back.model, back.via_device_id) == (
        "Back",
        "DS-2CD2386G2-ISU/SL",
        recorder.id,
    )
    assert front.serial_number == nvr.channel(1).camera.serial_number
    assert front.sw_version == "V5.7.13 build 230531"
    # The device page says how Home Assistant reaches each camera: through the recorder.
    route = hass.states.get(entity(hass, nvr_entry, 1, "route"))
    assert route is not None
    assert route.state == "forwarded"
    for key in ("restore_defaults", "reboot"):
        state = hass.states.get(entity(hass, nvr_entry, 2, key))
        assert state is not None
        assert state.state != STATE_UNAVAILABLE
    # The factory reset (erases the password) is there too, disabled by default.
    factory = er.async_get(hass).async_get(entity(hass, nvr_entry, 1, "factory_reset"))
    assert factory is not None
    assert factory.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    # The recorder's own buttons stay.
    assert (
        len(er.async_entries_for_config_entry(er.async_get(hass), nvr_entry.entry_id)) == 4 + 2 * 5
    )


async def test_restore_defaults_on_one_camera_goes_to_that_camera_only(
    hass: HomeAssistant, nvr: SimulatedRecorder, nvr_entry: MockConfigEntry
) -> None:
    events: list[Any] = []
    hass.bus.async_listen(EVENT_RESTORE, events.append)
    front, back = nvr.channel(1), nvr.channel(2)
    await press(hass, entity(hass, nvr_entry, 1, "restore_defaults"))
    await wait_stage(hass, events, "online")
    assert front.camera.requests[PUT_RESET] == 1
    assert front.camera.restores == ["basic"]
    assert back.camera.requests[PUT_RESET] == 0
    assert nvr.restores == []  # the recorder passed it on and restored nothing of its own
    assert front.forwarded > 0  # through the route shown: forwarded by devIndex
    assert [e.data["name"] for e in events] == ["Front"] * len(events)
    last = hass.states.get(entity(hass, nvr_entry, 1, "last_restore"))
    assert last is not None
    assert (last.attributes["stage"], last.attributes["settings_backup"]) == (
        "online",
        "behind_recorder",
    )
    assert front.camera.failed_logins == 0
    assert nvr.failed_logins == 0


async def test_the_action_targets_a_camera_behind_the_recorder(
    hass: HomeAssistant, nvr: SimulatedRecorder, nvr_entry: MockConfigEntry
) -> None:
    back = camera_device(hass, nvr_entry, 2)
    response = await hass.services.async_call(
        DOMAIN,
        "restore_defaults",
        {"device_id": [back.id]},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    [result] = response["results"]
    assert (result["name"], result["result"], result["settings_backup"]) == (
        "Back",
        "accepted",
        "behind_recorder",
    )
    assert nvr.channel(2).camera.requests[PUT_RESET] == 1
    assert nvr.channel(1).camera.requests[PUT_RESET] == 0
    with pytest.raises(HomeAssistantError) as raised:  # no settings are saved behind a recorder
        await hass.services.async_call(
            DOMAIN, "restore_configuration", {"device_id": back.id}, blocking=True
        )
    text = await exception_text(hass, raised.value)
    assert text == (
        "Home Assistant cannot put Back's settings back now: through its recorder, it saves and "
        "puts back a camera's settings only by the camera's own address or the recorder's "
        "Virtual Host (see the recorder's options), and only when the recorder lists the "
        "camera's serial number"
    )
    assert nvr.channel(2).camera.requests[GET_CONFIG] == 0  # nothing was asked that way


async def test_without_a_route_a_restore_is_refused_and_the_recorder_restarts_it(
    hass: HomeAssistant, nvr: SimulatedRecorder
) -> None:
    nvr.forwarding = False
    for channel in nvr.channels:
        channel.dev_index = ""  # older firmware: no devIndex to forward by
    entry = await setup_entry(hass, entry_for(nvr))
    route = hass.states.get(entity(hass, entry, 1, "route"))
    assert route is not None
    assert route.state == "recorder"
    with pytest.raises(HomeAssistantError) as raised:
        await press(hass, entity(hass, entry, 1, "restore_defaults"))
    text = await exception_text(hass, raised.value)
    assert text.startswith("Home Assistant has no way to Front itself")
    assert nvr.channel(1).camera.requests[PUT_RESET] == 0
    assert nvr.requests[PUT_RESET] == 0
    events: list[Any] = []
    hass.bus.async_listen(EVENT_RESTORE, events.append)
    await press(hass, entity(hass, entry, 1, "reboot"))
    await wait_stage(hass, events, "online")
    assert nvr.channel_reboots == [1]  # the recorder's per-channel restart
    assert nvr.channel(1).camera.reboots == 1
    assert nvr.reboots == 0


def _free_base() -> int:
    """A port base whose next two ports are free on loopback (standing in for 65000)."""
    for base in range(40000, 60000, 97):
        sockets = [socket.socket() for _ in range(2)]
        try:
            for offset, sock in enumerate(sockets, start=1):
                sock.bind(("127.0.0.1", base + offset))
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
        return base
    raise AssertionError("no free ports")


async def test_the_virtual_host_with_consent_then_restores_through_it(
    hass: HomeAssistant,
    http: TestClient,
    nvr: SimulatedRecorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = _free_base()  # 65001… are not ours to bind here: the same layout, shifted
    nvr.virtual_host_base = base
    monkeypatch.setattr(isapi_recorder, "VIRTUAL_HOST_BASE", base)
    entry = await setup_entry(hass, entry_for(nvr))
    assert nvr.virtual_host is False  # nothing is opened without consent
    answer = await http.post(
        "/api/config/config_entries/options/flow", json={"handler": entry.entry_id}
    )
    result = await answer.json()
    texts = await strings(hass)
    description = fill(
        texts[f"component.{DOMAIN}.options.step.init.description"],
        result["description_placeholders"],
    )
    assert "opens those pages to everyone on your network" in description
    assert nvr.virtual_host is False  # showing the form opened nothing
    flow = f"/api/config/config_entries/options/flow/{result['flow_id']}"
    result = await (await http.post(flow, json={"virtual_host": True})).json()
    assert result["type"] == "create_entry", result
    await hass.async_block_till_done()
    await settle(hass)
    assert nvr.virtual_host is True
    route = hass.states.get(entity(hass, entry, 1, "route"))
    assert route is not None
    assert route.state == "virtual_host"
    front = nvr.channel(1)
    forwarded_before = front.forwarded
    events: list[Any] = []
    hass.bus.async_listen(EVENT_RESTORE, events.append)
    await press(hass, entity(hass, entry, 1, "restore_defaults"))
    await wait_stage(hass, events, "online")
    assert front.camera.requests[PUT_RESET] == 1
    assert front.vh_requests > 0
    assert front.forwarded == forwarded_before
    assert nvr.requests[PUT_RESET] == 0


@pytest.fixture
async def shifted_virtual_host(nvr: SimulatedRecorder, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Virtual Host on at the recorder, its ports shifted to free ones (65001… are not ours)."""
    base = _free_base()
    nvr.virtual_host_base = base
    monkeypatch.setattr(isapi_recorder, "VIRTUAL_HOST_BASE", base)
    await nvr.set_virtual_host(True)


async def test_a_wrong_camera_password_is_refused_once_per_route(
    hass: HomeAssistant, http: TestClient, nvr: SimulatedRecorder, shifted_virtual_host: None
) -> None:
    entry = await setup_entry(hass, entry_for(nvr))
    assert hass.states.get(entity(hass, entry, 1, "route")).state == "virtual_host"  # type: ignore[union-attr]
    answer = await http.post(
        "/api/config/config_entries/options/flow", json={"handler": entry.entry_id}
    )
    flow = f"/api/config/config_entries/options/flow/{(await answer.json())['flow_id']}"
    wrong = {"virtual_host": True, "camera_password": "Wrong-Pass1"}
    result = await (await http.post(flow, json=wrong)).json()
    assert result["errors"] == {"camera_password": "camera_refused"}
    texts = await strings(hass)
    error = fill(
        texts[f"component.{DOMAIN}.options.error.camera_refused"],
        result["description_placeholders"],
    )
    assert error.startswith("These cameras refused the password: Front, Back.")
    front, back = nvr.channel(1).camera, nvr.channel(2).camera
    assert (front.failed_logins, back.failed_logins) == (1, 1)  # checked once on each
    result = await (await http.post(flow, json=wrong)).json()
    assert (front.failed_logins, back.failed_logins) == (1, 1)  # …and never sent again
    assert result["errors"] == {"camera_password": "camera_refused"}


async def test_a_refused_camera_password_is_not_sent_again_by_a_press(
    hass: HomeAssistant, nvr: SimulatedRecorder, shifted_virtual_host: None
) -> None:
    entry = entry_for(nvr)
    entry.add_to_hass(hass)
    options = {routes.CONF_VIRTUAL_HOST: True, routes.CONF_CAMERA_PASSWORD: "Wrong-Pass1"}
    hass.config_entries.async_update_entry(entry, options=options)  # saved before it was wrong
    await setup_entry(hass, entry)
    front = nvr.channel(1).camera
    for _ in range(2):
        with pytest.raises(HomeAssistantError) as raised:
            await press(hass, entity(hass, entry, 1, "restore_defaults"))
        text = await exception_text(hass, raised.value)
        assert text.startswith("Front refused the camera password Home Assistant has for it")
    assert front.failed_logins == 1  # the second press sent nothing
    assert front.requests[PUT_RESET] == 0
    assert nvr.failed_logins == 0  # the recorder's own login is not this one


@pytest.fixture
async def vh_entry(
    hass: HomeAssistant, nvr: SimulatedRecorder, shifted_virtual_host: None
) -> MockConfigEntry:
    """The recorder set up with its Virtual Host on: its cameras reached by their own port."""
    return await setup_entry(hass, entry_for(nvr))


async def test_a_camera_password_given_in_the_repair_is_checked_once(
    hass: HomeAssistant,
    repairs: TestClient,
    nvr: SimulatedRecorder,
    vh_entry: MockConfigEntry,
    clock: Clock,
) -> None:
    entry = vh_entry
    back = nvr.channel(2)
    back.camera.password = "Other-Pass1"
    issue = await raised(hass, clock, entry, 2)
    assert issue.translation_key == repair.REFUSES
    result = await fix_flow(repairs, issue.issue_id)
    result = await fix_step(repairs, result["flow_id"], {"next_step_id": "camera_password"})
    failed = back.camera.failed_logins
    for _ in range(2):
        result = await fix_step(repairs, result["flow_id"], {"password": "Guess-Pass1"})
        assert result["errors"] == {"base": "password_refused"}
    assert back.camera.failed_logins == failed + 1  # checked once, then never sent again
    assert back.password == PASSWORD  # the recorder was not given a password that fails
    result = await fix_step(repairs, result["flow_id"], {"password": "Other-Pass1"})
    result = await until_fixed(hass, repairs, result["flow_id"])
    assert result["type"] == "create_entry"
    assert back.password == "Other-Pass1"


async def test_a_camera_the_recorder_no_longer_lists_can_be_deleted(
    hass: HomeAssistant,
    hass_ws_client: Any,
    nvr: SimulatedRecorder,
    nvr_entry: MockConfigEntry,
    clock: Clock,
) -> None:
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)
    recorder = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, str(nvr_entry.unique_id)), nvr_entry.entry_id
    )
    assert recorder is not None

    back = camera_device(hass, nvr_entry, 2)
    assert not await remove_device(client, nvr_entry, back.id)  # still on the recorder
    assert not await remove_device(client, nvr_entry, recorder.id)
    nvr.channels.pop()  # Back was unplugged from the recorder for good
    await clock.advance(timedelta(seconds=61))
    assert await remove_device(client, nvr_entry, back.id)
    assert dr.async_get(hass).async_get(back.id) is None


async def remove_device(client: Any, entry: MockConfigEntry, device_id: str) -> bool:
    """The device page's "delete" (Home Assistant asks the integration first)."""
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove_config_entry",
            "config_entry_id": entry.entry_id,
            "device_id": device_id,
        }
    )
    return bool((await client.receive_json())["success"])


async def test_a_repair_whose_recorder_is_not_loaded_says_so(
    hass: HomeAssistant,
    repairs: TestClient,
    nvr: SimulatedRecorder,
    nvr_entry: MockConfigEntry,
    opened: Opened,
) -> None:
    issue = opened[0]
    await hass.config_entries.async_unload(nvr_entry.entry_id)
    result = await fix_flow(repairs, issue.issue_id)
    assert (result["type"], result["reason"]) == ("abort", "recorder_not_loaded")
    text = await rendered(hass, repair.INACTIVE, result, "abort.recorder_not_loaded")
    assert text.startswith("The recorder of this camera is not set up right now")


async def test_a_busy_recorder_is_asked_once_per_interval_and_its_cameras_stay(
    hass: HomeAssistant, nvr: SimulatedRecorder, nvr_entry: MockConfigEntry, clock: Clock
) -> None:
    before = nvr.requests[CHANNELS]
    nvr.faults["/ISAPI/ContentMgmt/InputProxy/channels"] = Fault(http_status=503)
    await clock.advance(timedelta(seconds=61), times=3)
    assert nvr.requests[CHANNELS] - before == 3  # one per interval, never sooner
    state = hass.states.get(entity(hass, nvr_entry, 1, "restore_defaults"))
    assert state is not None
    assert state.state != STATE_UNAVAILABLE


async def test_a_camera_the_recorder_lost_is_unavailable_and_not_an_error_storm(
    hass: HomeAssistant, nvr: SimulatedRecorder, nvr_entry: MockConfigEntry, clock: Clock
) -> None:
    back = nvr.channel(2)
    await back.camera.stop()  # unplugged
    asked, forwarded = nvr.requests.copy(), back.forwarded
    await clock.advance(timedelta(seconds=61), times=3)
    state = hass.states.get(entity(hass, nvr_entry, 2, "restore_defaults"))
    assert state is not None
    assert state.state == STATE_UNAVAILABLE
    # Per interval its list and their status; why it is away is asked once (its route, then
    # the recorder's search), not at every poll.
    assert back.forwarded - forwarded == 1
    asked = nvr.requests - asked
    assert (asked[CHANNELS], asked[STATES], asked[SEARCH]) == (3, 3, 1)
    assert ir.async_get(hass).async_get_issue(DOMAIN, repair.issue_id(nvr_entry, 2)) is None


# ---- the way home behind the recorder ---------------------------------------------------------


async def fix_flow(http: TestClient, issue_id: str) -> dict[str, Any]:
    answer = await http.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    assert answer.status == 200, await answer.text()
    return dict(await answer.json())


async def fix_step(
    http: TestClient, flow_id: str, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    answer = await http.post(f"/api/repairs/issues/fix/{flow_id}", json=data or {})
    assert answer.status == 200, await answer.text()
    return dict(await answer.json())


async def until_fixed(hass: HomeAssistant, http: TestClient, flow_id: str) -> dict[str, Any]:
    for _ in range(200):
        await settle(hass, 0.05)
        answer = await http.get(f"/api/repairs/issues/fix/{flow_id}")
        if answer.status == 404:  # finished
            raise AssertionError("the flow ended before it was read")
        result = dict(await answer.json())
        if result["type"] != "progress":
            return await fix_step(http, flow_id) if result["type"] == "progress_done" else result
    raise AssertionError("the wait did not end")


async def rendered(hass: HomeAssistant, key: str, result: dict[str, Any], part: str) -> str:
    texts = await strings(hass)
    base = f"component.{DOMAIN}.issues.{key}.fix_flow"
    return fill(texts[f"{base}.{part}"], result.get("description_placeholders"))


@pytest.fixture
async def repairs(hass: HomeAssistant, hass_client: ClientSessionGenerator) -> TestClient:
    """Home Assistant's repairs API, as the frontend's repair dialog uses it."""
    assert await async_setup_component(hass, "repairs", {})
    return await hass_client()


async def raised(
    hass: HomeAssistant, clock: Clock, entry: MockConfigEntry, channel: int
) -> ir.IssueEntry:
    for _ in range(3):
        await clock.advance(timedelta(seconds=61))
        await settle(hass, 0.3)
        issue = ir.async_get(hass).async_get_issue(DOMAIN, repair.issue_id(entry, channel))
        if issue is not None:
            return issue
    raise AssertionError("no repair")


async def reset_and_repair(
    hass: HomeAssistant,
    repairs: TestClient,
    nvr: SimulatedRecorder,
    entry: MockConfigEntry,
    clock: Clock,
    channel: int = 1,
) -> tuple[ir.IssueEntry, dict[str, Any]]:
    """The camera on ``channel`` reset with its button; its repair raised and opened."""
    await nvr.channel(channel).camera.reset_in_place()
    issue = await raised(hass, clock, entry, channel)
    return issue, await fix_flow(repairs, issue.issue_id)


type Opened = tuple[ir.IssueEntry, dict[str, Any]]


@pytest.fixture
async def opened(
    hass: HomeAssistant,
    repairs: TestClient,
    nvr: SimulatedRecorder,
    nvr_entry: MockConfigEntry,
    clock: Clock,
) -> Opened:
    """Front reset with its button; its repair raised and opened."""
    return await reset_and_repair(hass, repairs, nvr, nvr_entry, clock)


async def test_a_reset_poe_camera_is_activated_through_the_recorder_and_comes_back(
    hass: HomeAssistant,
    repairs: TestClient,
    nvr: SimulatedRecorder,
    nvr_entry: MockConfigEntry,
    clock: Clock,
) -> None:
    front = nvr.channel(1)
    await front.camera.reset_in_place()  # the button, on the recorder's PoE port
    issue = await raised(hass, clock, nvr_entry, 1)
    assert issue.translation_key == repair.INACTIVE
    texts = await strings(hass)
    title = fill(
        texts[f"component.{DOMAIN}.issues.camera_inactive.title"], issue.translation_placeholders
    )
    assert title == f"Front on {nvr.name} must be activated again"
    events: list[Any] = []
    hass.bus.async_listen(EVENT_RESTORE, events.append)
    result = await fix_flow(repairs, issue.issue_id)
    assert result["step_id"] == "activate"
    text = await rendered(hass, repair.INACTIVE, result, "step.activate.description")
    assert text.startswith(f"Front (channel 1 of {nvr.name}) is inactive.")
    result = await fix_step(repairs, result["flow_id"], {"which": "recorder"})
    assert result["type"] == "progress"
    wait = await rendered(
        hass,
        repair.INACTIVE,
        {**result, "description_placeholders": result["description_placeholders"]},
        f"progress.{result['progress_action']}",
    )
    assert wait.startswith(f"{nvr.name} activated Front (by channel).")
    result = await until_fixed(hass, repairs, result["flow_id"])
    assert result["type"] == "create_entry", result
    assert front.camera.password == PASSWORD  # the recorder's own camera password
    assert nvr.activations == [("ActivateByChannel", 1)]
    assert front.camera.failed_logins == 0
    assert nvr.failed_logins == 0
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue.issue_id) is None
    assert [e.data["stage"] for e in events] == ["recovered"]
    state = hass.states.get(entity(hass, nvr_entry, 1, "restore_defaults"))
    assert state is not None
    assert state.state != STATE_UNAVAILABLE


async def test_a_new_password_reaches_the_recorder_first_and_the_other_activation_form_is_used(
    hass: HomeAssistant,
    repairs: TestClient,
    nvr: SimulatedRecorder,
    nvr_entry: MockConfigEntry,
    clock: Clock,
) -> None:
    nvr.activation_forms = None  # no capability document: by channel first…
    nvr.activation_accepts = {"ActivateByAddress"}  # …which this recorder does not take
    front = nvr.channel(1)
    _issue, result = await reset_and_repair(hass, repairs, nvr, nvr_entry, clock)
    result = await fix_step(repairs, result["flow_id"], {"which": "new", "new_password": "short"})
    error = await rendered(
        hass, repair.INACTIVE, result, f"error.{result['errors']['new_password']}"
    )
    assert error == "The password must have 8 to 16 characters."
    assert front.camera.active is False  # nothing was sent
    result = await fix_step(
        repairs, result["flow_id"], {"which": "new", "new_password": NEW_PASSWORD}
    )
    wait = await rendered(hass, repair.INACTIVE, result, f"progress.{result['progress_action']}")
    assert "by its address" in wait
    result = await until_fixed(hass, repairs, result["flow_id"])
    assert result["type"] == "create_entry", result
    assert (front.camera.password, front.password) == (NEW_PASSWORD, NEW_PASSWORD)
    assert nvr.activations == [("ActivateByAddress", 1)]
    assert nvr_entry.options[routes.CONF_CHANNEL_PASSWORDS] == {"1": NEW_PASSWORD}


async def test_a_full_restore_from_home_assistant_leads_to_the_repair(
    hass: HomeAssistant,
    repairs: TestClient,
    entity_registry_enabled_by_default: None,
    nvr: SimulatedRecorder,
    nvr_entry: MockConfigEntry,
) -> None:
    events: list[Any] = []
    hass.bus.async_listen(EVENT_RESTORE, events.append)
    back = nvr.channel(2)
    await press(hass, entity(hass, nvr_entry, 2, "factory_reset"))
    await wait_stage(hass, events, "timeout")  # wiped: the recorder cannot connect any more
    assert back.camera.restores == ["full"]
    assert not back.camera.active
    issue = ir.async_get(hass).async_get_issue(DOMAIN, repair.issue_id(nvr_entry, 2))
    assert issue is not None
    assert issue.translation_key == repair.INACTIVE
    result = await fix_flow(repairs, issue.issue_id)
    result = await fix_step(repairs, result["flow_id"], {"which": "recorder"})
    result = await until_fixed(hass, repairs, result["flow_id"])
    assert result["type"] == "create_entry"
    assert back.camera.password == PASSWORD


async def test_a_camera_keeping_another_password_gets_its_password_to_the_recorder(
    hass: HomeAssistant,
    repairs: TestClient,
    nvr: SimulatedRecorder,
    nvr_entry: MockConfigEntry,
    clock: Clock,
) -> None:
    back = nvr.channel(2)
    back.camera.password = "Other-Pass1"  # changed on the camera's own page
    issue = await raised(hass, clock, nvr_entry, 2)
    assert issue.translation_key == repair.REFUSES
    result = await fix_flow(repairs, issue.issue_id)
    assert result["type"] == "menu"
    assert result["menu_options"] == ["camera_password", "reset"]
    text = await rendered(hass, repair.REFUSES, result, "step.init.description")
    assert text.startswith(f"The camera on channel 2 of {nvr.name} has another password.")
    result = await fix_step(repairs, result["flow_id"], {"next_step_id": "reset"})
    steps = await rendered(hass, repair.REFUSES, result, "step.reset.description")
    assert "Behind the recorder" in steps
    assert "turret" in steps.lower()
    result = await fix_step(repairs, result["flow_id"], {})
    assert result["errors"] == {"base": "still_activated"}  # not reset yet: nothing is sent
    result = await fix_flow(repairs, issue.issue_id)
    result = await fix_step(repairs, result["flow_id"], {"next_step_id": "camera_password"})
    result = await fix_step(repairs, result["flow_id"], {"password": "Other-Pass1"})
    result = await until_fixed(hass, repairs, result["flow_id"])
    assert result["type"] == "create_entry"
    assert back.password == "Other-Pass1"
    assert back.camera.failed_logins == 0  # Home Assistant never tried it on the camera


async def test_the_recorder_s_diagnostics_show_routes_without_secrets(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    nvr: SimulatedRecorder,
    nvr_entry: MockConfigEntry,
) -> None:
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, nvr_entry)
    cameras = diagnostics["behind_recorder"]["cameras"]
    assert [(c["channel"]["id"], c["route"]) for c in cameras] == [
        (1, "forwarded"),
        (2, "forwarded"),
    ]
    text = str(diagnostics)
    assert PASSWORD not in text
    assert nvr.channel(1).camera.serial_number not in text
    assert nvr.channel(1).dev_index not in text


async def test_a_camera_whose_own_address_answers_is_reached_directly(
    hass: HomeAssistant, nvr: SimulatedRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    front = nvr.channel(1)
    front.address = front.camera.host  # a camera on Home Assistant's own network
    monkeypatch.setattr(routes, "DIRECT_PORT", front.camera.port)
    entry = await setup_entry(hass, entry_for(nvr))
    route = hass.states.get(entity(hass, entry, 1, "route"))
    assert route is not None
    assert route.state == "direct"
    other = hass.states.get(entity(hass, entry, 2, "route"))
    assert other is not None
    assert other.state == "forwarded"
    events: list[Any] = []
    hass.bus.async_listen(EVENT_RESTORE, events.append)
    forwarded = front.forwarded
    await press(hass, entity(hass, entry, 1, "restore_defaults"))
    await wait_stage(hass, events, "online")
    assert front.camera.requests[PUT_RESET] == 1
    assert front.forwarded == forwarded  # not through the recorder at all


def backups_of(hass: HomeAssistant, serial: str, recorder: MockConfigEntry) -> list[str]:
    """The backup files kept for the camera ``serial`` behind ``recorder``."""
    place = settings.SettingsPlace(serial, str(recorder.unique_id))
    folder = backups.backup_dir(hass, place.folder)
    return sorted(p.name for p in folder.glob("*.bin")) if folder.is_dir() else []


async def test_a_camera_reached_by_its_own_port_has_its_settings_saved_and_put_back(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    nvr: SimulatedRecorder,
    vh_entry: MockConfigEntry,
) -> None:
    front = nvr.channel(1)
    chosen = {"osd_name": "Front gate", "motion_detection": "on", "brightness": "70"}
    front.camera.settings = dict(chosen)
    events: list[Any] = []
    hass.bus.async_listen(EVENT_RESTORE, events.append)
    await press(hass, entity(hass, vh_entry, 1, "restore_defaults"))
    await wait_stage(hass, events, "online")
    assert front.camera.exports == 1  # through the Virtual Host, before the restore
    assert front.camera.requests[PUT_RESET] == 1
    assert front.camera.settings != chosen  # restored to defaults
    last = hass.states.get(entity(hass, vh_entry, 1, "last_restore"))
    assert last is not None
    assert last.attributes["settings_backup"] == "saved"
    [saved] = backups_of(hass, front.camera.serial_number, vh_entry)
    assert last.attributes["backup"] == saved
    assert nvr.requests[GET_CONFIG] == 0  # the recorder's own settings were not asked
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, vh_entry)
    camera = diagnostics["behind_recorder"]["cameras"][0]
    assert camera["settings_download"]["offered"] is True
    assert [b["name"] for b in camera["backups"]] == [saved]
    assert PASSWORD not in str(diagnostics)
    # The undo: the action puts them back on that camera.
    device = camera_device(hass, vh_entry, 1)
    response = await hass.services.async_call(
        DOMAIN,
        "restore_configuration",
        {"device_id": device.id},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    assert (response["name"], response["result"], response["backup"]) == (
        "Front",
        "accepted",
        saved,
    )
    await wait_stage(hass, events, "online")
    assert front.camera.requests[PUT_CONFIG] == 1
    assert front.camera.settings == chosen
    assert nvr.channel(2).camera.requests[PUT_CONFIG] == 0
    assert front.camera.failed_logins == nvr.failed_logins == 0


async def test_settings_put_back_with_an_older_password_are_given_to_the_recorder_too(
    hass: HomeAssistant, nvr: SimulatedRecorder, vh_entry: MockConfigEntry
) -> None:
    """A backup taken while the camera had the recorder's password, put back after the
    camera got its own: the recorder is told the old one again, and nobody knocks wrongly."""
    front = nvr.channel(1)
    events: list[Any] = []
    hass.bus.async_listen(EVENT_RESTORE, events.append)
    await press(hass, entity(hass, vh_entry, 1, "restore_defaults"))
    await wait_stage(hass, events, "online")
    assert len(backups_of(hass, front.camera.serial_number, vh_entry)) == 1
    # Since then the camera got a password of its own, and the recorder and Home Assistant too.
    front.camera.password = front.password = NEW_PASSWORD
    hass.config_entries.async_update_entry(
        vh_entry, options={**vh_entry.options, routes.CONF_CHANNEL_PASSWORDS: {"1": NEW_PASSWORD}}
    )
    await hass.config_entries.async_reload(vh_entry.entry_id)
    await settle(hass)
    events.clear()
    device = camera_device(hass, vh_entry, 1)
    await hass.services.async_call(
        DOMAIN, "restore_configuration", {"device_id": device.id}, blocking=True
    )
    await wait_stage(hass, events, "online")
    await settle(hass)
    assert front.camera.requests[PUT_CONFIG] == 1
    assert front.camera.password == PASSWORD  # the file's
    assert front.password == PASSWORD  # the recorder was told: its camera is connected again
    assert routes.CONF_CHANNEL_PASSWORDS not in vh_entry.options or (
        "1" not in vh_entry.options[routes.CONF_CHANNEL_PASSWORDS]
    )  # the recorder's own again: nothing of its own to keep
    # The next restore logs in with it.
    events.clear()
    await press(hass, entity(hass, vh_entry, 1, "restore_defaults"))
    await wait_stage(hass, events, "online")
    assert front.camera.requests[PUT_RESET] == 2
    assert front.camera.failed_logins == 0


async def test_a_put_back_the_recorder_missed_is_told_again_after_a_restart(
    hass: HomeAssistant,
    nvr: SimulatedRecorder,
    vh_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The recorder is busy when told the password the settings bring; Home Assistant restarts
    while the camera is away: after the restart it is told again, and the camera comes back."""
    monkeypatch.setattr(const, "ONLINE_TIMEOUT", 60.0)  # the restart comes while it is away
    front = nvr.channel(1)
    events: list[Any] = []
    hass.bus.async_listen(EVENT_RESTORE, events.append)
    await press(hass, entity(hass, vh_entry, 1, "restore_defaults"))
    await wait_stage(hass, events, "online")
    front.camera.password = front.password = NEW_PASSWORD
    hass.config_entries.async_update_entry(
        vh_entry, options={**vh_entry.options, routes.CONF_CHANNEL_PASSWORDS: {"1": NEW_PASSWORD}}
    )
    await hass.config_entries.async_reload(vh_entry.entry_id)
    await settle(hass)
    busy = Fault(http_status=503, status_code=2, sub_status="deviceBusy")
    nvr.faults["/ISAPI/ContentMgmt/InputProxy/channels/1"] = busy
    device = camera_device(hass, vh_entry, 1)
    await hass.services.async_call(
        DOMAIN, "restore_configuration", {"device_id": device.id}, blocking=True
    )
    for _ in range(100):
        if "Front: the recorder did not take its password back" in caplog.text:
            break
        await asyncio.sleep(0.02)
    assert "Front: the recorder did not take its password back" in caplog.text
    assert front.password == NEW_PASSWORD  # the recorder still knocks with the newer one
    del nvr.faults["/ISAPI/ContentMgmt/InputProxy/channels/1"]
    events.clear()
    await restart(hass)
    await wait_stage(hass, events, "online")
    await settle(hass)
    assert front.password == front.camera.password == PASSWORD  # told again, and connected
    assert front.camera.requests[PUT_CONFIG] == 1  # the file was not sent again
    events.clear()
    await press(hass, entity(hass, vh_entry, 1, "restore_defaults"))
    await wait_stage(hass, events, "online")
    assert front.camera.failed_logins == nvr.failed_logins == 0


async def test_a_camera_swapped_on_its_port_gets_nothing_until_the_recorder_lists_it(
    hass: HomeAssistant,
    make_camera: CameraFactory,
    nvr: SimulatedRecorder,
    vh_entry: MockConfigEntry,
    clock: Clock,
) -> None:
    """Another camera plugged into Front's port: the Virtual Host now reaches it, while Home
    Assistant still has Front's serial. Nothing is sent to it (not even a settings download)
    until the recorder lists it; then its settings are saved as its own."""
    front = nvr.channel(1)
    old = front.camera
    new = await make_camera(
        name="Front", model="DS-2CD2143G2-I", serial="20240101AAWR00000199", mac="c0:56:e3:00:01:99"
    )
    front.camera = new
    with pytest.raises(HomeAssistantError) as raised:
        await press(hass, entity(hass, vh_entry, 1, "restore_defaults"))
    assert await exception_text(hass, raised.value) == (
        "Front's port on its recorder answers as another camera (was it swapped?), so nothing "
        "was sent. Home Assistant reads the recorder's new list within a minute: try again then"
    )
    assert (new.requests[GET_CONFIG], new.requests[PUT_RESET]) == (0, 0)
    await clock.advance(timedelta(seconds=61))  # the recorder's list, with the new serial
    await settle(hass)
    events: list[Any] = []
    hass.bus.async_listen(EVENT_RESTORE, events.append)
    await press(hass, entity(hass, vh_entry, 1, "restore_defaults"))
    await wait_stage(hass, events, "online")
    assert new.requests[PUT_RESET] == 1
    assert len(backups_of(hass, new.serial_number, vh_entry)) == 1
    assert backups_of(hass, old.serial_number, vh_entry) == []  # not under the old camera's
    assert old.requests[PUT_RESET] == 0


async def restored_twice_asked_once(
    hass: HomeAssistant, entry: MockConfigEntry, camera: SimulatedCamera, events: list[Any]
) -> None:
    """Channel 1 restored twice from its button: its download is asked the first time only
    (learned, for this camera and firmware: not asked again)."""
    asked = []
    for presses in (1, 2):
        await press(hass, entity(hass, entry, 1, "restore_defaults"))
        await wait_stage(hass, events, "online")
        events.clear()
        assert camera.requests[PUT_RESET] == presses
        asked.append(camera.requests[GET_CONFIG])
    assert asked[0] > 0
    assert asked[1] == asked[0]


async def test_a_virtual_host_that_does_not_pass_the_file_steps_aside_until_it_has(
    hass: HomeAssistant, nvr: SimulatedRecorder, vh_entry: MockConfigEntry
) -> None:
    """Whether a Virtual Host port carries a settings file is not confirmed: a failed download
    there does not stop the restore (told so, not asked again), while on a Virtual Host that
    has carried one, a failed download is this attempt's and stops it (as on a camera's own)."""
    front, back = nvr.channel(1), nvr.channel(2)
    front.camera.export = "server_error"  # the download through the Virtual Host fails
    events: list[Any] = []
    hass.bus.async_listen(EVENT_RESTORE, events.append)
    await restored_twice_asked_once(hass, vh_entry, front.camera, events)
    last = hass.states.get(entity(hass, vh_entry, 1, "last_restore"))
    assert last is not None
    assert last.attributes["settings_backup"] == "route_failed"
    assert last.attributes["backup_error"] == (
        "Front's settings could not be saved through the recorder's Virtual Host, which is not "
        "known to pass settings files on, so they were not saved and the restore went ahead "
        "without them."
    )
    # The other camera's Virtual Host has carried its file once: from then on, it stops.
    await press(hass, entity(hass, vh_entry, 2, "restore_defaults"))
    await wait_stage(hass, events, "online")
    back.camera.export = "server_error"
    with pytest.raises(HomeAssistantError) as raised:
        await press(hass, entity(hass, vh_entry, 2, "restore_defaults"))
    assert (await exception_text(hass, raised.value)).startswith(
        "Back's settings could not be saved first (HTTP 500)"
    )
    assert back.camera.requests[PUT_RESET] == 1


async def test_a_serial_listed_in_another_form_does_not_stop_the_restore(
    hass: HomeAssistant, nvr: SimulatedRecorder, shifted_virtual_host: None
) -> None:
    """The recorder lists the serial without the model prefix the camera's own deviceInfo has:
    the check before the command matches them, and the restore goes to the camera."""
    nvr.short_serials = True
    entry = await setup_entry(hass, entry_for(nvr))
    front = nvr.channel(1)
    events: list[Any] = []
    hass.bus.async_listen(EVENT_RESTORE, events.append)
    await press(hass, entity(hass, entry, 1, "restore_defaults"))
    await wait_stage(hass, events, "online")
    assert front.camera.requests[PUT_RESET] == 1
    assert front.camera.failed_logins == 0


async def test_a_recorder_without_the_status_list_keeps_its_cameras(
    hass: HomeAssistant, nvr: SimulatedRecorder
) -> None:
    """Older firmware has no channel status: the cameras are there and restore all the same."""
    nvr.status_list = False
    entry = await setup_entry(hass, entry_for(nvr))
    state = hass.states.get(entity(hass, entry, 1, "restore_defaults"))
    assert state is not None
    assert state.state != STATE_UNAVAILABLE
    await press(hass, entity(hass, entry, 1, "restore_defaults"))
    assert nvr.channel(1).camera.requests[PUT_RESET] == 1
    assert nvr.restores == []  # (forwarded to the camera; nothing of the recorder's own)


async def test_a_camera_that_offers_no_settings_file_is_restored_and_not_asked_again(
    hass: HomeAssistant, nvr: SimulatedRecorder, vh_entry: MockConfigEntry
) -> None:
    front = nvr.channel(1)
    front.camera.export = "missing"  # 404: firmware without a configuration download
    events: list[Any] = []
    hass.bus.async_listen(EVENT_RESTORE, events.append)
    await restored_twice_asked_once(hass, vh_entry, front.camera, events)
    assert nvr.channel(2).camera.requests[GET_CONFIG] == 0
    last = hass.states.get(entity(hass, vh_entry, 1, "last_restore"))
    assert last is not None
    assert last.attributes["settings_backup"] == "not_offered"
    assert last.attributes["backup_error"] == (
        "Front does not offer its settings for download, so they were not saved."
    )
    # The other camera on the same recorder still has its settings saved.
    await press(hass, entity(hass, vh_entry, 2, "restore_defaults"))
    await wait_stage(hass, events, "online")
    assert nvr.channel(2).camera.exports == 1
    assert len(backups_of(hass, nvr.channel(2).camera.serial_number, vh_entry)) == 1


async def test_a_camera_s_backups_go_when_it_is_deleted_or_its_recorder_removed(
    hass: HomeAssistant,
    hass_ws_client: Any,
    nvr: SimulatedRecorder,
    vh_entry: MockConfigEntry,
    clock: Clock,
) -> None:
    events: list[Any] = []
    hass.bus.async_listen(EVENT_RESTORE, events.append)
    for number in (1, 2):
        await press(hass, entity(hass, vh_entry, number, "restore_defaults"))
        await wait_stage(hass, events, "online")
        events.clear()
    front, back = (nvr.channel(n).camera.serial_number for n in (1, 2))
    assert len(backups_of(hass, front, vh_entry)) == len(backups_of(hass, back, vh_entry)) == 1
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)
    device = camera_device(hass, vh_entry, 2)
    nvr.channels.pop()  # Back was unplugged from the recorder for good
    await clock.advance(timedelta(seconds=61))
    assert await remove_device(client, vh_entry, device.id)
    assert backups_of(hass, back, vh_entry) == []
    assert back not in vh_entry.data[settings.CONF_CAMERA_SETTINGS]
    assert len(backups_of(hass, front, vh_entry)) == 1  # the other camera's stay
    await hass.config_entries.async_remove(vh_entry.entry_id)
    await hass.async_block_till_done()
    assert backups_of(hass, front, vh_entry) == []


async def test_a_recorder_without_the_settings_says_so_in_its_options(
    hass: HomeAssistant, http: TestClient, nvr: SimulatedRecorder
) -> None:
    nvr.virtual_host_setting = False
    entry = await setup_entry(hass, entry_for(nvr))
    answer = await http.post(
        "/api/config/config_entries/options/flow", json={"handler": entry.entry_id}
    )
    flow = f"/api/config/config_entries/options/flow/{(await answer.json())['flow_id']}"
    result = await (await http.post(flow, json={"virtual_host": True})).json()
    assert result["errors"] == {"virtual_host": "no_virtual_host"}
    nvr.virtual_host_setting = True
    nvr.faults["/ISAPI/System/Network/extension"] = Fault(
        http_status=500, status_code=3, sub_status="deviceError", times=2
    )
    result = await (await http.post(flow, json={"virtual_host": True})).json()
    assert result["errors"] == {"base": "virtual_host_failed"}
    texts = await strings(hass)
    assert texts[f"component.{DOMAIN}.options.error.virtual_host_failed"].startswith(
        "The recorder refused to turn its Virtual Host on"
    )
    assert nvr.virtual_host is False


async def test_activation_refusals_are_told_and_nothing_is_retried(
    hass: HomeAssistant,
    repairs: TestClient,
    nvr: SimulatedRecorder,
    opened: Opened,
) -> None:
    front = nvr.channel(1)
    _issue, result = opened
    front.camera.refuse_passwords = {PASSWORD}  # the camera finds it too weak
    result = await fix_step(repairs, result["flow_id"], {"which": "recorder"})
    assert result["errors"] == {"base": "risky_password"}
    error = await rendered(hass, repair.INACTIVE, result, "error.risky_password")
    assert error == "The camera refused this password as too weak. Choose another one."
    activate = ("PUT", "/ISAPI/ContentMgmt/InputProxy/channels/activate")
    assert (nvr.activations, nvr.requests[activate]) == ([], 1)  # no other form for a weak one
    nvr.activation_forms, nvr.activation_accepts = None, set()  # a recorder that activates none
    result = await fix_step(repairs, result["flow_id"], {"which": "recorder"})
    assert result["errors"] == {"base": "activation_not_offered"}
    assert nvr.requests[activate] == 2  # one knock at the missing endpoint, no second form
    assert not front.camera.active


async def test_a_camera_that_does_not_come_back_keeps_its_repair(
    hass: HomeAssistant,
    repairs: TestClient,
    nvr: SimulatedRecorder,
    opened: Opened,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    issue, result = opened
    # The recorder never says it is connected again (its status fails from now on).
    nvr.faults["/ISAPI/ContentMgmt/InputProxy/channels/status"] = Fault(
        http_status=500, status_code=3, sub_status="deviceError"
    )
    monkeypatch.setattr(const, "ONLINE_TIMEOUT", 0.5)
    result = await fix_step(repairs, result["flow_id"], {"which": "recorder"})
    result = await until_fixed(hass, repairs, result["flow_id"])
    assert (result["type"], result["reason"]) == ("abort", "not_back")
    text = await rendered(hass, repair.INACTIVE, result, "abort.not_back")
    assert text.startswith(f"{nvr.name} did not connect to Front in time.")
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue.issue_id) is not None


async def test_activating_a_camera_that_is_active_again_is_told(
    repairs: TestClient, nvr: SimulatedRecorder, opened: Opened
) -> None:
    result = opened[1]
    nvr.channel(1).camera.password = "Someone-Else1"  # activated meanwhile, on its own page
    result = await fix_step(repairs, result["flow_id"], {"which": "recorder"})
    assert result["errors"] == {"base": "not_inactive"}
    await nvr.stop()
    result = await fix_step(repairs, result["flow_id"], {"which": "recorder"})
    assert result["errors"] == {"base": "cannot_connect"}
    await nvr.start()


async def test_a_recorder_refusing_home_assistant_is_not_asked_again(
    hass: HomeAssistant, nvr: SimulatedRecorder, nvr_entry: MockConfigEntry, clock: Clock
) -> None:
    nvr.password = "Changed-on-nvr1"  # someone changed the recorder's password
    await clock.advance(timedelta(seconds=61))
    refused = nvr.failed_logins
    assert refused == 1  # whichever poll came first; the other one sent nothing
    assert [f["context"]["source"] for f in nvr_entry.async_get_active_flows(hass, {"reauth"})]
    asked = nvr.requests.total()
    await clock.advance(timedelta(seconds=61), times=3)
    button = hass.states.get(entity(hass, nvr_entry, 1, "restore_defaults"))
    assert button is not None
    assert button.state == STATE_UNAVAILABLE
    with pytest.raises(HomeAssistantError) as raised:  # forwarded: in the recorder's login
        await hass.services.async_call(
            DOMAIN,
            "restore_defaults",
            {"device_id": [camera_device(hass, nvr_entry, 1).id]},
            blocking=True,
        )
    text = await exception_text(hass, raised.value)
    assert text.startswith("Front is reached through its recorder, which refuses")
    assert nvr.requests.total() == asked  # nothing more was sent to the recorder
    assert nvr.failed_logins == refused
    assert nvr.channel(1).camera.requests[PUT_RESET] == 0


async def test_an_address_answering_as_another_device_gets_no_command(
    hass: HomeAssistant,
    nvr: SimulatedRecorder,
    make_camera: CameraFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stranger = await make_camera(name="Neighbour", model="DS-2CD2086G2-I", serial="2024XXXX0001")
    front = nvr.channel(1)
    front.address = stranger.host  # the recorder's PoE address is in use on the home network
    monkeypatch.setattr(routes, "DIRECT_PORT", stranger.port)
    entry = await setup_entry(hass, entry_for(nvr))
    assert hass.states.get(entity(hass, entry, 1, "route")).state == "direct"  # type: ignore[union-attr]
    with pytest.raises(HomeAssistantError) as raised:
        await press(hass, entity(hass, entry, 1, "restore_defaults"))
    text = await exception_text(hass, raised.value)
    assert text.startswith("The address its recorder lists for Front answers as another device")
    assert stranger.requests[PUT_RESET] == 0
    assert front.camera.requests[PUT_RESET] == 0


async def test_a_busy_recorder_during_a_restore_is_not_a_camera_down(
    hass: HomeAssistant, nvr: SimulatedRecorder, nvr_entry: MockConfigEntry
) -> None:
    events: list[Any] = []
    hass.bus.async_listen(EVENT_RESTORE, events.append)
    nvr.faults["/ISAPI/ContentMgmt/InputProxy/channels/status"] = Fault(http_status=503, times=2)
    await press(hass, entity(hass, nvr_entry, 1, "restore_defaults"))
    await wait_stage(hass, events, "online")
    stages = [e.data["stage"] for e in events]
    assert stages == ["accepted", "offline", "online"]
    assert nvr.channel(1).camera.reboots == 1


async def test_a_restore_behind_the_recorder_is_resumed_after_a_restart(
    hass: HomeAssistant, nvr: SimulatedRecorder, nvr_entry: MockConfigEntry
) -> None:
    events: list[Any] = []
    hass.bus.async_listen(EVENT_RESTORE, events.append)
    front = nvr.channel(1).camera
    front.reboot_seconds = 1.0
    await press(hass, entity(hass, nvr_entry, 1, "restore_defaults"))
    await wait_stage(hass, events, "offline")
    await restart(hass)
    await wait_stage(hass, events, "online", since=2)
    assert front.requests[PUT_RESET] == 1  # resumed, never sent again
    last = hass.states.get(entity(hass, nvr_entry, 1, "last_restore"))
    assert last is not None
    assert last.attributes["stage"] == "online"


async def test_a_camera_reached_by_its_own_port_is_activated_by_itself(
    hass: HomeAssistant,
    repairs: TestClient,
    nvr: SimulatedRecorder,
    vh_entry: MockConfigEntry,
    clock: Clock,
) -> None:
    _issue, result = await reset_and_repair(hass, repairs, nvr, vh_entry, clock)
    result = await fix_step(repairs, result["flow_id"], {"which": "recorder"})
    wait = await rendered(hass, repair.INACTIVE, result, f"progress.{result['progress_action']}")
    assert wait.startswith("Front was activated by its own activation, through its route.")
    result = await until_fixed(hass, repairs, result["flow_id"])
    assert result["type"] == "create_entry"
    assert nvr.activations == []  # the camera's own (documented) activation, not the recorder's
    assert nvr.channel(1).camera.password == PASSWORD


async def test_a_new_password_the_recorder_cannot_take_is_not_given_to_the_camera(
    hass: HomeAssistant, repairs: TestClient, nvr: SimulatedRecorder, opened: Opened
) -> None:
    nvr.channel_document = False  # no way to tell the recorder a camera's password
    result = await fix_step(
        repairs, opened[1]["flow_id"], {"which": "new", "new_password": NEW_PASSWORD}
    )
    assert result["errors"] == {"base": "activation_not_offered"}
    assert not nvr.channel(1).camera.active  # the recorder would knock with its own
    result = await fix_step(repairs, result["flow_id"], {"which": "recorder"})
    assert result["type"] == "progress"  # its own camera password needs no telling


async def test_removing_the_recorder_removes_its_cameras_repairs_and_records(
    hass: HomeAssistant, nvr: SimulatedRecorder, nvr_entry: MockConfigEntry, opened: Opened
) -> None:
    issue, front = opened[0], camera_device(hass, nvr_entry, 1)
    await hass.config_entries.async_remove(nvr_entry.entry_id)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue.issue_id) is None
    assert dr.async_get(hass).async_get(front.id) is None


async def test_a_recorder_whose_camera_list_fails_keeps_its_own_buttons(
    hass: HomeAssistant, nvr: SimulatedRecorder, clock: Clock
) -> None:
    extension = "/ISAPI/System/Network/extension"
    nvr.faults[extension] = Fault(http_status=500, status_code=3, sub_status="deviceError")
    entry = await setup_entry(hass, entry_for(nvr))  # its Virtual Host setting cannot be read
    assert hass.states.get(entity(hass, entry, 1, "route")).state == "forwarded"  # type: ignore[union-attr]
    nvr.faults["/ISAPI/ContentMgmt/InputProxy/channels"] = Fault(
        http_status=500, status_code=3, sub_status="deviceError"
    )
    await clock.advance(timedelta(seconds=61))
    front = hass.states.get(entity(hass, entry, 1, "restore_defaults"))
    assert front is not None
    assert front.state == STATE_UNAVAILABLE
    own = hass.states.get("button.recorder_restore_defaults")
    assert own is not None
    assert own.state != STATE_UNAVAILABLE  # the recorder itself answers
