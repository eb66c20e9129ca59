"""The fix flow of the "cannot log in" repair issue.

Step ``init`` shows the camera's hard-reset steps and offers two ways out:
- ``known_password``: the user knows the password; it is checked once, then the entry reloads;
- ``reset_done``: the camera was reset: HA looks for it (``/SDK/activateStatus``, no login) at the
  entry's address or one the user gives (a hard-reset camera comes back at 192.168.1.64), and
  ``activate`` sets a new admin password on it over ISAPI.
A camera that a full restore left inactive goes straight to ``reset_done``.
"""

from __future__ import annotations

from typing import Any

from homeassistant import data_entry_flow
from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.const import CONF_HOST, CONF_PASSWORD
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import voluptuous as vol

from .config_flow import async_try_login, password_selector
from .const import DOMAIN, HARD_RESET_ADDRESS, REASON_NOT_ACTIVATED, REASON_RESTORED_FULL
from .coordinator import HikvisionConfigEntry, client_from_data
from .isapi import IsapiConnectionError, IsapiError
from .isapi.activation import password_is_strong

CONF_NEW_PASSWORD = "new_password"


class HikvisionRepairFlow(RepairsFlow):
    """Lead the user back to a working camera without locking its account."""

    def __init__(
        self, entry: HikvisionConfigEntry, reason: str, placeholders: dict[str, str]
    ) -> None:
        """Remember which camera, why it fails, and what the issue told the user."""
        self.entry = entry
        self.reason = reason
        self.host = entry.data[CONF_HOST]
        self.issue_placeholders = placeholders

    def _placeholders(self) -> dict[str, str]:
        return {
            **self.issue_placeholders,
            "name": self.entry.title,
            "host": self.host,
            "reset_address": HARD_RESET_ADDRESS,
        }

    async def async_step_init(self, user_input: dict[str, str] | None = None) -> RepairsFlowResult:
        """Show the ways out."""
        if self.reason in (REASON_NOT_ACTIVATED, REASON_RESTORED_FULL):
            return await self.async_step_reset_done()
        return self.async_show_menu(
            step_id="init",
            menu_options=["known_password", "reset_done"],
            description_placeholders=self._placeholders(),
        )

    async def async_step_known_password(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Check the password the user knows, once per submit."""
        errors: dict[str, str] = {}
        placeholders = self._placeholders()
        if user_input is not None:
            data = {**self.entry.data, CONF_PASSWORD: user_input[CONF_PASSWORD]}
            info, errors, extra = await async_try_login(self.hass, data)
            placeholders |= extra
            if info is not None:
                if info.serial_number != self.entry.unique_id:
                    return self.async_abort(reason="wrong_device")
                return self._finish(data)
        return self.async_show_form(
            step_id="known_password",
            data_schema=vol.Schema({vol.Required(CONF_PASSWORD): password_selector()}),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_reset_done(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Find the reset camera: no login, only the unauthenticated activation status."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self.host = user_input[CONF_HOST].strip()
            client = client_from_data(self.hass, {**self.entry.data, CONF_HOST: self.host})
            try:
                activated = await client.is_activated()
            except IsapiConnectionError:
                errors["base"] = "cannot_connect"
            except IsapiError:
                errors["base"] = "not_hikvision"
            else:
                if not activated:
                    return await self.async_step_activate()
                errors["base"] = "still_activated"
        return self.async_show_form(
            step_id="reset_done",
            data_schema=vol.Schema({vol.Required(CONF_HOST, default=self.host): str}),
            errors=errors,
            description_placeholders=self._placeholders(),
        )

    async def async_step_activate(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Choose the new admin password and activate the camera with it."""
        errors: dict[str, str] = {}
        if user_input is not None:
            password = user_input[CONF_NEW_PASSWORD]
            data = {**self.entry.data, CONF_HOST: self.host, CONF_PASSWORD: password}
            client = client_from_data(self.hass, data)
            if not password_is_strong(password):
                errors[CONF_NEW_PASSWORD] = "weak_password"
            else:
                try:
                    await client.activate(password)
                    info = await client.device_info()
                except IsapiConnectionError:
                    errors["base"] = "cannot_connect"
                except IsapiError:
                    errors["base"] = "activation_failed"
                else:
                    if info.serial_number != self.entry.unique_id:
                        return self.async_abort(reason="wrong_device")
                    return self._finish(data)
        return self.async_show_form(
            step_id="activate",
            data_schema=vol.Schema(
                {vol.Required(CONF_NEW_PASSWORD): password_selector("new-password")}
            ),
            errors=errors,
            description_placeholders=self._placeholders(),
        )

    def _finish(self, data: dict[str, Any]) -> RepairsFlowResult:
        """Store the working settings and reload the camera; the issue goes with the flow."""
        self.hass.config_entries.async_update_entry(self.entry, data=data)
        self.hass.config_entries.async_schedule_reload(self.entry.entry_id)
        return self.async_create_entry(data={})


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """Create the fix flow of one camera's issue."""
    assert data is not None
    entry = hass.config_entries.async_get_entry(str(data["entry_id"]))
    if entry is None or entry.domain != DOMAIN:
        raise data_entry_flow.UnknownFlow(f"no camera for {issue_id}")
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    placeholders = dict(issue.translation_placeholders or {}) if issue else {}
    return HikvisionRepairFlow(entry, str(data["reason"]), placeholders)
