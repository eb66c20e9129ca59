"""SADP on the wire: the messages, the ProbeMatch parser and the password encodings.

No I/O here (``client`` sends and receives); see the package's docstring for the sources.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from enum import StrEnum
import hashlib
import socket
from typing import Final
from xml.sax.saxutils import escape

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from ..errors import IsapiInvalidResponseError
from ..xml import child_text, local_name, normalise_mac, parse_document

MAX_DATAGRAM: Final = 16 * 1024  # a ProbeMatch is about 1.5 KB


class KeyMode(StrEnum):
    """How the AES key of an SADP activation is made from the device's random string."""

    ASCII = "ascii"  # the ASCII of its first 16 characters (the public SADP implementation)
    HEX = "hex"  # its first 32 characters hex-decoded (as ISAPI's activation does)


class UpdateLayout(StrEnum):
    """What follows K in the 64-byte buffer of a salted ``update`` password."""

    UUID_TAIL = "uuid_tail"  # ";" + the message's Uuid, then zeros (the source's latest version)
    ZERO_TAIL = "zero_tail"  # zeros only (the source's first version, the same day)


@dataclass(frozen=True, slots=True)
class SadpDevice:
    """One device as its ``ProbeMatch`` describes it."""

    mac: str  # lower case, colon separated
    ipv4: str
    activated: bool | None
    serial_number: str | None = None  # DeviceSN: model + serial, as deviceInfo's serialNumber
    model: str | None = None
    subnet_mask: str | None = None
    gateway: str | None = None
    dhcp: bool | None = None
    http_port: int | None = None
    command_port: int | None = None
    firmware: str | None = None
    password_reset: bool | None = None  # PasswordResetAbility
    security_questions: bool | None = None  # SupportSecurityQuestion
    salt: str | None = None
    locked: bool | None = None  # DeviceLock

    @property
    def dashed_mac(self) -> str:
        """The MAC as SADP requests carry it (``c0-56-e3-…``)."""
        return self.mac.replace(":", "-")


@dataclass(frozen=True, slots=True)
class SadpReply:
    """A parsed ``ProbeMatch``: the inquiry's device, or a command's result."""

    uuid: str
    types: str
    result: str | None
    code: str | None
    device: SadpDevice | None
    retries_left: int | None = None  # when a refusal says how many attempts remain


# A refusal that says how many attempts remain: no public capture names the field, so any
# integer element whose name speaks of retries or what remains is read.
_RETRY_WORDS: Final = ("retry", "remain", "left", "residual")


def _bool(text: str | None) -> bool | None:
    """Lenient: ``true``; ``false`` and the firmware's ``flase``; anything else is unknown."""
    value = (text or "").strip().lower()
    if value == "true":
        return True
    if value in ("false", "flase"):
        return False
    return None


def _int(text: str | None) -> int | None:
    try:
        number = int(text or "")
    except ValueError:
        return None
    return number if 0 < number < 65536 else None


def parse_reply(data: bytes) -> SadpReply | None:
    """Parse one datagram; None for anything that is not a sane ``ProbeMatch`` (never raises)."""
    if len(data) > MAX_DATAGRAM:
        return None
    try:
        root = parse_document(data, "ProbeMatch")
    except IsapiInvalidResponseError:
        return None
    texts = {
        local_name(child.tag): (child.text or "").strip()[:256] for child in root if len(child) == 0
    }
    device: SadpDevice | None = None
    mac = normalise_mac(texts.get("MAC"))
    ipv4 = texts.get("IPv4Address")
    if mac and len(mac) == 17 and ipv4 and _is_ipv4(ipv4):
        device = SadpDevice(
            mac=mac,
            ipv4=ipv4,
            activated=_bool(texts.get("Activated")),
            serial_number=child_text(root, "DeviceSN") or None,
            model=child_text(root, "DeviceDescription") or None,
            subnet_mask=texts.get("IPv4SubnetMask") or None,
            gateway=texts.get("IPv4Gateway") or None,
            dhcp=_bool(texts.get("DHCP")),
            http_port=_int(texts.get("HttpPort")),
            command_port=_int(texts.get("CommandPort")),
            firmware=child_text(root, "SoftwareVersion"),
            password_reset=_bool(texts.get("PasswordResetAbility")),
            security_questions=_bool(texts.get("SupportSecurityQuestion")),
            salt=child_text(root, "Salt", limit=128),
            locked=_bool(texts.get("DeviceLock")),
        )
    retries = [
        int(value)
        for name, value in texts.items()
        if any(word in name.lower() for word in _RETRY_WORDS) and value.isdigit()
    ]
    return SadpReply(
        uuid=texts.get("Uuid", ""),
        types=texts.get("Types", "").strip().lower(),  # "activate " has a space on some firmware
        result=(texts.get("Result") or "").strip().lower() or None,
        code=child_text(root, "Code", limit=4096),
        device=device,
        retries_left=min(retries) if retries and max(retries) < 100 else None,
    )


def _is_ipv4(text: str) -> bool:
    try:
        socket.inet_aton(text)
    except OSError:
        return False
    return text.count(".") == 3


# ---- requests -------------------------------------------------------------------------------


def _fields(fields: list[tuple[str, str]]) -> str:
    return "".join(f"<{name}>{escape(value)}</{name}>" for name, value in fields)


