"""Login safety for one camera: may Home Assistant log in, what went wrong, when to try again.

Invariants: nothing logs in with credentials the camera refused, nor while it has the account
locked (after the unlock time, one retry); why is kept for the reauth journey (the one place a
homeowner fixes it: Home Assistant's "Authentication expired" repair opens it) and told to
automations (``hikvision_reset_auth_failed``). The coordinator and the restorer both ask here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PASSWORD
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.event import async_call_later
from homeassistant.util.hass_dict import HassKey

from .. import const
from ..const import CONF_MODEL, DOMAIN, EVENT_AUTH_FAILED
from ..errors import (
    AccountLockedError,
    CameraInactiveError,
    CameraPasswordRefusedError,
    CredentialsRefusedError,
    NothingSentError,
    RecorderRefusedError,
)
from ..events import about
from ..isapi import IsapiAuthenticationError, IsapiError, IsapiNotActivatedError
from ..recovery.reset_guide import guide_for
from .login import key_from_data
from .memory import LoginMemory

_TROUBLE: HassKey[dict[str, Trouble]] = HassKey(f"{DOMAIN}_trouble")
_UNLOCK_RETRIES: HassKey[dict[str, CALLBACK_TYPE]] = HassKey(f"{DOMAIN}_unlock_retries")


@dataclass(frozen=True, slots=True)
class Trouble:
    """Why the camera refuses Home Assistant, as the camera last described it."""

    reason: str
    attempts_left: int | None = None
    unlock_minutes: int | None = None


@callback
def async_report_trouble(hass: HomeAssistant, entry: ConfigEntry[Any], trouble: Trouble) -> None:
    """Keep ``trouble`` for the entry's reauth journey and tell automations."""
    hass.data.setdefault(_TROUBLE, {})[entry.entry_id] = trouble
    model = entry.data.get(CONF_MODEL)
    hass.bus.async_fire(
        EVENT_AUTH_FAILED,
        {
            **about(hass, entry),
            "model": model,
            "host": entry.data[CONF_HOST],
            "reason": trouble.reason,
            "reset_guide": guide_for(model).kind,
            "attempts_left": trouble.attempts_left,
            "unlock_minutes": trouble.unlock_minutes,
        },
    )


@callback
def trouble_for(hass: HomeAssistant, entry_id: str) -> Trouble | None:
    """What is known about the entry's login trouble (None: nothing reported)."""
    return hass.data.get(_TROUBLE, {}).get(entry_id)


@callback
def is_inactive(trouble: Trouble | None) -> bool:
    """The camera is inactive (reset), or not home: the journey starts by finding it."""
    return trouble is not None and trouble.reason in const.INACTIVE_REASONS


@callback
def async_clear_trouble(hass: HomeAssistant, entry_id: str) -> None:
    """The camera accepts us again, or the entry is gone."""
    hass.data.get(_TROUBLE, {}).pop(entry_id, None)


@callback
def async_cancel_unlock_retries(hass: HomeAssistant, entry_id: str | None = None) -> None:
    """Cancel the pending retry of one entry (or of all, with None)."""
    retries = hass.data.get(_UNLOCK_RETRIES, {})
    for key in [entry_id] if entry_id else list(retries):
        if (cancel := retries.pop(key, None)) is not None:
            cancel()


