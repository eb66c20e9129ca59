"""Config, reauth and reconfigure flows against the simulator."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_DHCP, SOURCE_USER
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.hikvision_reset.const import CONF_MODEL, DOMAIN
from custom_components.hikvision_reset.recovery import bring_home
from simulator import Fault, SadpResponder, SimulatedCamera

from .helpers import (
    PASSWORD,
    CameraFactory,
    choices,
    entry_for,
    pick_and_activate,
    search,
    setup_entry,
    shown,
    until_done,
)

GET_INFO = ("GET", "/ISAPI/System/deviceInfo")


def form(camera: SimulatedCamera, **overrides: Any) -> dict[str, Any]:
    data = {
        CONF_HOST: camera.host,
        CONF_PORT: camera.port,
        CONF_SSL: False,
        CONF_VERIFY_SSL: True,
        CONF_USERNAME: "admin",
        CONF_PASSWORD: PASSWORD,
    }
    return data | overrides


async def start(hass: HomeAssistant) -> str:
    """Add integration → "Enter the camera's address"."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["search", "manual"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "manual"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "manual"
    return result["flow_id"]


async def test_user_flow_creates_entry(hass: HomeAssistant, camera: SimulatedCamera) -> None:
    flow_id = await start(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, form(camera))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Garage"
    assert result["result"].unique_id == camera.serial_number
    assert result["data"] == form(camera) | {CONF_MODEL: "DS-2CD2143G2-I"}
    await hass.async_block_till_done()


async def test_default_port(hass: HomeAssistant, camera: SimulatedCamera) -> None:
    """Without a port, 80 is used (the simulator is elsewhere, so the form says so)."""
    flow_id = await start(hass)
    data = form(camera)
    del data[CONF_PORT]
    result = await hass.config_entries.flow.async_configure(flow_id, data)
    assert result["errors"] == {"base": "cannot_connect"}
    data[CONF_SSL] = True
    result = await hass.config_entries.flow.async_configure(flow_id, data)
    assert result["errors"] == {"base": "cannot_connect"}


async def test_already_configured_updates_host(
    hass: HomeAssistant, camera: SimulatedCamera
) -> None:
    entry = entry_for(camera)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_PORT: 1})
    flow_id = await start(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, form(camera))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_PORT] == camera.port


async def test_wrong_password_is_one_attempt_and_recovers(
    hass: HomeAssistant, camera: SimulatedCamera
) -> None:
    flow_id = await start(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, form(camera, password="wrong"))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth_attempts"}
    assert result["description_placeholders"] == {"attempts": "6"}
    assert camera.failed_logins == 1
    result = await hass.config_entries.flow.async_configure(flow_id, form(camera))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


async def test_locked_account_is_not_tried_again(
    hass: HomeAssistant, camera: SimulatedCamera
) -> None:
    camera.consecutive_failures = 6  # one more failure locks it
    flow_id = await start(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, form(camera, password="wrong"))
    assert result["errors"] == {"base": "account_locked"}
    assert result["description_placeholders"] == {"minutes": "30"}
    requests = sum(camera.requests.values())
    result = await hass.config_entries.flow.async_configure(flow_id, form(camera))
    assert result["errors"] == {"base": "account_locked"}
    assert sum(camera.requests.values()) == requests  # nothing sent while locked


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault(malformed=True), "not_hikvision"),
        (Fault(http_status=500), "unknown"),
        (Fault(drop=True), "cannot_connect"),
    ],
)
async def test_form_errors(
    hass: HomeAssistant, camera: SimulatedCamera, fault: Fault, error: str
) -> None:
    camera.faults[GET_INFO[1]] = fault
    flow_id = await start(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, form(camera))
    assert result["errors"] == {"base": error}


async def test_html_401_is_plain_invalid_auth(hass: HomeAssistant, camera: SimulatedCamera) -> None:
    """Old firmware answers 401 without a userCheck body: no attempts count to show."""
    camera.faults[GET_INFO[1]] = Fault(http_status=401)
    flow_id = await start(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, form(camera))
    assert result["errors"] == {"base": "invalid_auth"}


async def test_inactive_camera(hass: HomeAssistant, make_camera: CameraFactory) -> None:
    camera = await make_camera(password=None)
    flow_id = await start(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, form(camera))
    assert result["errors"] == {"base": "not_activated"}


async def test_reauth(hass: HomeAssistant, camera: SimulatedCamera) -> None:
    entry = await setup_entry(hass, entry_for(camera))
    camera.password = "N3w-Password"
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "password"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "still-wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth_attempts"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "N3w-Password"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_PASSWORD] == "N3w-Password"
    assert camera.failed_logins == 1
    await hass.async_block_till_done()


