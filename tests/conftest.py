"""Fixtures: simulated cameras on 127.0.0.1 and config entries pointing at them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
import ipaddress
from pathlib import Path
import re
from typing import Any
from unittest.mock import PropertyMock, patch

from aiohttp.test_utils import TestClient
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.translation import async_get_translations
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

# Imported at module level so that this package, not phcc's testing_config, is "hikvision_reset".
import custom_components.hikvision_reset  # noqa: F401
from custom_components.hikvision_reset import const, recovery
from custom_components.hikvision_reset.const import CONF_MODEL, DOMAIN
from simulator import SadpResponder, SimulatedCamera

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "isapi"
PASSWORD = "Passw0rd!"


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
    monkeypatch.setattr(recovery, "SEARCH_SECONDS", 0.3)
    monkeypatch.setattr(recovery, "BACK_INTERVAL", 0.05)
    monkeypatch.setattr(recovery, "BACK_TIMEOUT", 3.0)
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


def device_id(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    """The camera's device id (what a person picks in the action's device selector)."""
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, str(entry.unique_id)), entry.entry_id
    )
    assert device is not None
    return device.id


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


# ---- what the person sees -------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(template: str, placeholders: Mapping[str, Any] | None) -> str:
    """``template`` with its placeholders filled as the frontend does; a missing one fails."""
    names = set(_PLACEHOLDER.findall(template))
    missing = names - set(placeholders or {})
    assert not missing, f"placeholders {missing} not given for {template!r}"
    return _PLACEHOLDER.sub(lambda m: str((placeholders or {})[m.group(1)]), template)


async def strings(
    hass: HomeAssistant, domain: str = DOMAIN, language: str = "en"
) -> dict[str, str]:
    """Every translated string of ``domain`` as Home Assistant's loader serves it."""
    out: dict[str, str] = {}
    for category in ("config", "exceptions", "issues", "entity", "services", "selector"):
        out |= await async_get_translations(hass, language, category, [domain])
    return out


def assert_sentence(text: str, *keys: str, full_stop: bool = True) -> None:
    """A sentence, not a key: several words, no placeholder left, ends like a sentence.

    ``full_stop=False`` for exception messages: Home Assistant strips their final period.
    """
    assert text.strip(), "empty message"
    assert "{" not in text, text
    assert text not in keys, f"bare key {text!r}"
    assert "_" not in text.split(" ", 1)[0], f"key-like: {text!r}"
    assert len(text.split()) >= 4, f"not a sentence: {text!r}"
    if full_stop:
        assert text.rstrip().endswith((".", "?", ")", "!")), f"not a sentence: {text!r}"


@dataclass
class Shown:
    """A flow step as the frontend renders it."""

    step: str
    title: str = ""
    description: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)


async def shown(hass: HomeAssistant, result: Mapping[str, Any], language: str = "en") -> Shown:
    """Render a config-flow result (form, menu or abort) through the translations."""
    texts = await strings(hass, language=language)
    base = f"component.{DOMAIN}.config"
    placeholders = result.get("description_placeholders") or {}
    if result["type"] == "abort":
        text = fill(texts[f"{base}.abort.{result['reason']}"], placeholders)
        assert_sentence(text, result["reason"])
        return Shown("abort", description=text)
    step = result["step_id"]
    prefix = f"{base}.step.{step}"
    out = Shown(step)
    # The 2026.10 frontend localizes menu and progress headers without any placeholders (form
    # headers get the step's): a placeholder there shows as "Translation [formatjs Error …]".
    header_placeholders = placeholders if result["type"] == "form" else {}
    out.title = fill(texts[f"{prefix}.title"], header_placeholders)
    if f"{prefix}.description" in texts:
        out.description = fill(texts[f"{prefix}.description"], placeholders)
    for field_name, key in (result.get("errors") or {}).items():
        out.errors[field_name] = fill(texts[f"{base}.error.{key}"], placeholders)
        assert_sentence(out.errors[field_name], key)
    for option in result.get("menu_options") or []:
        out.options[option] = fill(texts[f"{prefix}.menu_options.{option}"], placeholders)
    return out


async def exception_text(hass: HomeAssistant, err: BaseException) -> str:
    """What the person reads for ``err``: its translated message, after translations load."""
    await async_get_translations(hass, "en", "exceptions", [DOMAIN])
    text = str(err)
    assert_sentence(text, getattr(err, "translation_key", None) or "", full_stop=False)
    return text


async def entry_reason(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    """The reason the integrations page shows for a failed or retrying entry."""
    key = entry.error_reason_translation_key
    assert key is not None, f"untranslated reason {entry.reason!r}"
    texts = await strings(hass)
    text = fill(
        texts[f"component.{DOMAIN}.exceptions.{key}.message"],
        entry.error_reason_translation_placeholders,
    )
    assert_sentence(text, key)
    return text


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
