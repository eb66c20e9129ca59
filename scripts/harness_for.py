"""Which pytest-homeassistant-custom-component release tests a given Home Assistant release.

Asks the package index for the newest harness release and reads the Home Assistant it pins (its
wheel's metadata: ``Requires-Dist: homeassistant==…``). Prints that harness version when it pins
the release asked for; exits 3 and says what it pins otherwise (the harness for a new release
usually follows it by some days).

    python scripts/harness_for.py 2026.11.0
"""

from __future__ import annotations

from pathlib import Path
import re
import subprocess
import sys
import tempfile
import zipfile

HARNESS = "pytest-homeassistant-custom-component"


def newest_harness(folder: Path) -> tuple[str, str]:
    """The newest harness release and the Home Assistant it pins."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "-d",
            str(folder),
            HARNESS,
        ],
        check=True,
    )
    wheel = next(folder.glob("*.whl"))
    version = wheel.name.split("-")[1]
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(name).decode()
    pinned = re.search(r"^Requires-Dist: homeassistant\s*==\s*([\w.]+)", metadata, re.M)
    return version, pinned.group(1) if pinned else "?"


def main(wanted: str) -> int:
    with tempfile.TemporaryDirectory() as folder:
        version, pinned = newest_harness(Path(folder))
    if pinned != wanted:
        print(
            f"no test harness for Home Assistant {wanted} yet: the newest, {HARNESS} {version},"
            f" pins {pinned}",
            file=sys.stderr,
        )
        return 3
    print(version)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
