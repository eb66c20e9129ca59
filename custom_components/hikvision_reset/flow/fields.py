"""The flows' form fields: one password field, the connection settings, the network settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.helpers import selector
import voluptuous as vol

from ..auth.login import port_of
from ..const import CONF_MODEL, DEFAULT_USERNAME
from ..isapi.sadp import NetworkSettings, SadpDevice

CONF_NEW_PASSWORD: Final = "new_password"
CONF_MASK: Final = "subnet_mask"
CONF_GATEWAY: Final = "gateway"
CONF_DHCP: Final = "dhcp"
CHOICE_MANUAL: Final = "manual"
_PORT: Final = vol.All(vol.Coerce(int), vol.Range(min=1, max=65535))


def password_selector(autocomplete: str = "current-password") -> selector.TextSelector:
    """A password field (masked, with the browser's password-manager hint)."""
    return selector.TextSelector(
        selector.TextSelectorConfig(
            type=selector.TextSelectorType.PASSWORD, autocomplete=autocomplete
        )
    )


def password_schema() -> vol.Schema:
    """The one field of the reauth journey's "I know the password"."""
    return vol.Schema({vol.Required(CONF_PASSWORD): password_selector()})


def new_password_schema() -> vol.Schema:
    """The new admin password of an activation."""
    return vol.Schema({vol.Required(CONF_NEW_PASSWORD): password_selector("new-password")})


def connection_fields(defaults: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    """Address, port and HTTPS (an empty port means the scheme's default)."""
    return {
        vol.Required(CONF_HOST, default=defaults.get(CONF_HOST, vol.UNDEFINED)): str,
        vol.Optional(CONF_PORT, description={"suggested_value": defaults.get(CONF_PORT)}): _PORT,
        vol.Required(CONF_SSL, default=defaults.get(CONF_SSL, False)): bool,
        vol.Required(CONF_VERIFY_SSL, default=defaults.get(CONF_VERIFY_SSL, True)): bool,
    }


def account_schema(defaults: Mapping[str, Any], user_input: Mapping[str, Any] | None) -> vol.Schema:
    """The add form: connection settings and an admin account."""
    username = (user_input or {}).get(CONF_USERNAME, DEFAULT_USERNAME)
    return vol.Schema(
        {
            **connection_fields(defaults),
            vol.Required(CONF_USERNAME, default=username): str,
            vol.Required(CONF_PASSWORD): password_selector(),
        }
    )


def with_port(data: Mapping[str, Any]) -> dict[str, Any]:
    """Connection settings with the scheme's default port filled in."""
    return {**data, CONF_PORT: port_of(data)}


def new_camera_connection(device: SadpDevice) -> dict[str, Any]:
    """The connection a camera found by the search starts with (it has no password yet)."""
    return {
        CONF_HOST: device.ipv4,
        CONF_PORT: device.web_port,
        CONF_SSL: False,
        CONF_VERIFY_SSL: True,
        CONF_USERNAME: DEFAULT_USERNAME,
        CONF_PASSWORD: "",
        CONF_MODEL: device.model,
    }


def network_schema(defaults: Mapping[str, Any]) -> vol.Schema:
    """The move form: address, mask, gateway, web port, or DHCP."""
    return vol.Schema(
        {
            vol.Required(CONF_HOST, default=defaults[CONF_HOST] or vol.UNDEFINED): str,
            vol.Required(CONF_MASK, default=defaults[CONF_MASK]): str,
            vol.Required(CONF_GATEWAY, default=defaults[CONF_GATEWAY]): str,
            vol.Required(CONF_PORT, default=defaults[CONF_PORT]): _PORT,
            vol.Required(CONF_DHCP, default=defaults[CONF_DHCP]): bool,
        }
    )


def network_defaults(guess: NetworkSettings) -> dict[str, Any]:
    """The move form's suggestions."""
    return {
        CONF_HOST: guess.ipv4,
        CONF_MASK: guess.subnet_mask,
        CONF_GATEWAY: guess.gateway,
        CONF_PORT: guess.http_port,
        CONF_DHCP: False,
    }


def network_settings(user_input: Mapping[str, Any]) -> NetworkSettings:
    """The move form's answer."""
    return NetworkSettings(
        str(user_input[CONF_HOST]).strip(),
        str(user_input[CONF_MASK]).strip(),
        str(user_input[CONF_GATEWAY]).strip(),
        http_port=int(user_input[CONF_PORT]),
        dhcp=bool(user_input.get(CONF_DHCP)),
    )
