"""Config flow: add a camera (by address, or found by SADP), or move it (reconfigure).

The reauth journey's steps are in ``reauth``; the way home they share with the search for new
cameras (activate, move, wait, finish) in ``journey``.
"""

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
from homeassistant.helpers import device_registry as dr, selector
from homeassistant.helpers.device_registry import format_mac
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
import voluptuous as vol

from .const import CONF_MODEL, DEFAULT_PORT, DEFAULT_SSL_PORT, DEFAULT_USERNAME, DOMAIN
from .isapi.sadp import SadpDevice
from .journey import password_selector
from .login import async_try_login
from .pending import ADDITION, async_get_pending
from .reauth import ReauthSteps
from .recovery import async_answers, async_search


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


CHOICE_MANUAL = "manual"


def _label(device: SadpDevice) -> str:
    state = "inactive" if device.activated is False else "active"
    return f"{device.model or 'Hikvision device'} at {device.ipv4} ({state})"


class HikvisionResetConfigFlow(ReauthSteps, domain=DOMAIN):
    """Add a Hikvision camera."""

    VERSION = 1
    MINOR_VERSION = 1

    _discovered_host: str | None = None
    _discovered_port: int | None = None
    _found: dict[str, SadpDevice]

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
        return await self.async_step_manual()

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Search the network for cameras, or enter an address."""
        return self.async_show_menu(step_id="user", menu_options=["search", CHOICE_MANUAL])

    def _known(self, device: SadpDevice) -> bool:
        registry = dr.async_get(self.hass)
        if registry.async_get_device(connections={(dr.CONNECTION_NETWORK_MAC, device.mac)}):
            return True
        return any(
            entry.unique_id == device.serial_number for entry in self._async_current_entries()
        )

    async def async_step_search(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Cameras that answer SADP and are not set up yet: pick one.

        Submitting without a choice searches again. An active camera is added with its
        credentials; an inactive one is activated (the journey's ``activate``) and added.
        """
        if user_input is not None and (choice := user_input.get("camera")):
            if choice == CHOICE_MANUAL:
                return await self.async_step_manual()
            device = self._found[choice]
            kept = (await async_get_pending(self.hass)).get(ADDITION, device.mac)
            if device.activated is False or (device.activated and kept):
                self._device, self._host = device, device.ipv4
                self._new_base = {
                    CONF_HOST: device.ipv4,
                    CONF_PORT: device.http_port or DEFAULT_PORT,
                    CONF_SSL: False,
                    CONF_VERIFY_SSL: True,
                    CONF_USERNAME: DEFAULT_USERNAME,
                    CONF_PASSWORD: "",
                    CONF_MODEL: device.model,
                }
            if device.activated is False:
                return await self.async_step_activate()
            if kept:  # Home Assistant activated it before a restart: it knows the password
                self._new_password = str(kept[CONF_PASSWORD])
                port = device.http_port or DEFAULT_PORT
                reachable = await async_answers(self.hass, self._new_base, device.ipv4, port)
                self._activated_by = "isapi" if reachable else "sadp"
                return await self._after_activation()
            self._discovered_host = device.ipv4
            self._discovered_port = device.http_port
            return await self.async_step_manual()
        found = [d for d in await async_search() if not self._known(d)]
        self._found = {d.mac: d for d in found}
        options = [selector.SelectOptionDict(value=d.mac, label=_label(d)) for d in found]
        options.append(selector.SelectOptionDict(value=CHOICE_MANUAL, label=CHOICE_MANUAL))
        schema = vol.Schema(
            {
                vol.Optional("camera"): selector.SelectSelector(
                    selector.SelectSelectorConfig(
                        options=options,
                        mode=selector.SelectSelectorMode.LIST,
                        translation_key="search_choice",
                    )
                )
            }
        )
        return self.async_show_form(
            step_id="search",
            data_schema=schema,
            errors={} if found else {"base": "nothing_found"},
        )

    async def async_step_manual(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
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
            {CONF_HOST: self._discovered_host, CONF_PORT: self._discovered_port}
            if self._discovered_host
            else {}
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
            step_id=CHOICE_MANUAL,
            data_schema=schema,
            errors=errors,
            description_placeholders=placeholders,
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
