"""SADP's commands: discovery, activation, network settings, each with its honest fallback.

An inquiry goes to every destination; a command goes to one destination at a time (the group,
then at most one fallback), and the sends of a password-bearing command are budgeted: a device
counts every wrong password it hears. See the package's docstring for the protocol's sources.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Final
import uuid as uuid_lib

from ..errors import IsapiConnectionError, IsapiError, IsapiInvalidResponseError
from .messages import (
    NetworkSettings,
    SadpDevice,
    SadpReply,
    activate_message,
    exchangecode_message,
    probe_message,
    update_message,
)
from .passwords import (
    KeyMode,
    UpdateLayout,
    encode_exchange_key,
    new_exchange_key,
    open_exchange_code,
    seal_password,
)
from .transport import Address, SadpTransport

_SUCCESS: Final = "success"


class SadpError(IsapiError):
    """A SADP exchange did not work."""


class SadpTimeoutError(SadpError, IsapiConnectionError):
    """No device answered the command in time (it may not have been received)."""


class SadpCommandFailedError(SadpError):
    """The device refused the command (a ``Result`` other than ``success``).

    ``tried``: the variants sent (key readings, password layouts), in order; ``sent``: how many
    times the command reached for the device; ``retries_left``: what the device said remains,
    when it said so; ``target``: where it answered (the next command goes there first).
    """

    def __init__(
        self,
        command: str,
        result: str,
        *,
        tried: tuple[str, ...] = (),
        sent: int = 1,
        retries_left: int | None = None,
        target: Address | None = None,
    ) -> None:
        """Keep what the device said and what was tried."""
        super().__init__(f"{command}: the device answered {result or 'nothing'}")
        self.command = command
        self.result = result
        self.tried = tried
        self.sent = sent
        self.retries_left = retries_left
        self.target = target


@dataclass(frozen=True, slots=True)
class SadpOutcome:
    """A command the device accepted: the variant that worked and where it was sent."""

    variant: str | None  # a KeyMode or UpdateLayout; None when there was no choice (MD5)
    target: Address
    sent: int  # sends it took (each one of the device's attempts, for a password)


def _refusal(
    command: str, reply: SadpReply, tried: list[str], sent: int, target: Address
) -> SadpCommandFailedError:
    """The error of a refused command, with what was tried and what the device said."""
    return SadpCommandFailedError(
        command,
        reply.result or "",
        tried=tuple(tried),
        sent=sent,
        retries_left=reply.retries_left,
        target=target,
    )


class SadpClient(SadpTransport):
    """Sends SADP messages to ``targets`` and reads the answers.

    Production defaults: the multicast group, then the broadcast address, on 37020 (commands go
    to the group first: the protocol source's latest version), and a listener
    on 0.0.0.0:37020 joined to the group. Tests and the demo pass loopback addresses instead.
    """

    async def discover(self, wait: float | None = None) -> list[SadpDevice]:
        """Every device that answers an inquiry within ``wait`` seconds, once each (by MAC).

        The inquiry goes to every target (the group and the broadcast address by default): it
        asks, it changes nothing.
        """
        uuid = str(uuid_lib.uuid4()).upper()
        found: dict[str, SadpDevice] = {}
        message = probe_message(uuid)
        for reply in await self._exchange(message, "inquiry", None, wait, self.targets):
            if reply.device is not None:
                found.setdefault(reply.device.mac, reply.device)
        return list(found.values())

    def _command_targets(self, first: Address | None) -> tuple[Address, ...]:
        """Where a command goes, in order: the one that answered last time, then the others."""
        ordered = [t for t in self.targets if t == first] + [t for t in self.targets if t != first]
        return tuple(ordered[:2])  # the choice (the group) and at most one fallback

    async def _command(
        self,
        message: bytes,
        command: str,
        device: SadpDevice,
        *,
        wait: float | None,
        targets: tuple[Address, ...],
        budget: list[int],
    ) -> tuple[SadpReply, Address]:
        """Send a command to one destination at a time until one answers.

        Each send spends one of ``budget`` (a device counts a wrong password each time it hears
        one); a destination that does not answer gives way to the next. Raises
        :class:`SadpTimeoutError` when none answers, or the budget is spent.
        """
        for target in targets:
            if budget[0] <= 0:
                break
            budget[0] -= 1
            replies = await self._exchange(message, command, device.mac, wait, (target,))
            if replies:
                return replies[0], target
        raise SadpTimeoutError(f"{command}: no answer from {device.mac}")

    async def activate(
        self,
        device: SadpDevice,
        password: str,
        *,
        key_modes: tuple[KeyMode, ...] = (KeyMode.ASCII, KeyMode.HEX),
        first_target: Address | None = None,
        wait: float | None = None,
    ) -> SadpOutcome:
        """Activate an inactive device with ``password``: ``exchangecode``, then ``activate``.

        How the AES key is made from the device's random string is single source: the first of
        ``key_modes`` is sent, and when the device refuses it, the other once (a new
        ``exchangecode`` each time). At most two ``activate`` sends.
        """
        targets = self._command_targets(first_target)
        budget = [2]
        tried: list[str] = []
        refusal: SadpCommandFailedError | None = None
        for mode in key_modes[:2]:
            key = await asyncio.to_thread(new_exchange_key)
            uuid = str(uuid_lib.uuid4()).upper()
            exchange = exchangecode_message(uuid, device.dashed_mac, encode_exchange_key(key))
            reply, target = await self._command(
                exchange, "exchangecode", device, wait=wait, targets=targets, budget=[2]
            )
            if reply.result != _SUCCESS or not reply.code:  # no activate was sent
                raise SadpError(f"exchangecode: the device answered {reply.result or 'nothing'}")
            random = open_exchange_code(key, reply.code)
            try:
                sealed = seal_password(random, password, mode)
            except IsapiInvalidResponseError:  # this reading cannot apply: nothing is sent
                continue
            message = activate_message(uuid, device.dashed_mac, sealed)
            answer, target = await self._command(
                message, "activate", device, wait=wait, targets=(target,), budget=budget
            )
            tried.append(str(mode))
            if answer.result == _SUCCESS:
                return SadpOutcome(str(mode), target, 2 - budget[0])
            refusal = _refusal("activate", answer, tried, 2 - budget[0], target)
        if refusal is None:
            raise IsapiInvalidResponseError("exchangecode: no key reading fits the random string")
        raise refusal

    async def update_network(
        self,
        device: SadpDevice,
        password: str,
        settings: NetworkSettings,
        *,
        username: str = "admin",
        layouts: tuple[UpdateLayout, ...] = (UpdateLayout.UUID_TAIL, UpdateLayout.ZERO_TAIL),
        first_target: Address | None = None,
        wait: float | None = None,
    ) -> SadpOutcome:
        """Set ``device``'s network settings (it needs its admin password).

        A device that announces a ``Salt`` takes the salted password, whose layout is single
        source: the first of ``layouts``, and on a refusal the other once. Never more than two
        ``update`` sends (of the device's six attempts before it locks), whatever the answers.
        """
        targets = self._command_targets(first_target)
        budget = [2]
        tried: list[str] = []
        refusal: SadpCommandFailedError | None = None
        for layout in layouts[:2] if device.salt else (None,):
            if budget[0] <= 0:
                break
            uuid = str(uuid_lib.uuid4()).upper()
            message = update_message(
                uuid, device, password, settings, username, layout=layout or UpdateLayout.UUID_TAIL
            )
            reply, target = await self._command(
                message, "update", device, wait=wait, targets=targets, budget=budget
            )
            tried.append(str(layout or "md5"))
            if reply.result == _SUCCESS:
                return SadpOutcome(None if layout is None else str(layout), target, 2 - budget[0])
            refusal = _refusal("update", reply, tried, 2 - budget[0], target)
            if refusal.retries_left == 0:  # the camera says it takes no more: stop
                break
            targets = (target,)  # it answered there: the other layout goes there too
        assert refusal is not None
        raise refusal
