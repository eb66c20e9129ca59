"""A backup is an extra, never a lock: every camera that can restore is restored.

For each way a camera answers ``GET /ISAPI/System/configurationData`` and each way a person
starts a restore (the button, the action, a voice sentence): how many restores reached the
camera, what the action returned, the sentence the person reads, the sensor, the logbook line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from homeassistant.components import conversation
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.hikvision_reset.const import DOMAIN, EVENT_RESTORE
from custom_components.hikvision_reset.diagnostics import async_get_config_entry_diagnostics
from custom_components.hikvision_reset.isapi import client as isapi_client
from custom_components.hikvision_reset.logbook import async_describe_events
from custom_components.hikvision_reset.restore import backups
from simulator import SimulatedCamera

from .helpers import (
    GET_CONFIG,
    PUT_RESET,
    device_id,
    exception_text,
    setup_automations,
    voice_automation,
    wait_stage,
)

RESTORE = "button.garage_restore_defaults"
SENSOR = "sensor.garage_last_restore"
NOT_OFFERED = "Garage does not offer its settings for download, so they were not saved"
EXPORT_PASSWORD = (
    "Garage gives its settings only with an export password, which Home Assistant cannot use "
    "yet, so they were not saved"
)
# The camera does not offer a download: the restore is sent, and the person is told.
STEPS_ASIDE = {
    "missing": ("not_offered", NOT_OFFERED),  # 404
    "method_not_allowed": ("not_offered", NOT_OFFERED),  # 405
    "not_implemented": ("not_offered", NOT_OFFERED),  # 501
    "not_supported": ("not_offered", NOT_OFFERED),  # ResponseStatus notSupport
    "invalid_operation": ("not_offered", NOT_OFFERED),  # ResponseStatus invalidOperation
    "html": ("not_offered", NOT_OFFERED),  # a web page where the file should be
    "empty": ("not_offered", NOT_OFFERED),
    "bad_url": ("not_offered", NOT_OFFERED),  # ResponseStatus 6 badURL: refused on every try
    # Wants a secretkey we cannot give: as the one public data point answers (not told apart
    # from "not offered"), and as a refusal naming the missing parameter would.
    "needs_key": ("not_offered", NOT_OFFERED),
    "needs_key_parameter": ("export_password", EXPORT_PASSWORD),
}
# The camera offers it, and this download failed: nothing is sent, and the person is told why.
STOPS = {
    "slow": "Garage's settings could not be saved first (GET /ISAPI/System/configurationData "
    "stalled or was cut off",
    "cut_off": "Garage's settings could not be saved first (GET /ISAPI/System/configurationData "
    "stalled or was cut off",
    "server_error": "Garage's settings could not be saved first (HTTP 500)",
    "busy": "Garage's settings could not be saved first (",
}
STOP_ENDS = (
    "so nothing was restored. Press again in a minute; to restore without saving them, run the "
    "action with backup: false"
)


@pytest.fixture(autouse=True)
def short_transfers(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stalled download gives up in half a second (two minutes in production)."""
    monkeypatch.setattr(isapi_client, "TRANSFER_TIMEOUT", 0.5)


async def press(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any] | None:
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: RESTORE}, blocking=True
    )
    return None