class LoginGuard:
    """Decides whether Home Assistant may log in to one camera, and handles a refusal."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry[Any], memory: LoginMemory) -> None:
        """Guard the entry's account; nothing is sent from here."""
        self.hass = hass
        self.entry = entry
        self.memory = memory
        self.key = key_from_data(entry.data)
        self.password: str = entry.data[CONF_PASSWORD]
        self._refused = False  # this run: the camera refused us (or we know it will)
        self._full_restore_sent = False

    async def must_not_log_in(self) -> bool:
        """The camera refused these credentials already, or says the account is locked."""
        return (
            self._refused
            or await self.memory.was_refused(self.key, self.password)
            or self.memory.minutes_locked(self.key) is not None
        )

    def refusal(self) -> NothingSentError:
        """Why nothing is sent: the camera is inactive, locked, or refused these credentials."""
        if is_inactive(trouble_for(self.hass, self.entry.entry_id)):
            return CameraInactiveError("the camera is inactive")
        if self.memory.minutes_locked(self.key) is not None:
            return AccountLockedError("the account is locked")
        return CredentialsRefusedError("the camera already refused these credentials")

    @callback
    def note_full_restore(self) -> None:
        """A full restore was sent: an inactive camera from now on is that restore's doing."""
        self._full_restore_sent = True

    async def _note(self, err: IsapiError | None) -> tuple[str, int | None]:
        """Remember why the camera refuses us, report it; the reason and the lock's minutes.

        ``err`` None: nothing was sent (refused before, or locked); what the camera said last
        time still holds.
        """
        self._refused = True
        self._retry_after_unlock()
        reason = const.REASON_INVALID_AUTH
        attempts_left: int | None = None
        if isinstance(err, IsapiNotActivatedError):
            full = self._full_restore_sent
            reason = const.REASON_RESTORED_FULL if full else const.REASON_NOT_ACTIVATED
        elif isinstance(err, IsapiAuthenticationError):
            attempts_left = err.attempts_left
            await self.memory.async_note_refusal(self.key, self.password, err)
            self._retry_after_unlock()  # a lock (someone else's logins?): one try once it ends
        locked_minutes = self.memory.minutes_locked(self.key)
        if locked_minutes is not None:
            reason = const.REASON_LOCKED
        if err is not None or trouble_for(self.hass, self.entry.entry_id) is None:
            trouble = Trouble(reason, attempts_left, locked_minutes)
            async_report_trouble(self.hass, self.entry, trouble)
        return reason, locked_minutes

    async def async_auth_failed(self, err: IsapiError | None) -> NoReturn:
        """The camera refused us (polling, setup): remember why, stop, and start the journey.

        Raises ``ConfigEntryAuthFailed``: the coordinator stops polling and Home Assistant
        starts the reauth flow (and its one "Authentication expired" repair).
        """
        reason, minutes = await self._note(err)
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN,
            translation_key=reason,
            translation_placeholders={"name": self.entry.title, "minutes": str(minutes)},
        )

    async def async_refused_while_acting(self, err: IsapiError) -> None:
        """The camera refused a button press or an action: as a poll would, without raising."""
        await self._note(err)
        self.entry.async_start_reauth(self.hass)

    def told(self, err: IsapiError) -> Exception:
        """The refusal as the client said it (its sentence points to the reauth repair)."""
        return err

    @callback
    def async_gone_after_full_restore(self) -> None:
        """A full restore wiped the camera, and it did not come back to its address."""
        self._refused = True
        async_report_trouble(self.hass, self.entry, Trouble(const.REASON_RESTORED_FULL))
        self.entry.async_start_reauth(self.hass)

    @callback
    def async_accepted(self) -> None:
        """The camera accepted us: no trouble any more."""
        async_clear_trouble(self.hass, self.entry.entry_id)

    @callback
    def _retry_after_unlock(self) -> None:
        """Reload the entry (one login) once the camera's lock has run out; nothing before.

        The timer lives outside the entry (a failed setup unloads it): it is kept per entry in
        ``hass.data``, and cancelled when the entry is removed or Home Assistant stops.
        """
        seconds = self.memory.seconds_locked(self.key)
        retries = self.hass.data.setdefault(_UNLOCK_RETRIES, {})
        entry_id = self.entry.entry_id
        if seconds is None or entry_id in retries:
            return

        @callback
        def unlocked(_now: datetime) -> None:
            retries.pop(entry_id, None)
            self.hass.config_entries.async_schedule_reload(entry_id)

        retries[entry_id] = async_call_later(self.hass, seconds + const.UNLOCK_MARGIN, unlocked)


class RouteGuard:
    """Login safety for a camera behind a recorder, on the route it is reached by.

    A route in the camera's own login (``key``: its account there) remembers a refusal for that
    account (never sent again, across restarts too); the camera has no entry of its own, so there
    is no reauth: the recorder's options take its password, its repair brings it back. A route in
    the recorder's login (``key`` None) is the recorder's guard: held back while the recorder's
    login is, and a refusal is the recorder's (its own reauth journey).
    """

    def __init__(
        self,
        memory: LoginMemory,
        key: str | None,
        password: str,
        recorder: LoginGuard,
        gone: Callable[[], None],
    ) -> None:
        """``gone``: what a wiped camera that did not come back leads to (its repair)."""
        self.memory = memory
        self.key = key
        self.password = password
        self.recorder = recorder
        self._gone = gone

    async def must_not_log_in(self) -> bool:
        """Refused before or locked: the route's own account, or the recorder's."""
        if self.key is None:
            return await self.recorder.must_not_log_in()
        return (
            await self.memory.was_refused(self.key, self.password)
            or self.memory.minutes_locked(self.key) is not None
        )

    def refusal(self) -> NothingSentError:
        """Why nothing is sent."""
        if self.key is None:
            return RecorderRefusedError("the recorder's login is refused or locked")
        if self.memory.minutes_locked(self.key) is not None:
            return AccountLockedError("the account is locked")
        return CameraPasswordRefusedError("the camera refused this password")

    @callback
    def note_full_restore(self) -> None:
        """Nothing to note: the follow asks the recorder, never the camera's login."""

    async def async_refused_while_acting(self, err: IsapiError) -> None:
        """A refused login: never sent again (the recorder's: its reauth); inactive: its repair."""
        if isinstance(err, IsapiNotActivatedError):
            self._gone()
        elif not isinstance(err, IsapiAuthenticationError):
            return
        elif self.key is None:
            await self.recorder.async_refused_while_acting(err)
        else:
            await self.memory.async_note_refusal(self.key, self.password, err)

    def told(self, err: IsapiError) -> Exception:
        """A refused login, said as what to do: the recorder's repair, or its options."""
        return self.refusal() if isinstance(err, IsapiAuthenticationError) else err

    @callback
    def async_gone_after_full_restore(self) -> None:
        """Wiped and not back: the way home behind the recorder (its repair)."""
        self._gone()
