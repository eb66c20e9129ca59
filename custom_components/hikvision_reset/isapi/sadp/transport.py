"""SADP's transport: UDP sockets on loopback or the LAN, one message out, its answers in.

Invariants: a message is sent once to each destination given; what arrives is bounded (size,
count) and parsed without raising; sockets live for one exchange only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from typing import Final

from .messages import MAX_DATAGRAM, SadpReply, parse_reply

_LOGGER = logging.getLogger(__name__)

SADP_PORT: Final = 37020
MULTICAST_GROUP: Final = "239.255.255.250"
BROADCAST: Final = "255.255.255.255"
DEFAULT_TARGETS: Final = ((MULTICAST_GROUP, SADP_PORT), (BROADCAST, SADP_PORT))
MAX_DEVICES: Final = 256
MAX_QUEUED: Final = 1024
DEFAULT_TIMEOUT: Final = 3.0

type Address = tuple[str, int]


class _Inbox(asyncio.DatagramProtocol):
    """Queues the datagrams a socket receives (bounded; oversized ones are dropped)."""

    def __init__(self, queue: asyncio.Queue[bytes]) -> None:
        self.queue = queue

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        if len(data) <= MAX_DATAGRAM and not self.queue.full():
            self.queue.put_nowait(data)

    def error_received(self, exc: Exception) -> None:
        _LOGGER.debug("SADP socket error: %s", exc)


class SadpTransport:
    """Where SADP goes and listens, and one exchange at a time.

    Production defaults: the multicast group, then the broadcast address, on 37020, and a
    listener on 0.0.0.0:37020 joined to the group. Tests and the demo pass loopback addresses.
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
