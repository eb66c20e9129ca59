"""Setting up, polling, failing to log in, and unloading a camera."""

from __future__ import annotations

from datetime import timedelta
import time

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.hikvision_reset import const
from custom_components.hikvision_reset.const import (
    CONF_MODEL,
    DOMAIN,
    EVENT_AUTH_FAILED,
    SCAN_INTERVAL,
)
from custom_components.hikvision_reset.recovery import reset_guide
from simulator import Fault, SimulatedCamera

from .helpers import (
    CameraFactory,
    Clock,
    entry_for,
    entry_reason,
    reauth_issue,
    settle,
    setup_entry,
    shown,
)

GET_INFO = ("GET", "/ISAPI/System/deviceInfo")


async def test_setup_creates_device(
    hass: HomeAssistant, camera: SimulatedCamera, device_registry: dr.DeviceRegistry
) -> None:
    entry = await setup_entry(hass, entry_for(camera))
    assert entry.state is ConfigEntryState.LOADED
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, camera.serial_number), entry.entry_id
    )
    assert device is not None
    assert device.manufacturer == "Hikvision"
    assert device.model == "DS-2CD2143G2-I"
    assert device.serial_number == camera.serial_number
    assert device.sw_version == "V5.7.13 build 230531"
    assert (dr.CONNECTION_NETWORK_MAC, camera.mac) in device.connections
    assert device.configuration_url == f"http://127.0.0.1:{camera.port}"
    assert device.name == "Garage"


async def test_polling_is_one_request_per_interval(
    hass: HomeAssistant, camera: SimulatedCamera, clock: Clock
) -> None:
    await setup_entry(hass, entry_for(camera))
    before = camera.requests[GET_INFO]
    await clock.advance(SCAN_INTERVAL, times=3)
    assert camera.requests[GET_INFO] == before + 3


async def test_camera_down_at_setup_retries(hass: HomeAssistant, camera: SimulatedCamera) -> None:
    await camera.stop()
    entry = await setup_entry(hass, entry_for(camera))
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_device_error_at_setup_retries(hass: HomeAssistant, camera: SimulatedCamera) -> None:
    camera.faults[GET_INFO[1]] = Fault(http_status=500)
    entry = await setup_entry(hass, entry_for(camera))
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert (await entry_reason(hass, entry)).startswith("Garage reported an error")


async def test_retry_reason_is_a_sentence(hass: HomeAssistant, camera: SimulatedCamera) -> None:
    await camera.stop()
    entry = await setup_entry(hass, entry_for(camera))
    assert (await entry_reason(hass, entry)).startswith("Home Assistant cannot reach Garage.")


def only_repair(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry:
    """The one repair the homeowner meets for this camera: HA's reauth one, and none of ours."""
    issues = ir.async_get(hass).issues
    assert not [i for (domain, _), i in issues.items() if domain == DOMAIN]
    issue = reauth_issue(hass, entry)
    assert issue is not None
    return issue


async def first_reauth_step(hass: HomeAssistant) -> dict[str, object]:
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]
    # What the frontend does when the repair is clicked: fetch the flow's current step.
    return dict(await hass.config_entries.flow.async_configure(flows[0]["flow_id"]))


