"""The restore_defaults service on several cameras."""

from __future__ import annotations

import time
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.hikvision_reset.const import DOMAIN
from simulator import Fault, SimulatedCamera

from .helpers import (
    PUT_RESET,
    CameraFactory,
    device_id,
    entry_for,
    exception_text,
    settle,
    setup_entry,
)


async def restore(hass: HomeAssistant, ids: list[str], mode: str) -> dict[str, Any]:
    """Call the action on ``ids`` and return its response."""
    response = await hass.services.async_call(
        DOMAIN,
        "restore_defaults",
        {"device_id": ids, "mode": mode},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return dict(response)


async def three_cameras(
    hass: HomeAssistant, make_camera: CameraFactory, latency: float
) -> list[tuple[SimulatedCamera, MockConfigEntry]]:
    out = []
    for i, model in enumerate(["DS-2CD2086G2-I", "DS-2CD2143G2-I", "DS-2CD2386G2-ISU/SL"]):
        camera = await make_camera(model=model, name=f"Cam {i}", serial=f"2024SERIAL{i:04d}")
        entry = await setup_entry(hass, entry_for(camera))
        camera.faults[PUT_RESET[1]] = Fault(latency=latency, times=1)
        out.append((camera, entry))
    return out


async def test_three_cameras_concurrently(
    hass: HomeAssistant,
    make_camera: CameraFactory,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    latency = 0.5
    cams = await three_cameras(hass, make_camera, latency)
    ids = [device_id(hass, entry) for _, entry in cams]
    start = time.monotonic()
    response = await restore(hass, ids, "basic")
    elapsed = time.monotonic() - start
    # Concurrent: close to one camera's time, far from three.
    assert latency <= elapsed < 2 * latency
    assert [c.restores for c, _ in cams] == [["basic"], ["basic"], ["basic"]]
    assert [r["device_id"] for r in response["results"]] == ids
    assert all(r["backup"].endswith(".bin") for r in response["results"])  # saved first
    assert response == snapshot(exclude=lambda prop, path: prop in ("device_id", "backup"))
    await settle(hass, 1.0)


async def test_partial_failure_is_reported_per_device(
    hass: HomeAssistant, make_camera: CameraFactory, device_registry: dr.DeviceRegistry
) -> None:
    cams = await three_cameras(hass, make_camera, 0)
    cams[1][0].faults[PUT_RESET[1]] = Fault(status_code=2, sub_status="deviceBusy")
    ids = [device_id(hass, entry) for _, entry in cams]
    response = await restore(hass, ids, "full")
    results = response["results"]
    assert [r["result"] for r in results] == ["accepted", "error", "accepted"]
    assert results[1]["error"] == "device_busy"
    assert [c.restores for c, _ in cams] == [["full"], [], ["full"]]
    assert results[1]["message"] == "Cam 1 is busy; try again in a minute"
    await settle(hass, 1.0)
    # Without asking for a response, one camera's failure is that camera's sentence...
    cams[1][0].faults[PUT_RESET[1]] = Fault(status_code=4, sub_status="notSupport")
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN, "restore_defaults", {"device_id": ids[1]}, blocking=True
        )
    assert (await exception_text(hass, err.value)).startswith(
        "Cam 1 does not support this, or the account is not an administrator"
    )
    # ... and several cameras' failures are one message with each camera's sentence. (Cam 0
    # and Cam 2 were fully reset above: they are inactive now, and nothing is sent to them.)
    for camera, _ in cams:
        camera.faults[PUT_RESET[1]] = Fault(status_code=2, sub_status="deviceBusy")
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN, "restore_defaults", {"device_id": ids}, blocking=True
        )
    assert await exception_text(hass, err.value) == (
        "The restore did not work on every camera. Cam 0 is inactive (reset to factory "
        "defaults) and must be activated again: open Settings → System → Repairs. Cam 1 is "
        "busy; try again in a minute. Cam 2 is inactive (reset to factory defaults) and must be "
        "activated again: open Settings → System → Repairs"
    )
    assert [c.requests[PUT_RESET] for c, _ in cams] == [1, 3, 1]


async def test_basic_is_the_default_mode(
    hass: HomeAssistant,
    camera: SimulatedCamera,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    await hass.services.async_call(
        DOMAIN,
        "restore_defaults",
        {"device_id": device_id(hass, loaded_entry)},
        blocking=True,
    )
    assert camera.restores == ["basic"]
    await settle(hass, 1.0)


async def test_invalid_targets(
    hass: HomeAssistant,
    camera: SimulatedCamera,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    other_entry = MockConfigEntry(domain="other")
    other_entry.add_to_hass(hass)
    other = device_registry.async_get_or_create(
        config_entry_id=other_entry.entry_id, identifiers={("other", "x")}
    )
    for target in ("no-such-device", other.id):
        with pytest.raises(ServiceValidationError):
            await hass.services.async_call(
                DOMAIN, "restore_defaults", {"device_id": target}, blocking=True
            )
    ours = device_id(hass, loaded_entry)
    await hass.config_entries.async_unload(loaded_entry.entry_id)
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN, "restore_defaults", {"device_id": ours}, blocking=True
        )
    assert camera.restores == []


async def test_read_only_user_cannot_wipe_a_camera(
    hass: HomeAssistant,
    camera: SimulatedCamera,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
    hass_admin_user: MockUser,
) -> None:
    """The action over the websocket API, as a read-only user: refused, nothing reaches it."""
    ours = device_id(hass, loaded_entry)
    client = await hass_ws_client(hass, hass_read_only_access_token)
    await client.send_json(
        {
            "id": 1,
            "type": "call_service",
            "domain": DOMAIN,
            "service": "restore_defaults",
            "service_data": {"device_id": ours, "mode": "full"},
            "return_response": True,
        }
    )
    msg = await client.receive_json()
    assert not msg["success"]
    assert msg["error"]["message"] == "Unauthorized"  # Home Assistant's own admin check
    assert camera.requests[PUT_RESET] == 0
    assert camera.restores == []
    # An administrator's call goes through.
    admin = await hass_ws_client(hass)
    await admin.send_json(
        {
            "id": 1,
            "type": "call_service",
            "domain": DOMAIN,
            "service": "restore_defaults",
            "service_data": {"device_id": ours},
            "return_response": True,
        }
    )
    msg = await admin.receive_json()
    assert msg["success"], msg
    assert msg["result"]["response"]["results"][0]["result"] == "accepted"
    assert camera.restores == ["basic"]
    await settle(hass, 1.0)
