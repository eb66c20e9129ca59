"""Remember, per camera account, that the camera locked it and until when.

While a camera says the account is locked, nothing in the integration sends a login to it:
setup, polling, the reauth and repair flows all check here first.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import hashlib
import math

from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .isapi import IsapiAuthenticationError

_LOCKS: HassKey[dict[str, datetime]] = HassKey("hikvision_reset_locks")
# Cameras lock for 30 minutes; when a locked camera does not say for how long, assume that.
DEFAULT_LOCK: timedelta = timedelta(minutes=30)


def account_key(host: str, port: int, username: str) -> str:
    """The key of one account on one camera."""
    return f"{username}@{host}:{port}"


@callback
def note_auth_error(hass: HomeAssistant, key: str, err: IsapiAuthenticationError) -> None:
    """Record a lock that the camera reported."""
    if err.locked:
        seconds = err.unlock_seconds
        span = timedelta(seconds=seconds) if seconds else DEFAULT_LOCK
        hass.data.setdefault(_LOCKS, {})[key] = dt_util.utcnow() + span


@callback
def seconds_locked(hass: HomeAssistant, key: str) -> float | None:
    """Seconds until the account unlocks, or None when it is not locked."""
    until = hass.data.get(_LOCKS, {}).get(key)
    if until is None:
        return None
    left = (until - dt_util.utcnow()).total_seconds()
    if left <= 0:
        del hass.data[_LOCKS][key]
        return None
    return left


@callback
def minutes_locked(hass: HomeAssistant, key: str) -> int | None:
    """Whole minutes (rounded up) until the account unlocks, or None when it is not locked."""
    left = seconds_locked(hass, key)
    return None if left is None else max(1, math.ceil(left / 60))


# Credentials a camera refused, as fingerprints (never the passwords themselves). Automatic paths
# (setup, reload, polling, buttons, the action) never send them again; only a user's submit in a
# flow does, once, and a success there forgets the mark.
_REFUSED: HassKey[set[str]] = HassKey("hikvision_reset_refused")


def _fingerprint(key: str, password: str) -> str:
    return hashlib.sha256(f"{key}\0{password}".encode()).hexdigest()


@callback
def note_refused(hass: HomeAssistant, key: str, password: str) -> None:
    """The camera refused ``password`` for the account ``key``."""
    hass.data.setdefault(_REFUSED, set()).add(_fingerprint(key, password))


@callback
def was_refused(hass: HomeAssistant, key: str, password: str) -> bool:
    """Whether the camera already refused ``password`` for the account ``key``."""
    return _fingerprint(key, password) in hass.data.get(_REFUSED, set())


@callback
def forget_refused(hass: HomeAssistant, key: str, password: str) -> None:
    """The camera accepted ``password`` after all (the user fixed the camera or the entry)."""
    hass.data.get(_REFUSED, set()).discard(_fingerprint(key, password))
