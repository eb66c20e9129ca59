"""What we know about resetting each model by hand: one small table, with a default.

The repair issue picks its text from the guide's ``kind``:

- ``button``: a reset button (near the SD-card slot on these bullets, domes and turrets);
- ``sadp``: no reset button: the reset goes through Hikvision's SADP tool and a security code
  from Hikvision support;
- ``unknown``: a model not in the table: the text explains both routes.
"""

from __future__ import annotations

from dataclasses import dataclass
import re
from typing import Final, Literal

type GuideKind = Literal["button", "sadp", "unknown"]


@dataclass(frozen=True, slots=True)
class ResetGuide:
    """How one model family is reset by hand."""

    kind: GuideKind
    form: str  # bullet, dome, turret, nvr, camera


# Model prefixes, most specific first. Owners' reports: these G2 bullets/domes/turrets have the
# button by the SD-card slot; the NVRs have it on the board (or reset through SADP); the newer
# "P" (ColorVu 3.0 / G2P) generation and the value series listed here ship without a button.
_TABLE: Final[tuple[tuple[str, ResetGuide], ...]] = (
    ("DS-2CD2086G2", ResetGuide("button", "bullet")),
    ("DS-2CD2143G2", ResetGuide("button", "dome")),
    ("DS-2CD2343G2", ResetGuide("button", "turret")),
    ("DS-2CD2347G2", ResetGuide("button", "turret")),
    ("DS-2CD2386G2", ResetGuide("button", "turret")),
    ("DS-2CD2T87G2P", ResetGuide("sadp", "bullet")),
    ("DS-2CD2387G2P", ResetGuide("sadp", "turret")),
    ("DS-2CD2187G2P", ResetGuide("sadp", "dome")),
    ("DS-76", ResetGuide("sadp", "nvr")),
    ("DS-77", ResetGuide("sadp", "nvr")),
)
_DEFAULT: Final = ResetGuide("unknown", "camera")


def guide_for(model: str | None) -> ResetGuide:
    """The guide for ``model`` (case and spacing ignored); the default for unknown models."""
    normalised = re.sub(r"\s+", "", (model or "").upper())
    for prefix, guide in _TABLE:
        if normalised.startswith(prefix):
            return guide
    return _DEFAULT
