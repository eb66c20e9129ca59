"""A recorder's (NVR's) IP cameras: its channel list, their state, and the routes to them.

What public sources show (hikvision_next's fixtures and code, Hikvision's ISAPI guide text):
``GET /ISAPI/ContentMgmt/InputProxy/channels`` lists the channels (the list's ``size`` attribute
is not trusted: recorders report it wrong); ``…/channels/status`` tells whether each is online;
``GET …/channels/<id>/reboot`` restarts one camera; ``?devIndex=<channel's devIndex>`` forwards a
request to the camera; with the Virtual Host on (``/ISAPI/System/Network/extension``,
``<enVirtualHost>``, one source), the camera's own web port answers at ``recorder:65000+id``;
``PUT …/channels/activate`` activates a reset camera (``…/activate/capabilities`` says by channel
or by address; the body is not public: see :func:`activation_body`); ``…/InputProxy/search``
lists the cameras the recorder sees, with ``activated`` (one source).
Nothing here logs in to a camera; the recorder's client is the one given.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import re
from typing import Final
from xml.sax.saxutils import escape

from .client import IsapiClient
from .errors import IsapiNotSupportedError, IsapiResponseStatusError
from .models import ResponseStatus
from .xml import child_text, local_name, parse_document

CHANNELS_PATH: Final = "/ISAPI/ContentMgmt/InputProxy/channels"
STATUS_PATH: Final = "/ISAPI/ContentMgmt/InputProxy/channels/status"
EXTENSION_PATH: Final = "/ISAPI/System/Network/extension"
ACTIVATE_PATH: Final = "/ISAPI/ContentMgmt/InputProxy/channels/activate"
SEARCH_PATH: Final = "/ISAPI/ContentMgmt/InputProxy/search"
VIRTUAL_HOST_BASE: Final = 65000  # channel 1 at 65001 (users' reports, three sources)
MAX_CHANNELS: Final = 128
_CHANNEL_ELEMENTS: Final = 40 * MAX_CHANNELS
_VIRTUAL_HOST: Final = re.compile(rb"(<(?:[\w.-]+:)?enVirtualHost>)\s*(true|false)\s*(</)", re.I)


@dataclass(frozen=True, slots=True)
class Channel:
    """One of the recorder's IP cameras, as its channel list describes it."""

    id: int
    name: str
    address: str | None  # the camera's own address (often on the recorder's PoE network)
    protocol: str  # HIKVISION, ONVIF, …: only HIKVISION cameras speak ISAPI
    plug_and_play: bool  # connMode plugplay: on one of the recorder's PoE ports
    model: str | None
    serial_number: str | None
    firmware: str | None
    dev_index: str | None  # what the recorder forwards by (not every firmware gives it)
    user_name: str | None

    @property
    def hikvision(self) -> bool:
        """A Hikvision camera (its ISAPI can be asked through the recorder)."""
        return self.protocol.upper() in ("HIKVISION", "ISAPI")

    @property
    def virtual_host_port(self) -> int:
        """Where the recorder's Virtual Host opens this camera's web port."""
        return VIRTUAL_HOST_BASE + self.id


@dataclass(frozen=True, slots=True)
class ChannelState:
    """Whether a channel's camera is connected, as the recorder says (None: not said)."""

    online: bool | None
    detail: str | None  # chanDetectResult: connect, netUnreachable, errorUserNameOrPasswd, …


class ActivateBy(StrEnum):
    """How the recorder is told which camera to activate (``VideoSourceActivationCapability``)."""

    CHANNEL = "ActivateByChannel"
    ADDRESS = "ActivateByAddress"


@dataclass(frozen=True, slots=True)
class FoundCamera:
    """A camera the recorder's search sees (``VideoSourceDescriptor``, one source)."""

    address: str | None
    serial_number: str | None
    activated: bool | None


