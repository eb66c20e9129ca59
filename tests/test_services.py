"""The restore_defaults service on several cameras."""

from __future__ import annotations

import time
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.hikvision_reset.const import DOMAIN
from simulator import Fault, SimulatedCamera

from .conftest import CameraFactory, entry_for, settle, setup_entry

PUT_RESET = ("PUT", "/ISAPI/System/factoryReset")


def device_id(device_registry: dr.DeviceRegistry, entry: MockConfigEntry) -> str:
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, str(entry.unique_id)), entry.entry_id
    )
    assert device is not None
    return device.id


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
    ids = [device_id(device_registry, entry) for _, entry in cams]
    start = time.monotonic()
    response = await restore(hass, ids, "basic")
    elapsed = time.monotonic() - start
    # Concurrent: close to one camera's time, far from three.
    assert latency <= elapsed < 2 * latency
    assert [c.restores for c, _ in cams] == [["basic"], ["basic"], ["basic"]]
    assert [r["device_id"] for r in response["results"]] == ids
    assert response == snapshot(exclude=lambda prop, path: prop == "device_id")
    await settle(hass, 1.0)


async def test_partial_failure_is_reported_per_device(
    hass: HomeAssistant, make_camera: CameraFactory, device_registry: dr.DeviceRegistry
) -> None:
    cams = await three_cameras(hass, make_camera, 0)
    cams[1][0].faults[PUT_RESET[1]] = Fault(status_code=2, sub_status="deviceBusy")
    ids = [device_id(device_registry, entry) for _, entry in cams]
    response = await restore(hass, ids, "full")
    results = response["results"]
    assert [r["result"] for r in results] == ["accepted", "error", "accepted"]
    assert results[1]["error"] == "device_busy"
    assert [c.restores for c, _ in cams] == [["full"], [], ["full"]]
    # Without asking for a response, a failure is an error naming the camera.
    cams[1][0].faults[PUT_RESET[1]] = Fault(status_code=4, sub_status="notSupport")
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN, "restore_defaults", {"device_id": ids[1]}, blocking=True
        )
    assert err.value.translation_key == "restore_failed"
    assert err.value.translation_placeholders == {"names": "Cam 1 (not_supported)"}
    await settle(hass, 1.0)


async def test_basic_is_the_default_mode(
    hass: HomeAssistant,
    camera: SimulatedCamera,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    await hass.services.async_call(
        DOMAIN,
        "restore_defaults",
        {"device_id": device_id(device_registry, loaded_entry)},
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
    ours = device_id(device_registry, loaded_entry)
    await hass.config_entries.async_unload(loaded_entry.entry_id)
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN, "restore_defaults", {"device_id": ours}, blocking=True
        )
    assert camera.restores == []