async def test_reauth_other_camera(
    hass: HomeAssistant, camera: SimulatedCamera, make_camera: CameraFactory
) -> None:
    other = await make_camera(model="DS-2CD2086G2-I")
    entry = entry_for(camera)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_PORT: other.port})
    result = await entry.start_reauth_flow(hass)
    await hass.config_entries.flow.async_configure(result["flow_id"], {"next_step_id": "password"})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: PASSWORD}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"


async def test_reconfigure(
    hass: HomeAssistant, camera: SimulatedCamera, make_camera: CameraFactory
) -> None:
    entry = await setup_entry(hass, entry_for(camera))
    old_port = camera.port
    await camera.stop()
    camera.port = 0
    await camera.start()
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_SSL: False, CONF_VERIFY_SSL: True}
    )
    assert result["errors"] == {"base": "cannot_connect"}  # port 80: nothing there
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_HOST: "127.0.0.1", CONF_PORT: camera.port, CONF_SSL: False, CONF_VERIFY_SSL: True},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_PORT] == camera.port != old_port
    await hass.async_block_till_done()
    other = await make_camera(model="DS-2CD2086G2-I")
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_HOST: "127.0.0.1", CONF_PORT: other.port, CONF_SSL: False, CONF_VERIFY_SSL: True},
    )
    assert result["reason"] == "wrong_device"


async def test_unrelated_entry_untouched(hass: HomeAssistant, camera: SimulatedCamera) -> None:
    """Another integration's entry for the same device (same address, same serial) neither
    blocks the camera's own entry nor is changed by it."""
    data = {CONF_HOST: "127.0.0.1", CONF_PORT: 8000}
    other = MockConfigEntry(domain="other", data=data, unique_id=camera.serial_number)
    other.add_to_hass(hass)
    flow_id = await start(hass)
    result = await hass.config_entries.flow.async_configure(flow_id, form(camera))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == camera.serial_number
    await hass.async_block_till_done()
    assert hass.config_entries.async_entries("other") == [other]
    assert other.data == data
    assert other.unique_id == camera.serial_number


def dhcp(ip: str, mac: str) -> DhcpServiceInfo:
    return DhcpServiceInfo(ip=ip, hostname="ipcamera", macaddress=mac.replace(":", ""))


async def test_dhcp_discovery_adds_the_camera(hass: HomeAssistant, camera: SimulatedCamera) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=dhcp("127.0.0.1", camera.mac)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "manual"
    # The address is filled in; the user gives the credentials.
    schema_host = next(k for k in result["data_schema"].schema if k == CONF_HOST)
    assert schema_host.default() == "127.0.0.1"
    # The same camera seen again while the form is open: no second flow.
    again = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=dhcp("127.0.0.1", camera.mac)
    )
    assert again["reason"] == "already_in_progress"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form(camera))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == camera.serial_number
    await hass.async_block_till_done()


async def test_dhcp_follows_a_known_camera_to_its_new_address(
    hass: HomeAssistant, camera: SimulatedCamera, device_registry: dr.DeviceRegistry
) -> None:
    entry = entry_for(camera)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_HOST: "127.0.0.9"})
    device_registry.async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, camera.serial_number)},
        connections={(dr.CONNECTION_NETWORK_MAC, camera.mac)},
    )
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=dhcp("127.0.0.1", camera.mac)
    )
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == "127.0.0.1"
    await hass.async_block_till_done()
    # Seen again at the same address: nothing changes.
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=dhcp("127.0.0.1", camera.mac)
    )
    assert result["reason"] == "already_configured"
    await hass.async_block_till_done()


async def test_dhcp_of_a_configured_host_without_device(
    hass: HomeAssistant, camera: SimulatedCamera
) -> None:
    entry = entry_for(camera)
    entry.add_to_hass(hass)  # not set up: no device (and no MAC) known yet
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=dhcp("127.0.0.1", "c0:56:e3:99:99:99")
    )
    assert result["reason"] == "already_configured"


async def test_reauth_with_a_once_refused_password_that_now_works(
    hass: HomeAssistant, camera: SimulatedCamera
) -> None:
    """The user set the camera back to HA's password: their explicit submit is sent, once."""
    entry = await setup_entry(hass, entry_for(camera, password="Old-passw0rd"))
    assert camera.failed_logins == 1
    camera.password = "Old-passw0rd"
    result = await entry.start_reauth_flow(hass)
    await hass.config_entries.flow.async_configure(result["flow_id"], {"next_step_id": "password"})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "Old-passw0rd"}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.state.value == "loaded"
    assert camera.failed_logins == 1


# ---- "Search the network" (SADP) ---------------------------------------------------------------


