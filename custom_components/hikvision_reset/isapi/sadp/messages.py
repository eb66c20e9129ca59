"""SADP on the wire: the requests and the ProbeMatch parser (which never raises).

No I/O here (``transport`` sends and receives); see the package's docstring for the sources.
"""

from __future__ import annotations

from dataclasses import dataclass
import socket
from typing import Final
from xml.sax.saxutils import escape

from ..errors import IsapiInvalidResponseError
from ..xml import child_text, local_name, normalise_mac, parse_document
from .passwords import UpdateLayout, update_password

MAX_DATAGRAM: Final = 16 * 1024  # a ProbeMatch is about 1.5 KB


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
    def web_port(self) -> int:
        """The web port it reports (80, the factory setting, when it reports none)."""
        return self.http_port or 80

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
