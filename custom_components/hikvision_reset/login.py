"""Logging in to a camera once, safely: shared by the config flow, the reauth journey and setup.

Nothing here sends a login while the camera has the account locked, and nothing retries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .const import LOGGER
from .isapi import (
    DeviceInfo,
    IsapiAuthenticationError,
    IsapiClient,
    IsapiConnectionError,
    IsapiError,
    IsapiInvalidResponseError,
    IsapiNotActivatedError,
    IsapiUnsupportedAuthError,
)
from .lockout import account_key, async_get_memory


def client_from_data(hass: HomeAssistant, data: dict[str, Any]) -> IsapiClient:
    """An ISAPI client for the connection settings in ``data`` (entry data or a form)."""
    return IsapiClient(
        async_get_clientsession(hass, verify_ssl=data.get(CONF_VERIFY_SSL, True)),
        data[CONF_HOST],
        port=data[CONF_PORT],
        username=data[CONF_USERNAME],
        password=data[CONF_PASSWORD],
        ssl=data.get(CONF_SSL, False),
        verify_ssl=data.get(CONF_VERIFY_SSL, True),
    )


def key_from_data(data: dict[str, Any]) -> str:
    """The lockout key of the account in ``data``."""
    return account_key(data[CONF_HOST], data[CONF_PORT], data[CONF_USERNAME])


@dataclass(slots=True)
class LoginResult:
    """What one login told: the device, or a form error with its placeholders."""

    info: DeviceInfo | None = None
    errors: dict[str, str] = field(default_factory=dict)
    placeholders: dict[str, str] = field(default_factory=dict)


def _error(key: str, **placeholders: str) -> LoginResult:
    return LoginResult(errors={"base": key}, placeholders=placeholders)


async def async_try_login(hass: HomeAssistant, data: dict[str, Any]) -> LoginResult:
    """Log in once with ``data`` (a user's submit): the device info, or a form error."""
    memory = await async_get_memory(hass)
    key = key_from_data(data)
    if (minutes := memory.minutes_locked(key)) is not None:
        return _error("account_locked", minutes=str(minutes))
    try:
        info = await client_from_data(hass, data).device_info()
    except IsapiAuthenticationError as err:
        memory.note_auth_error(key, err)
        if not err.locked:  # a locked camera refuses every password, the right one too
            await memory.note_refused(key, data[CONF_PASSWORD])
        if (minutes := memory.minutes_locked(key)) is not None:
            return _error("account_locked", minutes=str(minutes))
        if err.attempts_left is not None:
            return _error("invalid_auth_attempts", attempts=str(err.attempts_left))
        return _error("invalid_auth")
    except IsapiUnsupportedAuthError:
        return _error("digest_disabled")
    except IsapiNotActivatedError:
        return _error("not_activated")
    except IsapiConnectionError:
        return _error("cannot_connect")
    except IsapiInvalidResponseError:
        return _error("not_hikvision")
    except IsapiError:
        LOGGER.exception("Unexpected answer from %s", data[CONF_HOST])
        return _error("unknown")
    memory.forget_refused(key)
    return LoginResult(info=info)
