"""A simulated recorder (NVR) with cameras on its PoE ports, reachable only through it.

Built from the public shapes (hikvision_next's fixtures of a DS-7608NXI-I2, Hikvision's ISAPI
guide text): the channel list and status, ``GET …/channels/<id>/reboot``, ``?devIndex=``
forwarding (the recorder logs in to the camera with the password it keeps for it), and the
Virtual Host (``/ISAPI/System/Network/extension``, ``enVirtualHost``): while it is on, the
camera's own web port answers at ``recorder:65000+id`` (a plain pass-through: the camera's own
digest). The cameras report an address on loopback where nothing listens, standing in for the
recorder's PoE network that Home Assistant cannot reach.

Modes for what public sources do not settle: ``virtual_host_setting`` (the recorder has the setting
at all), ``forwarding`` (it forwards ``devIndex``), ``auto_activate`` (it activates a reset PoE
camera with its own camera password, when it next looks), ``dev_index_dashes``,
``channel_document`` (a channel's own document, where its password is set), ``activation_forms``
(what ``…/channels/activate/capabilities`` announces; None: no such document) and
``activation_accepts`` (the forms ``…/channels/activate`` takes; empty: the recorder has no
activation at all), ``short_serials`` (the channel list gives a camera's serial without its model
prefix) and ``status_list`` (False: no ``…/channels/status``). Its activation body is read by
element names the public sources do not give (the client guesses them too): a mode with another
reading would be a guess against a guess, so the tests hold the client to the forms, not to the
names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import re
from typing import Final
import uuid as uuid_lib
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

import aiohttp
from aiohttp import web

from .crypto import weak
from .device import Handler, SimulatedCamera, response_status

NS: Final = "http://www.isapi.org/ver20/XMLSchema"
VIRTUAL_HOST_BASE: Final = 65000
_HOP_HEADERS: Final = ("Authorization", "Content-Type")
_BACK_HEADERS: Final = ("WWW-Authenticate", "Content-Type")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(element: ET.Element, name: str) -> str | None:
    """The text of the first descendant called ``name`` (any namespace)."""
    found = next((e for e in element.iter() if _local(e.tag) == name), None)
    return None if found is None or found.text is None else found.text.strip()


@dataclass
class PoeChannel:
    """One camera on the recorder's PoE port ``id``."""

    id: int
    camera: SimulatedCamera
    address: str  # what the recorder reports (loopback where nothing listens)
    password: str | None  # what the recorder logs in to the camera with
    dev_index: str = field(default_factory=lambda: str(uuid_lib.uuid4()))
    vh_runner: web.AppRunner | None = None
    session: aiohttp.ClientSession | None = None  # the recorder's own login to the camera
    session_login: tuple[str, str] | None = None
    forwarded: int = 0  # requests forwarded to the camera (devIndex)
    vh_requests: int = 0  # requests through the Virtual Host port