def _message(uuid: str, types: str, before: str = "", after: str = "") -> bytes:
    """A request, its elements in the order the captured tools send them."""
    return (
        f'<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>{escape(uuid)}</Uuid>{before}'
        f"<Types>{types}</Types>{after}</Probe>"
    ).encode()


def probe_message(uuid: str) -> bytes:
    """The ``inquiry`` probe."""
    return _message(uuid, "inquiry")


def exchangecode_message(uuid: str, mac: str, public_key: str) -> bytes:
    """``exchangecode``: the client's RSA public key, for an activation."""
    return _message(uuid, "exchangecode", _fields([("MAC", mac)]), _fields([("Code", public_key)]))


def activate_message(uuid: str, mac: str, sealed_password: str) -> bytes:
    """``activate``: the new admin password, sealed (see :func:`seal_password`)."""
    return _message(
        uuid, "activate", _fields([("MAC", mac)]), _fields([("Password", sealed_password)])
    )


@dataclass(frozen=True, slots=True)
class NetworkSettings:
    """What an ``update`` sets."""

    ipv4: str
    subnet_mask: str
    gateway: str
    http_port: int = 80
    dhcp: bool = False
    command_port: int = 8000


def update_message(
    uuid: str,
    device: SadpDevice,
    password: str,
    settings: NetworkSettings,
    username: str,
    *,
    layout: UpdateLayout = UpdateLayout.UUID_TAIL,
) -> bytes:
    """``update``: network settings for the device with ``device``'s MAC, with its password."""
    value, salted = update_password(password, device.salt, username, uuid, layout)
    attribute = ' bSalt="true"' if salted else ""
    head = _fields([("PWErrorParse", "true"), ("MAC", device.dashed_mac)])
    rest = [
        ("IPv4Address", settings.ipv4),
        ("CommandPort", str(settings.command_port)),
        ("IPv4SubnetMask", settings.subnet_mask),
        ("IPv4Gateway", settings.gateway),
        ("IPv6Address", "::"),
        ("IPv6Gateway", "::"),
        ("IPv6MaskLen", "64"),
        ("DHCP", "true" if settings.dhcp else "false"),
        ("HttpPort", str(settings.http_port)),
    ]
    password_element = f"<Password{attribute}>{escape(value)}</Password>"
    return _message(uuid, "update", after=head + password_element + _fields(rest))


# ---- password encodings ---------------------------------------------------------------------


def new_exchange_key() -> rsa.RSAPrivateKey:
    """The client's RSA-1024 key pair for one activation (CPU-bound: off the event loop)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)


def encode_exchange_key(key: rsa.RSAPrivateKey) -> str:
    """``<Code>`` of ``exchangecode``: base64 of the PKCS#1 ``RSAPublicKey`` DER."""
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.PKCS1
    )
    return base64.b64encode(der).decode()


def open_exchange_code(key: rsa.RSAPrivateKey, code: str) -> str:
    """The device's random string inside the ``exchangecode`` reply's ``<Code>``."""
    try:
        plain = key.decrypt(base64.b64decode(code, validate=True), padding.PKCS1v15())
        text = plain.decode("ascii")
    except ValueError as err:  # binascii.Error and UnicodeDecodeError are ValueErrors
        raise IsapiInvalidResponseError("bad exchangecode reply") from err
    if len(text) < 16:
        raise IsapiInvalidResponseError("exchangecode random string too short")
    return text


def _aes_key(random: str, mode: KeyMode) -> bytes:
    if mode is KeyMode.HEX:
        try:
            return bytes.fromhex(random[:32])
        except ValueError as err:
            raise IsapiInvalidResponseError("random string is not hex") from err
    return random[:16].encode()


def _ecb(key: bytes, plain: bytes) -> bytes:
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return encryptor.update(plain) + encryptor.finalize()


def seal_password(random: str, password: str, mode: KeyMode = KeyMode.ASCII) -> str:
    """``<Password>`` of ``activate``: base64(AES-128-ECB(zero-pad(random[:16] + password)))."""
    plain = random[:16].encode() + password.encode()
    plain += b"\0" * (-len(plain) % 16)
    return base64.b64encode(_ecb(_aes_key(random, mode), plain)).decode()


def update_password(
    password: str,
    salt: str | None,
    username: str,
    uuid: str = "",
    layout: UpdateLayout = UpdateLayout.UUID_TAIL,
) -> tuple[str, bool]:
    """``<Password>`` of ``update``, and whether it is the salted form.

    Without a salt: base64 of the raw MD5 of the password (confirmed). With one (newer firmware,
    single source): K = MD5 of the lower-case hex SHA-256 of username + salt + password; the
    value is base64(AES-128-ECB with key K over 64 bytes): K, then ``";" + uuid`` (the message's
    own Uuid, ``UUID_TAIL``, the source's latest version) or nothing (``ZERO_TAIL``), then zeros.
    """
    if not salt:
        return base64.b64encode(hashlib.md5(password.encode()).digest()).decode(), False
    inner = hashlib.sha256(f"{username}{salt}{password}".encode()).hexdigest()
    key = hashlib.md5(inner.encode()).digest()
    tail = f";{uuid}".encode() if layout is UpdateLayout.UUID_TAIL else b""
    buffer = (key + tail)[:64]
    buffer += b"\0" * (64 - len(buffer))
    return base64.b64encode(_ecb(key, buffer)).decode(), True
