"""Logging in to a camera once per submit: the clients and the login the flows share.

Invariants: nothing here sends a login while the camera has the account locked, and nothing
retries; a refusal is remembered (``memory``) before the form answers.
"""

from __future__ import annotations

from collections.abc import Mapping
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

from ..const import DEFAULT_PORT, DEFAULT_SSL_PORT, DEFAULT_USERNAME, LOGGER
from ..isapi import (
    DeviceInfo,
    IsapiAuthenticationError,
    IsapiClient,
    IsapiConnectionError,
    IsapiError,
    IsapiInvalidResponseError,
    IsapiNotActivatedError,
    IsapiUnsupportedAuthError,
)
from .memory import account_key, async_get_memory


def client_from_data(
    hass: HomeAssistant, data: Mapping[str, Any], forward: Mapping[str, str] | None = None
) -> IsapiClient:
    """An ISAPI client for the connection settings in ``data`` (entry data or a form).

    ``forward``: a recorder's forwarding parameters (its camera behind it, by ``devIndex``).
    """
    return IsapiClient(
        async_get_clientsession(hass, verify_ssl=data.get(CONF_VERIFY_SSL, True)),
        data[CONF_HOST],
        port=port_of(data),
        username=username_of(data),
        password=data[CONF_PASSWORD],
        ssl=data.get(CONF_SSL, False),
        verify_ssl=data.get(CONF_VERIFY_SSL, True),
        forward=forward,
    )


def port_of(data: Mapping[str, Any]) -> int:
    """The web port in connection settings: the scheme's default when none is given."""
    if port := data.get(CONF_PORT):
        return int(port)
    return DEFAULT_SSL_PORT if data.get(CONF_SSL) else DEFAULT_PORT


def username_of(data: Mapping[str, Any]) -> str:
    """The admin user name in connection settings."""
    return str(data.get(CONF_USERNAME) or DEFAULT_USERNAME)


def key_from_data(data: Mapping[str, Any]) -> str:
    """The lockout key of the account in ``data``."""
    return account_key(data[CONF_HOST], port_of(data), username_of(data))


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
        await memory.async_note_refusal(key, data[CONF_PASSWORD], err)
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
