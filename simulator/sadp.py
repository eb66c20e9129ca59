"""The simulated cameras' SADP side: one UDP responder on a loopback address for a set of cameras.

It answers ``inquiry`` with one ``ProbeMatch`` per camera (to the sender, or, in the mode some
sources describe, only to a fixed "group" address standing in for multicast/broadcast), and the
commands ``exchangecode`` / ``activate`` / ``update`` for the camera whose MAC they name, with the
message formats of the project's SADP notes. ``update`` moves the camera's HTTP listener.

Each single-source detail is a camera setting, so that a test can play firmware that reads it
otherwise: the activation key (``sadp_key_mode``), the tail of the salted ``update`` password
(``salted_tail``), whether a refusal says how many attempts remain (``sadp_retry_field``). The
device side's checks are written here from the protocol notes, not borrowed from the client.
Six wrong ``update`` passwords lock ``update`` until the camera is power-cycled.
"""

from __future__ import annotations

import asyncio
import base64
from collections import Counter
from dataclasses import dataclass, field
import logging
import secrets
from typing import TYPE_CHECKING
from xml.etree import ElementTree
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .crypto import open_sadp_activation, update_password_matches, weak

if TYPE_CHECKING:
    from .device import SimulatedCamera

_LOGGER = logging.getLogger(__name__)
type Address = tuple[str, int]


def _text(root: Element, name: str) -> str | None:
    """A request's field (the camera reads its own requests: plain ElementTree)."""
    text = (root.findtext(name) or "").strip()
    return text or None


def probe_match(camera: SimulatedCamera, uuid: str, types: str = "inquiry") -> str:
    """The ``ProbeMatch`` a camera answers (newer-firmware field set)."""
    fields = {
        "Uuid": uuid,
        "Types": types,
        "DeviceType": "142378",
        "DeviceDescription": camera.spec.model,
        "DeviceSN": camera.serial_number,
        "CommandPort": "8000",
        "HttpPort": str(camera.sadp_http_port),
        "MAC": camera.mac.replace(":", "-"),
        "IPv4Address": camera.sadp_address,
        "IPv4SubnetMask": camera.subnet_mask,
        "IPv4Gateway": camera.gateway,
        "IPv6Address": "::",
        "IPv6Gateway": "::",
        "IPv6MaskLen": "64",
        "DHCP": "true" if camera.dhcp else "false",
        "AnalogChannelNum": "0",
        "DigitalChannelNum": "1",
        "SoftwareVersion": f"{camera.spec.firmware}{camera.spec.build}",
        "DSPVersion": "V7.3, build 230531",
        "BootTime": "2026-11-25 09:18:17",
        "Encrypt": "true",
        "ResetAbility": "false",
        "DiskNumber": "0",
        "Activated": "true" if camera.active else "false",
        "PasswordResetAbility": "true" if camera.password_reset_ability else "false",
        "PasswordResetModeSecond": "true",
        "SupportSecurityQuestion": "true" if camera.security_questions else "false",
        "SupportHCPlatform": "true",
        "HCPlatformEnable": "flase",  # sic: real firmware's typo
        "IsModifyVerificationCode": "true",
        "DeviceLock": "false",
    }
    if camera.salt:
        fields["Salt"] = camera.salt
    body = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in fields.items())
    return f'<?xml version="1.0" encoding="UTF-8"?><ProbeMatch>{body}</ProbeMatch>'


def command_reply(camera: SimulatedCamera, uuid: str, types: str, result: str, **extra: str) -> str:
    """A command's reply: a ProbeMatch with Types, Result (and Code for exchangecode)."""
    body = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in extra.items())
    mac = camera.mac.replace(":", "-")
    return (
        '<?xml version="1.0" encoding="UTF-8"?><ProbeMatch>'
        f"<Uuid>{escape(uuid)}</Uuid><Types>{types}</Types><MAC>{mac}</MAC>"
        f"<IPv4Address>{camera.sadp_address}</IPv4Address>"
        f"<Result>{result}</Result>{body}</ProbeMatch>"
    )


