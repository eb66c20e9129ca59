"""What the restorer restores: a camera of its own entry, or one behind a recorder.

A target names the camera (the key its restore is kept under, its name, what events say of
it), reaches it (the client of its route; how to ask, without credentials, whether it is up;
how it restarts, where its settings are kept), and carries the guard that says whether Home
Assistant may log in to it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_PASSWORD
from homeassistant.core import HomeAssistant

from ..coordinator import HikvisionCoordinator
from ..errors import NothingSentError
from ..events import about
from ..isapi import DeviceInfo, IsapiClient, IsapiConnectionError, IsapiError
from .settings import SettingsPlace


class Guard(Protocol):
    """What the restorer asks of login safety (``auth.guard``)."""

    async def must_not_log_in(self) -> bool:
        """Whether nothing may be sent (refused before, or locked)."""

    def refusal(self) -> NothingSentError:
        """Why nothing is sent."""

    def note_full_restore(self) -> None:
        """A full restore was sent."""

    async def async_refused_while_acting(self, err: IsapiError) -> None:
        """The camera refused a press or an action."""

    def told(self, err: IsapiError) -> Exception:
        """What the person is told of that refusal (``err`` itself, or a better sentence)."""

    def async_gone_after_full_restore(self) -> None:
        """A full restore wiped the camera, and it did not come back."""


@dataclass(frozen=True, slots=True)
class Target:
    """One camera, as the restorer needs it."""

    key: str  # what its restore is kept under (an entry id, or entry id and channel)
    name: str
    client: IsapiClient | None  # its route (None: no way to the camera itself)
    guard: Guard
    password: str
    identity: Callable[[], DeviceInfo]  # what it said it is
    about: Callable[[], dict[str, Any]]  # what its events say of it
    is_up: Callable[[], Awaitable[bool | None]]  # activated?, without credentials; None: down
    reboot: Callable[[], Awaitable[object]]
    updated: Callable[[], None]  # its entities listen
    back: Callable[[], Awaitable[None]]  # what follows when it is back online
    timed_out: Callable[[], Awaitable[None]]  # what follows when it did not come back
    settings: Callable[[], SettingsPlace | None]  # where its settings are kept (None: nowhere)
    # Settings put back bring another password: as its reboot is followed (told to whoever else
    # logs in to it; again after a restart), and once it is back (Home Assistant's login).
    password_put_back: Callable[[str], Awaitable[None]]
    new_password: Callable[[str], Awaitable[None]]
    verify: Callable[[], Awaitable[None]] | None = None  # before a command: is it this camera?


async def camera_is_up(client: IsapiClient) -> bool | None:
    """Whether the camera is activated, asked without credentials; None when it is down."""
    try:
        return await client.is_activated()
    except IsapiConnectionError:
        return None
    except IsapiError:
        return True  # it answers, with something we do not parse: it is up


def entry_target(
    hass: HomeAssistant, entry: ConfigEntry[Any], coordinator: HikvisionCoordinator
) -> Target:
    """The camera of its own entry."""
    client = coordinator.client

    def identity() -> DeviceInfo:
        return coordinator.data

    async def is_up() -> bool | None:
        return await camera_is_up(client)

    async def password_put_back(password: str) -> None:
        """Nothing yet: the entry's password changes once the camera is back with it."""

    async def new_password(password: str) -> None:
        """Log in with it from now on (the entry reloads with it)."""
        hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_PASSWORD: password})
        hass.config_entries.async_schedule_reload(entry.entry_id)

    return Target(
        key=entry.entry_id,
        name=entry.title,
        client=client,
        guard=coordinator.guard,
        password=coordinator.password,
        identity=identity,
        about=lambda: about(hass, entry),
        is_up=is_up,
        reboot=client.reboot,
        updated=coordinator.async_update_listeners,
        back=coordinator.async_refresh,
        timed_out=coordinator.async_request_refresh,
        settings=lambda: SettingsPlace(str(entry.unique_id)),
        password_put_back=password_put_back,
        new_password=new_password,
    )