async def test_wrong_password_at_setup_one_failed_login_one_repair(
    hass: HomeAssistant, camera: SimulatedCamera, issue_registry: ir.IssueRegistry, clock: Clock
) -> None:
    events = async_capture_events(hass, EVENT_AUTH_FAILED)
    entry = await setup_entry(hass, entry_for(camera, password="forgotten"))
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert camera.failed_logins == 1
    assert await entry_reason(hass, entry) == (
        "Garage refused Home Assistant's password. Open Settings → System → Repairs to fix it."
    )
    issue = only_repair(hass, entry)
    assert issue.issue_domain == DOMAIN
    step = await shown(hass, await first_reauth_step(hass))
    assert step.step == "reauth_attempts"
    assert step.title == "Get your camera working again"
    assert "allows **6** more wrong passwords" in step.description
    assert step.options == {
        "password": "I know the password",
        "reset_steps": "Nobody knows it: show me how to reset the camera",
    }
    assert [e.data["reason"] for e in events] == ["invalid_auth"]
    assert events[0].data["reset_guide"] == "button"  # a sourced entry: the button's place
    assert events[0].data["attempts_left"] == 6
    # Time passes: nothing retries the refused password.
    await clock.advance(timedelta(minutes=10), times=5)
    assert camera.failed_logins == 1
    # Neither does reloading, nor restarting the entry: the same password is not sent again.
    requests = sum(camera.requests.values())
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.config_entries.async_reload(entry.entry_id)
    assert sum(camera.requests.values()) == requests
    assert entry.state is ConfigEntryState.SETUP_ERROR
    # The flow still says what the camera said.
    step = await shown(hass, await first_reauth_step(hass))
    assert "allows **6** more wrong passwords" in step.description
    assert not camera.ever_locked


async def test_refused_password_is_not_sent_after_a_restart(
    hass: HomeAssistant, camera: SimulatedCamera, hass_storage: dict[str, object]
) -> None:
    """Seven restarts must not lock the camera: the refusal is remembered on disk."""
    entry = await setup_entry(hass, entry_for(camera, password="forgotten"))
    assert camera.failed_logins == 1
    await hass.async_block_till_done()
    await settle(hass, 1.5)  # the store writes after its delay
    stored = hass_storage[f"{DOMAIN}.logins"]
    assert "forgotten" not in str(stored)  # fingerprints only
    assert len(stored["data"]["refused"]["admin@127.0.0.1:" + str(camera.port)]) == 1  # type: ignore[index]
    # "Restart": a fresh memory read from the stored file.
    from custom_components.hikvision_reset.auth import memory as lockout  # noqa: PLC0415

    hass.data.pop(lockout._MEMORY)
    await hass.config_entries.async_unload(entry.entry_id)
    requests = sum(camera.requests.values())
    for _ in range(7):
        await hass.config_entries.async_reload(entry.entry_id)
        hass.data.pop(lockout._MEMORY, None)
    assert sum(camera.requests.values()) == requests
    assert camera.failed_logins == 1
    assert not camera.ever_locked
    # The user enters the right password once: the mark is forgotten, and setup works again.
    flow = hass.config_entries.flow.async_progress_by_handler(DOMAIN)[0]
    await hass.config_entries.flow.async_configure(flow["flow_id"], {"next_step_id": "password"})
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {"password": camera.password}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    await settle(hass, 1.5)
    assert hass_storage[f"{DOMAIN}.logins"]["data"]["refused"] == {}  # type: ignore[index]


async def test_password_changed_while_running_stops_polling(
    hass: HomeAssistant, camera: SimulatedCamera, issue_registry: ir.IssueRegistry, clock: Clock
) -> None:
    entry = await setup_entry(hass, entry_for(camera))
    camera.password = "Changed-by-someone1"
    await clock.advance(SCAN_INTERVAL, times=10)
    assert camera.failed_logins == 1
    only_repair(hass, entry)
    assert hass.states.get("button.garage_restore_defaults").state == "unavailable"
    # The user fixes it through the repair: it goes away on its own.
    flow = hass.config_entries.flow.async_progress_by_handler(DOMAIN)[0]
    await hass.config_entries.flow.async_configure(flow["flow_id"], {"next_step_id": "password"})
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {"password": "Changed-by-someone1"}
    )
    assert (await shown(hass, result)).description == "The password was updated."
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert reauth_issue(hass, entry) is None
    assert camera.failed_logins == 1


