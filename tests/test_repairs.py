"""The repair issue's fix flow, driven through HA's repairs HTTP API."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.hikvision_reset.const import DOMAIN, EVENT_AUTH_FAILED, EVENT_RESTORE
from custom_components.hikvision_reset.issues import issue_id
from simulator import Fault, SimulatedCamera

from .conftest import PASSWORD, CameraFactory, entry_for, settle, setup_entry

NEW_PASSWORD = "N3w-Passw0rd"


class FixFlow:
    """One repair fix flow, over /api/repairs/issues/fix."""

    def __init__(self, client: TestClient, flow: dict[str, Any]) -> None:
        self.client = client
        self.last = flow

    @classmethod
    async def start(cls, client: TestClient, entry: MockConfigEntry) -> FixFlow:
        resp = await client.post(
            "/api/repairs/issues/fix",
            json={"handler": DOMAIN, "issue_id": issue_id(entry.entry_id)},
        )
        assert resp.status == HTTPStatus.OK, await resp.text()
        return cls(client, await resp.json())

    async def send(self, data: dict[str, Any]) -> dict[str, Any]:
        resp = await self.client.post(f"/api/repairs/issues/fix/{self.last['flow_id']}", json=data)
        assert resp.status == HTTPStatus.OK, await resp.text()
        self.last = await resp.json()
        return self.last


@pytest.fixture
async def client(hass: HomeAssistant, hass_client: ClientSessionGenerator) -> TestClient:
    assert await async_setup_component(hass, "repairs", {})
    return await hass_client()


async def broken_entry(hass: HomeAssistant, camera: SimulatedCamera) -> MockConfigEntry:
    """The camera's password was changed behind HA's back."""
    entry = await setup_entry(hass, entry_for(camera, password="forgotten"))
    assert entry.state is ConfigEntryState.SETUP_ERROR
    return entry


async def test_known_password(
    hass: HomeAssistant,
    client: TestClient,
    camera: SimulatedCamera,
    issue_registry: ir.IssueRegistry,
) -> None:
    entry = await broken_entry(hass, camera)
    flow = await FixFlow.start(client, entry)
    assert flow.last["type"] == "menu"
    assert flow.last["menu_options"] == ["known_password", "reset_done"]
    placeholders = flow.last["description_placeholders"]
    assert placeholders["reset_address"] == "192.168.1.64"
    assert placeholders["model"] == "DS-2CD2143G2-I"
    assert placeholders["attempts_left"] == "6"
    result = await flow.send({"next_step_id": "known_password"})
    assert result["step_id"] == "known_password"
    result = await flow.send({CONF_PASSWORD: "still-wrong"})
    assert result["errors"] == {"base": "invalid_auth_attempts"}
    assert result["description_placeholders"]["attempts"] == "5"
    result = await flow.send({CONF_PASSWORD: PASSWORD})
    assert result["type"] == "create_entry"
    await settle(hass)
    assert entry.state is ConfigEntryState.LOADED
    assert entry.data[CONF_PASSWORD] == PASSWORD
    assert issue_registry.async_get_issue(DOMAIN, issue_id(entry.entry_id)) is None
    assert camera.failed_logins == 2  # setup's, and the user's one wrong try
    assert not camera.ever_locked


async def test_known_password_while_locked_sends_nothing(
    hass: HomeAssistant, client: TestClient, camera: SimulatedCamera
) -> None:
    camera.consecutive_failures = 6
    entry = await broken_entry(hass, camera)
    flow = await FixFlow.start(client, entry)
    await flow.send({"next_step_id": "known_password"})
    requests = sum(camera.requests.values())
    result = await flow.send({CONF_PASSWORD: PASSWORD})
    assert result["errors"] == {"base": "account_locked"}
    assert result["description_placeholders"]["minutes"] == "30"
    assert sum(camera.requests.values()) == requests


async def test_known_password_of_another_camera(
    hass: HomeAssistant, client: TestClient, camera: SimulatedCamera, make_camera: CameraFactory
) -> None:
    entry = await broken_entry(hass, camera)
    other = await make_camera(model="DS-2CD2086G2-I")
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_PORT: other.port})
    flow = await FixFlow.start(client, entry)
    await flow.send({"next_step_id": "known_password"})
    result = await flow.send({CONF_PASSWORD: PASSWORD})
    assert result["type"] == "abort"
    assert result["reason"] == "wrong_device"


async def test_forgotten_password_to_reset_to_reactivation(
    hass: HomeAssistant,
    client: TestClient,
    camera: SimulatedCamera,
    issue_registry: ir.IssueRegistry,
) -> None:
    """The whole bad day: wrong password, repair, hard reset, re-activation, working camera."""
    auth_events = async_capture_events(hass, EVENT_AUTH_FAILED)
    entry = await broken_entry(hass, camera)
    assert camera.failed_logins == 1
    assert [e.data["reason"] for e in auth_events] == ["invalid_auth"]

    flow = await FixFlow.start(client, entry)
    result = await flow.send({"next_step_id": "reset_done"})
    assert result["step_id"] == "reset_done"
    # The user says it is reset, but it is not yet: HA looks without logging in.
    result = await flow.send({"host": "127.0.0.1"})
    assert result["errors"] == {"base": "still_activated"}
    assert camera.failed_logins == 1

    camera.password = None  # the hard reset: inactive, no admin password
    result = await flow.send({"host": "127.0.0.1"})
    assert result["step_id"] == "activate"
    result = await flow.send({"new_password": "password"})
    assert result["errors"] == {"new_password": "weak_password"}
    result = await flow.send({"new_password": NEW_PASSWORD})
    assert result["type"] == "create_entry"
    await settle(hass)

    assert camera.password == NEW_PASSWORD
    assert entry.data[CONF_PASSWORD] == NEW_PASSWORD
    assert entry.state is ConfigEntryState.LOADED
    assert issue_registry.async_get_issue(DOMAIN, issue_id(entry.entry_id)) is None
    assert hass.states.get("button.garage_restore_defaults").state == "unknown"
    assert camera.failed_logins == 1
    assert not camera.ever_locked


async def test_full_restore_goes_straight_to_activation(
    hass: HomeAssistant, client: TestClient, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    events = async_capture_events(hass, EVENT_RESTORE)
    await hass.services.async_call(
        DOMAIN,
        "restore_defaults",
        {"device_id": _device_id(hass, loaded_entry), "mode": "full"},
        blocking=True,
    )
    for _ in range(100):
        if any(e.data["stage"] == "online" for e in events):
            break
        await settle(hass, 0.04)
    await settle(hass)
    flow = await FixFlow.start(client, loaded_entry)
    assert flow.last["step_id"] == "reset_done"
    result = await flow.send({"host": "127.0.0.1"})
    assert result["step_id"] == "activate"
    result = await flow.send({"new_password": NEW_PASSWORD})
    assert result["type"] == "create_entry"
    await settle(hass)
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert camera.failed_logins == 0


def _device_id(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, str(entry.unique_id)), entry.entry_id
    )
    assert device is not None
    return device.id


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        ("stopped", "cannot_connect"),
        ("garbled", "not_hikvision"),
    ],
)
async def test_reset_done_errors(
    hass: HomeAssistant, client: TestClient, camera: SimulatedCamera, setup: str, error: str
) -> None:
    entry = await broken_entry(hass, camera)
    flow = await FixFlow.start(client, entry)
    await flow.send({"next_step_id": "reset_done"})
    if setup == "stopped":
        await camera.stop()
    else:
        camera.faults["/SDK/activateStatus"] = Fault(malformed=True)
    result = await flow.send({"host": "127.0.0.1"})
    assert result["errors"] == {"base": error}


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault(status_code=4, sub_status="riskPassword"), "activation_failed"),
        (Fault(drop=True), "cannot_connect"),
    ],
)
async def test_activation_errors(
    hass: HomeAssistant, client: TestClient, camera: SimulatedCamera, fault: Fault, error: str
) -> None:
    entry = await broken_entry(hass, camera)
    camera.password = None
    flow = await FixFlow.start(client, entry)
    await flow.send({"next_step_id": "reset_done"})
    await flow.send({"host": "127.0.0.1"})
    camera.faults["/ISAPI/System/activate"] = fault
    result = await flow.send({"new_password": NEW_PASSWORD})
    assert result["errors"] == {"base": error}


async def test_activated_camera_is_another_one(
    hass: HomeAssistant, client: TestClient, camera: SimulatedCamera, make_camera: CameraFactory
) -> None:
    entry = await broken_entry(hass, camera)
    other = await make_camera(model="DS-2CD2086G2-I", password=None)
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_PORT: other.port})
    flow = await FixFlow.start(client, entry)
    await flow.send({"next_step_id": "reset_done"})
    await flow.send({"host": "127.0.0.1"})
    result = await flow.send({"new_password": NEW_PASSWORD})
    assert result["type"] == "abort"
    assert result["reason"] == "wrong_device"


async def test_issue_of_a_removed_entry(
    hass: HomeAssistant, client: TestClient, camera: SimulatedCamera
) -> None:
    entry = await broken_entry(hass, camera)
    ir.async_create_issue(
        hass,
        DOMAIN,
        "stray",
        is_fixable=True,
        severity=ir.IssueSeverity.ERROR,
        translation_key="auth_failed",
        data={"entry_id": "gone", "reason": "invalid_auth"},
    )
    resp = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": "stray"}
    )
    assert resp.status == HTTPStatus.NOT_FOUND
    assert entry.state is ConfigEntryState.SETUP_ERROR
