"""Config flow: add a camera, or move it (reconfigure); the reauth journey is in ``reauth``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import format_mac
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
import voluptuous as vol

from .const import CONF_MODEL, DEFAULT_PORT, DEFAULT_SSL_PORT, DEFAULT_USERNAME, DOMAIN
from .login import async_try_login
from .reauth import ReauthJourney, password_selector


def _connection_schema(defaults: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    return {
        vol.Required(CONF_HOST, default=defaults.get(CONF_HOST, vol.UNDEFINED)): str,
        vol.Optional(CONF_PORT, description={"suggested_value": defaults.get(CONF_PORT)}): vol.All(
            vol.Coerce(int), vol.Range(min=1, max=65535)
        ),
        vol.Required(CONF_SSL, default=defaults.get(CONF_SSL, False)): bool,
        vol.Required(CONF_VERIFY_SSL, default=defaults.get(CONF_VERIFY_SSL, True)): bool,
    }


def _with_port(data: dict[str, Any]) -> dict[str, Any]:
    """Fill the default port for the scheme."""
    if not data.get(CONF_PORT):
        data[CONF_PORT] = DEFAULT_SSL_PORT if data.get(CONF_SSL) else DEFAULT_PORT
    return data


class HikvisionResetConfigFlow(ReauthJourney, domain=DOMAIN):
    """Add a Hikvision camera."""

    VERSION = 1
    MINOR_VERSION = 1

    _discovered_host: str | None = None

    async def async_step_dhcp(self, discovery_info: DhcpServiceInfo) -> ConfigFlowResult:
        """A device with a Hikvision MAC address joined the network (or changed address)."""
        mac = format_mac(discovery_info.macaddress)
        registry = dr.async_get(self.hass)
        for entry in self._async_current_entries(include_ignore=False):
            device = registry.async_get_device_by_connection(
                (dr.CONNECTION_NETWORK_MAC, mac), entry.entry_id
            )
            if device is None:
                continue
            if entry.data[CONF_HOST] != discovery_info.ip:
                # A known camera got a new address: follow it (no login needed).
                self.hass.config_entries.async_update_entry(
                    entry, data={**entry.data, CONF_HOST: discovery_info.ip}
                )
                self.hass.config_entries.async_schedule_reload(entry.entry_id)
            return self.async_abort(reason="already_configured")
        self._async_abort_entries_match({CONF_HOST: discovery_info.ip})
        # Until a login tells the serial number, the MAC keeps discovery flows from repeating.
        await self.async_set_unique_id(mac)
        self._abort_if_unique_id_configured()
        self._discovered_host = discovery_info.ip
        self.context["title_placeholders"] = {"host": discovery_info.ip}
        return await self.async_step_user()

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the camera's address and an admin account."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            data = _with_port(dict(user_input))
            login = await async_try_login(self.hass, data)
            errors, placeholders = login.errors, login.placeholders
            if (info := login.info) is not None:
                await self.async_set_unique_id(info.serial_number, raise_on_progress=False)
                self._abort_if_unique_id_configured(
                    updates={CONF_HOST: data[CONF_HOST], CONF_PORT: data[CONF_PORT]}
                )
                return self.async_create_entry(
                    title=info.display_name, data={**data, CONF_MODEL: info.model}
                )
        defaults = user_input or (
            {CONF_HOST: self._discovered_host} if self._discovered_host else {}
        )
        schema = vol.Schema(
            {
                **_connection_schema(defaults),
                vol.Required(
                    CONF_USERNAME, default=(user_input or {}).get(CONF_USERNAME, DEFAULT_USERNAME)
                ): str,
                vol.Required(CONF_PASSWORD): password_selector(),
            }
        )
        return self.async_show_form(
            step_id="user", data_schema=schema, errors=errors, description_placeholders=placeholders
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The camera refused the stored password, or came back inactive (see ``reauth``)."""
        if self._inactive():
            return await self.async_step_find_camera()
        return await self.async_step_reauth_confirm()

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the camera's address; it must still be the same camera."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        placeholders = {"name": entry.title}
        if user_input is not None:
            # An emptied port means the scheme's default, not the old port.
            old = {k: v for k, v in entry.data.items() if k != CONF_PORT}
            data = _with_port({**old, **user_input})
            login = await async_try_login(self.hass, data)
            errors = login.errors
            placeholders |= login.placeholders
            if (info := login.info) is not None:
                await self.async_set_unique_id(info.serial_number)
                self._abort_if_unique_id_mismatch(reason="wrong_device")
                return self.async_update_reload_and_abort(entry, data_updates=data)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=vol.Schema(_connection_schema(user_input or entry.data)),
            errors=errors,
            description_placeholders=placeholders,
        )