async def test_locked_account_at_setup(
    hass: HomeAssistant, camera: SimulatedCamera, issue_registry: ir.IssueRegistry
) -> None:
    camera.consecutive_failures = 6
    entry = await setup_entry(hass, entry_for(camera, password="forgotten"))
    assert await entry_reason(hass, entry) == (
        "Garage has locked the account after too many wrong passwords. "
        "Home Assistant will try again once it unlocks."
    )
    only_repair(hass, entry)
    step = await shown(hass, await first_reauth_step(hass))
    assert step.step == "reauth_locked"
    assert "unlocks in about **30** minutes" in step.description
    requests = sum(camera.requests.values())
    # A reload while the camera says it is locked sends nothing.
    await hass.config_entries.async_reload(entry.entry_id)
    assert sum(camera.requests.values()) == requests
    assert entry.state is ConfigEntryState.SETUP_ERROR
    # Removing the camera cancels the retry planned for the unlock time.
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()


# One model per table entry, and what the person must read: the step, the place of the button,
# how long to hold it (English, then German).
HOLD = "15\u201320 seconds"
HOLD_DE = {
    HOLD: "15\u201320 Sekunden",
    "30 or more": "30 oder mehr",
    "about 10 seconds": "etwa 10 Sekunden",
    "24\u201348 hours": "24\u201348 Stunden",
}
GUIDES = {
    "DS-2CD2086G2-I": ("reset_button", "close to the slot", HOLD, "nahe am Steckplatz"),
    "DS-2CD2143G2-I": ("reset_button", "usually close to the slot", HOLD, "nahe am Steckplatz"),
    "DS-2CD2343G2-I": ("reset_turret", "Sources disagree for turrets", HOLD, "widersprechen"),
    "DS-2CD2347G2-LU": ("reset_turret", "fully taken apart", "30 or more", "30 oder mehr"),
    "DS-2CD2386G2-ISU/SL": ("reset_turret", "close to the slot", HOLD, "ganz zerlegt"),
    "DS-2CD2146G2-I": ("reset_datasheet", "does not say where", HOLD, "Datenblatt"),
    "DS-2CD2146G2-ISU": ("reset_datasheet", "protective cover", HOLD, "Schutzabdeckung"),
    "DS-2CD2786G2-IZS": ("reset_datasheet", "main board", HOLD, "Hauptplatine"),
    "DS-2CD2955FWD-IS": ("reset_fisheye", "Memory Card/Reset", "about 10 seconds", "10 Sekunden"),
    "DS-2CD2626G2-IZS": ("reset_datasheet", "does not say where", HOLD, "Datenblatt"),
    "DS-2CD5546G0-IZS": ("reset_datasheet", "datasheet", HOLD, "Datenblatt"),
    "DS-2CD5546G0-IZHS (2.8-12mm)": ("reset_datasheet", "datasheet", HOLD, "Datenblatt"),
    "DS-7608NXI-I2/8P/S": ("reset_sadp", "GUID file", "24\u201348 hours", "GUID-Datei"),
    "DS-2CD2T87G2P-LSU/SL": ("reset_unknown", "LSU/SL's manual shows where", HOLD, "Handbuch"),
}


def test_every_table_entry_is_shown() -> None:
    """Each entry of the sourced table has a model above, and each step is reachable."""
    for pattern, _guide in reset_guide.TABLE:
        assert any(reset_guide.matches(pattern, model) for model in GUIDES), pattern
    assert {step for step, *_ in GUIDES.values()} == reset_guide.STEPS


@pytest.mark.parametrize("model", GUIDES)
async def test_each_model_shows_its_own_reset_steps(
    hass: HomeAssistant, camera: SimulatedCamera, model: str
) -> None:
    step_id, place, hold, german = GUIDES[model]
    events = async_capture_events(hass, EVENT_AUTH_FAILED)
    entry = entry_for(camera, password="forgotten")
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_MODEL: model})
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    flow = hass.config_entries.flow.async_progress_by_handler(DOMAIN)[0]
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {"next_step_id": "reset_steps"}
    )
    assert result["step_id"] == step_id
    english = await shown(hass, result)
    assert model in english.description
    assert place in english.description
    assert hold in english.description
    assert "{" not in english.title + english.description
    deutsch = await shown(hass, result, "de")
    assert model in deutsch.description
    assert german in deutsch.description  # where the button is (or what it says of it)
    assert HOLD_DE[hold] in deutsch.description  # and how long, as the person reads it
    assert "{" not in deutsch.title + deutsch.description
    guide = reset_guide.guide_for(model)
    assert events[0].data["reset_guide"] == guide.kind
    assert all(source.startswith("https://") for source in guide.sources)


