"""What cameras told us about logins, kept across restarts so that no restart spends an attempt.

- **Locks**: a camera that locked an account says until when; nothing sends a login to that
  account before then (setup, polling, buttons, the action, the flows all ask here first).
- **Refused credentials**: a password a camera refused is remembered as a salted, slow
  fingerprint (never the password). Automatic paths (setup, reload, polling, buttons, the action)
  never send it again, not even after Home Assistant restarts; only a user's submit in a flow
  does, once, and a success there forgets the mark.

Stored in ``.storage/hikvision_reset.logins`` (a private file); Home Assistant writes pending
changes when it stops.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
import hashlib
import math
import secrets
from typing import Any, Final, TypedDict

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN
from ..isapi import IsapiAuthenticationError

STORAGE_VERSION: Final = 1
STORAGE_KEY: Final = f"{DOMAIN}.logins"
SAVE_DELAY: Final = 1.0
# Cameras lock for 30 minutes; when a locked camera does not say for how long, assume that.
DEFAULT_LOCK: Final = timedelta(minutes=30)
# PBKDF2 rounds of a fingerprint: a stolen file must not give away a short password cheaply.
_ROUNDS: Final = 50_000

_MEMORY: HassKey[LoginMemory] = HassKey(f"{DOMAIN}_login_memory")
_LOAD_LOCK: HassKey[asyncio.Lock] = HassKey(f"{DOMAIN}_login_memory_lock")


class _Stored(TypedDict):
    salt: str
    refused: dict[str, list[str]]  # account key -> fingerprints of refused passwords
    locks: dict[str, str]


def account_key(host: str, port: int, username: str) -> str:
    """The key of one account on one camera."""
    return f"{username}@{host}:{port}"


class LoginMemory:
    """Locks and refused credentials, persisted."""

    def __init__(self, hass: HomeAssistant, stored: _Stored | None) -> None:
        """Start from what was stored (or nothing)."""
        self._store: Store[_Stored] = Store(hass, STORAGE_VERSION, STORAGE_KEY, private=True)
        stored = stored or {"salt": secrets.token_hex(16), "refused": {}, "locks": {}}
        self._salt = bytes.fromhex(stored["salt"])
        self._refused = {key: set(marks) for key, marks in stored["refused"].items()}
        self._locks: dict[str, datetime] = {}
        for key, until in stored["locks"].items():
            if (parsed := dt_util.parse_datetime(until)) is not None:
                self._locks[key] = parsed
        self._fingerprints: dict[str, str] = {}
        self._hass = hass

    @classmethod
    async def async_load(cls, hass: HomeAssistant) -> LoginMemory:
        """Read the stored memory."""
        store: Store[_Stored] = Store(hass, STORAGE_VERSION, STORAGE_KEY, private=True)
        return cls(hass, await store.async_load())

    def _data(self) -> _Stored:
        now = dt_util.utcnow()
        return {
            "salt": self._salt.hex(),
            "refused": {key: sorted(marks) for key, marks in self._refused.items() if marks},
            "locks": {k: v.isoformat() for k, v in self._locks.items() if v > now},
        }

    @callback
    def _save(self) -> None:
        self._store.async_delay_save(self._data, SAVE_DELAY)

    # ---- locks --------------------------------------------------------------------------------
    @callback
    def note_auth_error(self, key: str, err: IsapiAuthenticationError) -> None:
        """Record a lock that the camera reported."""
        if err.locked:
            span = timedelta(seconds=err.unlock_seconds) if err.unlock_seconds else DEFAULT_LOCK
            self._locks[key] = dt_util.utcnow() + span
            self._save()

    @callback
    def seconds_locked(self, key: str) -> float | None:
        """Seconds until the account unlocks, or None when it is not locked."""
        until = self._locks.get(key)
        if until is None:
            return None
        left = (until - dt_util.utcnow()).total_seconds()
        if left <= 0:
            del self._locks[key]
            self._save()
            return None
        return left

    @callback
    def minutes_locked(self, key: str) -> int | None:
        """Whole minutes (rounded up) until the account unlocks, or None when not locked."""
        left = self.seconds_locked(key)
        return None if left is None else max(1, math.ceil(left / 60))

    # ---- refused credentials ------------------------------------------------------------------
    async def _fingerprint(self, key: str, password: str) -> str:
        """A salted PBKDF2 fingerprint (computed once per process, off the event loop)."""
        memo = hashlib.sha256(f"{key}\0{password}".encode()).hexdigest()
        if (known := self._fingerprints.get(memo)) is None:
            known = (
                await self._hass.async_add_executor_job(
                    hashlib.pbkdf2_hmac,
                    "sha256",
                    password.encode(),
                    self._salt + key.encode(),
                    _ROUNDS,
                )
            ).hex()
            self._fingerprints[memo] = known
        return known

    async def note_refused(self, key: str, password: str) -> None:
        """The camera refused ``password`` for the account ``key``."""
        self._refused.setdefault(key, set()).add(await self._fingerprint(key, password))
        self._save()

    async def was_refused(self, key: str, password: str) -> bool:
        """Whether the camera already refused ``password`` for the account ``key``."""
        if key not in self._refused:
            return False
        return await self._fingerprint(key, password) in self._refused[key]

    async def async_note_refusal(
        self, key: str, password: str, err: IsapiAuthenticationError
    ) -> None:
        """The camera refused a login: keep its lock, and the password unless it was locked.

        A locked camera refuses every password, the right one too: that one is not marked.
        """
        self.note_auth_error(key, err)
        if not err.locked:
            await self.note_refused(key, password)

    @callback
    def forget_refused(self, key: str) -> None:
        """The camera accepted a password for ``key``: what it refused before no longer counts."""
        if self._refused.pop(key, None):
            self._save()

    def summary(self) -> dict[str, Any]:
        """What diagnostics may show: counts, never fingerprints."""
        data = self._data()
        return {
            "accounts_with_refused_passwords": len(data["refused"]),
            "locked_accounts": len(data["locks"]),
        }


async def async_get_memory(hass: HomeAssistant) -> LoginMemory:
    """The login memory, loaded on first use (a config flow may come before ``async_setup``)."""
    if (memory := hass.data.get(_MEMORY)) is None:
        async with hass.data.setdefault(_LOAD_LOCK, asyncio.Lock()):
            if (memory := hass.data.get(_MEMORY)) is None:
                memory = hass.data[_MEMORY] = await LoginMemory.async_load(hass)
    return memory