def activation_body(by: ActivateBy, channel: Channel, password: str) -> bytes:
    """The activation request (``XML_VideoSourceActivation``), as far as public sources go.

    Public: the two forms (the capability's ``ActivateByChannel``/``ActivateByAddress``, each
    with ``proxyProtocol``) and that ``userName`` and ``password`` are carried (Hikvision's web
    SDK). Not public: the element names inside each form; these follow the channel list's own.
    The password goes in the clear inside the recorder's authenticated (HTTPS when set) session.
    """
    where = (
        f"<id>{channel.id}</id>"
        if by is ActivateBy.CHANNEL
        else f"<ipAddress>{escape(channel.address or '')}</ipAddress>"
        "<managePortNo>8000</managePortNo>"
    )
    user = escape(channel.user_name or "admin")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><VideoSourceActivation version="2.0" '
        f'xmlns="http://www.isapi.org/ver20/XMLSchema"><{by}>{where}'
        f"<proxyProtocol>HIKVISION</proxyProtocol><userName>{user}</userName>"
        f"<password>{escape(password)}</password></{by}></VideoSourceActivation>"
    ).encode()


def same_serial(one: str | None, other: str | None) -> bool:
    """Whether two serial numbers name one device.

    A recorder may list a camera's serial without its model prefix, or with other separators.
    """
    a, b = (re.sub(r"[^0-9A-Z]", "", (s or "").upper()) for s in (one, other))
    short, long = sorted((a, b), key=len)
    return len(short) >= 9 and long.endswith(short)


def _bool(text: str | None) -> bool | None:
    value = (text or "").strip().lower()
    return True if value == "true" else False if value == "false" else None


def parse_channels(body: bytes | str) -> list[Channel]:
    """Parse the channel list; channels without a usable id are left out."""
    root = parse_document(body, "InputProxyChannelList", max_elements=_CHANNEL_ELEMENTS)
    channels: list[Channel] = []
    for element in root:
        if local_name(element.tag) != "InputProxyChannel" or len(channels) >= MAX_CHANNELS:
            continue
        number = child_text(element, "id") or ""
        if not number.isdigit() or not 0 < int(number) < 1000:
            continue
        source = next(
            (c for c in element if local_name(c.tag) == "sourceInputPortDescriptor"), element
        )
        protocol = child_text(source, "proxyProtocol") or child_text(source, "adminProtocol")
        channels.append(
            Channel(
                id=int(number),
                name=child_text(element, "name") or f"Channel {number}",
                address=child_text(source, "ipAddress"),
                protocol=protocol or "",
                plug_and_play=(child_text(source, "connMode") or "").lower() == "plugplay",
                model=child_text(source, "model"),
                serial_number=child_text(source, "serialNumber"),
                firmware=child_text(source, "firmwareVersion"),
                dev_index=child_text(element, "devIndex"),
                user_name=child_text(source, "userName"),
            )
        )
    return channels


def parse_states(body: bytes | str) -> dict[int, ChannelState]:
    """Parse the channels' status list, by channel id."""
    root = parse_document(body, "InputProxyChannelStatusList", max_elements=_CHANNEL_ELEMENTS)
    states: dict[int, ChannelState] = {}
    for element in root:
        number = child_text(element, "id") or ""
        if local_name(element.tag) == "InputProxyChannelStatus" and number.isdigit():
            states[int(number)] = ChannelState(
                online=_bool(child_text(element, "online")),
                detail=child_text(element, "chanDetectResult"),
            )
    return states


def parse_activation_forms(body: bytes | str) -> list[ActivateBy]:
    """The activation forms a recorder announces, in its order."""
    root = parse_document(body, "VideoSourceActivationCapability")
    names = [local_name(element.tag) for element in root]
    return [by for name in names for by in ActivateBy if by.value == name]


def parse_search(body: bytes | str) -> list[FoundCamera]:
    """The cameras the recorder's search sees."""
    root = parse_document(body, max_elements=_CHANNEL_ELEMENTS)
    return [
        FoundCamera(
            address=child_text(element, "ipAddress"),
            serial_number=child_text(element, "serialNumber"),
            activated=_bool(child_text(element, "activated")),
        )
        for element in root.iter()
        if local_name(element.tag) == "VideoSourceDescriptor"
    ][:MAX_CHANNELS]


