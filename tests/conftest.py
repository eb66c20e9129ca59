"""Fixtures: simulated cameras on 127.0.0.1 and config entries pointing at them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
import ipaddress
from pathlib import Path
from typing import Any
from unittest.mock import PropertyMock, patch

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

# Imported at module level so that this package, not phcc's testing_config, is "hikvision_reset".
import custom_components.hikvision_reset  # noqa: F401
from custom_components.hikvision_reset import const
from custom_components.hikvision_reset.recovery import bring_home, sadp as ha_sadp
from simulator import SadpResponder, SimulatedCamera

from .helpers import PASSWORD, CameraFactory, Clock, entry_for, setup_entry


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load our integration from custom_components."""


# ---- nothing leaves loopback ------------------------------------------------------------------
# These machines allow traffic to 127.0.0.0/8 only. pytest-socket guards TCP connections; this
# guards datagrams (SADP): a send to a multicast group, a broadcast or a LAN address is refused
# (as an OSError, so nothing leaves) and recorded, and the test fails at teardown.


@pytest.fixture(autouse=True)
def sent_outside(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Datagrams a test tried to send off loopback (the test fails unless it empties this)."""
    violations: list[object] = []
    # Every datagram of ours goes through asyncio's transport (pytest-socket swaps the socket
    # class itself in and out, so the guard sits on the transport).
    transport = asyncio.selector_events._SelectorDatagramTransport
    real_sendto = transport.sendto

    def guarded(self: asyncio.DatagramTransport, data: bytes, addr: Any = None) -> None:
        address = addr or self.get_extra_info("peername")
        host = address[0] if isinstance(address, tuple) else str(address)
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            violations.append(address)
            return  # dropped: nothing leaves
        real_sendto(self, data, addr)

    monkeypatch.setattr(transport, "sendto", guarded)
    # Home Assistant's SADP settings: nowhere real, unless a test points them at a simulator.
    monkeypatch.setenv("HIKVISION_RESET_SADP_TARGETS", "127.0.0.1:9")
    monkeypatch.setenv("HIKVISION_RESET_SADP_LISTEN", "off")
    yield violations
    assert not violations, f"a test sent datagrams off loopback: {violations}"


@pytest.fixture(autouse=True)
def no_deprecated_calls(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every test fails if Home Assistant reports that this integration uses something it
    deprecated (its frame helper's "Detected that custom integration …": what broke a popular
    Hikvision integration on 2026.9)."""
    yield
    records = [*caplog.get_records("setup"), *caplog.get_records("call")]
    reports = [
        r.getMessage()
        for r in records
        if "custom integration 'hikvision_reset'" in r.getMessage()
        or ("hikvision_reset" in r.getMessage() and "deprecat" in r.getMessage().lower())
    ]
    assert not reports, reports


@pytest.fixture(autouse=True)
def config_dir_in_tmp(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Home Assistant's config folder (backups are written there) in the test's own tmp dir."""
    if "hass" in request.fixturenames:
        hass: HomeAssistant = request.getfixturevalue("hass")
        hass.config.config_dir = str(tmp_path)


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Enable the entities that are disabled by default (Factory reset)."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture(autouse=True)
def fast_follow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Follow simulated reboots quickly (the simulator reboots in a fraction of a second)."""
    monkeypatch.setattr(ha_sadp, "SEARCH_SECONDS", 0.3)
    monkeypatch.setattr(bring_home, "BACK_INTERVAL", 0.05)
    monkeypatch.setattr(bring_home, "BACK_TIMEOUT", 3.0)
    monkeypatch.setattr(const, "FOLLOW_INTERVAL", 0.02)
    monkeypatch.setattr(const, "OFFLINE_TIMEOUT", 3.0)
    monkeypatch.setattr(const, "ONLINE_TIMEOUT", 5.0)


@pytest.fixture
async def make_camera(socket_enabled: None) -> AsyncIterator[CameraFactory]:
    """Start simulated cameras on 127.0.0.1; all are closed after the test."""
    started: list[SimulatedCamera] = []

    async def make(**kwargs: Any) -> SimulatedCamera:
        kwargs.setdefault("reboot_seconds", 0.2)
        kwargs.setdefault("password", PASSWORD)
        camera = SimulatedCamera(**kwargs)
        await camera.start()
        started.append(camera)
        return camera

    yield make
    for camera in started:
        await camera.close()


@pytest.fixture
async def camera(make_camera: CameraFactory) -> SimulatedCamera:
    """One simulated DS-2CD2143G2-I dome called Garage."""
    return await make_camera(
        model="DS-2CD2143G2-I",
        name="Garage",
        serial="20240101AAWR00000001",
        mac="c0:56:e3:00:00:01",
    )


@pytest.fixture
async def loaded_entry(hass: HomeAssistant, camera: SimulatedCamera) -> MockConfigEntry:
    """The Garage camera, set up."""
    return await setup_entry(hass, entry_for(camera))


@pytest.fixture
def clock(hass: HomeAssistant) -> Clock:
    """Fire HA's time-changed timers ahead of real time."""
    return Clock(hass)


@pytest.fixture
async def http(hass: HomeAssistant, hass_client: ClientSessionGenerator) -> TestClient:
    """Home Assistant's HTTP API as the frontend uses it (config flows, repairs)."""
    assert await async_setup_component(hass, "config", {})
    return await hass_client()


@pytest.fixture
async def sadp_responder(
    socket_enabled: None, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[SadpResponder]:
    """The simulated cameras' SADP side on loopback; Home Assistant's SADP settings point at it."""
    responder = SadpResponder([])
    await responder.start()
    monkeypatch.setenv("HIKVISION_RESET_SADP_TARGETS", f"127.0.0.1:{responder.port}")
    yield responder
    responder.close()
