"""How each model is reset by hand: a table of sourced entries, with a default for the rest.

The reauth journey picks its reset step from the guide's ``kind``:

- ``button``: the model has a reset button (its place in ``location``);
- ``sadp``: the model has no reset button: the reset goes through Hikvision's SADP tool and a
  code from Hikvision support;
- ``unknown``: not in the table: the text explains both routes.

**Every entry cites a public source** (a manual page, a vendor note) that says where the button
is, or that there is none. Telling a homeowner there is no button when there is one sends them to
Hikvision support for nothing, so an unsourced claim is left out: the default text is then the
honest one. The entries of the first version (G2 bullets, domes and turrets "by the microSD-card
slot", the G2P generation and DS-76/77 recorders "without a button") had no source that could be
found, and were dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
import re
from typing import Final, Literal

type GuideKind = Literal["button", "sadp", "unknown"]


@dataclass(frozen=True, slots=True)
class ResetGuide:
    """How one model family is reset by hand, and where that is written."""

    kind: GuideKind
    source: str = ""  # a public URL saying so; required for every table entry


# Model prefixes, most specific first, each with its source.
TABLE: Final[tuple[tuple[str, ResetGuide], ...]] = ()
DEFAULT: Final = ResetGuide("unknown")


def guide_for(
    model: str | None, table: tuple[tuple[str, ResetGuide], ...] | None = None
) -> ResetGuide:
    """The guide for ``model`` (case and spacing ignored); the default for unknown models."""
    normalised = re.sub(r"\s+", "", (model or "").upper())
    for prefix, guide in TABLE if table is None else table:
        if normalised.startswith(prefix):
            return guide
    return DEFAULT
