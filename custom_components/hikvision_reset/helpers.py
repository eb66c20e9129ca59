"""Turn client errors into translated Home Assistant errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from functools import wraps
from typing import Any, Concatenate

from homeassistant.exceptions import HomeAssistantError

from .const import DOMAIN
from .entity import HikvisionEntity
from .isapi import (
    IsapiAccountLockedError,
    IsapiAuthenticationError,
    IsapiConnectionError,
    IsapiDeviceBusyError,
    IsapiError,
    IsapiNotActivatedError,
    IsapiNotSupportedError,
    IsapiResultUnknownError,
)

# Most specific first: the first class the error is an instance of names the translation.
_KEYS: tuple[tuple[type[IsapiError], str], ...] = (
    (IsapiAccountLockedError, "account_locked"),
    (IsapiAuthenticationError, "invalid_auth"),
    (IsapiNotActivatedError, "not_activated"),
    (IsapiNotSupportedError, "not_supported"),
    (IsapiDeviceBusyError, "device_busy"),
    (IsapiResultUnknownError, "result_unknown"),
    (IsapiConnectionError, "cannot_connect"),
)


def error_key(err: IsapiError) -> str:
    """The translation key naming the cause of ``err``."""
    return next((key for cls, key in _KEYS if isinstance(err, cls)), "device_error")


def translated_error(err: IsapiError, name: str) -> HomeAssistantError:
    """A translated ``HomeAssistantError`` for ``err`` on the camera called ``name``."""
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=error_key(err),
        translation_placeholders={"name": name, "error": str(err)},
    )


def hikvision_exception_handler[EntityT: HikvisionEntity, **P](
    func: Callable[Concatenate[EntityT, P], Awaitable[Any]],
) -> Callable[Concatenate[EntityT, P], Coroutine[Any, Any, None]]:
    """Decorate an entity action: client errors become translated HomeAssistantErrors."""

    @wraps(func)
    async def handler(self: EntityT, *args: P.args, **kwargs: P.kwargs) -> None:
        try:
            await func(self, *args, **kwargs)
        except IsapiError as err:
            raise translated_error(err, self.coordinator.config_entry.title) from err

    return handler  # type: ignore[return-value]
