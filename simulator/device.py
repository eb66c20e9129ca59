"""One simulated Hikvision device: a real aiohttp server on 127.0.0.1 speaking ISAPI.

It does digest authentication (MD5 or SHA-256, expiring nonces), counts failed logins and locks
the account like the real firmware, restores (``basic`` keeps the password, ``full`` wipes it and
leaves the device inactive), reboots (the port refuses connections for a while), activates, and
injects faults per path. It counts every request by method and path.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine
import contextlib
from dataclasses import dataclass, field
import json
import logging
import secrets
import time
from typing import Final
from xml.etree import ElementTree as ET

from aiohttp import web

from .catalog import CATALOG, device_info_xml
from .crypto import open_activation_password, read_public_key, seal_challenge, weak
from .digest import DigestResult, DigestServer

_LOGGER = logging.getLogger(__name__)
XML: Final = "application/xml; charset=UTF-8"
type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
ANY_PATH: Final = "*"


@dataclass
class Fault:
    """What goes wrong on one path (or on every path, under ``"*"``)."""

    latency: float = 0.0  # seconds before answering
    drop: bool = False  # close the connection after reading the request
    http_status: int | None = None  # answer this HTTP status with an empty body
    status_code: int | None = None  # answer this ResponseStatus statusCode (with http_status)…
    sub_status: str = ""  # …with this subStatusCode
    malformed: bool = False  # answer broken XML
    oversized: bool = False  # answer 2 MiB
    slow_body: float = 0.0  # seconds between body chunks
    truncated: bool = False  # headers announce a full answer; part of it, then the socket closes
    entity_expansion: int = 0  # a DeviceInfo whose deviceName references an entity N times…
    entity_size: int = 200_000  # …of this many characters
    times: int | None = None  # requests it applies to; None = until cleared


def response_status(code: int, sub: str, url: str) -> str:
    """A ResponseStatus document."""
    strings = {1: "OK", 2: "Device Busy", 3: "Device Error", 4: "Invalid Operation", 7: "Reboot"}
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ResponseStatus version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">'
        f"<requestURL>{url}</requestURL><statusCode>{code}</statusCode>"
        f"<statusString>{strings.get(code, 'Error')}</statusString>"
        f"<subStatusCode>{sub}</subStatusCode></ResponseStatus>\n"
    )


def user_check(*, status: int, locked: bool, unlock: int, attempts: int) -> str:
    """A userCheck document as the firmware sends it with a 401."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<userCheck version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">\n'
        f"<statusValue>{status}</statusValue>\n"
        f"<statusString>{'OK' if status == 200 else 'Unauthorized'}</statusString>\n"
        f"<isDefaultPassword>false</isDefaultPassword>\n"
        f"<lockStatus>{'lock' if locked else 'unlock'}</lockStatus>\n"
        f"<unlockTime>{unlock}</unlockTime>\n"
        f"<retryLoginTime>{attempts}</retryLoginTime>\n"
        "</userCheck>"
    )


# How cameras refuse ``GET /ISAPI/System/configurationData``: HTTP status, then the ResponseStatus
# statusCode and subStatusCode (None: an empty body). Which one a given firmware sends is not in
# any public capture; these are the shapes public material shows for refusals in general.
EXPORT_REFUSALS: Final[dict[str, tuple[int, int | None, str]]] = {
    "missing": (404, None, ""),  # the path does not exist
    "method_not_allowed": (405, None, ""),
    "not_implemented": (501, None, ""),
    "not_supported": (403, 4, "notSupport"),
    "invalid_operation": (403, 4, "invalidOperation"),
    # Export password firmware: a plain request lacks the secretkey parameter. What it answers
    # is in no public capture; the one data point (a wrong secretkey) is statusCode 4
    # invalidOperation, so "needs_key" answers that, and "needs_key_parameter" a guess of ours.
    "needs_key": (403, 4, "invalidOperation"),
    "needs_key_parameter": (400, 6, "badParameters"),
    "bad_url": (400, 6, "badURL"),  # a refusal of the request itself, on every try
    "server_error": (500, None, ""),
    "busy": (503, 2, "deviceBusy"),
}
EXPORT_MODES: Final = frozenset({"file", "slow", "cut_off", "html", "empty", *EXPORT_REFUSALS})
DEFAULT_SETTINGS: Final = {"osd_name": "Camera", "motion_detection": "off", "brightness": "50"}
CONFIG_MAGIC: Final = b"HIKSIMCFG1\n"  # a real file is proprietary; this one is JSON behind a tag


