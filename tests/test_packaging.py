"""Packaging checks, the way hassfest and HACS look at the integration.

hassfest itself is not in the homeassistant wheel, so its rules that matter here are checked with
HA's own loaders (manifest, translations, icons, service descriptions) where they exist.
"""

from __future__ import annotations

import importlib
import inspect
import json
from pathlib import Path
import pkgutil
import re
from types import ModuleType
from typing import Any

from homeassistant.const import __version__ as HA_VERSION
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, icon, service, translation
from homeassistant.loader import async_get_integration
from homeassistant.setup import async_setup_component
from PIL import Image
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import yaml

from custom_components.hikvision_reset import const, errors
from custom_components.hikvision_reset.button import BUTTONS
from custom_components.hikvision_reset.isapi import (
    IsapiError,
    IsapiResponseStatusError,
    IsapiUnsupportedAuthError,
)
from custom_components.hikvision_reset.isapi.activation import password_problem
from custom_components.hikvision_reset.recorder import repair
from custom_components.hikvision_reset.restore.settings import SettingsBackup

ROOT = Path(__file__).resolve().parents[1]
COMPONENT = ROOT / "custom_components" / "hikvision_reset"
EN = json.loads((COMPONENT / "translations" / "en.json").read_text())


def source(name: str) -> str:
    return (COMPONENT / name).read_text()


async def test_manifest(hass: HomeAssistant) -> None:
    integration = await async_get_integration(hass, const.DOMAIN)
    manifest = integration.manifest
    keys = list(json.loads((COMPONENT / "manifest.json").read_text()))
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    for key in ("documentation", "issue_tracker", "codeowners", "version", "iot_class"):
        assert manifest.get(key), key
    assert manifest["config_flow"] is True
    assert manifest["integration_type"] == "device"
    assert manifest["iot_class"] == "local_polling"
    assert manifest["requirements"] == []
    assert integration.version is not None


# Debian's ieee-data (scripts/setup installs it).
OUI_REGISTRY = Path("/usr/share/ieee-data/oui.txt")


@pytest.mark.skipif(not OUI_REGISTRY.exists(), reason="Debian's ieee-data is not installed")
def test_dhcp_matches_every_hikvision_prefix_of_the_ieee_registry() -> None:
    """All of Hangzhou Hikvision's MAC prefixes, and nothing else (Ezviz speaks another API)."""
    registry = {
        line.split()[0]
        for line in OUI_REGISTRY.read_text(encoding="utf-8", errors="replace").splitlines()
        if "(base 16)" in line and "Hangzhou Hikvision Digital Technology" in line
    }
    manifest = json.loads((COMPONENT / "manifest.json").read_text())
    matched = {m["macaddress"].rstrip("*") for m in manifest["dhcp"]}
    assert len(registry) >= 50
    assert {"4447CC", "5803FB", "94E1AC", "64DB8B"} <= registry
    # Every registered prefix is matched; the manifest follows the newest registry, so an older
    # one (Debian 12's has 50) is a subset.
    assert registry <= matched
    assert all(len(p) == 6 and int(p, 16) >= 0 for p in matched)


def test_hacs_json() -> None:
    hacs = json.loads((ROOT / "hacs.json").read_text())
    assert hacs["name"] == "Hikvision Reset"
    assert hacs["homeassistant"] == HA_VERSION  # the version the tests run against
    assert hacs["render_readme"] is True


@pytest.mark.parametrize(
    ("name", "size"), [("icon.png", 256), ("icon@2x.png", 512), ("logo.png", 256)]
)
def test_brand_images(name: str, size: int) -> None:
    with Image.open(COMPONENT / "brand" / name) as image:
        assert image.format == "PNG"
        assert image.size == (size, size)


async def test_translations_load_through_ha(hass: HomeAssistant) -> None:
    """Home Assistant's loader serves every English string as written, under its key."""
    for category in ("config", "entity", "exceptions", "services", "selector"):
        loaded = await translation.async_get_translations(hass, "en", category, [const.DOMAIN])
        written = {
            f"component.{const.DOMAIN}.{category}.{key}": text
            for key, text in _flat(EN[category]).items()
        }
        assert loaded == written, category


