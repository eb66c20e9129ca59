"""Configuration backups: saved before a restore, put back by the action or the journey."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.hikvision_reset.const import DOMAIN, EVENT_RESTORE
from custom_components.hikvision_reset.diagnostics import async_get_config_entry_diagnostics
from custom_components.hikvision_reset.isapi import IsapiConnectionError
from custom_components.hikvision_reset.restore import backups
from simulator import SadpResponder, SimulatedCamera
from simulator.device import DEFAULT_SETTINGS

from .helpers import (
    GET_CONFIG,
    PASSWORD,
    PUT_CONFIG,
    PUT_RESET,
    Journey,
    device_id,
    entry_for,
    exception_text,
    settle,
    setup_entry,
    shown,
    wait_progress,
    wait_stage,
)

RESTORE = "button.garage_restore_defaults"
HOME = {"osd_name": "Garage east", "motion_detection": "on", "brightness": "70"}
NEW_PASSWORD = "N3w-Passw0rd"


def files(hass: HomeAssistant, camera: SimulatedCamera) -> list[Path]:
    return sorted(backups.backup_dir(hass, camera.serial_number).glob("*.bin"))


async def test_a_restore_saves_the_settings_first(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    events = async_capture_events(hass, EVENT_RESTORE)
    camera.settings = dict(HOME)
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: RESTORE}, blocking=True
    )
    assert camera.requests[GET_CONFIG] == 1
    assert camera.requests[PUT_RESET] == 1
    assert camera.settings == DEFAULT_SETTINGS
    [saved] = files(hass, camera)
    assert b'"Garage east"' in saved.read_bytes()
    # The password of that time is kept with the entry (the file will bring it back).
    assert loaded_entry.data["backup_passwords"] == {saved.name: PASSWORD}
    await wait_stage(hass, events, "online")
    diagnostics = await async_get_config_entry_diagnostics(hass, loaded_entry)
    assert diagnostics["backups"] == [
        {
            "name": saved.name,
            "size": saved.stat().st_size,
            "created": diagnostics["backups"][0]["created"],
        }
    ]
    assert PASSWORD not in str(diagnostics)


async def test_the_newest_five_are_kept(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    folder = backups.backup_dir(hass, camera.serial_number)
    folder.mkdir(parents=True)
    for day in range(1, 7):
        (folder / f"202611{day:02d}T120000Z.bin").write_bytes(b"old")
    (folder / "notes.txt").write_text("not ours")
    taken = await backups.async_take(
        hass, loaded_entry.runtime_data.coordinator.client, camera.serial_number
    )
    names = [b.name for b in await backups.async_list(hass, camera.serial_number)]
    assert names == [
        taken.name,
        "20261106T120000Z.bin",
        "20261105T120000Z.bin",
        "20261104T120000Z.bin",
        "20261103T120000Z.bin",
    ]
    assert (folder / "notes.txt").exists()
    assert not list(folder.glob(".*.part"))


async def test_a_failed_download_leaves_no_file(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    await camera.stop()
    with pytest.raises(IsapiConnectionError):
        await backups.async_take(
            hass, loaded_entry.runtime_data.coordinator.client, camera.serial_number
        )
    folder = backups.backup_dir(hass, camera.serial_number)
    assert not folder.exists() or list(folder.iterdir()) == []


async def test_restore_configuration_is_the_undo(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    events = async_capture_events(hass, EVENT_RESTORE)
    ours = device_id(hass, loaded_entry)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "restore_configuration", {"device_id": ours}, blocking=True
        )
    assert await exception_text(hass, err.value) == (
        "There is no saved configuration of Garage (by that name). Home Assistant saves one "
        "before every restore it starts"
    )
    camera.settings = dict(HOME)
    await hass.services.async_call(DOMAIN, "restore_defaults", {"device_id": ours}, blocking=True)
    await wait_stage(hass, events, "online")
    assert camera.settings == DEFAULT_SETTINGS
    since = len(events)
    response = await hass.services.async_call(
        DOMAIN, "restore_configuration", {"device_id": ours}, blocking=True, return_response=True
    )
    assert response is not None
    assert response["result"] == "accepted"
    assert camera.requests[PUT_CONFIG] == 1
    assert camera.settings == HOME
    await wait_stage(hass, events, "online", since=since)
    assert events[since].data["mode"] == "configuration"
    await settle(hass, 0.5)
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert camera.failed_logins == 0


async def test_backups_go_with_the_camera(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    await backups.async_take(
        hass, loaded_entry.runtime_data.coordinator.client, camera.serial_number
    )
    assert files(hass, camera)
    await hass.config_entries.async_remove(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert not backups.backup_dir(hass, camera.serial_number).exists()


@pytest.mark.parametrize("account", ["admin", "ha-operator"])
async def test_round_trip_settings_full_restore_sadp_home_settings_back(
    hass: HomeAssistant,
    http: TestClient,
    camera: SimulatedCamera,
    sadp_responder: SadpResponder,
    account: str,
) -> None:
    """The issue's round trip: settings changed → backup → full restore (the camera comes back
    inactive at the factory address, out of HTTP's reach) → SADP activation → back at its old
    address → settings put back → the same settings as before, and a working entry.

    With an entry on an account of its own: the reset leaves only ``admin``, the way home goes
    on with it, and the file brings the entry's account back, which the entry logs in with."""
    events = async_capture_events(hass, EVENT_RESTORE)
    sadp_responder.cameras.append(camera)
    camera.full_restore_address = "127.0.0.1"  # stands for 192.168.1.64 on another segment
    camera.settings = dict(HOME)
    camera.username = account
    old_port = camera.port
    entry = await setup_entry(hass, entry_for(camera))
    response = await hass.services.async_call(
        DOMAIN,
        "restore_defaults",
        {"device_id": device_id(hass, entry), "mode": "full"},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    assert response["results"][0]["result"] == "accepted"  # type: ignore[index]
    await settle(hass, 0.2)
    assert not camera.active
    assert not camera.online
    camera.username = "admin"  # a reset camera has that one account
    await wait_stage(hass, events, "timeout")  # it never came back at its address
    await settle(hass, 0.3)

    journey = await Journey.open(hass, http, entry)  # Home Assistant's one repair opens it
    assert (await journey.seen()).step == "activate"  # found by SADP, inactive
    await journey.send({"new_password": NEW_PASSWORD})
    assert (await journey.seen()).step == "move"
    form = {f["name"]: f.get("default") for f in journey.last["data_schema"]}
    assert form["port"] == old_port
    await journey.send(form)
    await wait_progress(journey)
    seen = await journey.seen()
    assert seen.step == "offer_configuration"
    assert seen.title == "Put the settings back?"
    assert seen.options["finish"] == "No, keep the camera as it is"
    assert seen.options["restore_configuration"].startswith("Put the settings of 20")
    assert camera.settings == DEFAULT_SETTINGS
    await journey.send({"next_step_id": "restore_configuration"})
    assert (await shown(hass, journey.last)).description.startswith(
        "The camera is back in Home Assistant, and is restarting with its saved settings"
    )
    assert camera.settings == HOME
    assert camera.password == PASSWORD  # the file's: the one Home Assistant had then
    assert entry.data[CONF_PASSWORD] == PASSWORD
    assert entry.data[CONF_USERNAME] == camera.username == account
    for _ in range(100):
        await settle(hass, 0.1)
        if entry.state is ConfigEntryState.LOADED and camera.online:
            break
    if entry.state is not ConfigEntryState.LOADED:
        await hass.config_entries.async_reload(entry.entry_id)
    assert entry.state is ConfigEntryState.LOADED
    assert (camera.host, camera.port) == ("127.0.0.1", old_port)
    assert camera.failed_logins == 0
    assert "recovered" in [e.data["stage"] for e in events]


async def test_a_backup_gone_from_disk_is_told_and_leaves_the_camera_free(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    taken = await backups.async_take(
        hass, loaded_entry.runtime_data.coordinator.client, camera.serial_number
    )
    restorer = loaded_entry.runtime_data.restorer
    taken.path.unlink()
    taken.path.mkdir()  # something else where the file was: reading it fails
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "restore_configuration",
            {"device_id": device_id(hass, loaded_entry), "backup": taken.name},
            blocking=True,
        )
    assert (await exception_text(hass, err.value)).startswith(
        "There is no saved configuration of Garage (by that name)."
    )
    assert not restorer.in_progress  # the next restore is not refused as "already restoring"
    assert camera.requests[PUT_CONFIG] == 0