async def test_unload_and_remove(
    hass: HomeAssistant, camera: SimulatedCamera, issue_registry: ir.IssueRegistry
) -> None:
    entry = await setup_entry(hass, entry_for(camera, password="forgotten"))
    assert reauth_issue(hass, entry) is not None
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert reauth_issue(hass, entry) is None
    good = await setup_entry(hass, entry_for(camera))
    assert await hass.config_entries.async_unload(good.entry_id)
    assert good.state is ConfigEntryState.NOT_LOADED
    assert hass.services.has_service(DOMAIN, "restore_defaults")


async def test_locked_by_someone_else_retries_once_after_unlock(
    hass: HomeAssistant,
    camera: SimulatedCamera,
    issue_registry: ir.IssueRegistry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A lock refuses even the right password: HA waits for the unlock, then tries once."""
    monkeypatch.setattr(const, "UNLOCK_MARGIN", 1.0)
    camera.locked_until = time.monotonic() + 2.5  # someone else's failed logins
    entry = await setup_entry(hass, entry_for(camera))
    assert entry.state is ConfigEntryState.SETUP_ERROR
    step = await shown(hass, await first_reauth_step(hass))
    assert "unlocks in about **1** minutes" in step.description
    requests = sum(camera.requests.values())
    await settle(hass, 1.0)
    assert sum(camera.requests.values()) == requests  # nothing while locked
    await settle(hass, 3.0)
    assert entry.state is ConfigEntryState.LOADED
    assert camera.failed_logins == 0


async def test_basic_only_camera_no_password_no_repair(
    hass: HomeAssistant, make_camera: CameraFactory, issue_registry: ir.IssueRegistry
) -> None:
    """Nothing is sent in clear, no login is counted, and no repair talks about the password."""
    events = async_capture_events(hass, EVENT_AUTH_FAILED)
    camera = await make_camera(basic_only=True)
    entry = await setup_entry(hass, entry_for(camera))
    assert entry.state is ConfigEntryState.SETUP_RETRY
    reason = await entry_reason(hass, entry)
    assert reason.startswith("Camera only offers Basic authentication")
    assert "Configuration → System → Security → Web Authentication" in reason
    assert camera.cleartext_logins == 0
    assert camera.failed_logins == 0
    assert reauth_issue(hass, entry) is None
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert events == []
    # The user switches the camera back to digest: the next retry sets it up.
    camera.basic_only = False
    await hass.config_entries.async_reload(entry.entry_id)
    assert entry.state is ConfigEntryState.LOADED


async def test_hostile_device_info_at_setup(hass: HomeAssistant, camera: SimulatedCamera) -> None:
    camera.faults[GET_INFO[1]] = Fault(entity_expansion=94)
    entry = await setup_entry(hass, entry_for(camera))
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert "DTD" in await entry_reason(hass, entry)


async def test_the_repairs_component_lists_one_problem(
    hass: HomeAssistant, camera: SimulatedCamera, hass_ws_client: object
) -> None:
    """What the repairs page lists, over its websocket API: one entry for the camera."""
    assert await async_setup_component(hass, "repairs", {})
    await setup_entry(hass, entry_for(camera, password="forgotten"))
    client = await hass_ws_client(hass)  # type: ignore[operator]
    await client.send_json({"id": 1, "type": "repairs/list_issues"})
    msg = await client.receive_json()
    issues = [i for i in msg["result"]["issues"] if "Garage" in str(i)]
    assert len(issues) == 1
    assert issues[0]["translation_key"] == "config_entry_reauth"
    assert issues[0]["issue_domain"] == DOMAIN