async def action(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any] | None:
    response = await hass.services.async_call(
        DOMAIN,
        "restore_defaults",
        {"device_id": device_id(hass, entry)},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    [result] = response["results"]  # type: ignore[misc]
    assert isinstance(result, dict)
    return result


async def voice(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any] | None:
    await setup_automations(hass, [voice_automation(device_id(hass, entry))])
    answer = await conversation.async_converse(
        hass,
        "reset the garage camera",
        None,
        Context(),
        language="en",
        agent_id=conversation.HOME_ASSISTANT_AGENT,
    )
    speech = answer.response.speech["plain"]["speech"]
    if speech.startswith("Restoring"):
        return None
    raise HomeAssistantError(speech)


TRIGGERS = {"button": press, "action": action, "voice": voice}


def logbook_line(hass: HomeAssistant, event: Any) -> str:
    described: dict[str, Any] = {}
    async_describe_events(hass, lambda _d, kind, fn: described.setdefault(kind, fn))
    return str(described[EVENT_RESTORE](event)["message"])


@pytest.mark.parametrize("trigger", TRIGGERS)
@pytest.mark.parametrize("export", STEPS_ASIDE)
async def test_a_camera_that_does_not_offer_its_settings_is_restored_and_told(
    hass: HomeAssistant,
    camera: SimulatedCamera,
    loaded_entry: MockConfigEntry,
    export: str,
    trigger: str,
) -> None:
    camera.export = export
    settings, sentence = STEPS_ASIDE[export]
    events = async_capture_events(hass, EVENT_RESTORE)
    result = await TRIGGERS[trigger](hass, loaded_entry)
    assert camera.requests[PUT_RESET] == 1
    assert camera.restores == ["basic"]
    if result is not None:  # the action's answer
        assert result["result"] == "accepted"
        assert result["backup"] is None
        assert result["settings_backup"] == settings
        assert result["backup_error"] == f"{sentence}."
    accepted = events[0]
    assert accepted.data["stage"] == "accepted"
    assert accepted.data["backup"] is None
    assert accepted.data["backup_error"] == f"{sentence}."
    note = {
        "not_offered": "settings not saved: the camera does not offer them",
        "export_password": "settings not saved: the camera gives them only with an export password",
    }[settings]
    assert logbook_line(hass, accepted) == f"accepted a basic restore and is rebooting ({note})"
    state = hass.states.get(SENSOR)
    assert state is not None
    assert state.attributes["settings_backup"] == settings
    assert state.attributes["backup"] is None
    assert list(backups.backup_dir(hass, camera.serial_number).glob("*.bin")) == []
    # What the camera offers is kept with the entry: the next press asks nothing more.
    assert loaded_entry.data["settings_download"]["offered"] is False
    assert loaded_entry.data["settings_download"]["reason"] == settings
    await wait_stage(hass, events, "online")


@pytest.mark.parametrize("trigger", TRIGGERS)
@pytest.mark.parametrize("export", STOPS)
async def test_a_failed_download_of_offered_settings_sends_nothing_and_says_why(
    hass: HomeAssistant,
    camera: SimulatedCamera,
    loaded_entry: MockConfigEntry,
    export: str,
    trigger: str,
) -> None:
    camera.export = export
    events = async_capture_events(hass, EVENT_RESTORE)
    if trigger == "action":  # one result per camera, with the sentence
        result = await action(hass, loaded_entry)
        assert result is not None
        assert result["result"] == "error"
        assert result["error"] == "backup_failed"
        text = result["message"]
    else:
        with pytest.raises(HomeAssistantError) as err:
            await TRIGGERS[trigger](hass, loaded_entry)
        text = await exception_text(hass, err.value)
    if trigger == "voice":  # what Assist says
        assert text.startswith("The garage camera was not restored: "), text
        text = text.removeprefix("The garage camera was not restored: ").removesuffix(".")
    assert text.startswith(STOPS[export]), text
    assert text.endswith(STOP_ENDS), text
    assert camera.requests[GET_CONFIG] == 1
    assert camera.requests[PUT_RESET] == 0
    assert camera.restores == []
    assert [e.data["stage"] for e in events] == ["failed"]
    assert "settings_download" not in loaded_entry.data  # a failure teaches nothing
    state = hass.states.get(SENSOR)
    assert state is not None
    assert state.attributes["stage"] == "failed"
    assert list(backups.backup_dir(hass, camera.serial_number).glob("*")) == []
    # Nothing is left claimed: once the camera answers again, the next press restores.
    camera.export = "file"
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: RESTORE}, blocking=True
    )
    assert camera.requests[PUT_RESET] == 1


