"""Bringing a reset camera home: activate it, give it its address back, wait for it.

Used by the reauth journey and by the add flow's search. Each function does one thing once;
nothing here retries a command or a login. Over SADP, a single-source variant that worked
with this camera (``CONF_SADP``, kept with the entry) is tried first the next time.
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT
from homeassistant.core import HomeAssistant

from ..auth.login import client_from_data
from ..const import DEFAULT_USERNAME
from ..errors import AddressTakenError
from ..isapi import DeviceInfo, IsapiAuthenticationError, IsapiError, IsapiNotActivatedError
from ..isapi.sadp import (
    KeyMode,
    NetworkSettings,
    SadpCommandFailedError,
    SadpDevice,
    SadpOutcome,
    UpdateLayout,
)
from .network import REACH_TIMEOUT, async_address_answers
from .sadp import address_of, sadp_client

# What worked with this camera over SADP (kept with the entry, tried first next time):
# {"key_mode": KeyMode, "update_layout": UpdateLayout, "target": "host:port"}, and the layouts
# a camera refused since (tried last).
CONF_SADP: Final = "sadp"
UPDATE_REFUSED: Final = "update_refused"
# How long a camera may take to come back at its new address after an update (it restarts its
# network stack; some firmware reboots).
BACK_TIMEOUT: Final = 180.0
BACK_INTERVAL: Final = 3.0


def device_data(connection: dict[str, Any], device: SadpDevice, password: str) -> dict[str, Any]:
    """Connection settings for ``device`` where it is now, with ``password``."""
    return {
        **connection,
        CONF_HOST: device.ipv4,
        CONF_PORT: device.web_port,
        CONF_PASSWORD: password,
    }


def _first[T: str](
    known: str | None, choices: tuple[T, ...], refused: object = ()
) -> tuple[T, ...]:
    """``choices`` with the one that worked last time (``known``) first, refused ones last."""
    gone = set(refused) if isinstance(refused, list | tuple) else set()
    return tuple(sorted(choices, key=lambda choice: (choice in gone, choice != known)))


def _learned_target(learned: dict[str, Any]) -> tuple[str, int] | None:
    text = learned.get("target")
    return address_of(text) if isinstance(text, str) and ":" in text else None


def learned_sadp(learned: dict[str, Any], outcome: SadpOutcome, variant_key: str) -> dict[str, Any]:
    """What an accepted SADP command teaches about this camera, added to what was known."""
    updated = {**learned, "target": f"{outcome.target[0]}:{outcome.target[1]}"}
    if outcome.variant is not None:
        updated[variant_key] = outcome.variant
    updated.pop(UPDATE_REFUSED, None)
    return updated


def learned_from_refusal(learned: dict[str, Any], err: SadpCommandFailedError) -> dict[str, Any]:
    """What a refused command teaches: where the camera answers, and the layouts it refused.

    The next submit sends the other layout first; nothing is sent again here.
    """
    updated = dict(learned)
    if err.target is not None:
        updated["target"] = f"{err.target[0]}:{err.target[1]}"
    if err.command == "update":
        known = updated.get(UPDATE_REFUSED)
        refused = [*known] if isinstance(known, list) else []
        updated[UPDATE_REFUSED] = [*refused, *(t for t in err.tried if t not in refused)]
    return updated


async def async_activate(
    hass: HomeAssistant, connection: dict[str, Any], device: SadpDevice, password: str
) -> tuple[str, dict[str, Any]]:
    """Activate ``device`` with ``password``: over ISAPI when its address answers, else SADP.

    Returns ``"isapi"`` or ``"sadp"``, and what the camera taught (``CONF_SADP``); raises the
    client's errors. SADP tries the key reading that worked before first, and the other once.
    """
    client = client_from_data(hass, device_data(connection, device, password))
    learned: dict[str, Any] = dict(connection.get(CONF_SADP) or {})
    activated: bool | None
    try:
        async with asyncio.timeout(REACH_TIMEOUT):
            activated = await client.is_activated()
    except TimeoutError, IsapiError:
        activated = None  # its web port is out of reach (another segment): SADP it is
    if activated is False:
        await client.activate(password)
        return "isapi", learned
    if activated:
        raise IsapiError("the camera's web page says it is already activated")
    outcome = await sadp_client().activate(
        device,
        password,
        key_modes=_first(learned.get("key_mode"), (KeyMode.ASCII, KeyMode.HEX)),
        first_target=_learned_target(learned),
    )
    return "sadp", learned_sadp(learned, outcome, "key_mode")


async def async_move(
    hass: HomeAssistant,
    connection: dict[str, Any],
    device: SadpDevice,
    password: str,
    settings: NetworkSettings,
) -> dict[str, Any]:
    """Give ``device`` the network ``settings`` (SADP ``update``, with its admin password).

    Refused with :class:`AddressTakenError`, nothing sent, when another device already answers
    at that address (the reset camera is not there: SADP found it elsewhere). Returns what the
    camera taught (``CONF_SADP``): the salted password's layout that worked is tried first next
    time.
    """
    if not settings.dhcp and await async_address_answers(
        hass, connection, settings.ipv4, settings.http_port
    ):
        raise AddressTakenError(settings.ipv4)
    learned: dict[str, Any] = dict(connection.get(CONF_SADP) or {})
    outcome = await sadp_client().update_network(
        device,
        password,
        settings,
        username=DEFAULT_USERNAME,  # a reset camera's one account (the source's too)
        layouts=_first(
            learned.get("update_layout"),
            (UpdateLayout.UUID_TAIL, UpdateLayout.ZERO_TAIL),
            learned.get(UPDATE_REFUSED),
        ),
        first_target=_learned_target(learned),
    )
    return learned_sadp(learned, outcome, "update_layout")


async def async_wait_back(hass: HomeAssistant, data: dict[str, Any]) -> DeviceInfo:
    """Wait until the camera answers ``deviceInfo`` at ``data``'s address with its password.

    A refused login ends the wait at once (never a second login with a refused password).
    Raises ``TimeoutError`` when it does not come back in time.
    """
    client = client_from_data(hass, data)
    async with asyncio.timeout(BACK_TIMEOUT):
        # A camera takes seconds to apply new network settings: look only after a first pause.
        # (An answer within milliseconds would also end the progress step before the frontend
        # has subscribed to it, leaving the dialog waiting.)
        await asyncio.sleep(BACK_INTERVAL)
        while True:
            try:
                return await client.device_info()
            except IsapiAuthenticationError, IsapiNotActivatedError:
                raise
            except IsapiError:
                await asyncio.sleep(BACK_INTERVAL)
