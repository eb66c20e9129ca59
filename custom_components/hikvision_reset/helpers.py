"""Turn client errors into translated Home Assistant errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from functools import wraps
from typing import Any, Concatenate

from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .backups import BackupDiskError, BackupFailedError, BackupTooLargeError
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
    IsapiUnsupportedAuthError,
)
from .restore import AlreadyRestoringError

# Most specific first: the first class the error is an instance of names the translation.
_KEYS: tuple[tuple[type[Exception], str], ...] = (
    (AlreadyRestoringError, "already_restoring"),
    (BackupDiskError, "backup_disk"),
    (BackupTooLargeError, "backup_too_large"),
    (BackupFailedError, "backup_failed"),
    (IsapiAccountLockedError, "account_locked"),
    (IsapiAuthenticationError, "invalid_auth"),
    (IsapiUnsupportedAuthError, "digest_disabled"),
    (IsapiNotActivatedError, "not_activated"),
    (IsapiNotSupportedError, "not_supported"),
    (IsapiDeviceBusyError, "device_busy"),
    (IsapiResultUnknownError, "result_unknown"),
    (IsapiConnectionError, "cannot_connect"),
)
# What the person can be told of each error: the sentences in translations name these.
HANDLED: tuple[type[Exception], ...] = (IsapiError, AlreadyRestoringError)


def error_key(err: Exception) -> str:
    """The translation key naming the cause of ``err``."""
    return next((key for cls, key in _KEYS if isinstance(err, cls)), "device_error")


def translated_error(err: Exception, name: str) -> HomeAssistantError:
    """A translated ``HomeAssistantError`` for ``err`` on the camera called ``name``."""
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=error_key(err),
        translation_placeholders={"name": name, "error": str(err)},
    )


async def async_require_admin(hass: HomeAssistant, context: Context | None, name: str) -> None:
    """Refuse a person who is not an administrator; automations and scripts act for no user."""
    user_id = context.user_id if context else None
    if user_id is None:
        return
    user = await hass.auth.async_get_user(user_id)
    if user is None or not user.is_admin:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="admin_only",
            translation_placeholders={"name": name},
        )


def hikvision_exception_handler[EntityT: HikvisionEntity, **P](
    func: Callable[Concatenate[EntityT, P], Awaitable[Any]],
) -> Callable[Concatenate[EntityT, P], Coroutine[Any, Any, None]]:
    """Decorate an entity action: client errors become translated HomeAssistantErrors."""

    @wraps(func)
    async def handler(self: EntityT, *args: P.args, **kwargs: P.kwargs) -> None:
        try:
            await func(self, *args, **kwargs)
        except HANDLED as err:
            raise translated_error(err, self.coordinator.config_entry.title) from err

    return handler  # type: ignore[return-value]
