"""SADP's transport: sends each message once, reads the answers.

An inquiry goes to every destination; a command goes to one destination at a time (the group,
then at most one fallback), and the sends of a password-bearing command are budgeted: a device
counts every wrong password it hears. See the package's docstring for the protocol's sources.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
import logging
import socket
from typing import Final
import uuid as uuid_lib

from ..errors import IsapiConnectionError, IsapiError, IsapiInvalidResponseError
from .messages import (
    MAX_DATAGRAM,
    KeyMode,
    NetworkSettings,
    SadpDevice,
    SadpReply,
    UpdateLayout,
    activate_message,
    encode_exchange_key,
    exchangecode_message,
    new_exchange_key,
    open_exchange_code,
    parse_reply,
    probe_message,
    seal_password,
    update_message,
)

_LOGGER = logging.getLogger(__name__)

SADP_PORT: Final = 37020
MULTICAST_GROUP: Final = "239.255.255.250"
BROADCAST: Final = "255.255.255.255"
DEFAULT_TARGETS: Final = ((MULTICAST_GROUP, SADP_PORT), (BROADCAST, SADP_PORT))
MAX_DEVICES: Final = 256
MAX_QUEUED: Final = 1024
DEFAULT_TIMEOUT: Final = 3.0
_SUCCESS: Final = "success"

type Address = tuple[str, int]


class SadpError(IsapiError):
    """A SADP exchange did not work."""


class SadpTimeoutError(SadpError, IsapiConnectionError):
    """No device answered the command in time (it may not have been received)."""


class SadpCommandFailedError(SadpError):
    """The device refused the command (a ``Result`` other than ``success``).

    ``tried``: the variants sent (key readings, password layouts), in order; ``sent``: how many
    times the command reached for the device; ``retries_left``: what the device said remains,
    when it said so.
    """

    def __init__(
        self,
        command: str,
        result: str,
        *,
        tried: tuple[str, ...] = (),
        sent: int = 1,
        retries_left: int | None = None,
    ) -> None:
        """Keep what the device said and what was tried."""
        super().__init__(f"{command}: the device answered {result or 'nothing'}")
        self.command = command
        self.result = result
        self.tried = tried
        self.sent = sent
        self.retries_left = retries_left


@dataclass(frozen=True, slots=True)
class SadpOutcome:
    """A command the device accepted: the variant that worked and where it was sent."""

    variant: str | None  # a KeyMode or UpdateLayout; None when there was no choice (MD5)
    target: Address
    sent: int  # sends it took (each one of the device's attempts, for a password)


def _refusal(command: str, reply: SadpReply, tried: list[str], sent: int) -> SadpCommandFailedError:
    """The error of a refused command, with what was tried and what the device said."""
    return SadpCommandFailedError(
        command, reply.result or "", tried=tuple(tried), sent=sent, retries_left=reply.retries_left
    )


class _Inbox(asyncio.DatagramProtocol):
    """Queues the datagrams a socket receives (bounded; oversized ones are dropped)."""

    def __init__(self, queue: asyncio.Queue[bytes]) -> None:
        self.queue = queue

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        if len(data) <= MAX_DATAGRAM and not self.queue.full():
            self.queue.put_nowait(data)

    def error_received(self, exc: Exception) -> None:
        _LOGGER.debug("SADP socket error: %s", exc)


class SadpClient:
    """Sends SADP messages to ``targets`` and reads the answers.

    Production defaults: the multicast group, then the broadcast address, on 37020 (commands go
    to the group first: the protocol source's latest version), and a listener
    on 0.0.0.0:37020 joined to the group. Tests and the demo pass loopback addresses instead.
    """

    def __init__(
        self,
        targets: tuple[Address, ...] = DEFAULT_TARGETS,
        *,
        bind_host: str = "0.0.0.0",
        listen: Address | None = ("0.0.0.0", SADP_PORT),
        multicast_group: str | None = MULTICAST_GROUP,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        """Describe where to send and listen; nothing is opened until a call."""
        self.targets = targets
        self.bind_host = bind_host
        self.listen = listen
        self.multicast_group = multicast_group
        self.timeout = timeout

    async def _open(
        self, queue: asyncio.Queue[bytes]
    ) -> tuple[asyncio.DatagramTransport, list[asyncio.DatagramTransport]]:
        loop = asyncio.get_running_loop()
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sender.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        sender.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        sender.bind((self.bind_host, 0))
        sender.setblocking(False)
        transport, _ = await loop.create_datagram_endpoint(lambda: _Inbox(queue), sock=sender)
        extra: list[asyncio.DatagramTransport] = []
        if self.listen is not None:
            listener = self._listener()
            if listener is not None:
                extra_transport, _ = await loop.create_datagram_endpoint(
                    lambda: _Inbox(queue), sock=listener
                )
                extra.append(extra_transport)
        return transport, extra

    def _listener(self) -> socket.socket | None:
        """A socket on the SADP port (joined to the group), or None when it cannot be had."""
        assert self.listen is not None
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if hasattr(socket, "SO_REUSEPORT"):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind(self.listen)
            if self.multicast_group:
                membership = socket.inet_aton(self.multicast_group) + socket.inet_aton("0.0.0.0")
                sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
            sock.setblocking(False)
        except OSError as err:  # the port is taken (another SADP tool), or no multicast route
            _LOGGER.debug("SADP: not listening on %s: %s", self.listen, err)
            sock.close()
            return None
        return sock

    async def _exchange(
        self,
        message: bytes,
        wanted: str,
        mac: str | None,
        wait: float | None,
        targets: tuple[Address, ...],
    ) -> list[SadpReply]:
        """Send ``message`` once to each of ``targets``; the replies of type ``wanted``.

        For a command (``mac`` given) the first reply from that MAC ends the wait.
        """
        queue: asyncio.Queue[bytes] = asyncio.Queue(MAX_QUEUED)
        sender, listeners = await self._open(queue)
        replies: list[SadpReply] = []
        try:
            for target in targets:
                sender.sendto(message, target)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait or self.timeout):
                    while len(replies) < MAX_DEVICES:
                        reply = parse_reply(await queue.get())
                        if reply is None or reply.types != wanted:
                            continue
                        if mac is not None:
                            if reply.device is None or reply.device.mac == mac:
                                return [reply]
                            continue
                        replies.append(reply)
        finally:
            sender.close()
            for listener in listeners:
                listener.close()
        return replies

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
            if reply.result != _SUCCESS or not reply.code:
                raise SadpCommandFailedError("exchangecode", reply.result or "")
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
            refusal = _refusal("activate", answer, tried, 2 - budget[0])
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
            refusal = _refusal("update", reply, tried, 2 - budget[0])
            targets = (target,)  # it answered there: the other layout goes there too
        assert refusal is not None
        raise refusal