async def test_search_offers_new_cameras_only(
    hass: HomeAssistant, make_camera: CameraFactory, sadp_responder: SadpResponder
) -> None:
    known = await make_camera(name="Known", mac="c0:56:e3:00:00:0a")
    fresh = await make_camera(model="DS-2CD2386G2-ISU/SL", mac="44:47:cc:00:00:0b")
    sadp_responder.cameras += [known, fresh]
    await setup_entry(hass, entry_for(known))
    result = await search(hass)
    assert result["step_id"] == "search"
    assert choices(result) == {
        "44:47:cc:00:00:0b": "DS-2CD2386G2-ISU/SL at 127.0.0.1 (active)",
        "manual": "manual",
    }
    # An active camera: the address form, filled in; the user gives the credentials.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"camera": "44:47:cc:00:00:0b"}
    )
    assert result["step_id"] == "manual"
    defaults = {
        k.schema: k.default()
        for k in result["data_schema"].schema
        if k.default is not vol.UNDEFINED
    }
    assert defaults[CONF_HOST] == "127.0.0.1"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form(fresh))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


async def test_search_finds_nothing_then_manual(
    hass: HomeAssistant, sadp_responder: SadpResponder
) -> None:
    result = await search(hass)
    assert result["errors"] == {"base": "nothing_found"}
    assert (await shown(hass, result)).errors["base"].startswith("No camera that is not set up")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["step_id"] == "search"  # searched again
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"camera": "manual"})
    assert result["step_id"] == "manual"


async def test_new_inactive_camera_reachable_is_activated_and_added(
    hass: HomeAssistant, make_camera: CameraFactory, sadp_responder: SadpResponder
) -> None:
    fresh = await make_camera(password=None, mac="44:47:cc:00:00:0c")
    sadp_responder.cameras.append(fresh)
    result = await search(hass)
    assert "(inactive)" in choices(result)["44:47:cc:00:00:0c"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"camera": "44:47:cc:00:00:0c"}
    )
    assert result["step_id"] == "activate"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"new_password": "N3w-Passw0rd"}
    )
    result = await until_done(hass, result["flow_id"])
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_PASSWORD] == "N3w-Passw0rd"
    assert result["data"][CONF_PORT] == fresh.port
    assert fresh.password == "N3w-Passw0rd"
    assert sadp_responder.requests["activate"] == 0  # its web port answered: ISAPI did it
    await hass.async_block_till_done()


async def test_new_inactive_camera_out_of_reach_is_placed_and_added(
    hass: HomeAssistant, make_camera: CameraFactory, sadp_responder: SadpResponder
) -> None:
    fresh = await make_camera(mac="44:47:cc:00:00:0d")
    port = fresh.port
    await fresh.hard_reset("127.0.0.1")
    sadp_responder.cameras.append(fresh)
    result = await pick_and_activate(hass, "44:47:cc:00:00:0d")
    assert sadp_responder.requests["activate"] == 1
    assert result["step_id"] == "move"
    host_key = next(k for k in result["data_schema"].schema if k == CONF_HOST)
    assert host_key.default is vol.UNDEFINED  # never suggests an address: the user picks it
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: "127.0.0.1",
            "subnet_mask": "255.0.0.0",
            "gateway": "127.0.0.1",
            CONF_PORT: port,
            "dhcp": False,
        },
    )
    result = await until_done(hass, result["flow_id"])
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == fresh.name
    assert (result["data"][CONF_HOST], result["data"][CONF_PORT]) == ("127.0.0.1", port)
    await hass.async_block_till_done()


async def test_new_camera_that_does_not_answer_after_the_move_is_searched_for_again(
    hass: HomeAssistant,
    make_camera: CameraFactory,
    sadp_responder: SadpResponder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Adding: "did not come back" → Submit runs the network search again (not a reauth step)."""
    monkeypatch.setattr(bring_home, "BACK_TIMEOUT", 0.3)
    fresh = await make_camera(mac="44:47:cc:00:00:0e")
    await fresh.hard_reset("127.0.0.1")
    sadp_responder.cameras.append(fresh)
    result = await pick_and_activate(hass, "44:47:cc:00:00:0e")

    async def move_but_stay_silent(host: str, port: int) -> None:
        fresh.host, fresh.port = host, port  # it takes the address, but its cable is loose

    fresh.move = move_but_stay_silent  # type: ignore[method-assign]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: "127.0.0.1",
            "subnet_mask": "255.0.0.0",
            "gateway": "127.0.0.1",
            CONF_PORT: 9,
            "dhcp": False,
        },
    )
    result = await until_done(hass, result["flow_id"])
    assert result["step_id"] == "still_away"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["step_id"] == "search"
