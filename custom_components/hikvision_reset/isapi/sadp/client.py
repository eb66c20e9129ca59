"""SADP's transport: sends a message once to the configured destinations, reads the answers.

See the package's docstring for the protocol and its sources.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from typing import Final
import uuid as uuid_lib

from ..errors import IsapiConnectionError, IsapiError, IsapiInvalidResponseError
from ..xml import normalise_mac
from .messages import (
    MAX_DATAGRAM,
    KeyMode,
    NetworkSettings,
    SadpDevice,
    SadpReply,
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
    """The device answered the command with a result other than ``success``."""

    def __init__(self, command: str, result: str) -> None:
        """Keep what the device said."""
        super().__init__(f"{command}: the device answered {result or 'nothing'}")
        self.command = command
        self.result = result


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

    Production defaults: the multicast group and the broadcast address on 37020, and a listener
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
        self, message: bytes, wanted: str, mac: str | None, wait: float | None
    ) -> list[SadpReply]:
        """Send ``message`` once to every target; the replies of type ``wanted`` until timeout.

        For a command (``mac`` given) the first reply from that MAC ends the wait.
        """
        queue: asyncio.Queue[bytes] = asyncio.Queue(MAX_QUEUED)
        sender, listeners = await self._open(queue)
        replies: list[SadpReply] = []
        try:
            for target in self.targets:
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
        """Every device that answers an inquiry within ``wait`` seconds, once each (by MAC)."""
        uuid = str(uuid_lib.uuid4()).upper()
        found: dict[str, SadpDevice] = {}
        for reply in await self._exchange(probe_message(uuid), "inquiry", None, wait):
            if reply.device is not None:
                found.setdefault(reply.device.mac, reply.device)
        return list(found.values())

    async def find(self, mac: str, wait: float | None = None) -> SadpDevice | None:
        """The device with ``mac`` (any format), or None when it does not answer."""
        wanted = normalise_mac(mac)
        return next((d for d in await self.discover(wait) if d.mac == wanted), None)

    async def _command(
        self, message: bytes, command: str, device: SadpDevice, wait: float | None
    ) -> SadpReply:
        replies = await self._exchange(message, command, device.mac, wait)
        if not replies:
            raise SadpTimeoutError(f"{command}: no answer from {device.mac}")
        reply = replies[0]
        if reply.result != _SUCCESS:
            raise SadpCommandFailedError(command, reply.result or "")
        return reply

    async def activate(
        self,
        device: SadpDevice,
        password: str,
        *,
        key_mode: KeyMode = KeyMode.ASCII,
        wait: float | None = None,
    ) -> None:
        """Activate an inactive device with ``password``: ``exchangecode``, then ``activate``."""
        key = await asyncio.to_thread(new_exchange_key)
        uuid = str(uuid_lib.uuid4()).upper()
        exchange = exchangecode_message(uuid, device.dashed_mac, encode_exchange_key(key))
        reply = await self._command(exchange, "exchangecode", device, wait)
        if not reply.code:
            raise IsapiInvalidResponseError("exchangecode reply without Code")
        random = open_exchange_code(key, reply.code)
        sealed = seal_password(random, password, key_mode)
        await self._command(
            activate_message(uuid, device.dashed_mac, sealed), "activate", device, wait
        )

    async def update_network(
        self,
        device: SadpDevice,
        password: str,
        settings: NetworkSettings,
        *,
        username: str = "admin",
        wait: float | None = None,
    ) -> None:
        """Set ``device``'s network settings (it needs its admin password). Sent once."""
        uuid = str(uuid_lib.uuid4()).upper()
        message = update_message(uuid, device, password, settings, username)
        await self._command(message, "update", device, wait)