class SimulatedRecorder(SimulatedCamera):
    """An NVR: an ISAPI device of its own, and the way to its cameras."""

    def __init__(self, *, channels: list[PoeChannel] | None = None, **kwargs: object) -> None:
        """A recorder (default model DS-7608NXI-I2/8P/S) with ``channels``."""
        kwargs.setdefault("model", "DS-7608NXI-I2/8P/S")
        kwargs.setdefault("name", "Recorder")
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.channels: list[PoeChannel] = list(channels or [])
        self.virtual_host = False
        self.virtual_host_setting = True
        self.forwarding = True
        self.auto_activate = False
        self.dev_index_dashes = True
        self.channel_reboots: list[int] = []
        self.virtual_host_base = VIRTUAL_HOST_BASE
        self.activation_forms: list[str] | None = ["ActivateByChannel", "ActivateByAddress"]
        self.activation_accepts: set[str] = {"ActivateByChannel", "ActivateByAddress"}
        self.activations: list[tuple[str, int]] = []  # (form, channel) of each activation
        self.channel_document = True  # False: no …/channels/<id> (its password cannot be set)
        self.short_serials = False  # True: serials listed without the model prefix
        self.status_list = True  # False: no …/channels/status (older firmware)

    def channel(self, number: int) -> PoeChannel:
        """The channel ``number``."""
        found = self._listed(number)
        assert found is not None, number
        return found

    def _listed(self, number: int) -> PoeChannel | None:
        return next((c for c in self.channels if c.id == number), None)

    # ---- life cycle -------------------------------------------------------------------------
    async def close(self) -> None:
        """Stop the recorder and its Virtual Host ports (its cameras are closed by their owner)."""
        await self._virtual_host_off()
        for channel in self.channels:
            session, channel.session = channel.session, None
            if session is not None:
                await session.close()
        await super().close()

    async def set_virtual_host(self, on: bool) -> None:
        """What the recorder's own page does: turn the Virtual Host on or off."""
        self.virtual_host = on
        await (self._virtual_host_on() if on else self._virtual_host_off())

    async def _virtual_host_on(self) -> None:
        for channel in self.channels:
            if channel.vh_runner is not None:
                continue
            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", self._pass_through(channel))
            runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
            await runner.setup()
            port = self.virtual_host_base + channel.id
            await web.TCPSite(runner, self.host, port, reuse_address=True).start()
            channel.vh_runner = runner

    async def _virtual_host_off(self) -> None:
        for channel in self.channels:
            runner, channel.vh_runner = channel.vh_runner, None
            if runner is not None:
                await runner.cleanup()

    # ---- what the recorder answers ----------------------------------------------------------
    def public_handler_for(self, request: web.Request) -> Handler | None:
        """A forwarded request is the recorder's to authenticate, whatever its path."""
        return None if "devIndex" in request.query else super().public_handler_for(request)

    def handler_for(self, request: web.Request) -> Handler | None:
        """The recorder's own paths, ``devIndex`` forwarding, then a device's."""
        if "devIndex" in request.query:
            return self._forward if self.forwarding else None
        own: dict[tuple[str, str], Handler] = {
            ("GET", "/ISAPI/ContentMgmt/InputProxy/channels"): self._channels,
            ("GET", "/ISAPI/ContentMgmt/InputProxy/channels/status"): self._states,
        }
        if self.virtual_host_setting:
            own[("GET", "/ISAPI/System/Network/extension")] = self._extension
            own[("PUT", "/ISAPI/System/Network/extension")] = self._set_extension
        if self.activation_accepts:
            own[("PUT", "/ISAPI/ContentMgmt/InputProxy/channels/activate")] = self._activate_channel
            own[("GET", "/ISAPI/ContentMgmt/InputProxy/search")] = self._search
        if self.activation_forms is not None:
            path = "/ISAPI/ContentMgmt/InputProxy/channels/activate/capabilities"
            own[("GET", path)] = self._activation_capabilities
        reboot = re.fullmatch(r"/ISAPI/ContentMgmt/InputProxy/channels/(\d+)/reboot", request.path)
        if request.method == "GET" and reboot:
            number = int(reboot.group(1))
            return lambda request: self._reboot_channel(request, number)
        one = re.fullmatch(r"/ISAPI/ContentMgmt/InputProxy/channels/(\d+)", request.path)
        if one and request.method in ("GET", "PUT") and self.channel_document:
            number = int(one.group(1))
            return lambda request: self._one_channel(request, number)
        return own.get((request.method, request.path)) or super().handler_for(request)

    def _dev_index(self, channel: PoeChannel) -> str:
        return channel.dev_index if self.dev_index_dashes else channel.dev_index.replace("-", "")

    def _connected(self, channel: PoeChannel) -> tuple[bool, str]:
        camera = channel.camera
        if self.auto_activate and not camera.active and camera.online and channel.password:
            camera.password = channel.password  # plug and play: activated with its password
        if not camera.online:
            return False, "netUnreachable"
        if not camera.active or camera.password != channel.password:
            return False, "errorUserNameOrPasswd"
        return True, "connect"

    def _channel_xml(self, channel: PoeChannel) -> str:
        camera = channel.camera
        known = self._connected(channel)[0]  # the recorder knows a camera it has logged in to
        descriptor = {
            "proxyProtocol": "HIKVISION",
            "addressingFormatType": "ipaddress",
            "ipAddress": channel.address,
            "managePortNo": "8000",
            "srcInputPort": "1",
            "userName": camera.username,
            "connMode": "plugplay",
            "streamType": "auto",
            "model": camera.spec.model if known else "",
            "serialNumber": (camera.serial if self.short_serials else camera.serial_number)
            if known
            else "",
            "firmwareVersion": f"{camera.spec.firmware} {camera.spec.build}" if known else "",
        }
        body = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in descriptor.items())
        return (
            f"<InputProxyChannel><id>{channel.id}</id><name>{escape(camera.name)}</name>"
            f"<sourceInputPortDescriptor>{body}</sourceInputPortDescriptor>"
            f"<enableAnr>false</enableAnr><devIndex>{self._dev_index(channel)}</devIndex>"
            "</InputProxyChannel>"
        )

    async def _channels(self, request: web.Request) -> web.Response:
        items = [self._channel_xml(channel) for channel in self.channels]
        size = len(items) + 1  # recorders are said to report a wrong size
        return self._xml(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<InputProxyChannelList version="2.0" '
            f'xmlns="{NS}" size="{size}">{"".join(items)}</InputProxyChannelList>'
        )

    async def _one_channel(self, request: web.Request, number: int) -> web.Response:
        """One channel's document (its password never shown); a PUT takes a new password."""
        channel = self._listed(number)
        if channel is None:
            return self._xml(response_status(4, "invalidID", request.path), status=400)
        if request.method == "GET":
            return self._xml(
                self._channel_xml(channel).replace(
                    "<InputProxyChannel>",
                    (
                        f'<?xml version="1.0" encoding="UTF-8"?>\n<InputProxyChannel version="2.0" '
                        f'xmlns="{NS}">'
                    ),
                    1,
                )
            )
        try:
            root = ET.fromstring(await request.read())
        except ET.ParseError:
            return self._xml(response_status(5, "badXmlFormat", request.path), status=400)
        password = _find(root, "password")
        if password is not None:
            channel.password = password
        return self._xml(response_status(1, "ok", request.path))

    async def _activation_capabilities(self, request: web.Request) -> web.Response:
        forms = "".join(
            f'<{form}><proxyProtocol opt="HIKVISION,ONVIF"/></{form}>'
            for form in self.activation_forms or []
        )
        return self._xml(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<VideoSourceActivationCapability '
            f'version="2.0" xmlns="{NS}">{forms}</VideoSourceActivationCapability>'
        )

    async def _activate_channel(self, request: web.Request) -> web.Response:
        """Activate a reset camera by channel or by address, with the password given."""
        try:
            root = ET.fromstring(await request.read())
        except ET.ParseError:
            return self._xml(response_status(5, "badXmlFormat", request.path), status=400)
        form = next((c for c in root if _local(c.tag) in self.activation_accepts), None)
        if form is None:
            return self._xml(response_status(6, "badXmlContent", request.path), status=400)
        key = "id" if _local(form.tag) == "ActivateByChannel" else "ipAddress"
        wanted = _find(form, key)
        channel = next(
            (c for c in self.channels if wanted in (str(c.id), c.address) and wanted), None
        )
        password = _find(form, "password") or ""
        if channel is None:
            return self._xml(response_status(4, "invalidID", request.path), status=400)
        camera = channel.camera
        if camera.active or not camera.online:
            return self._xml(response_status(4, "invalidOperation", request.path), status=400)
        if password in camera.refuse_passwords or weak(password, camera.username):
            return self._xml(response_status(4, "riskPassword", request.path), status=400)
        camera.password = password
        self.activations.append((_local(form.tag), channel.id))
        return self._xml(response_status(1, "ok", request.path))

    async def _search(self, request: web.Request) -> web.Response:
        items = "".join(
            f"<VideoSourceDescriptor><ipAddress>{escape(c.address)}</ipAddress>"
            f"<deviceModel>{escape(c.camera.spec.model)}</deviceModel>"
            f"<serialNumber>{escape(c.camera.serial_number)}</serialNumber>"
            f"<proxyProtocol>HIKVISION</proxyProtocol><managePortNo>8000</managePortNo>"
            f"<activated>{'true' if c.camera.active else 'false'}</activated>"
            "<addStatus>added</addStatus></VideoSourceDescriptor>"
            for c in self.channels
            if c.camera.online
        )
        return self._xml(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<VideoSourceDescriptorList '
            f'version="2.0" xmlns="{NS}">{items}</VideoSourceDescriptorList>'
        )

    async def _states(self, request: web.Request) -> web.Response:
        if not self.status_list:
            return web.Response(status=404)
        items = []
        for channel in self.channels:
            online, detail = self._connected(channel)
            items.append(
                f"<InputProxyChannelStatus><id>{channel.id}</id>"
                f"<online>{'true' if online else 'false'}</online>"
                f"<chanDetectResult>{detail}</chanDetectResult></InputProxyChannelStatus>"
            )
        return self._xml(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<InputProxyChannelStatusList '
            f'version="2.0" xmlns="{NS}">{"".join(items)}</InputProxyChannelStatusList>'
        )

    async def _reboot_channel(self, request: web.Request, number: int) -> web.Response:
        channel = self._listed(number)
        if channel is None:
            return self._xml(response_status(4, "invalidID", request.path), status=400)
        if not self._connected(channel)[0]:
            return self._xml(response_status(3, "deviceOffline", request.path), status=400)
        self.channel_reboots.append(number)
        channel.camera._spawn_reboot()
        return self._xml(response_status(1, "ok", request.path))

    async def _extension(self, request: web.Request) -> web.Response:
        state = "true" if self.virtual_host else "false"
        return self._xml(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<NetworkExtension version="2.0" '
            f'xmlns="{NS}"><enVirtualHost>{state}</enVirtualHost>'
            "<enableONVIF>false</enableONVIF></NetworkExtension>"
        )

    async def _set_extension(self, request: web.Request) -> web.Response:
        body = await request.text()
        match = re.search(r"<enVirtualHost>\s*(true|false)\s*</enVirtualHost>", body)
        if match is None or "<NetworkExtension" not in body:
            return self._xml(response_status(6, "badXmlContent", request.path), status=400)
        await self.set_virtual_host(match.group(1) == "true")
        return self._xml(response_status(1, "ok", request.path))

    # ---- the way to a camera ----------------------------------------------------------------
    async def _forward(self, request: web.Request) -> web.StreamResponse:
        """A request with ``devIndex``: sent on to that camera, logged in as the recorder."""
        wanted = request.query["devIndex"].replace("-", "").lower()
        channel = next(
            (c for c in self.channels if c.dev_index.replace("-", "").lower() == wanted), None
        )
        if channel is None:
            return self._xml(response_status(4, "invalidDevIndex", request.path), status=400)
        channel.forwarded += 1
        query = {k: v for k, v in request.query.items() if k != "devIndex"}
        data = await request.read() if request.can_read_body else None
        headers = {"Content-Type": request.content_type} if data is not None else {}
        login = (channel.camera.username, channel.password or "")
        if channel.session is None or channel.session_login != login:
            if channel.session is not None:
                await channel.session.close()
            # One session per camera, as a recorder keeps its login: after the first challenge
            # the credentials go along pre-emptively (a camera sees one request per request).
            digest = aiohttp.DigestAuthMiddleware(*login)
            channel.session = aiohttp.ClientSession(middlewares=(digest,))
            channel.session_login = login
        session = channel.session
        try:
            async with (
                session.request(
                    request.method,
                    f"{channel.camera.base_url}{request.path}",
                    params=query,
                    data=data,
                    headers=headers,
                ) as answer,
            ):
                body = await answer.read()
                kind = answer.headers.get("Content-Type", "application/xml")
                return web.Response(status=answer.status, body=body, headers={"Content-Type": kind})
        except aiohttp.ClientError, TimeoutError:
            return self._xml(response_status(3, "deviceOffline", request.path), status=503)

    def _pass_through(self, channel: PoeChannel) -> Handler:
        """The Virtual Host port of ``channel``: the camera answers, with its own digest."""

        async def relay(request: web.Request) -> web.StreamResponse:
            channel.vh_requests += 1
            data = await request.read() if request.can_read_body else None
            headers = {h: request.headers[h] for h in _HOP_HEADERS if h in request.headers}
            try:
                async with (
                    aiohttp.ClientSession() as session,
                    session.request(
                        request.method,
                        f"{channel.camera.base_url}{request.path_qs}",
                        data=data,
                        headers=headers,
                        allow_redirects=False,
                    ) as answer,
                ):
                    body = await answer.read()
                    back = {h: answer.headers[h] for h in _BACK_HEADERS if h in answer.headers}
                    return web.Response(status=answer.status, body=body, headers=back)
            except aiohttp.ClientError, TimeoutError:
                return web.Response(status=502)

        return relay
