"""How each model is reset by hand: a table of sourced entries, with an honest default.

Every entry cites the public pages it follows (``sources``); a model without one gets the
general text (``reset_unknown``), which explains both the button and the routes without one.
Telling a homeowner where a button is when no source says so sends them looking for nothing, so
an unsourced claim stays out; where sources disagree (turrets), the step's text says so.
The facts and quotes behind each entry: the project's ``reset-guide-sources`` notes.
"""

from __future__ import annotations

from dataclasses import dataclass
import re
from typing import Final, Literal

type GuideKind = Literal["button", "sadp", "unknown"]

# A reseller's guide naming the five models with a push-type button close to the memory-card
# slot, reached by opening the camera; power off, hold, power on, hold 15-20 s.
_RESELLER: Final = (
    "https://www.cctv-outlet.com/news/how-to-reset-a-hikvision-camera-back-to-factory-defaults/"
)
# An installer's page: "Turrets have no reset button accessible unless the camera is fully taken
# apart" (contradicts the reseller for turrets).
_TURRETS: Final = (
    "https://support.wrightwoodsurveillance.com/support/solutions/articles/"
    "9000071176-how-to-factory-reset-a-hikvision-camera-using-a-reset-button"
)
# Hikvision documents, as converted to text in a public repository (pinned commit).
_HIKVISION_DOCS: Final = (
    "https://github.com/rewnozom/DocuMentor-Suite/blob/"
    "89c25c245f4d05cb74e59024b09258312d1a95c5/converted_docs/downloaded/"
)
# Quick start guide UD04395B, 29xx fisheye: "Press RESET about 10s when the camera is powering
# on or rebooting to restore the default settings".
_FISHEYE_GUIDE: Final = f"{_HIKVISION_DOCS}50131734/50131734_ins/50131734_ins.md"
# Datasheets: "Hardware Reset | Yes"; "Reset via reset button on camera body".
_DS_2CD2146G2: Final = f"{_HIKVISION_DOCS}50156087/50156087_pro/50156087_pro.md"
_DS_2CD2626G2: Final = f"{_HIKVISION_DOCS}50151794/50151794_pro/50151794_pro.md"
_DS_2CD2786G2: Final = f"{_HIKVISION_DOCS}50457052/50457052_pro/50457052_pro.md"
_DS_2CD5546G0: Final = f"{_HIKVISION_DOCS}50149607/50149607_pro/50149607_pro.md"
# IP cameras in general: "the reset button is typically situated near the memory card slot";
# "often located close to the SD card slot and usually under a protective cover".
_GENERAL: Final = "https://www.vikylin.com/how-to-factory-reset-hikvision-camera/"
_SD_COVER: Final = "https://connectec.uk/forum/29/how-do-i-reset-a-hikvision-ip-cctv-camera"
# SADP's Forgot Password: the answer from Hikvision support expires (24 h, or 48 h here).
_SADP_EXPIRY: Final = "https://dir.lv/en/security-technologies/hikvision-factory-reset.html"
# A DS-7616NI-E2 recorder manual: "you can reset the password by importing the GUID file".
_RECORDER_GUID: Final = (
    "https://www.manualshelf.com/manual/hikvision/ds-7616ni-e2-16p-4tb/user-manual-english/"
    "page-37.html"
)


@dataclass(frozen=True, slots=True)
class ResetGuide:
    """How one model family is reset by hand, and where that is written."""

    step: str  # the journey's reset step (its text is in the translations)
    kind: GuideKind  # for automations: a button, a route without opening it, or not known
    sources: tuple[str, ...] = ()  # public pages saying so; required for every table entry


_SLOT: Final = ResetGuide("reset_button", "button", (_RESELLER,))
_TURRET: Final = ResetGuide("reset_turret", "button", (_RESELLER, _TURRETS))
# Models, as deviceInfo names them (case, spaces and a lens suffix in parentheses ignored); a
# trailing "*" matches a whole series.
TABLE: Final[tuple[tuple[str, ResetGuide], ...]] = (
    ("DS-2CD2086G2-I", _SLOT),  # bullet
    ("DS-2CD2143G2-I", _SLOT),  # dome
    ("DS-2CD2343G2-I", _TURRET),
    ("DS-2CD2347G2-LU", _TURRET),
    ("DS-2CD2386G2-ISU/SL", _TURRET),
    ("DS-2CD29*", ResetGuide("reset_fisheye", "button", (_FISHEYE_GUIDE,))),
    ("DS-2CD2146G2-I", ResetGuide("reset_datasheet", "button", (_DS_2CD2146G2,))),
    ("DS-2CD2146G2-ISU", ResetGuide("reset_datasheet", "button", (_DS_2CD2146G2,))),
    ("DS-2CD2626G2-IZS", ResetGuide("reset_datasheet", "button", (_DS_2CD2626G2,))),
    ("DS-2CD2786G2-IZS", ResetGuide("reset_datasheet", "button", (_DS_2CD2786G2,))),
    ("DS-2CD5546G0-IZS", ResetGuide("reset_datasheet", "button", (_DS_2CD5546G0,))),
    ("DS-2CD5546G0-IZHS", ResetGuide("reset_datasheet", "button", (_DS_2CD5546G0,))),
    ("DS-76*", ResetGuide("reset_sadp", "sadp", (_RECORDER_GUID, _SADP_EXPIRY))),
)
# The general text says only what sources say of Hikvision cameras in general (turrets too).
DEFAULT: Final = ResetGuide("reset_unknown", "unknown", (_GENERAL, _SD_COVER, _TURRETS))
STEPS: Final = frozenset({DEFAULT.step, *(guide.step for _, guide in TABLE)})


def matches(pattern: str, model: str | None) -> bool:
    """Whether a table pattern names ``model`` (case, spaces and a lens suffix ignored)."""
    wanted = re.sub(r"\s+", "", (model or "").upper()).split("(", 1)[0]
    return wanted == pattern or (pattern.endswith("*") and wanted.startswith(pattern[:-1]))


def guide_for(
    model: str | None, table: tuple[tuple[str, ResetGuide], ...] | None = None
) -> ResetGuide:
    """The guide for ``model``; the default for models no source describes."""
    for pattern, guide in TABLE if table is None else table:
        if matches(pattern, model):
            return guide
    return DEFAULT
