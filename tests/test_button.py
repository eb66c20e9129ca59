"""The buttons: entities, presses, the events of a restore, and failures."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, Platform
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, Unauthorized
from homeassistant.helpers import (
    entity_registry as er,
    issue_registry as ir,
)
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.hikvision_reset import const
from custom_components.hikvision_reset.const import DOMAIN, EVENT_RESTORE
from simulator import Fault, SimulatedCamera

from .helpers import (
    PUT_RESET,
    Clock,
    device_id,
    entry_for,
    exception_text,
    reauth_issue,
    settle,
    setup_entry,
    wait_stage,
)

RESTORE = "button.garage_restore_defaults"
FACTORY = "button.garage_factory_reset_erases_password"
REBOOT = "button.garage_restart"
SENSOR = "sensor.garage_last_restore"


async def press(hass: HomeAssistant, entity_id: str, context: Context | None = None) -> None:
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: entity_id}, blocking=True, context=context
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platform", [Platform.BUTTON, Platform.SENSOR])
async def test_entities(
    hass: HomeAssistant,
    camera: SimulatedCamera,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("custom_components.hikvision_reset.PLATFORMS", [platform])
    entry = await setup_entry(hass, entry_for(camera))
    await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)


async def test_factory_reset_disabled_by_default(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    assert hass.states.get(RESTORE) is not None
    assert hass.states.get(FACTORY) is None
    entity = entity_registry.async_get(FACTORY)
    assert entity is not None
    assert entity.disabled_by is er.RegistryEntryDisabler.INTEGRATION


async def test_restore_defaults_follows_the_reboot(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    events = async_capture_events(hass, EVENT_RESTORE)
    camera.reboot_seconds = 0.5
    await press(hass, RESTORE)
    assert camera.restores == ["basic"]
    assert camera.requests[PUT_RESET] == 1  # pre-emptive digest: one request, never resent
    await wait_stage(hass, events, "offline")
    assert hass.states.get(RESTORE).state == STATE_UNAVAILABLE
    assert hass.states.get(SENSOR).attributes["stage"] == "offline"
    await wait_stage(hass, events, "online")
    assert [e.data["stage"] for e in events] == ["accepted", "offline", "online"]
    assert all(e.data["mode"] == "basic" for e in events)
    assert events[0].data["device_id"] is not None
    assert hass.states.get(RESTORE).state != STATE_UNAVAILABLE
    sensor = hass.states.get(SENSOR)
    assert sensor.state != "unknown"
    assert sensor.attributes["stage"] == "online"
    assert camera.failed_logins == 0


async def test_reboot_button(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    events = async_capture_events(hass, EVENT_RESTORE)
    await press(hass, REBOOT)
    assert camera.reboots == 1
    assert camera.restores == []
    await wait_stage(hass, events, "online")
    assert events[0].data["mode"] == "reboot"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_factory_reset_leads_to_activation(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    events = async_capture_events(hass, EVENT_RESTORE)
    await press(hass, FACTORY)
    assert camera.restores == ["full"]
    await wait_stage(hass, events, "online")
    assert events[-1].data["activated"] is False
    await settle(hass)
    assert reauth_issue(hass, loaded_entry) is not None
    flow = hass.config_entries.flow.async_progress_by_handler(DOMAIN)[0]
    assert flow["step_id"] == "find_camera"
    assert camera.failed_logins == 0


@pytest.mark.parametrize(
    ("fault", "key", "says"),
    [
        (Fault(status_code=2, sub_status="deviceBusy"), "device_busy", "Garage is busy; try"),
        (
            Fault(status_code=4, sub_status="notSupport"),
            "not_supported",
            "Garage does not support this, or the account is not an administrator",
        ),
        (Fault(status_code=3, sub_status="deviceError"), "device_error", "Garage reported an"),
        (Fault(drop=True), "result_unknown", "The command reached Garage, but the connection"),
        # Headers, 40 bytes of 282, then the connection drops: the camera got the command.
        (Fault(truncated=True), "result_unknown", "The command reached Garage, but the"),
    ],
)
async def test_press_failure_is_a_sentence_and_not_retried(
    hass: HomeAssistant,
    camera: SimulatedCamera,
    loaded_entry: MockConfigEntry,
    fault: Fault,
    key: str,
    says: str,
) -> None:
    events = async_capture_events(hass, EVENT_RESTORE)
    camera.faults[PUT_RESET[1]] = fault
    with pytest.raises(HomeAssistantError) as err:
        await press(hass, RESTORE)
    assert err.value.translation_key == key
    assert (await exception_text(hass, err.value)).startswith(says)
    assert camera.requests[PUT_RESET] == 1
    if key == "result_unknown":
        assert [e.data["stage"] for e in events] == ["unconfirmed"]
    else:
        assert [e.data["stage"] for e in events] == ["failed"]
        assert hass.states.get(SENSOR).attributes["stage"] == "failed"
    await settle(hass)


async def test_unreachable_camera(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    await camera.stop()
    with pytest.raises(HomeAssistantError) as err:
        await press(hass, RESTORE)
    assert (await exception_text(hass, err.value)).startswith(
        "Home Assistant cannot reach Garage. Is it powered and on the network?"
    )


@pytest.mark.parametrize("odd_answers", [False, True])
async def test_camera_that_never_goes_down_times_out(
    hass: HomeAssistant,
    camera: SimulatedCamera,
    loaded_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
    odd_answers: bool,
) -> None:
    """A camera that says OK but keeps answering: timeout (an unparsable answer is 'up' too)."""
    monkeypatch.setattr(const, "OFFLINE_TIMEOUT", 0.3)
    events = async_capture_events(hass, EVENT_RESTORE)
    camera.faults[PUT_RESET[1]] = Fault(status_code=1)  # says OK, does nothing
    if odd_answers:
        camera.faults["/SDK/activateStatus"] = Fault(malformed=True)
    await press(hass, RESTORE)
    await wait_stage(hass, events, "timeout")
    assert [e.data["stage"] for e in events] == ["accepted", "timeout"]


async def test_wrong_password_on_press_is_one_failed_login(
    hass: HomeAssistant,
    camera: SimulatedCamera,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    clock: Clock,
) -> None:
    camera.password = "Changed-by-someone1"
    with pytest.raises(HomeAssistantError) as err:
        await press(hass, RESTORE)
    assert await exception_text(hass, err.value) == (
        "Garage refused Home Assistant's password. Open Settings → System → Repairs to fix it"
    )
    await settle(hass)
    assert camera.failed_logins == 1
    assert camera.restores == []
    assert reauth_issue(hass, loaded_entry) is not None
    assert not [i for (d, _), i in issue_registry.issues.items() if d == DOMAIN]
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]
    # Polling stops: time passes, no login is sent again.
    await clock.advance(timedelta(minutes=5), times=3)
    assert camera.failed_logins == 1
    # Nor does the action, even when asked: the refused password is not sent again.
    requests = sum(camera.requests.values())
    response = await hass.services.async_call(
        DOMAIN,
        "restore_defaults",
        {"device_id": device_id(hass, loaded_entry)},
        blocking=True,
        return_response=True,
    )
    assert response["results"][0]["error"] == "invalid_auth"
    assert sum(camera.requests.values()) == requests
    assert camera.failed_logins == 1
    assert not camera.ever_locked


async def test_two_quick_presses_send_one_restore(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    """The second press, while the first restore is under way, is refused and sends nothing."""
    events = async_capture_events(hass, EVENT_RESTORE)
    await press(hass, RESTORE)
    with pytest.raises(HomeAssistantError) as err:
        await press(hass, RESTORE)
    assert await exception_text(hass, err.value) == (
        "Garage is already restoring or restarting; nothing was sent. Wait until it is back online"
    )
    # Nor can the reboot button or the action slip in.
    with pytest.raises(HomeAssistantError):
        await press(hass, REBOOT)
    assert camera.requests[PUT_RESET] == 1
    assert camera.reboots == 1  # the restore's own reboot
    await wait_stage(hass, events, "online")
    # Once the camera is back, a new restore is allowed.
    await press(hass, RESTORE)
    assert camera.requests[PUT_RESET] == 2
    await wait_stage(hass, events, "online", since=2)


async def test_concurrent_presses_and_actions_send_one_restore(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    camera.faults[PUT_RESET[1]] = Fault(latency=0.3, times=1)
    results = await asyncio.gather(
        press(hass, RESTORE),
        hass.services.async_call(
            DOMAIN,
            "restore_defaults",
            {"device_id": device_id(hass, loaded_entry)},
            blocking=True,
            return_response=True,
        ),
        return_exceptions=True,
    )
    assert camera.requests[PUT_RESET] == 1
    errors = [r for r in results if isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, dict) and r["results"][0]["result"] == "error"]
    assert len(errors) + len(refused) == 1
    if refused:
        assert refused[0]["results"][0]["error"] == "already_restoring"
    await settle(hass, 1.0)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_non_admin_press_is_refused(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    admin = await hass.auth.async_create_user("Parent", group_ids=["system-admin"])
    assert admin.is_owner  # the first person of a home is its owner
    # A read-only user cannot control entities at all: Home Assistant refuses first.
    reader = await hass.auth.async_create_user("Kid", group_ids=["system-read-only"])
    with pytest.raises(Unauthorized):
        await press(hass, RESTORE, Context(user_id=reader.id))
    # An ordinary user can press buttons, but not these: our translated refusal.
    ordinary = await hass.auth.async_create_user("Guest", group_ids=["system-users"])
    assert not ordinary.is_admin
    for button in (RESTORE, FACTORY, REBOOT):
        with pytest.raises(HomeAssistantError) as err:
            await press(hass, button, Context(user_id=ordinary.id))
        assert await exception_text(hass, err.value) == (
            "Only a Home Assistant administrator can restore or restart Garage"
        )
    assert camera.requests[PUT_RESET] == 0
    assert camera.reboots == 0
    # An administrator may; so may an automation (no user in its context).
    events = async_capture_events(hass, EVENT_RESTORE)
    await press(hass, RESTORE, Context(user_id=admin.id))
    assert camera.requests[PUT_RESET] == 1
    await wait_stage(hass, events, "online")
    await press(hass, REBOOT, Context())
    assert camera.reboots == 2
    await wait_stage(hass, events, "online", since=3)