def _modules() -> list[ModuleType]:
    """Every module of the integration, imported (the client package aside)."""
    package = importlib.import_module("custom_components.hikvision_reset")
    found = [package]
    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        if ".isapi" not in info.name:
            found.append(importlib.import_module(info.name))
    return found


# The modules whose forms are not the config flow's (their errors are translated elsewhere).
_REPAIR_FLOW = "custom_components.hikvision_reset.flow.behind_recorder"
_OPTIONS_FLOW = "custom_components.hikvision_reset.flow.recorder_options"


def _literal_keys(pattern: str, only: str | None = None) -> set[str]:
    """What the modules' code names with ``pattern`` (one group: the key).

    ``only``: that module's code; otherwise every module but the repair and options flows.
    """
    elsewhere = (_REPAIR_FLOW, _OPTIONS_FLOW)
    modules = [
        m for m in _modules() if (m.__name__ == only if only else m.__name__ not in elsewhere)
    ]
    return {key for module in modules for key in re.findall(pattern, inspect.getsource(module))}


def _subclasses(cls: type[Any]) -> set[type[Any]]:
    return {sub for direct in cls.__subclasses__() for sub in {direct, *_subclasses(direct)}}


async def test_entity_translations_match_the_entities(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """The translation keys the camera's entities register, and no other.

    The route sensor is only a camera's behind a recorder (``test_recorder`` finds it there).
    """
    registered: dict[str, set[str]] = {}
    for entity in er.async_entries_for_config_entry(entity_registry, loaded_entry.entry_id):
        if entity.translation_key:
            registered.setdefault(entity.domain, set()).add(entity.translation_key)
    expected = {platform: set(keys) for platform, keys in EN["entity"].items()}
    expected["sensor"].discard("route")
    assert registered == expected


def test_exception_translations_match_the_code() -> None:
    """Each sentence of ``exceptions`` is one the code can raise or tell, and the other way."""
    ours = {cls.key for cls in _ours()} | {errors.HikvisionError.key}
    client = {key for _, key in errors.CLIENT_KEYS}
    reasons = {value for name, value in vars(const).items() if name.startswith("REASON_")}
    # The sentence of a restore that saved no settings (restorer: f"backup_{outcome}").
    told = {f"backup_{s}" for s in SettingsBackup if s is not SettingsBackup.SAVED}
    literal = _literal_keys(r'translation_key="(\w+)"') - set(EN["selector"])
    literal -= {d.translation_key for d in BUTTONS} | set(EN["entity"]["sensor"])
    assert set(EN["exceptions"]) == ours | client | reasons | told | literal


def test_form_errors_are_translated() -> None:
    """Every error a form can show has its sentence (the weak_* ones come from the rule)."""
    found = _literal_keys(r'_error\("(\w+)"')
    found |= _literal_keys(r'\{"base": "(\w+)"\}')
    found |= _literal_keys(r'errors\[[^\]]+\] = "(\w+)"')
    samples = ("short", "pass word1", "abcdefgh", "Admin-1234", "Garden-1234")
    found |= {f"weak_{password_problem(p)}" for p in samples}
    assert len(found) > 15
    assert found == set(EN["config"]["error"])


def test_own_repairs_only_for_cameras_behind_a_recorder() -> None:
    """One problem, one repair: an entry's camera has Home Assistant's reauth repair; only a
    camera behind a recorder (no entry of its own) has ours, raised in one module."""
    assert set(EN["issues"]) == {repair.INACTIVE, repair.REFUSES}
    raising = [m.__name__ for m in _modules() if "async_create_issue" in inspect.getsource(m)]
    assert raising == ["custom_components.hikvision_reset.recorder.repair"]


def test_repair_and_options_errors_are_translated() -> None:
    """Every error the repair and the options can show has its sentence, and no other."""
    found = _literal_keys(r'return "(\w+)"', _REPAIR_FLOW)
    found |= _literal_keys(r'errors\[[^\]]+\] = "(\w+)"', _REPAIR_FLOW)
    found |= {key for key in EN["config"]["error"] if key.startswith("weak_")}
    for issue in EN["issues"].values():
        assert set(issue["fix_flow"]["error"]) == found
    options = _literal_keys(r'errors\[[^\]]+\] = "(\w+)"', _OPTIONS_FLOW)
    assert options == set(EN["options"]["error"])


def _sample(cls: type[Exception]) -> Exception:
    if issubclass(cls, IsapiResponseStatusError):
        return cls(2, "deviceBusy", "Device Busy (deviceBusy)")
    if issubclass(cls, IsapiUnsupportedAuthError):
        return cls("Basic")
    return cls("what the client said")


def _ours() -> list[type[Exception]]:
    _modules()  # every error class is defined once its module is imported
    return sorted(_subclasses(errors.HikvisionError), key=lambda cls: cls.__name__)


@pytest.mark.parametrize(
    "error",
    [_sample(cls) for cls, _ in errors.CLIENT_KEYS]
    + [IsapiError("odd")]
    + [_sample(cls) for cls in _ours()],
    ids=lambda e: type(e).__name__,
)
async def test_every_translated_error_reads_as_a_sentence(
    hass: HomeAssistant, error: Exception
) -> None:
    """Each client error, as the buttons and the action raise it, rendered by HA's loader."""
    from .helpers import exception_text  # noqa: PLC0415

    assert await async_setup_component(hass, const.DOMAIN, {})
    text = await exception_text(hass, errors.translated_error(error, "Garage"))
    assert "Garage" in text


async def test_services_are_described_and_translated(hass: HomeAssistant) -> None:
    assert await async_setup_component(hass, const.DOMAIN, {})
    yaml_fields = yaml.safe_load(source("services.yaml"))["restore_defaults"]["fields"]
    translated = EN["services"]["restore_defaults"]["fields"]
    assert set(yaml_fields) == set(translated)
    for field in translated.values():
        assert field["name"]
        assert field["description"]
    descriptions = await service.async_get_all_descriptions(hass)
    assert set(descriptions[const.DOMAIN]["restore_defaults"]["fields"]) == set(yaml_fields)
    options = yaml_fields["mode"]["selector"]["select"]["options"]
    assert set(EN["selector"]["restore_mode"]["options"]) == set(options)


async def test_icons(hass: HomeAssistant) -> None:
    icons = await icon.async_get_icons(hass, "entity", [const.DOMAIN])
    buttons = icons[const.DOMAIN]["button"]
    assert set(buttons) == {d.translation_key for d in BUTTONS if d.translation_key}
    services = await icon.async_get_icons(hass, "services", [const.DOMAIN])
    assert services[const.DOMAIN]["restore_defaults"]["service"] == "mdi:restore"


QUALITY_RULES = {
    "action-setup",
    "appropriate-polling",
    "brands",
    "common-modules",
    "config-flow-test-coverage",
    "config-flow",
    "dependency-transparency",
    "docs-actions",
    "docs-high-level-description",
    "docs-installation-instructions",
    "docs-removal-instructions",
    "entity-event-setup",
    "entity-unique-id",
    "has-entity-name",
    "runtime-data",
    "test-before-configure",
    "test-before-setup",
    "unique-config-entry",
    "action-exceptions",
    "config-entry-unloading",
    "docs-configuration-parameters",
    "docs-installation-parameters",
    "entity-unavailable",
    "integration-owner",
    "log-when-unavailable",
    "parallel-updates",
    "reauthentication-flow",
    "test-coverage",
    "devices",
    "diagnostics",
    "discovery-update-info",
    "discovery",
    "docs-data-update",
    "docs-examples",
    "docs-known-limitations",
    "docs-supported-devices",
    "docs-supported-functions",
    "docs-troubleshooting",
    "docs-use-cases",
    "dynamic-devices",
    "entity-category",
    "entity-device-class",
    "entity-disabled-by-default",
    "entity-translations",
    "exception-translations",
    "icon-translations",
    "reconfiguration-flow",
    "repair-issues",
    "stale-devices",
    "async-dependency",
    "inject-websession",
    "strict-typing",
}


def test_quality_scale() -> None:
    rules = yaml.safe_load(source("quality_scale.yaml"))["rules"]
    assert set(rules) == QUALITY_RULES
    for name, rule in rules.items():
        status = rule if isinstance(rule, str) else rule["status"]
        assert status in ("done", "todo", "exempt"), name
        if status != "done":
            assert isinstance(rule, dict), name
            assert rule.get("comment"), name


def test_repository_conventions() -> None:
    """What HACS repositories carry, with the actions' documented inputs."""
    validate = yaml.safe_load((ROOT / ".github/workflows/validate.yml").read_text())
    steps = [s for job in validate["jobs"].values() for s in job["steps"]]
    uses = {s["uses"].split("@")[0]: s for s in steps if "uses" in s}
    assert "home-assistant/actions/hassfest" in uses
    assert uses["hacs/action"]["with"] == {"category": "integration"}
    tests = yaml.safe_load((ROOT / ".github/workflows/tests.yml").read_text())
    assert any(s.get("run") == "bash scripts/test" for s in tests["jobs"]["tests"]["steps"])
    bug = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/bug_report.yml").read_text())
    ids = {field.get("id") for field in bug["body"]}
    assert {"model", "firmware", "diagnostics"} <= ids
    dependabot = yaml.safe_load((ROOT / ".github/dependabot.yml").read_text())
    assert {u["package-ecosystem"] for u in dependabot["updates"]} == {"pip", "github-actions"}
    changelog = (ROOT / "CHANGELOG.md").read_text()
    manifest = json.loads((COMPONENT / "manifest.json").read_text())
    assert f"## {manifest['version']} " in changelog  # the version is bumped with the changes


LANGUAGES = ("de", "fr", "es", "it", "nl", "pl")


def _flat(node: dict[str, object], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in node.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out |= _flat(value, path)
        else:
            out[path] = str(value)
    return out


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_the_english_keys_and_placeholders(language: str) -> None:
    english = _flat(EN)
    other = _flat(json.loads((COMPONENT / "translations" / f"{language}.json").read_text()))
    assert set(other) == set(english)
    for key, text in english.items():
        assert set(re.findall(r"\{(\w+)\}", other[key])) == set(re.findall(r"\{(\w+)\}", text)), key
        assert other[key].strip(), key
        # Markdown emphasis and numbered steps survive the translation.
        assert other[key].count("**") == text.count("**"), key
        assert other[key].count("\n") == text.count("\n"), key
    # Menu and progress titles: the frontend renders them without placeholders.
    for key in other:
        if key.endswith(".title") and key.split(".")[2] in (
            "user",
            "reauth_confirm",
            "reauth_attempts",
            "reauth_locked",
            "reset_soft",
            "put_back",
            "wait_back",
        ):
            assert "{" not in other[key], key


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_language_loads_through_home_assistant(
    hass: HomeAssistant, language: str
) -> None:
    loaded = await translation.async_get_translations(hass, language, "exceptions", [const.DOMAIN])
    message = loaded[f"component.{const.DOMAIN}.exceptions.admin_only.message"]
    assert "{name}" in message
    assert message != EN["exceptions"]["admin_only"]["message"]  # translated, not English


def test_the_readme_card_is_the_demo_card() -> None:
    """The documented dashboard card is the one the demo builds and the browser check presses."""
    import sys  # noqa: PLC0415

    sys.path.insert(0, str(ROOT / "scripts"))
    from demo import camera_card  # noqa: PLC0415

    readme = (ROOT / "README.md").read_text()
    block = readme.split("### A dashboard card that asks first", 1)[1].split("```yaml\n", 1)[1]
    assert yaml.safe_load(block.split("```", 1)[0]) == camera_card("garage", "Garage")


def test_the_readme_voice_example_is_the_tested_one() -> None:
    """The documented voice automation is the one the tests speak to and the demo installs."""
    import sys  # noqa: PLC0415

    sys.path.insert(0, str(ROOT / "scripts"))
    from demo import voice_automation  # noqa: PLC0415

    readme = (ROOT / "README.md").read_text()
    block = readme.split("### Voice (Assist)", 1)[1].split("```yaml\n", 1)[1]
    [documented] = yaml.safe_load(block.split("```", 1)[0])
    documented["actions"][0]["data"]["device_id"] = "garage"
    assert documented == voice_automation("garage")