async def test_over_the_cap_and_a_full_disk_send_nothing(
    hass: HomeAssistant,
    camera: SimulatedCamera,
    loaded_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(backups, "MAX_BYTES", 1000)
    with pytest.raises(HomeAssistantError) as err:
        await press(hass, loaded_entry)
    assert await exception_text(hass, err.value) == (
        "Garage's settings file is larger than Home Assistant keeps (32 MiB), so nothing was "
        "restored. To restore without saving them, run the action with backup: false"
    )
    monkeypatch.setattr(backups, "MAX_BYTES", 32 << 20)
    folder = backups.backup_dir(hass, camera.serial_number)
    folder.parent.mkdir(parents=True, exist_ok=True)
    if folder.exists():
        folder.rmdir()  # left empty by the first press
    folder.write_text("a file where the folder should be")  # the disk refuses the folder
    with pytest.raises(HomeAssistantError) as err:
        await press(hass, loaded_entry)
    text = await exception_text(hass, err.value)
    assert text.startswith("Home Assistant could not write Garage's settings to its disk (")
    assert text.endswith(
        "so nothing was restored. Free some space in Home Assistant's configuration folder and "
        "press again; to restore without saving them, run the action with backup: false"
    )
    assert camera.requests[PUT_RESET] == 0
    assert camera.requests[GET_CONFIG] == 2  # the camera sent its file; the disk refused it


async def test_a_full_disk_never_stops_a_camera_that_offers_nothing(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    camera.export = "missing"
    folder = backups.backup_dir(hass, camera.serial_number)
    folder.parent.mkdir(parents=True)
    folder.write_text("a file where the folder should be")  # the disk would refuse the file
    await press(hass, loaded_entry)
    assert camera.requests[PUT_RESET] == 1


async def test_a_camera_that_never_offers_a_download_is_asked_once(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    camera.export = "missing"
    events = async_capture_events(hass, EVENT_RESTORE)
    await press(hass, loaded_entry)
    await wait_stage(hass, events, "online")
    since = len(events)
    result = await action(hass, loaded_entry)
    assert result is not None
    assert result["backup_error"] == f"{NOT_OFFERED}."
    await wait_stage(hass, events, "online", since)
    assert camera.requests[GET_CONFIG] == 1  # the second restore asked nothing
    assert camera.requests[PUT_RESET] == 2
    diagnostics = await async_get_config_entry_diagnostics(hass, loaded_entry)
    assert diagnostics["settings_download"] == {
        "offered": False,
        "reason": "not_offered",
        "firmware": "V5.7.13 build 230531",
    }
    # Nothing to put back, and the person is told why.
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "restore_configuration",
            {"device_id": device_id(hass, loaded_entry)},
            blocking=True,
        )
    assert await exception_text(hass, err.value) == (
        "Garage does not offer its settings for download, so Home Assistant has none to put back"
    )


async def test_new_firmware_is_asked_again(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    """A firmware update may bring the download: what was learned holds per firmware."""
    camera.export = "missing"
    events = async_capture_events(hass, EVENT_RESTORE)
    await press(hass, loaded_entry)
    await wait_stage(hass, events, "online")
    camera.export = "file"
    camera.firmware = "V5.8.0"
    await loaded_entry.runtime_data.coordinator.async_refresh()
    since = len(events)
    result = await action(hass, loaded_entry)
    assert result is not None
    assert result["settings_backup"] == "saved"
    assert result["backup_error"] is None
    assert isinstance(result["backup"], str)
    assert (Path(backups.backup_dir(hass, camera.serial_number)) / result["backup"]).is_file()
    assert camera.requests[GET_CONFIG] == 2
    assert loaded_entry.data["settings_download"]["offered"] is True
    await wait_stage(hass, events, "online", since)


async def test_a_camera_that_offers_its_settings_has_them_saved_and_says_so(
    hass: HomeAssistant, camera: SimulatedCamera, loaded_entry: MockConfigEntry
) -> None:
    events = async_capture_events(hass, EVENT_RESTORE)
    result = await action(hass, loaded_entry)
    assert result is not None
    assert result["settings_backup"] == "saved"
    assert result["backup_error"] is None
    assert logbook_line(hass, events[0]) == (
        "accepted a basic restore and is rebooting (settings saved first)"
    )
    state = hass.states.get(SENSOR)
    assert state is not None
    assert state.attributes["backup"] == result["backup"]
    await wait_stage(hass, events, "online")
    since = len(events)
    response = await hass.services.async_call(
        DOMAIN,
        "restore_defaults",
        {"device_id": device_id(hass, loaded_entry), "backup": False},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    [skipped] = response["results"]  # type: ignore[misc]
    assert isinstance(skipped, dict)
    assert skipped["settings_backup"] == "skipped"
    assert skipped["backup_error"] == (
        "Garage's settings were not saved first (the action was run with backup: false)."
    )
    assert camera.requests[GET_CONFIG] == 1
    assert logbook_line(hass, events[since]) == (
        "accepted a basic restore and is rebooting (settings not saved (backup: false))"
    )
    await wait_stage(hass, events, "online", since)
