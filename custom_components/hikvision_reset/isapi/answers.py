"""What a device's answer means: typed errors, bounded reads, and the guard of a request.

The guard (a middleware) stops a refused login or a dropped command from being sent again.
Nothing here raises anything but the client's own errors (``errors``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final

import aiohttp
from aiohttp import hdrs

from .errors import (
    IsapiAccountLockedError,
    IsapiAuthenticationError,
    IsapiDeviceBusyError,
    IsapiDeviceError,
    IsapiError,
    IsapiInvalidResponseError,
    IsapiNotActivatedError,
    IsapiNotSupportedError,
    IsapiResponseStatusError,
    IsapiResultUnknownError,
    IsapiRiskyPasswordError,
    IsapiTooLargeError,
)
from .models import ResponseStatus
from .xml import parse_response_status, parse_user_check

# Errors raised after the request may have reached the device (as opposed to "could not connect").
MAYBE_SENT_ERRORS: Final = (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError)

type _Handler = Callable[[aiohttp.ClientRequest], Awaitable[aiohttp.ClientResponse]]

# statusCode 1 is OK; 7 ("reboot required") still means the device took the request.
ACCEPTED_CODES: Final = frozenset({1, 7})
_BUSY_SUB_STATUS: Final = frozenset({"deviceBusy", "busy"})
_NOT_SUPPORTED_SUB_STATUS: Final = frozenset(
    {"notSupport", "lowPrivilege", "methodNotAllowed", "invalidOperation"}
)


def status_error(status: ResponseStatus) -> IsapiResponseStatusError:
    """The typed error for a ResponseStatus that is not OK."""
    code, sub = status.status_code, status.sub_status_code
    message = status.description or f"{status.status_string or 'error'} ({sub or code})"
    if sub == "riskPassword":
        return IsapiRiskyPasswordError(code, sub, message)
    if code == 2 or sub in _BUSY_SUB_STATUS:
        return IsapiDeviceBusyError(code, sub, message)
    if code == 4 or sub in _NOT_SUPPORTED_SUB_STATUS:
        return IsapiNotSupportedError(code, sub, message)
    if code == 3:
        return IsapiDeviceError(code, sub, message)
    return IsapiResponseStatusError(code, sub, message)


def auth_error(body: bytes) -> IsapiError:
    """The typed error for a 401 answer, using its userCheck/ResponseStatus body when present."""
    if b"notActivated" in body:
        return IsapiNotActivatedError("the device is not activated")
    check = parse_user_check(body)
    if check is None:
        return IsapiAuthenticationError()
    if check.locked:
        return IsapiAccountLockedError(
            "the account is locked",
            attempts_left=0,
            locked=True,
            unlock_seconds=check.unlock_seconds,
        )
    return IsapiAuthenticationError(attempts_left=check.attempts_left)


async def read_bounded(response: aiohttp.ClientResponse, limit: int) -> bytes:
    """Read the body, refusing more than ``limit`` bytes."""
    if response.content_length is not None and response.content_length > limit:
        response.release()
        raise IsapiInvalidResponseError(f"answer of {response.content_length} bytes is too large")
    body = bytearray()
    async for chunk in response.content.iter_chunked(64 * 1024):
        body += chunk
        if len(body) > limit:
            response.release()
            raise IsapiInvalidResponseError(f"answer larger than {limit} bytes")
    return bytes(body)


def looks_like_xml(chunk: bytes) -> bool:
    """Whether the first bytes of an answer are XML (a ResponseStatus, not a file)."""
    head = chunk[:512].lstrip()
    return head.startswith(b"<?xml") or b"<ResponseStatus" in head


def refuse_non_file(first: bytes) -> None:
    """Raise when the first bytes of a configuration download are not a file."""
    head = first[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise IsapiInvalidResponseError("a web page instead of a configuration file")
    if looks_like_xml(first):
        status = parse_response_status(first)
        if status.status_code in ACCEPTED_CODES:
            raise IsapiInvalidResponseError("a ResponseStatus instead of a configuration file")
        raise status_error(status)


def http_error(status: int, body: bytes) -> IsapiError:
    """The typed error of a non-2xx, non-401 answer."""
    try:
        return status_error(parse_response_status(body))
    except IsapiInvalidResponseError:
        pass
    if status in (403, 404, 405, 501):
        return IsapiNotSupportedError(4, f"http{status}", f"HTTP {status}")
    if status == 503:
        return IsapiDeviceBusyError(2, f"http{status}", f"HTTP {status}")
    if status >= 500:
        return IsapiDeviceError(3, f"http{status}", f"HTTP {status}")
    return IsapiInvalidResponseError(f"unexpected HTTP {status}")


def refusal_guard(limit: int, destructive: bool) -> aiohttp.ClientMiddlewareType:
    """A middleware inside the digest one: refused logins and dropped commands stop here.

    - A 401 to a request that carried credentials (and is not a ``stale`` nonce) is raised at
      once, so the digest middleware cannot send the same refused credentials a second time.
    - A destructive request whose connection dropped is not resent by aiohttp's idempotent
      retry: the device may already be acting on it.
    """

    async def guard(request: aiohttp.ClientRequest, handler: _Handler) -> aiohttp.ClientResponse:
        try:
            response = await handler(request)
        except aiohttp.ClientConnectorError:
            raise
        except MAYBE_SENT_ERRORS as err:
            if destructive:
                raise IsapiResultUnknownError(
                    f"{request.method} {request.url.path} was sent but the connection "
                    f"dropped ({err!r})"
                ) from err
            raise
        if (
            response.status == 401
            and hdrs.AUTHORIZATION in request.headers
            and "stale=true" not in response.headers.get(hdrs.WWW_AUTHENTICATE, "").lower()
        ):
            raise auth_error(await read_bounded(response, limit))
        return response

    return guard


async def stream_file(
    response: aiohttp.ClientResponse,
    write: Callable[[bytes], Awaitable[None]],
    *,
    limit: int,
    max_body: int,
) -> int:
    """Stream a file answer to ``write``; its size. What is not a file is raised as what it is."""
    total = 0
    async for chunk in response.content.iter_chunked(64 * 1024):
        if not total and looks_like_xml(chunk):  # a ResponseStatus: read it whole
            refuse_non_file(chunk + await read_bounded(response, max_body))
        elif not total:
            refuse_non_file(chunk)
        total += len(chunk)
        if total > limit:
            raise IsapiTooLargeError(f"configuration larger than {limit} bytes")
        await write(chunk)
    if total == 0:
        raise IsapiInvalidResponseError("an empty answer instead of a configuration file")
    return total