def hostile_device_info(references: int = 94, size: int = 950_000) -> str:
    """A DeviceInfo whose deviceName expands to ``references`` x ``size`` characters.

    What a hostile or compromised device could answer: two internal entities; by default 0.95 MB
    on the wire expanding to about 89,000,000 characters, an amplification of 94, under expat's
    own limit of 100, so a plain parser expands it.
    """
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!DOCTYPE DeviceInfo [\n"
        f'<!ENTITY a "{"A" * size}">\n'
        f'<!ENTITY b "{"&a;" * references}">\n'
        "]>\n"
        "<DeviceInfo><deviceName>&b;</deviceName><model>DS-2CD2143G2-I</model>"
        "<serialNumber>DS-2CD2143G2-I20240101AAWR00000666</serialNumber></DeviceInfo>"
    )


@dataclass
class SimulatedCamera:
    """A Hikvision device on ``host:port``; ``port=0`` picks a free one on first start."""

    model: str = "DS-2CD2143G2-I"
    name: str = "Camera"
    username: str = "admin"
    password: str | None = "Passw0rd!"
    host: str = "127.0.0.1"
    port: int = 0
    serial: str = field(default_factory=lambda: "20240101AAWR" + secrets.token_hex(4).upper())
    mac: str = field(
        default_factory=lambda: (
            "c0:56:e3:" + ":".join(secrets.token_hex(3)[i : i + 2] for i in (0, 2, 4))
        )
    )
    algorithm: str = "MD5"
    namespace: str | None = None
    firmware: str | None = None  # None: the model's (an upgrade sets another)
    max_attempts: int = 7
    lock_seconds: float = 1800.0
    reboot_seconds: float = 2.0
    nonce_lifetime: float = 300.0
    padded_challenge: bool = True  # False: seal the activation key with raw RSA
    basic_only: bool = False  # web authentication set to "basic": a Basic challenge, no digest
    refuse_passwords: frozenset[str] = frozenset()  # activation answers riskPassword for these
    activate_status_root: str = "ActivateStatus"  # firmware differs
    # What SADP reports and changes. ``sadp_ipv4`` empty: the HTTP host.
    sadp_ipv4: str = ""
    subnet_mask: str = "255.0.0.0"
    gateway: str = "127.0.0.1"
    dhcp: bool = False
    salt: str | None = None  # newer firmware: update's password is the salted form
    salted_tail: str = "uuid"  # what follows K in the salted form: "uuid", "zeros", "ignored"
    sadp_key_mode: str = "ascii"  # the activation's AES key: "ascii" or "hex" (see sadp.py)
    sadp_attempts: int = 6  # wrong update passwords before update locks (until power-cycled)
    sadp_retry_field: str | None = None  # a refusal's element saying how many attempts remain
    password_reset_ability: bool = False  # SADP's PasswordResetAbility
    security_questions: bool = False  # SADP's SupportSecurityQuestion
    sadp_failures: int = 0
    listening: bool = True  # False: the HTTP port is unreachable (a reset camera elsewhere)
    # What a restore loses and a configuration file brings back (with the admin password, as
    # real configuration files carry the users).
    settings: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SETTINGS))
    # How ``GET /ISAPI/System/configurationData`` answers: one of :data:`EXPORT_MODES`.
    export: str = "file"
    # Where a full restore leaves it (None: inactive at the same address, as before).
    full_restore_address: str | None = None
    imports: int = 0
    exports: int = 0  # configuration files given out whole
    faults: dict[str, Fault] = field(default_factory=dict)
    requests: Counter[tuple[str, str]] = field(default_factory=Counter)
    failed_logins: int = 0  # every refused login, ever
    cleartext_logins: int = 0  # requests that carried a Basic (clear-text) password
    content_types: dict[tuple[str, str], str] = field(default_factory=dict)  # of requests' bodies
    consecutive_failures: int = 0
    locked_until: float = 0.0
    ever_locked: bool = False
    restores: list[str] = field(default_factory=list)
    reboots: int = 0

    def __post_init__(self) -> None:
        """Check the model and prepare the server."""
        self.spec = CATALOG[self.model]
        assert self.export in EXPORT_MODES, self.export
        self.digest = DigestServer("IP Camera", self.algorithm, self.nonce_lifetime)
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._handlers: set[asyncio.Task[object]] = set()
        self._key_text: str | None = None
        self.back_online = asyncio.Event()
        self.back_online.set()

    # ---- life cycle -------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        """An inactive device (factory state) has no admin password."""
        return self.password is not None

    @property
    def online(self) -> bool:
        """Whether the port answers."""
        return self._runner is not None

    @property
    def locked(self) -> bool:
        """Whether the account is locked now."""
        return time.monotonic() < self.locked_until

    @property
    def serial_number(self) -> str:
        """The serial number deviceInfo reports (the integration's unique id)."""
        return f"{self.spec.model.replace('/', '')}{self.serial}"

    @property
    def sadp_http_port(self) -> int:
        """The HTTP port SADP reports (80 for a camera that is not listening yet)."""
        return self.port if self.listening and self.port else 80

    @property
    def sadp_address(self) -> str:
        """The IPv4 address SADP reports: the HTTP host unless a reset moved it elsewhere."""
        return self.sadp_ipv4 or self.host

    async def move(self, host: str, port: int) -> None:
        """New network settings (SADP ``update``): listen at ``host:port`` from now on."""
        await self.stop()
        self.host, self.port, self.listening, self.sadp_ipv4 = host, port, True, ""
        await self.start()

    async def hard_reset(self, address: str = "127.0.0.1") -> None:
        """The reset button: inactive, settings gone, at ``address`` where HTTP cannot reach it.

        A real camera comes back at 192.168.1.64, usually on a segment Home Assistant cannot
        reach over HTTP; here the HTTP port stops answering and SADP reports ``address``.
        """
        await self.stop()
        self.password = None
        self.listening = False
        self.sadp_ipv4 = address
        self.settings = dict(DEFAULT_SETTINGS)
        self.unlock()
        self.sadp_failures = 0  # a power cycle clears SADP's lock

    async def reset_in_place(self) -> None:
        """The reset button of a camera whose network stays reachable (a recorder's PoE port).

        Inactive, its settings gone; it restarts and answers where it was.
        """
        self.password = None
        self.settings = dict(DEFAULT_SETTINGS)
        self.unlock()
        self.sadp_failures = 0
        await self.reboot_now()

    async def start(self) -> None:
        """Listen on ``host:port`` (nothing when the camera is not ``listening``)."""
        if not self.listening:
            return
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, reuse_address=True)
        await site.start()
        if self.port == 0:
            self.port = runner.addresses[0][1]
        self._runner = runner

    async def stop(self) -> None:
        """Stop listening (connections are refused until :meth:`start`)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def close(self) -> None:
        """Stop, and cancel a pending reboot."""
        pending = [*self._tasks, *self._handlers]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        await self.stop()

    async def reboot_now(self, seconds: float | None = None) -> None:
        """Go offline for ``seconds`` (default ``reboot_seconds``), then come back."""
        self.back_online.clear()
        await asyncio.sleep(0.05)  # let the answer that caused the reboot leave
        await self.stop()
        await asyncio.sleep(self.reboot_seconds if seconds is None else seconds)
        await self.start()
        self.back_online.set()

    def _spawn_reboot(self) -> None:
        self.reboots += 1
        self._spawn(self.reboot_now())

    def _spawn(self, work: Coroutine[None, None, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _reset_after_answer(self, address: str) -> None:
        self.reboots += 1
        await asyncio.sleep(0.05)  # let the answer leave
        await self.hard_reset(address)

    def unlock(self) -> None:
        """What waiting ``lock_seconds`` does."""
        self.locked_until = 0.0
        self.consecutive_failures = 0

    @property
    def base_url(self) -> str:
        """``http://host:port``."""
        return f"http://{self.host}:{self.port}"

    # ---- request handling ---------------------------------------------------------------------
    def _fault(self, path: str) -> Fault | None:
        for key in (path, ANY_PATH):
            fault = self.faults.get(key)
            if fault is None:
                continue
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    del self.faults[key]
            return fault
        return None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            return await self._answer(request)
        finally:
            self._handlers.discard(task)

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        self.requests[(request.method, request.path)] += 1
        if request.can_read_body:
            self.content_types[(request.method, request.path)] = request.content_type
        fault = self._fault(request.path)
        if fault and fault.latency:
            await asyncio.sleep(fault.latency)
        if fault and fault.drop:
            await request.read()
            assert request.transport is not None
            request.transport.abort()
            raise web.HTTPServiceUnavailable  # never reaches the client: the socket is gone
        public = self.public_handler_for(request)
        if public is None:
            refused = self._authenticate(request)
            if refused is not None:
                return refused
        if fault and (answer := await self._faulty_answer(request, fault)) is not None:
            return answer
        handler = public or self.handler_for(request)
        if handler is None:
            return self._xml(response_status(4, "notSupport", request.path), status=403)
        return await handler(request)

    def public_handler_for(self, request: web.Request) -> Handler | None:
        """The handler of a request that needs no login (activation), or None."""
        return {
            ("GET", "/SDK/activateStatus"): self._activate_status,
            ("POST", "/ISAPI/Security/challenge"): self._challenge,
            ("PUT", "/ISAPI/System/activate"): self._activate,
        }.get((request.method, request.path))

    def handler_for(self, request: web.Request) -> Handler | None:
        """The handler of an authenticated request (a recorder adds its own)."""
        return {
            ("GET", "/ISAPI/System/deviceInfo"): self._device_info,
            ("GET", "/ISAPI/Security/userCheck"): self._user_check,
            ("PUT", "/ISAPI/System/factoryReset"): self._factory_reset,
            ("PUT", "/ISAPI/System/reboot"): self._reboot,
            ("GET", "/ISAPI/System/configurationData"): self._export,
            ("PUT", "/ISAPI/System/configurationData"): self._import,
        }.get((request.method, request.path))

    async def _faulty_answer(self, request: web.Request, fault: Fault) -> web.StreamResponse | None:
        if fault.status_code is not None:
            body = response_status(fault.status_code, fault.sub_status, request.path)
            ok = fault.status_code in (1, 7)
            return self._xml(body, status=fault.http_status or (200 if ok else 400))
        if fault.http_status is not None:
            return web.Response(status=fault.http_status)
        if fault.malformed:
            return self._xml("<ResponseStatus><statusCode>1</statusCode", status=200)
        if fault.oversized:
            return self._xml("<DeviceInfo>" + " " * (2 << 20) + "</DeviceInfo>")
        if fault.truncated:
            whole = response_status(1, "ok", request.path_qs).encode()
            response = web.StreamResponse(
                headers={"Content-Type": XML, "Content-Length": str(len(whole))}
            )
            await response.prepare(request)
            await response.write(whole[:40])
            await asyncio.sleep(0.05)
            assert request.transport is not None
            request.transport.abort()
            return response
        if fault.entity_expansion:
            return self._xml(hostile_device_info(fault.entity_expansion, fault.entity_size))
        if fault.slow_body:
            response = web.StreamResponse(headers={"Content-Type": XML})
            await response.prepare(request)
            for chunk in ("<DeviceInfo>", "<model>X</model>", "</DeviceInfo>"):
                await asyncio.sleep(fault.slow_body)
                await response.write(chunk.encode())
            await response.write_eof()
            return response
        return None

    @staticmethod
    def _xml(body: str, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
        return web.Response(
            text=body,
            status=status,
            content_type="application/xml",
            charset="UTF-8",
            headers=headers,
        )

    def _unauthorized(self, body: str, *, stale: bool = False) -> web.Response:
        return self._xml(
            body, status=401, headers={"WWW-Authenticate": self.digest.challenge(stale=stale)}
        )

    def _lock_body(self) -> str:
        unlock = max(0, int(self.locked_until - time.monotonic()))
        return user_check(status=401, locked=True, unlock=unlock, attempts=0)

    def _authenticate(self, request: web.Request) -> web.Response | None:
        """None when the request may go on; otherwise the 401 to send."""
        if not self.active:
            return self._unauthorized(response_status(4, "notActivated", request.path))
        if self.basic_only:
            if request.headers.get("Authorization", "").lower().startswith("basic"):
                self.cleartext_logins += 1
            return self._xml(
                response_status(4, "unauthorized", request.path),
                status=401,
                headers={"WWW-Authenticate": 'Basic realm="IP Camera"'},
            )
        result = self.digest.check(
            request.headers.get("Authorization"), request.method, self.username, self.password
        )
        if result == DigestResult.MISSING:
            return self._unauthorized(
                user_check(
                    status=401,
                    locked=self.locked,
                    unlock=0,
                    attempts=self.max_attempts - self.consecutive_failures,
                )
            )
        if result == DigestResult.STALE:
            return self._unauthorized("", stale=True)
        if self.locked:
            return self._unauthorized(self._lock_body())
        if result == DigestResult.OK:
            self.consecutive_failures = 0
            return None
        self.failed_logins += 1
        self.consecutive_failures += 1
        left = self.max_attempts - self.consecutive_failures
        if left <= 0:
            self.locked_until = time.monotonic() + self.lock_seconds
            self.ever_locked = True
            return self._unauthorized(self._lock_body())
        return self._unauthorized(user_check(status=401, locked=False, unlock=0, attempts=left))

    async def _device_info(self, request: web.Request) -> web.Response:
        return self._xml(
            device_info_xml(
                self.spec,
                name=self.name,
                serial=self.serial,
                mac=self.mac,
                namespace=self.namespace,
                firmware=self.firmware,
            )
        )

    async def _user_check(self, request: web.Request) -> web.Response:
        return self._xml(user_check(status=200, locked=False, unlock=0, attempts=self.max_attempts))

    async def _factory_reset(self, request: web.Request) -> web.Response:
        mode = request.query.get("mode", "basic")
        if mode not in ("basic", "full"):
            return self._xml(response_status(4, "invalidOperation", request.path), status=400)
        self.restores.append(mode)
        self.settings = dict(DEFAULT_SETTINGS)
        if mode == "full" and self.full_restore_address:
            # Network settings wiped too: it comes back inactive at the factory address.
            self._spawn(self._reset_after_answer(self.full_restore_address))
        elif mode == "full":
            self.password = None
            self._spawn_reboot()
        else:
            self._spawn_reboot()
        return self._xml(response_status(1, "ok", request.path_qs))

    def configuration_file(self) -> bytes:
        """The file an export gives (and an import takes back)."""
        document = {
            "settings": self.settings,
            "admin_password": self.password,
            "user": self.username,
        }
        return CONFIG_MAGIC + json.dumps(document).encode() + b"\0" * 4096

    async def _export(self, request: web.Request) -> web.StreamResponse:
        mode = self.export
        if mode == "file" or (mode.startswith("needs_key") and "secretkey" in request.query):
            self.exports += 1
            return web.Response(
                body=self.configuration_file(), content_type="application/octet-stream"
            )
        if mode in EXPORT_REFUSALS:
            http_status, code, sub = EXPORT_REFUSALS[mode]
            if code is None:
                return web.Response(status=http_status)
            return self._xml(response_status(code, sub, request.path), status=http_status)
        if mode == "slow":  # starts answering, then stalls (a busy camera, a bad link)
            response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
            await response.prepare(request)
            await response.write(CONFIG_MAGIC)
            await asyncio.sleep(3600)
            return response
        if mode == "cut_off":  # announces the whole file, sends part of it, closes
            whole = self.configuration_file()
            response = web.StreamResponse(
                headers={
                    "Content-Type": "application/octet-stream",
                    "Content-Length": str(len(whole)),
                }
            )
            await response.prepare(request)
            await response.write(whole[: len(whole) // 3])
            await asyncio.sleep(0.05)
            assert request.transport is not None
            request.transport.abort()
            return response
        if mode == "html":  # a web page where a file should be (old web servers)
            return web.Response(text="<html><body>Not here</body></html>", content_type="text/html")
        assert mode == "empty", mode
        return web.Response(body=b"", content_type="application/octet-stream")

    async def _import(self, request: web.Request) -> web.Response:
        body = await request.read()
        document: dict[str, object] = {}
        settings: dict[str, str] = {}
        if body.startswith(CONFIG_MAGIC):
            with contextlib.suppress(ValueError):
                document = json.loads(body.removeprefix(CONFIG_MAGIC).rstrip(b"\0"))
            raw = document.get("settings") if isinstance(document, dict) else None
            if isinstance(raw, dict):
                settings = {str(k): str(v) for k, v in raw.items()}
        if not settings:
            return self._xml(response_status(6, "badConfigFile", request.path), status=400)
        self.settings = settings
        password = document.get("admin_password")
        self.password = password if isinstance(password, str) else self.password
        user = document.get("user")  # the file carries the accounts of its time
        self.username = user if isinstance(user, str) else self.username
        self.imports += 1
        self._spawn_reboot()
        return self._xml(response_status(7, "rebootRequired", request.path))

    async def _reboot(self, request: web.Request) -> web.Response:
        self._spawn_reboot()
        return self._xml(response_status(1, "ok", request.path))

    async def _activate_status(self, request: web.Request) -> web.Response:
        state = "true" if self.active else "false"
        root = self.activate_status_root
        return self._xml(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}>'
            f"<Activated>{state}</Activated></{root}>"
        )

    async def _challenge(self, request: web.Request) -> web.Response:
        if self.active:
            return self._xml(response_status(4, "invalidOperation", request.path), status=403)
        try:
            key = (ET.fromstring(await request.read()).findtext("key") or "").strip()
        except ET.ParseError:
            key = ""
        if (public_key := read_public_key(key)) is None:
            return self._xml(response_status(6, "badXmlContent", request.path), status=400)
        self._key_text = secrets.token_hex(16)
        sealed = seal_challenge(public_key, self._key_text, padded=self.padded_challenge)
        return self._xml(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Challenge version="2.0">'
            f"<key>{sealed}</key></Challenge>"
        )

    async def _activate(self, request: web.Request) -> web.Response:
        if self.active or self._key_text is None:
            return self._xml(response_status(4, "invalidOperation", request.path), status=403)
        try:
            sealed = (ET.fromstring(await request.read()).findtext("password") or "").strip()
        except ET.ParseError:
            sealed = ""
        if (password := open_activation_password(self._key_text, sealed)) is None:
            return self._xml(response_status(6, "badXmlContent", request.path), status=400)
        if password in self.refuse_passwords or weak(password, self.username):
            return self._xml(response_status(4, "riskPassword", request.path), status=400)
        self.password, self._key_text = password, None
        self.unlock()
        return self._xml(response_status(1, "ok", request.path))
