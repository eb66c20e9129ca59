"""The reauth journey, driven as the frontend drives it: HA's config-flow HTTP API.

Home Assistant lists one "Authentication expired" repair for the camera; clicking it opens this
flow (the frontend fetches the flow by the id in the repair's data). Every step is rendered
through the English translations and checked as the homeowner reads it.
"""

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
from simulator import Fault, SimulatedCamera

from .conftest import PASSWORD, CameraFactory, Shown, entry_for, settle, setup_entry, shown

NEW_PASSWORD = "N3w-Passw0rd"
FLOWS = "/api/config/config_entries/flow"


class Journey:
    """The reauth flow of one camera, opened from its repair like the frontend does."""

    def __init__(self, hass: HomeAssistant, client: TestClient, flow_id: str) -> None:
        self.hass = hass
        self.client = client
        self.flow_id = flow_id
        self.last: dict[str, Any] = {}

    @classmethod
    async def open(cls, hass: HomeAssistant, client: TestClient, entry: MockConfigEntry) -> Journey:
        issue = ir.async_get(hass).async_get_issue(
            "homeassistant", f"config_entry_reauth_{DOMAIN}_{entry.entry_id}"
        )
        assert issue is not None, "no repair for the camera"
        assert issue.data is not None
        journey = cls(hass, client, str(issue.data["flow_id"]))
        resp = await client.get(f"{FLOWS}/{journey.flow_id}")
        assert resp.status == HTTPStatus.OK, await resp.text()
        journey.last = await resp.json()
        return journey

    async def send(self, data: dict[str, Any]) -> dict[str, Any]:
        resp = await self.client.post(f"{FLOWS}/{self.flow_id}", json=data)
        assert resp.status == HTTPStatus.OK, await resp.text()
        self.last = await resp.json()
        return self.last

    async def seen(self) -> Shown:
        return await shown(self.hass, self.last)


@pytest.fixture
async def client(hass: HomeAssistant, hass_client: ClientSessionGenerator) -> TestClient:
    assert await async_setup_component(hass, "config", {})
    return await hass_client()


async def broken_entry(hass: HomeAssistant, camera: SimulatedCamera) -> MockConfigEntry:
    """The camera's password was changed behind HA's back."""
    entry = await setup_entry(hass, entry_for(camera, password="forgotten"))
    assert entry.state is ConfigEntryState.SETUP_ERROR
    return entry


async def test_known_password(
    hass: HomeAssistant, client: TestClient, camera: SimulatedCamera
) -> None:
    entry = await broken_entry(hass, camera)
    journey = await Journey.open(hass, client, entry)
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
    hass: HomeAssistant, client: TestClient, camera: SimulatedCamera
) -> None:
    camera.consecutive_failures = 6
    entry = await broken_entry(hass, camera)
    journey = await Journey.open(hass, client, entry)
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
    hass: HomeAssistant, client: TestClient, camera: SimulatedCamera, make_camera: CameraFactory
) -> None:
    entry = await broken_entry(hass, camera)
    other = await make_camera(model="DS-2CD2086G2-I")
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_PORT: other.port})
    journey = await Journey.open(hass, client, entry)
    await journey.send({"next_step_id": "password"})
    await journey.send({CONF_PASSWORD: PASSWORD})
    assert (await journey.seen()).description == (
        "That is another camera (a different serial number)."
    )


async def test_forgotten_password_to_reset_to_reactivation(
    hass: HomeAssistant, client: TestClient, camera: SimulatedCamera
) -> None:
    """The whole bad day: wrong password, repair, hard reset, re-activation, working camera."""
    auth_events = async_capture_events(hass, EVENT_AUTH_FAILED)
    restore_events = async_capture_events(hass, EVENT_RESTORE)
    entry = await broken_entry(hass, camera)
    assert [e.data["reason"] for e in auth_events] == ["invalid_auth"]

    journey = await Journey.open(hass, client, entry)
    await journey.send({"next_step_id": "reset_steps"})
    seen = await journey.seen()
    assert seen.title == "Reset Garage"
    assert "usually next to the microSD-card slot" in seen.description
    assert "The DS-2CD2143G2-I's manual shows where." in seen.description
    assert "comes back *inactive* at **192.168.1.64**" in seen.description
    await journey.send({})
    assert (await journey.seen()).title == "Find Garage"
    # The user says it is reset, but it is not yet: HA looks without logging in.
    await journey.send({"host": "127.0.0.1"})
    assert (
        (await journey.seen())
        .errors["base"]
        .startswith("The camera at this address is still activated")
    )
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


def _device_id(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, str(entry.unique_id)), entry.entry_id
    )
    assert device is not None
    return device.id


async def test_full_restore_goes_straight_to_finding_the_camera(
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
    journey = await Journey.open(hass, client, loaded_entry)
    assert (await journey.seen()).step == "find_camera"
    await journey.send({"host": "127.0.0.1"})
    await journey.send({"new_password": NEW_PASSWORD})
    assert journey.last["reason"] == "recovered"
    await settle(hass)
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert camera.failed_logins == 0


@pytest.mark.parametrize(
    ("setup", "says"),
    [
        ("stopped", "Home Assistant cannot reach a camera at this address. After a reset"),
        ("garbled", "The device at this address does not answer like a Hikvision camera."),
    ],
)
async def test_find_camera_errors(
    hass: HomeAssistant, client: TestClient, camera: SimulatedCamera, setup: str, says: str
) -> None:
    entry = await broken_entry(hass, camera)
    journey = await Journey.open(hass, client, entry)
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
    client: TestClient,
    camera: SimulatedCamera,
    fault: Fault,
    field: str,
    says: str,
) -> None:
    entry = await broken_entry(hass, camera)
    camera.password = None
    journey = await Journey.open(hass, client, entry)
    await journey.send({"next_step_id": "reset_steps"})
    await journey.send({})
    await journey.send({"host": "127.0.0.1"})
    camera.faults["/ISAPI/System/activate"] = fault
    await journey.send({"new_password": NEW_PASSWORD})
    assert (await journey.seen()).errors[field].startswith(says)
    assert not camera.active


async def test_activated_camera_is_another_one(
    hass: HomeAssistant, client: TestClient, camera: SimulatedCamera, make_camera: CameraFactory
) -> None:
    entry = await broken_entry(hass, camera)
    other = await make_camera(model="DS-2CD2086G2-I", password=None)
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_PORT: other.port})
    journey = await Journey.open(hass, client, entry)
    await journey.send({"next_step_id": "reset_steps"})
    await journey.send({})
    await journey.send({"host": "127.0.0.1"})
    await journey.send({"new_password": NEW_PASSWORD})
    assert journey.last["reason"] == "wrong_device"
