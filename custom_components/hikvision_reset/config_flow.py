"""Config flow: add a camera (by address, by DHCP, found by SADP), reconfigure it, and reauth.

The flow's steps are listed here, each in one line: adding and reconfiguring are written here;
the reauth journey (``flow.reauth``), the way home it shares with the search (``flow.way_home``)
and the arrival (``flow.arrival``) are step groups that share one journey's state
(``flow.state``) by composition. (Longer than most modules: it is the one list of steps.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import callback
from homeassistant.helpers import device_registry as dr, selector
from homeassistant.helpers.device_registry import format_mac
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
import voluptuous as vol

from .auth.login import async_try_login
from .const import CONF_MODEL, DOMAIN
from .data import HikvisionConfigEntry
from .flow.arrival import Arrival
from .flow.fields import CHOICE_MANUAL, account_schema, connection_fields, with_port
from .flow.reauth import Reauth
from .flow.recorder_options import RecorderOptionsFlow
from .flow.state import Journey
from .flow.way_home import WayHome
from .isapi.sadp import SadpDevice
from .recovery.network import async_address_answers
from .recovery.progress import async_kept_password
from .recovery.sadp import async_search


def _label(device: SadpDevice) -> str:
    state = "inactive" if device.activated is False else "active"
    return f"{device.model or 'Hikvision device'} at {device.ipv4} ({state})"


class HikvisionResetConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a Hikvision camera, change its address, or bring it back."""

    VERSION = 1
    MINOR_VERSION = 1

    def __init__(self) -> None:
        """One journey, and the step groups that share it."""
        self.journey = Journey(self)
        self.home = WayHome(self.journey, search_again=self._search_again)
        self.arrival = Arrival(self.journey)
        self.reauth = Reauth(self.journey, self.home)
        self._discovered: dict[str, Any] = {}

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: HikvisionConfigEntry) -> OptionsFlow:
        """A recorder's options: the way to its cameras."""
        return RecorderOptionsFlow()

    @classmethod
    @callback
    def async_supports_options_flow(cls, config_entry: HikvisionConfigEntry) -> bool:
        """Only a loaded recorder has options (its cameras' route and password)."""
        return (
            config_entry.state is ConfigEntryState.LOADED
            and config_entry.runtime_data.recorder is not None
        )

    # ---- adding ---------------------------------------------------------------------------
    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Search the network for cameras, or enter an address."""
        return self.async_show_menu(step_id="user", menu_options=["search", CHOICE_MANUAL])

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
        self._discovered = {CONF_HOST: discovery_info.ip}
        self.context["title_placeholders"] = {"name": discovery_info.ip}
        return await self.async_step_manual()

    def _known(self, device: SadpDevice) -> bool:
        """Whether the camera is set up already (by its MAC or its serial number)."""
        registry = dr.async_get(self.hass)
        connection = (dr.CONNECTION_NETWORK_MAC, device.mac)
        return any(
            entry.unique_id == device.serial_number
            or registry.async_get_device_by_connection(connection, entry.entry_id) is not None
            for entry in self._async_current_entries()
        )

    async def async_step_search(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Cameras that answer SADP and are not set up yet: pick one.

        Submitting without a choice searches again. An active camera is added with its
        credentials; an inactive one is activated (the way home) and added; one Home Assistant
        activated before a restart is added with the password it was given.
        """
        if user_input is not None and (choice := user_input.get("camera")):
            if choice == CHOICE_MANUAL:
                return await self.async_step_manual()
            return await self._picked(self.journey.state.found[choice])
        found = [d for d in await async_search() if not self._known(d)]
        self.journey.state.found = {d.mac: d for d in found}
        options = [selector.SelectOptionDict(value=d.mac, label=_label(d)) for d in found]
        options.append(selector.SelectOptionDict(value=CHOICE_MANUAL, label=CHOICE_MANUAL))
        choices = selector.SelectSelector(
            selector.SelectSelectorConfig(
                options=options,
                mode=selector.SelectSelectorMode.LIST,
                translation_key="search_choice",
            )
        )
        return self.async_show_form(
            step_id="search",
            data_schema=vol.Schema({vol.Optional("camera"): choices}),
            errors={} if found else {"base": "nothing_found"},
        )

    async def _picked(self, device: SadpDevice) -> ConfigFlowResult:
        """The camera picked in the search: activate it, or add it."""
        if device.activated is False:
            self.journey.start_adding(device)
            return await self.home.activate()
        if (password := await async_kept_password(self.hass, device.mac)) is not None:
            self.journey.start_adding(device)
            self.journey.state.new_password = password
            connection = self.journey.connection()
            reachable = await async_address_answers(
                self.hass, connection, device.ipv4, device.web_port
            )
            self.journey.state.activated_by = "isapi" if reachable else "sadp"
            return await self.home.after_activation()
        self._discovered = {CONF_HOST: device.ipv4, CONF_PORT: device.http_port}
        return await self.async_step_manual()

    async def async_step_manual(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the camera's address and an admin account; one login per submit."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            data = with_port(user_input)
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
        return self.async_show_form(
            step_id=CHOICE_MANUAL,
            data_schema=account_schema(user_input or self._discovered, user_input),
            errors=errors,
            description_placeholders=placeholders,
        )

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
            data = with_port({**old, **user_input})
            login = await async_try_login(self.hass, data)
            errors = login.errors
            placeholders |= login.placeholders
            if (info := login.info) is not None:
                await self.async_set_unique_id(info.serial_number)
                self._abort_if_unique_id_mismatch(reason="wrong_device")
                return self.async_update_reload_and_abort(entry, data_updates=data)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=vol.Schema(connection_fields(user_input or entry.data)),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def _search_again(self) -> ConfigFlowResult:
        """Where "it did not come back" leads: the entry's camera, or the network search."""
        if self.journey.adding:
            return await self.async_step_search()
        return await self.reauth.find_camera()

    # ---- the reauth journey (flow.reauth) ---------------------------------------------------
    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The camera refused the stored password, came back inactive, or is not home."""
        if self.reauth.inactive():
            return await self.reauth.find_camera()
        return await self.reauth.confirm()

    async def async_step_reauth_confirm(self, user_input: Any = None) -> ConfigFlowResult:
        """Why, and the two ways out (also shown as ``reauth_attempts``, ``reauth_locked``)."""
        return await self.reauth.confirm(user_input)

    async_step_reauth_attempts = async_step_reauth_confirm
    async_step_reauth_locked = async_step_reauth_confirm

    async def async_step_password(self, user_input: Any = None) -> ConfigFlowResult:
        """I know the password."""
        return await self.reauth.password(user_input)

    async def async_step_reset_steps(self, user_input: Any = None) -> ConfigFlowResult:
        """Nobody knows it: the camera's own reset first, then the model's reset steps."""
        return await self.reauth.reset_steps(user_input)

    async def async_step_reset_soft(self, user_input: Any = None) -> ConfigFlowResult:
        """The camera's own "Forgot password"."""
        return await self.reauth.reset_soft(user_input)

    async def async_step_reset_hard(self, user_input: Any = None) -> ConfigFlowResult:
        """The model's reset steps (one step id per kind of text, ``reset_guide.STEPS``)."""
        return await self.reauth.reset_hard(user_input)

    async_step_reset_button = async_step_reset_hard
    async_step_reset_turret = async_step_reset_hard
    async_step_reset_fisheye = async_step_reset_hard
    async_step_reset_datasheet = async_step_reset_hard
    async_step_reset_sadp = async_step_reset_hard
    async_step_reset_unknown = async_step_reset_hard

    async def async_step_find_camera(self, user_input: Any = None) -> ConfigFlowResult:
        """Find the reset camera without logging in."""
        return await self.reauth.find_camera(user_input)

    # ---- the way home (flow.way_home), shared with the search ------------------------------
    async def async_step_activate(self, user_input: Any = None) -> ConfigFlowResult:
        """A new admin password."""
        return await self.home.activate(user_input)

    async def async_step_move(self, user_input: Any = None) -> ConfigFlowResult:
        """Its old address back (or DHCP)."""
        return await self.home.move(user_input)

    async def async_step_wait_back(self, user_input: Any = None) -> ConfigFlowResult:
        """Waiting until it answers with the new password."""
        return await self.home.wait_back(user_input)

    async def async_step_still_away(self, user_input: Any = None) -> ConfigFlowResult:
        """It did not come back in time."""
        return await self.home.still_away(user_input)

    # ---- home (flow.arrival) ----------------------------------------------------------------
    async def async_step_back_home(self, user_input: Any = None) -> ConfigFlowResult:
        """It answers: a new entry, or the entry's own camera back."""
        return await self.arrival.back_home(user_input)

    async def async_step_offer_configuration(self, user_input: Any = None) -> ConfigFlowResult:
        """Offer the settings saved before the last restore."""
        return await self.arrival.offer_configuration(user_input)

    async def async_step_restore_configuration(self, user_input: Any = None) -> ConfigFlowResult:
        """Yes: put them back."""
        return await self.arrival.restore_configuration(user_input)

    async def async_step_finish(self, user_input: Any = None) -> ConfigFlowResult:
        """No: keep the camera as it is."""
        return await self.arrival.finish(user_input)
