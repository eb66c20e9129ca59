"""Setting up, polling, failing to log in, and unloading a camera."""

from __future__ import annotations

from datetime import timedelta
import time

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.hikvision_reset import const
from custom_components.hikvision_reset.const import DOMAIN, EVENT_AUTH_FAILED, SCAN_INTERVAL
from custom_components.hikvision_reset.issues import issue_id
from simulator import Fault, SimulatedCamera

from .conftest import CameraFactory, Clock, entry_for, settle, setup_entry

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


async def test_wrong_password_at_setup_one_failed_login_issue_and_reauth(
    hass: HomeAssistant,
    camera: SimulatedCamera,
    issue_registry: ir.IssueRegistry,
    clock: Clock,
) -> None:
    events = async_capture_events(hass, EVENT_AUTH_FAILED)
    entry = await setup_entry(hass, entry_for(camera, password="forgotten"))
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert camera.failed_logins == 1
    issue = issue_registry.async_get_issue(DOMAIN, issue_id(entry.entry_id))
    assert issue is not None
    assert issue.translation_key == "auth_failed"
    assert issue.is_fixable
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.translation_placeholders == {
        "name": "Garage",
        "model": "DS-2CD2143G2-I",
        "host": "127.0.0.1",
        "attempts_left": "6",
        "unlock_minutes": "?",
        "reset_address": "192.168.1.64",
    }
    assert [e.data["reason"] for e in events] == ["invalid_auth"]
    assert events[0].data["reset_guide"] == "button"
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]
    # Time passes: nothing retries the refused password.
    await clock.advance(timedelta(minutes=10), times=5)
    assert camera.failed_logins == 1
    # Neither does reloading, nor restarting the entry: the same password is not sent again.
    requests = sum(camera.requests.values())
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.config_entries.async_reload(entry.entry_id)
    assert sum(camera.requests.values()) == requests
    assert entry.state is ConfigEntryState.SETUP_ERROR
    # The issue still says what the camera said.
    issue = issue_registry.async_get_issue(DOMAIN, issue_id(entry.entry_id))
    assert issue is not None
    assert issue.translation_placeholders["attempts_left"] == "6"
    assert not camera.ever_locked


async def test_password_changed_while_running_stops_polling(
    hass: HomeAssistant,
    camera: SimulatedCamera,
    issue_registry: ir.IssueRegistry,
    clock: Clock,
) -> None:
    entry = await setup_entry(hass, entry_for(camera))
    camera.password = "Changed-by-someone1"
    await clock.advance(SCAN_INTERVAL, times=10)
    assert camera.failed_logins == 1
    assert issue_registry.async_get_issue(DOMAIN, issue_id(entry.entry_id)) is not None
    assert hass.states.get("button.garage_restore_defaults").state == "unavailable"
    # The user fixes it through reauth: the issue goes away on its own.
    flow = hass.config_entries.flow.async_progress_by_handler(DOMAIN)[0]
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {"password": "Changed-by-someone1"}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert issue_registry.async_get_issue(DOMAIN, issue_id(entry.entry_id)) is None
    assert camera.failed_logins == 1


async def test_locked_account_at_setup(
    hass: HomeAssistant, camera: SimulatedCamera, issue_registry: ir.IssueRegistry
) -> None:
    camera.consecutive_failures = 6
    entry = await setup_entry(hass, entry_for(camera, password="forgotten"))
    issue = issue_registry.async_get_issue(DOMAIN, issue_id(entry.entry_id))
    assert issue is not None
    assert issue.translation_placeholders["unlock_minutes"] == "30"
    assert issue.translation_placeholders["attempts_left"] == "0"
    requests = sum(camera.requests.values())
    # A reload while the camera says it is locked sends nothing.
    await hass.config_entries.async_reload(entry.entry_id)
    assert sum(camera.requests.values()) == requests
    assert entry.state is ConfigEntryState.SETUP_ERROR
    # Removing the camera cancels the retry planned for the unlock time.
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.parametrize(
    ("model", "key", "guide"),
    [
        ("DS-2CD2386G2-ISU/SL", "auth_failed", "button"),
        ("DS-2CD2T87G2P-LSU/SL", "auth_failed_sadp", "sadp"),
        ("DS-2CD2A20F-IS", "auth_failed_unknown_model", "unknown"),
    ],
)
async def test_issue_text_follows_the_model(
    hass: HomeAssistant,
    make_camera: CameraFactory,
    issue_registry: ir.IssueRegistry,
    model: str,
    key: str,
    guide: str,
) -> None:
    events = async_capture_events(hass, EVENT_AUTH_FAILED)
    camera = await make_camera(model=model)
    entry = await setup_entry(hass, entry_for(camera, password="forgotten"))
    issue = issue_registry.async_get_issue(DOMAIN, issue_id(entry.entry_id))
    assert issue is not None
    assert issue.translation_key == key
    assert issue.translation_placeholders["model"] == model
    assert events[0].data["reset_guide"] == guide


async def test_unload_and_remove(
    hass: HomeAssistant, camera: SimulatedCamera, issue_registry: ir.IssueRegistry
) -> None:
    entry = await setup_entry(hass, entry_for(camera, password="forgotten"))
    assert issue_registry.async_get_issue(DOMAIN, issue_id(entry.entry_id)) is not None
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, issue_id(entry.entry_id)) is None
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
    issue = issue_registry.async_get_issue(DOMAIN, issue_id(entry.entry_id))
    assert issue is not None
    assert issue.translation_placeholders["unlock_minutes"] == "1"
    requests = sum(camera.requests.values())
    await settle(hass, 1.0)
    assert sum(camera.requests.values()) == requests  # nothing while locked
    await settle(hass, 3.0)
    assert entry.state is ConfigEntryState.LOADED
    assert issue_registry.async_get_issue(DOMAIN, issue_id(entry.entry_id)) is None
    assert camera.failed_logins == 0