class RecorderClient:
    """The recorder's side of its cameras, over the recorder's own (authenticated) client."""

    def __init__(self, client: IsapiClient) -> None:
        """``client``: the recorder's; nothing is sent until a call."""
        self.client = client

    async def channels(self) -> list[Channel]:
        """The recorder's IP camera channels."""
        return parse_channels(await self.client.read(CHANNELS_PATH))

    async def states(self) -> dict[int, ChannelState]:
        """Whether each channel's camera is connected."""
        return parse_states(await self.client.read(STATUS_PATH))

    async def reboot_channel(self, channel: int) -> ResponseStatus:
        """``GET …/channels/<id>/reboot``: the recorder restarts that camera. Never resent."""
        return await self.client.command(f"{CHANNELS_PATH}/{channel}/reboot", method="GET")

    async def virtual_host(self) -> bool | None:
        """Whether the Virtual Host is on (None: the recorder does not have the setting)."""
        try:
            body = await self.client.read(EXTENSION_PATH)
        except IsapiNotSupportedError:
            return None
        match = _VIRTUAL_HOST.search(body)
        return None if match is None else match.group(2).lower() == b"true"

    async def enable_virtual_host(self) -> ResponseStatus:
        """Turn the Virtual Host on: the recorder's own document, sent back with that one change.

        Only the ``enVirtualHost`` element changes; everything else goes back as it came.
        Raises :class:`IsapiNotSupportedError` when the recorder has no such setting.
        """
        body = await self.client.read(EXTENSION_PATH)
        if _VIRTUAL_HOST.search(body) is None:
            raise IsapiNotSupportedError(4, "noVirtualHost", "no Virtual Host setting")
        changed = _VIRTUAL_HOST.sub(rb"\1true\3", body, count=1)
        return await self.client.command(EXTENSION_PATH, data=changed)

    async def search(self) -> list[FoundCamera]:
        """The cameras the recorder sees on its networks, activated or not."""
        return parse_search(await self.client.read(SEARCH_PATH))

    async def activation_forms(self) -> list[ActivateBy] | None:
        """How the recorder activates a camera; None when it does not say (no capability)."""
        try:
            return parse_activation_forms(await self.client.read(f"{ACTIVATE_PATH}/capabilities"))
        except IsapiNotSupportedError:
            return None

    async def activate(self, channel: Channel, password: str) -> ActivateBy:
        """Activate the reset camera on ``channel`` with ``password``; the form that worked.

        The announced form first; without the capability, by channel, and by address once
        when the recorder refuses that body (not when the endpoint is missing, nor a weak
        password). Raises the client's errors.
        """
        forms = await self.activation_forms()
        if forms == []:
            raise IsapiNotSupportedError(4, "notSupport", "the recorder activates no camera")
        first, *fallback = forms[:1] if forms else [ActivateBy.CHANNEL, ActivateBy.ADDRESS]
        try:
            await self.client.command(ACTIVATE_PATH, data=activation_body(first, channel, password))
        except IsapiResponseStatusError as err:
            missing = isinstance(err, IsapiNotSupportedError)  # 404, notSupport
            malformed = err.status_code in (4, 5, 6) and not missing
            if not fallback or not malformed or err.sub_status == "riskPassword":
                raise  # a missing endpoint or a weak password: the other form would not help
        else:
            return first
        await self.client.command(
            ACTIVATE_PATH, data=activation_body(fallback[0], channel, password)
        )
        return fallback[0]

    async def set_channel_password(self, channel: int, password: str) -> ResponseStatus:
        """Tell the recorder the camera's new password: its own channel document, one change.

        ``PUT …/channels/<id>`` with ``sourceInputPortDescriptor/password`` (one source).
        """
        path = f"{CHANNELS_PATH}/{channel}"
        body = await self.client.read(path)
        field = re.compile(rb"(<(?:[\w.-]+:)?password>)[^<]*(</)", re.I)
        new = escape(password).encode()
        if field.search(body):
            changed = field.sub(lambda m: m.group(1) + new + m.group(2), body, count=1)
        else:
            changed = re.sub(
                rb"(</(?:[\w.-]+:)?userName>)",
                lambda m: m.group(1) + b"<password>" + new + b"</password>",
                body,
                count=1,
            )
        return await self.client.command(path, data=changed)
