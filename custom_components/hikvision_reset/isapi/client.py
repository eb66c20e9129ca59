"""The async ISAPI client: one instance per device, over an injected aiohttp session.

Invariants: a refused login is never retried, a destructive call never resent; answers are
bounded in size and time. One module: every call shares one digest exchange and its lock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
import contextlib
import logging
from typing import Final

import aiohttp
from aiohttp import hdrs

from . import activation
from .answers import (
    ACCEPTED_CODES,
    MAYBE_SENT_ERRORS,
    auth_error,
    http_error,
    read_bounded,
    refusal_guard,
    status_error,
    stream_file,
)
from .errors import (
    IsapiConnectionError,
    IsapiError,
    IsapiInvalidResponseError,
    IsapiResultUnknownError,
    IsapiTransferError,
    IsapiUnsupportedAuthError,
)
from .models import DeviceInfo, ResponseStatus, RestoreMode
from .xml import (
    parse_activate_status,
    parse_challenge,
    parse_device_info,
    parse_response_status,
)

_LOGGER = logging.getLogger(__name__)

DEFAULT_TIMEOUT: Final = 10.0
MAX_BODY_BYTES: Final = 256 << 10  # XML answers; configuration files stream separately

DEVICE_INFO_PATH: Final = "/ISAPI/System/deviceInfo"
FACTORY_RESET_PATH: Final = "/ISAPI/System/factoryReset"
REBOOT_PATH: Final = "/ISAPI/System/reboot"
ACTIVATE_STATUS_PATH: Final = "/SDK/activateStatus"
CHALLENGE_PATH: Final = "/ISAPI/Security/challenge"
ACTIVATE_PATH: Final = "/ISAPI/System/activate"
CONFIGURATION_PATH: Final = "/ISAPI/System/configurationData"
# A camera's configuration file is tens to hundreds of KB; refuse anything absurd.
MAX_CONFIGURATION_BYTES: Final = 32 << 20
TRANSFER_TIMEOUT: Final = 120.0

# ... and errors while reading an answer that had begun (headers, then the connection dropped).
_CUT_OFF_ERRORS: Final = (aiohttp.ClientPayloadError, aiohttp.ClientResponseError)
_XML: Final = "application/xml; charset=UTF-8"
_BINARY: Final = "application/octet-stream"


class IsapiClient:
    """Talks to one Hikvision device over ISAPI (the module's invariants hold).

    Digest authentication is aiohttp's ``DigestAuthMiddleware``: after the first challenge the
    credentials are sent pre-emptively, so later calls cost one request each.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        *,
        port: int | None = None,
        username: str = "admin",
        password: str = "",
        ssl: bool = False,
        verify_ssl: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
        max_body_bytes: int = MAX_BODY_BYTES,
        forward: Mapping[str, str] | None = None,
    ) -> None:
        """Describe the device; nothing is sent until a call.

        ``forward``: query parameters a recorder forwards by (``{"devIndex": …}``): every
        request carries them, and every request is authenticated (by the recorder).
        """
        self._session = session
        scheme = "https" if ssl else "http"
        port = port or (443 if ssl else 80)
        bracketed = f"[{host}]" if ":" in host else host
        self.base_url: Final = f"{scheme}://{bracketed}:{port}"
        self._ssl = verify_ssl
        self._timeout = timeout
        self._max_body = max_body_bytes
        self.username: Final = username
        self._digest = aiohttp.DigestAuthMiddleware(username, password)
        # One authenticated exchange at a time: the digest nonce count stays in order (cameras
        # may refuse a replayed or out-of-order count as a failed login), and concurrent first
        # calls share one challenge instead of each paying their own.
        self._auth_lock = asyncio.Lock()
        self._forward = dict(forward or {})

    async def device_info(self) -> DeviceInfo:
        """``GET /ISAPI/System/deviceInfo``: the device's identity."""
        return parse_device_info(await self._request(hdrs.METH_GET, DEVICE_INFO_PATH))

    async def is_activated(self) -> bool:
        """``GET /SDK/activateStatus`` (no authentication): False for a factory-fresh device."""
        return parse_activate_status(
            await self._request(hdrs.METH_GET, ACTIVATE_STATUS_PATH, auth=False)
        )

    async def activate(self, password: str) -> ResponseStatus:
        """Activate an inactive device with a new admin ``password`` (see ``activation``)."""
        if (problem := activation.password_problem(password, self.username)) is not None:
            raise ValueError(f"the password breaks the device's rule ({problem})")
        key = await asyncio.to_thread(activation.new_key_pair)
        public = f"<PublicKey><key>{activation.encode_public_key(key)}</key></PublicKey>"
        answer = await self._request(
            hdrs.METH_POST, CHALLENGE_PATH, data=public.encode(), auth=False
        )
        key_text = activation.decrypt_challenge(key, parse_challenge(answer))
        sealed = activation.encrypt_password(key_text, password)
        body = f"<ActivateInfo><password>{sealed}</password></ActivateInfo>"
        return await self._status_call(ACTIVATE_PATH, data=body.encode(), auth=False)

    async def restore_defaults(self, mode: RestoreMode = RestoreMode.BASIC) -> ResponseStatus:
        """``PUT /ISAPI/System/factoryReset?mode=…``; the device then reboots. Never retried."""
        params = {"mode": str(RestoreMode(mode))}
        return await self._status_call(FACTORY_RESET_PATH, params=params, destructive=True)

    async def reboot(self) -> ResponseStatus:
        """``PUT /ISAPI/System/reboot``. Never retried."""
        return await self._status_call(REBOOT_PATH, destructive=True)

    async def download_configuration(
        self,
        write: Callable[[bytes], Awaitable[None]],
        *,
        limit: int = MAX_CONFIGURATION_BYTES,
    ) -> int:
        """``GET /ISAPI/System/configurationData``: stream the camera's settings to ``write``.

        Returns the number of bytes. What the camera answers instead of a file is raised as what
        it is: a refusal (``IsapiNotSupportedError`` and other ResponseStatus errors), something
        that is not a file (``IsapiInvalidResponseError``), more than ``limit`` bytes
        (``IsapiTooLargeError``), an answer that stalled or was cut off (``IsapiTransferError``).
        """
        async with self._stream(hdrs.METH_GET, CONFIGURATION_PATH) as response:
            return await stream_file(response, write, limit=limit, max_body=self._max_body)

    async def upload_configuration(self, data: bytes) -> ResponseStatus:
        """``PUT /ISAPI/System/configurationData``: put saved settings back (the camera reboots).

        Never retried: a dropped connection is "result unknown".
        """
        return await self._status_call(
            CONFIGURATION_PATH, data=data, destructive=True, content_type=_BINARY
        )

    async def read(self, path: str) -> bytes:
        """An authenticated ``GET`` of ``path``: the body of a 2xx answer (bounded)."""
        return await self._request(hdrs.METH_GET, path)

    async def command(
        self, path: str, *, method: str = hdrs.METH_PUT, data: bytes | None = None
    ) -> ResponseStatus:
        """A destructive call answered by a ResponseStatus (a channel's reboot, say). Once."""
        return await self._status_call(path, method=method, data=data, destructive=True)

    @contextlib.asynccontextmanager
    async def _stream(self, method: str, path: str) -> AsyncIterator[aiohttp.ClientResponse]:
        """An authenticated request whose 2xx body the caller reads; errors typed as usual."""
        try:
            async with (
                self._auth_lock,
                asyncio.timeout(TRANSFER_TIMEOUT),
                self._session.request(
                    method,
                    f"{self.base_url}{path}",
                    params=self._forward or None,
                    ssl=self._ssl,
                    middlewares=(self._digest, refusal_guard(self._max_body, False)),
                    allow_redirects=False,
                ) as response,
            ):
                if response.status == 401:
                    raise auth_error(await read_bounded(response, self._max_body))
                if not 200 <= response.status < 300:
                    body = await read_bounded(response, self._max_body)
                    raise http_error(response.status, body)
                yield response
        except IsapiError:
            raise
        except aiohttp.ClientConnectorError as err:  # never reached the device
            raise IsapiConnectionError(f"{method} {path}: {err!r}") from err
        except (TimeoutError, aiohttp.ClientError) as err:
            raise IsapiTransferError(f"{method} {path} stalled or was cut off: {err!r}") from err

    async def _status_call(
        self,
        path: str,
        *,
        method: str = hdrs.METH_PUT,
        params: dict[str, str] | None = None,
        data: bytes | None = None,
        auth: bool = True,
        destructive: bool = False,
        content_type: str = _XML,
    ) -> ResponseStatus:
        """A PUT answered by a ResponseStatus; raises the typed error unless it is accepted.

        Before a destructive PUT, one cheap authenticated GET: it checks the credentials and
        leaves a fresh keep-alive connection, so that a connection the device closed while idle
        cannot be mistaken for "the command was sent and the device dropped it".
        """
        if destructive:
            await self._request(hdrs.METH_GET, DEVICE_INFO_PATH)
        body = await self._request(
            method,
            path,
            params=params,
            data=data,
            auth=auth,
            destructive=destructive,
            content_type=content_type,
        )
        try:
            status = parse_response_status(body)
        except IsapiInvalidResponseError as err:
            if destructive:  # the device took the request (2xx) but its answer is unreadable
                raise IsapiResultUnknownError(f"{method} {path} was answered with {err}") from err
            raise
        if status.status_code not in ACCEPTED_CODES:
            raise status_error(status)
        return status

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        data: bytes | None = None,
        auth: bool = True,
        destructive: bool = False,
        content_type: str = _XML,
    ) -> bytes:
        """Send one request and return the body of a 2xx answer, or raise a typed error."""
        if self._forward:  # through a recorder: its parameters, its login, on every request
            params, auth = {**(params or {}), **self._forward}, True
        middlewares = (self._digest, refusal_guard(self._max_body, destructive)) if auth else ()
        url = f"{self.base_url}{path}"
        serialised = self._auth_lock if auth else contextlib.nullcontext()
        try:
            async with (
                serialised,
                asyncio.timeout(self._timeout),
                self._session.request(
                    method,
                    url,
                    params=params,
                    data=data,
                    headers={hdrs.CONTENT_TYPE: content_type} if data is not None else None,
                    ssl=self._ssl,
                    middlewares=middlewares,
                    allow_redirects=False,
                ) as response,
            ):
                body = await read_bounded(response, self._max_body)
                status = response.status
                offered = response.headers.get(hdrs.WWW_AUTHENTICATE, "")
        except IsapiError:
            raise
        except aiohttp.ClientConnectorError as err:  # never reached the device
            raise IsapiConnectionError(f"{method} {path}: {err!r}") from err
        except (TimeoutError, *MAYBE_SENT_ERRORS, *_CUT_OFF_ERRORS) as err:
            if destructive:
                raise IsapiResultUnknownError(
                    f"{method} {path} was sent but the device did not answer ({err!r})"
                ) from err
            raise IsapiConnectionError(f"{method} {path}: {err!r}") from err
        except aiohttp.ClientError as err:
            raise IsapiConnectionError(f"{method} {path}: {err!r}") from err
        _LOGGER.debug("%s %s -> %s (%d bytes)", method, path, status, len(body))
        if 200 <= status < 300:
            return body
        if status == 401:
            if auth and offered and "digest" not in offered.lower():
                # Basic only (a web-authentication setting): aiohttp's digest middleware sent
                # nothing, so no password left this machine and no login attempt was spent.
                raise IsapiUnsupportedAuthError(offered.split(" ", 1)[0])
            raise auth_error(body)
        raise http_error(status, body)
