"""What the tests share: cameras as entries, what the person sees, the journey as the frontend
drives it, the add flow's search, and the stages of a restore.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path
import re
import sys
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
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
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.helpers.translation import async_get_translations
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.hikvision_reset.const import CONF_MODEL, DOMAIN
from simulator import SimulatedCamera

# Real captures: the licence-compatible ones bundled here (public CI runs them), and the project's
# wider collection in ../shared when this checkout has it beside it.
BUNDLED = Path(__file__).resolve().parent / "fixtures" / "isapi"
FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "isapi"


def captures(pattern: str) -> list[Path]:
    """The captures matching ``pattern``: the bundled ones, and those only ../shared has."""
    bundled = sorted(BUNDLED.glob(pattern))
    names = {path.name for path in bundled}
    shared = sorted(FIXTURES.rglob(pattern)) if FIXTURES.is_dir() else []
    return bundled + [path for path in shared if path.name not in names]


PASSWORD = "Passw0rd!"
NEW_PASSWORD = "N3w-Passw0rd"
FLOWS = "/api/config/config_entries/flow"
PUT_RESET = ("PUT", "/ISAPI/System/factoryReset")
GET_CONFIG = ("GET", "/ISAPI/System/configurationData")
PUT_CONFIG = ("PUT", "/ISAPI/System/configurationData")

type CameraFactory = Callable[..., Awaitable[SimulatedCamera]]


# ---- cameras as entries -----------------------------------------------------------------------


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


def reauth_issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    """Home Assistant's own "Authentication expired" repair for the entry."""
    return ir.async_get(hass).async_get_issue(
        "homeassistant", f"config_entry_reauth_{DOMAIN}_{entry.entry_id}"
    )


async def wait_stage(
    hass: HomeAssistant, events: list[Any], stage: str, since: int = 0, seconds: float = 10
) -> Any:
    """The first restore event of ``stage`` after ``since`` (waits for it)."""
    for _ in range(int(seconds / 0.05)):
        for event in events[since:]:
            if event.data["stage"] == stage:
                await settle(hass, 0.05)
                return event
        await settle(hass, 0.05)
    raise AssertionError(f"no {stage} in {[e.data['stage'] for e in events]}")


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
    categories = ("config", "options", "exceptions", "issues", "entity", "services", "selector")
    for category in categories:
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
    if result["type"] == "progress":  # the dialog's text while it waits
        out.description = fill(texts[f"{base}.progress.{result['progress_action']}"], placeholders)
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


# ---- the reauth journey, as the frontend drives it ---------------------------------------------


class Journey:
    """The reauth flow of one camera, opened from its repair like the frontend does."""

    def __init__(self, hass: HomeAssistant, http: TestClient, flow_id: str) -> None:
        self.hass = hass
        self.client = http
        self.flow_id = flow_id
        self.last: dict[str, Any] = {}

    @classmethod
    async def open(cls, hass: HomeAssistant, http: TestClient, entry: MockConfigEntry) -> Journey:
        issue = ir.async_get(hass).async_get_issue(
            "homeassistant", f"config_entry_reauth_{DOMAIN}_{entry.entry_id}"
        )
        assert issue is not None, "no repair for the camera"
        assert issue.data is not None
        journey = cls(hass, http, str(issue.data["flow_id"]))
        resp = await http.get(f"{FLOWS}/{journey.flow_id}")
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


async def broken_entry(hass: HomeAssistant, camera: SimulatedCamera) -> MockConfigEntry:
    """The camera's password was changed behind Home Assistant's back."""
    entry = await setup_entry(hass, entry_for(camera, password="forgotten"))
    assert entry.state is ConfigEntryState.SETUP_ERROR
    return entry


async def wait_progress(journey: Journey) -> None:
    """Poll the flow like the frontend does until its progress step is done."""
    for _ in range(200):
        resp = await journey.client.get(f"{FLOWS}/{journey.flow_id}")
        journey.last = await resp.json()
        if journey.last.get("type") != "progress":
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the progress step never finished")


# ---- the add flow's search ---------------------------------------------------------------------


async def search(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    return dict(
        await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": "search"}
        )
    )


def choices(result: dict[str, Any]) -> dict[str, str]:
    config = result["data_schema"].schema["camera"].config
    return {o["value"]: o["label"] for o in config["options"]}


async def pick_and_activate(hass: HomeAssistant, mac: str) -> dict[str, Any]:
    """Search the network, pick the inactive camera ``mac``, give it a new admin password."""
    result = await search(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"camera": mac})
    assert result["step_id"] == "activate"
    return dict(
        await hass.config_entries.flow.async_configure(
            result["flow_id"], {"new_password": "N3w-Passw0rd"}
        )
    )


async def until_done(hass: HomeAssistant, flow_id: str) -> dict[str, Any]:
    for _ in range(200):
        result = await hass.config_entries.flow.async_configure(flow_id)
        if result["type"] is not FlowResultType.SHOW_PROGRESS:
            return dict(result)
        await asyncio.sleep(0.05)
    raise AssertionError("progress never ended")


# ---- automations and voice ---------------------------------------------------------------------


async def setup_automations(hass: HomeAssistant, automations: list[dict[str, Any]]) -> None:
    for component in ("homeassistant", "conversation", "intent", "persistent_notification"):
        assert await async_setup_component(hass, component, {})
    assert await async_setup_component(hass, "automation", {"automation": automations})
    await hass.async_block_till_done()


def voice_automation(device: str) -> dict[str, Any]:
    """The README's voice example (the demo's, which the README must equal)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from demo import voice_automation as readme_example  # noqa: PLC0415

    return readme_example(device)
