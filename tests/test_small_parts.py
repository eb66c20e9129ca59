"""Small parts: the lock memory, the reset-guide table, the logbook text."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant
import pytest

from custom_components.hikvision_reset.auth.memory import LoginMemory, account_key, async_get_memory
from custom_components.hikvision_reset.const import EVENT_RESTORE
from custom_components.hikvision_reset.isapi import (
    IsapiAccountLockedError,
    IsapiAuthenticationError,
)
from custom_components.hikvision_reset.logbook import async_describe_events
from custom_components.hikvision_reset.recovery.reset_guide import (
    DEFAULT,
    TABLE,
    ResetGuide,
    guide_for,
)


async def test_lock_is_remembered_until_it_expires(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    memory = await async_get_memory(hass)
    key = account_key("10.0.0.2", 80, "admin")
    memory.note_auth_error(key, IsapiAuthenticationError(attempts_left=3))
    assert memory.minutes_locked(key) is None
    memory.note_auth_error(key, IsapiAccountLockedError(locked=True, unlock_seconds=90))
    assert memory.minutes_locked(key) == 2
    freezer.tick(timedelta(seconds=89))
    assert memory.minutes_locked(key) == 1
    freezer.tick(timedelta(seconds=2))
    assert memory.minutes_locked(key) is None
    # A lock with no unlock time is taken as the firmware's 30 minutes.
    memory.note_auth_error(key, IsapiAccountLockedError(locked=True))
    assert memory.minutes_locked(key) == 30


async def test_lock_survives_a_restart(hass: HomeAssistant, hass_storage: dict[str, Any]) -> None:
    memory = await async_get_memory(hass)
    key = account_key("10.0.0.2", 80, "admin")
    memory.note_auth_error(key, IsapiAccountLockedError(locked=True, unlock_seconds=600))
    await memory._store.async_save(memory._data())
    restarted = await LoginMemory.async_load(hass)
    assert restarted.minutes_locked(key) == 10
    assert restarted.summary() == {"accounts_with_refused_passwords": 0, "locked_accounts": 1}


def test_every_reset_guide_entry_cites_a_public_source() -> None:
    for pattern, guide in TABLE:
        assert guide.sources, pattern
        assert all(source.startswith("https://") for source in guide.sources), pattern
    assert guide_for(None) == guide_for("DS-2CD2086G2-IU") == DEFAULT
    assert DEFAULT.step == "reset_unknown"
    assert DEFAULT.sources  # the general text says only what sources say of cameras in general
    # Case, spaces and a lens suffix do not matter; a series pattern takes the whole series.
    assert guide_for(" ds-2cd2086g2-i (2.8mm)").step == "reset_button"
    assert guide_for("DS-2CD2955FWD-IS").step == "reset_fisheye"
    table = (("DS-2CD2T87G2P*", ResetGuide("reset_sadp", "sadp", ("https://example.invalid/p",))),)
    assert guide_for(" ds-2cd2t87g2p-lsu/sl", table).kind == "sadp"


@pytest.mark.parametrize(
    ("stage", "message"),
    [
        ("accepted", "accepted a basic restore and is rebooting"),
        ("online", "is back online after the basic"),
        ("later", "basic: later"),
    ],
)
def test_logbook_describes_restores(hass: HomeAssistant, stage: str, message: str) -> None:
    described: dict[str, Any] = {}

    def collect(domain: str, event_type: str, describe: Any) -> None:
        described[event_type] = describe

    async_describe_events(hass, collect)
    event = Event(EVENT_RESTORE, {"name": "Garage", "mode": "basic", "stage": stage})
    assert described[EVENT_RESTORE](event) == {"name": "Garage", "message": message}
