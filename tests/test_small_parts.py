"""Small parts: the lock memory, the reset-guide table, the logbook text."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant
import pytest

from custom_components.hikvision_reset.const import EVENT_RESTORE
from custom_components.hikvision_reset.isapi import (
    IsapiAccountLockedError,
    IsapiAuthenticationError,
)
from custom_components.hikvision_reset.lockout import LoginMemory, account_key, async_get_memory
from custom_components.hikvision_reset.logbook import async_describe_events
from custom_components.hikvision_reset.reset_guide import guide_for


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


@pytest.mark.parametrize(
    ("model", "kind", "form"),
    [
        ("DS-2CD2086G2-I", "button", "bullet"),
        ("DS-2CD2143G2-I", "button", "dome"),
        ("ds-2cd2343g2-i", "button", "turret"),
        ("DS-2CD2347G2-LU", "button", "turret"),
        ("DS-2CD2386G2-ISU/SL", "button", "turret"),
        ("DS-2CD2T87G2P-LSU/SL", "sadp", "bullet"),
        ("DS-7608NXI-I2/8P/S", "sadp", "nvr"),
        ("DS-2CD2A20F-IS", "unknown", "camera"),
        (None, "unknown", "camera"),
    ],
)
def test_reset_guide_table(model: str | None, kind: str, form: str) -> None:
    guide = guide_for(model)
    assert (guide.kind, guide.form) == (kind, form)


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
