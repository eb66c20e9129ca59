"""The requirements a Home Assistant release needs to run the demo's configuration offline.

Run with the Python of an environment where that ``homeassistant`` is installed: it reads the
installed release itself (never a hard-coded pin): the integrations Home Assistant always sets
up (its bootstrap's lists), those the demo's ``configuration.yaml`` names and this integration's
own dependencies, followed through every manifest's ``dependencies`` and
``after_dependencies`` (only ordering, but their modules are imported: analytics imports
hassio's client); it prints their ``requirements`` (one per line) for pip, with the release's
own constraints file as the last line's ``-c``.

    python scripts/ha_requirements.py config/configuration.yaml custom_components/hikvision_reset
"""

from __future__ import annotations

import json
from pathlib import Path
import re
import sys

import homeassistant
from homeassistant import bootstrap

COMPONENTS = Path(homeassistant.__file__).parent / "components"


# The bootstrap's lists of what it sets up whatever the configuration says (the others, such
# as its discovery stage, are set up only when configured).
ALWAYS = (
    "CORE_INTEGRATIONS",
    "LOGGING_AND_HTTP_DEPS_INTEGRATIONS",
    "FRONTEND_INTEGRATIONS",
    "DEFAULT_INTEGRATIONS",
)


def always_set_up() -> set[str]:
    """What the bootstrap sets up whatever the configuration says."""
    return {d for name in ALWAYS for d in getattr(bootstrap, name, ()) if isinstance(d, str)}


def configured(configuration: Path) -> set[str]:
    """The integrations a configuration.yaml names at its top level."""
    return set(re.findall(r"^([a-z_][a-z0-9_]*):", configuration.read_text(), re.M))


def manifest(domain: str, custom: Path) -> dict[str, object]:
    """An integration's manifest (the custom one, or the release's)."""
    path = (
        custom / "manifest.json" if domain == custom.name else COMPONENTS / domain / "manifest.json"
    )
    return json.loads(path.read_text()) if path.exists() else {}


def closure(start: set[str], custom: Path) -> set[str]:
    """``start`` and everything its manifests depend on, or are set up after."""
    seen: set[str] = set()
    todo = sorted(start)
    while todo:
        domain = todo.pop()
        if domain in seen:
            continue
        seen.add(domain)
        found = manifest(domain, custom)
        for key in ("dependencies", "after_dependencies"):
            todo += [d for d in found.get(key, []) if isinstance(d, str)]  # type: ignore[union-attr]
    return seen


def main(configuration: str, custom: str) -> None:
    own = Path(custom)
    domains = closure(always_set_up() | configured(Path(configuration)) | {own.name}, own)
    requirements = sorted(
        {r for d in domains for r in manifest(d, own).get("requirements", [])}  # type: ignore[attr-defined]
    )
    print("\n".join(requirements))
    print(f"-c {Path(homeassistant.__file__).parent / 'package_constraints.txt'}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
