"""Fixtures: simulated cameras on 127.0.0.1 and config entries pointing at them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest.mock import PropertyMock, patch

from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

# Imported at module level so that this package, not phcc's testing_config, is "hikvision_reset".
import custom_components.hikvision_reset  # noqa: F401
from custom_components.hikvision_reset import const
from custom_components.hikvision_reset.const import CONF_MODEL, DOMAIN
from simulator import SimulatedCamera

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "isapi"
PASSWORD = "Passw0rd!"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load our integration from custom_components."""


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
    monkeypatch.setattr(const, "FOLLOW_INTERVAL", 0.02)
    monkeypatch.setattr(const, "OFFLINE_TIMEOUT", 3.0)
    monkeypatch.setattr(const, "ONLINE_TIMEOUT", 5.0)


type CameraFactory = Callable[..., Awaitable[SimulatedCamera]]


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


def entry_for(camera: SimulatedCamera, password: str = PASSWORD) -> MockConfigEntry:
    """A config entry for ``camera``, as the config flow would make it."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=camera.name,
        unique_id=camera.serial_number,
        data={
            CONF_HOST: camera.host,
            CONF_PORT: camera.port,
            CONF_USERNAME: camera.username,
            CONF_PASSWORD: password,
            CONF_SSL: False,
            CONF_VERIFY_SSL: True,
            CONF_MODEL: camera.model,
        },
    )


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    """Add ``entry`` and set it up."""
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture
async def loaded_entry(hass: HomeAssistant, camera: SimulatedCamera) -> MockConfigEntry:
    """The Garage camera, set up."""
    return await setup_entry(hass, entry_for(camera))


async def settle(hass: HomeAssistant, seconds: float = 0.2) -> None:
    """Let real network I/O to the simulator finish (block_till_done does not wait for it)."""
    for _ in range(int(seconds / 0.02)):
        await hass.async_block_till_done()
        await asyncio.sleep(0.02)


class Clock:
    """Moves Home Assistant's timers forward without freezing the event loop's clock.

    (A frozen loop clock would stall the real HTTP exchanges with the simulator.)
    """

    def __init__(self, hass: HomeAssistant) -> None:
        self.hass = hass
        self.offset = timedelta()

    async def advance(self, delta: timedelta, times: int = 1) -> None:
        for _ in range(times):
            self.offset += delta
            async_fire_time_changed(self.hass, dt_util.utcnow() + self.offset)
            await settle(self.hass)


@pytest.fixture
def clock(hass: HomeAssistant) -> Clock:
    """Fire HA's time-changed timers ahead of real time."""
    return Clock(hass)