@dataclass
class SadpResponder(asyncio.DatagramProtocol):
    """Answers SADP for ``cameras`` on ``host:port`` (``port=0``: any free one)."""

    cameras: list[SimulatedCamera]
    host: str = "127.0.0.1"
    port: int = 0
    # None: reply to the sender (what captures show). An address: reply only there, as firmware
    # that multicasts or broadcasts its replies would (the client's listener must catch them).
    reply_to: Address | None = None
    silent: bool = False  # hear nothing, answer nothing (a camera cut off, on another segment)
    requests: Counter[str] = field(default_factory=Counter)
    senders: list[Address] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Nothing is open until :meth:`start`."""
        self._transport: asyncio.DatagramTransport | None = None
        self._randoms: dict[str, str] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Bind the UDP socket."""
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: self, local_addr=(self.host, self.port)
        )
        self._transport = transport
        self.port = transport.get_extra_info("sockname")[1]

    @property
    def address(self) -> Address:
        """Where to send SADP to reach these cameras."""
        return (self.host, self.port)

    def close(self) -> None:
        """Stop answering."""
        for task in self._tasks:
            task.cancel()
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        """Answer one request (asynchronously: a command may restart a camera's listener)."""
        sender = (str(addr[0]), int(str(addr[1])))
        self.senders.append(sender)
        task = asyncio.get_running_loop().create_task(self._answer(data, sender))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _send(self, text: str, sender: Address) -> None:
        if self._transport is not None:
            self._transport.sendto(text.encode(), self.reply_to or sender)

    async def _answer(self, data: bytes, sender: Address) -> None:
        try:
            root = ElementTree.fromstring(data)
        except ElementTree.ParseError:
            return
        if root.tag != "Probe":
            return
        types = (_text(root, "Types") or "").lower()
        uuid = _text(root, "Uuid") or ""
        self.requests[types] += 1
        if self.silent:
            return
        if types == "inquiry":
            for camera in self.cameras:
                self._send(probe_match(camera, uuid), sender)
            return
        mac = (_text(root, "MAC") or "").lower().replace("-", ":")
        target = next((c for c in self.cameras if c.mac == mac), None)
        if target is None:
            return  # only the device with that MAC processes a command
        if types == "exchangecode":
            code = _text(root, "Code")
            self._send(self._exchangecode(target, uuid, code), sender)
        elif types == "activate":
            sealed = _text(root, "Password")
            self._send(self._activate(target, uuid, sealed), sender)
        elif types == "update":
            self._send(await self._update(target, uuid, root), sender)

    def _exchangecode(self, camera: SimulatedCamera, uuid: str, code: str | None) -> str:
        try:
            key = serialization.load_der_public_key(base64.b64decode(code or "", validate=True))
        except ValueError:
            return command_reply(camera, uuid, "exchangecode", "failed")
        if not isinstance(key, rsa.RSAPublicKey) or key.key_size != 1024:
            return command_reply(camera, uuid, "exchangecode", "failed")
        random = secrets.token_hex(16)  # 32 hex characters
        self._randoms[camera.mac] = random
        sealed = key.encrypt(random.encode(), padding.PKCS1v15())
        return command_reply(
            camera, uuid, "exchangecode", "success", Code=base64.b64encode(sealed).decode()
        )

    def _activate(self, camera: SimulatedCamera, uuid: str, sealed: str | None) -> str:
        random = self._randoms.pop(camera.mac, None)
        if camera.active or random is None or not sealed:
            return command_reply(camera, uuid, "activate ", "failed")  # sic: trailing space
        password = open_sadp_activation(random, sealed, camera.sadp_key_mode)
        if password is None:
            return command_reply(camera, uuid, "activate ", "failed")
        if password in camera.refuse_passwords or weak(password, camera.username):
            return command_reply(camera, uuid, "activate ", "failed")
        camera.password = password
        camera.unlock()
        return command_reply(camera, uuid, "activate ", "success")

    async def _update(self, camera: SimulatedCamera, uuid: str, root: Element) -> str:
        given = _text(root, "Password") or ""
        if not camera.active or camera.sadp_failures >= camera.sadp_attempts:
            return command_reply(camera, uuid, "update", "failed")  # inactive, or locked
        matches = update_password_matches(
            given,
            uuid,
            username=camera.username,
            password=camera.password or "",
            salt=camera.salt,
            tail=camera.salted_tail,
        )
        if not matches:
            camera.sadp_failures += 1
            extra = {}
            if camera.sadp_retry_field:
                left = max(0, camera.sadp_attempts - camera.sadp_failures)
                extra[camera.sadp_retry_field] = str(left)
            return command_reply(camera, uuid, "update", "failed", **extra)
        ipv4 = _text(root, "IPv4Address") or camera.sadp_address
        port = int(_text(root, "HttpPort") or "80")
        camera.subnet_mask = _text(root, "IPv4SubnetMask") or camera.subnet_mask
        camera.gateway = _text(root, "IPv4Gateway") or camera.gateway
        camera.dhcp = (_text(root, "DHCP") or "").lower() == "true"
        reply = command_reply(camera, uuid, "update", "success")
        await camera.move(ipv4, port)
        return reply
