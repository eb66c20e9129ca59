"""The reauth journey: the one place a homeowner fixes a camera that refuses Home Assistant.

Home Assistant starts it when a camera refuses the stored password (or comes back inactive) and
lists it once, as its "Authentication expired" repair and on the integration card; both open
this flow. Steps:

- ``reauth_confirm`` (or ``reauth_attempts`` / ``reauth_locked``, by what the camera said): why,
  and two ways out:
  - ``password``: the user knows the password; checked once per submit;
  - ``reset_steps``: the model's hard-reset steps (``reset_button`` / ``reset_sadp`` /
    ``reset_unknown``), then
- ``find_camera``: Home Assistant looks for the reset camera without logging in
  (``/SDK/activateStatus``) at the entry's address or one the user gives, then
- ``activate``: a new admin password (Hikvision's rule checked first), the camera is activated
  over ISAPI, the entry updated and reloaded.

A camera that is already inactive (a full restore from Home Assistant, or a reset) starts at
``find_camera``.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.helpers import device_registry as dr, selector
import voluptuous as vol

from . import const
from .const import CONF_MODEL, DOMAIN, HARD_RESET_ADDRESS
from .isapi import IsapiConnectionError, IsapiError, IsapiRiskyPasswordError
from .isapi.activation import password_problem
from .lockout import async_get_memory
from .login import async_try_login, client_from_data, key_from_data
from .reset_guide import guide_for
from .trouble import Trouble, trouble_for

CONF_NEW_PASSWORD = "new_password"
UNKNOWN = "?"


def password_selector(autocomplete: str = "current-password") -> selector.TextSelector:
    """A password field (masked, with the browser's password-manager hint)."""
    return selector.TextSelector(
        selector.TextSelectorConfig(
            type=selector.TextSelectorType.PASSWORD, autocomplete=autocomplete
        )
    )


class ReauthJourney(ConfigFlow):
    """The reauth steps of the config flow (a base class: the flow itself registers).

    The flow's ``async_step_reauth`` (in ``config_flow``) starts here.
    """

    _host: str | None = None

    def _trouble(self) -> Trouble:
        entry = self._get_reauth_entry()
        return trouble_for(self.hass, entry.entry_id) or Trouble(const.REASON_INVALID_AUTH)

    def _placeholders(self, **extra: str) -> dict[str, str]:
        entry = self._get_reauth_entry()
        return {
            "name": entry.title,
            "model": entry.data.get(CONF_MODEL) or UNKNOWN,
            "host": self._host or entry.data[CONF_HOST],
            "reset_address": HARD_RESET_ADDRESS,
            **extra,
        }

    def _inactive(self) -> bool:
        """The camera came back inactive (reset): the journey starts at finding it."""
        return self._trouble().reason in (const.REASON_NOT_ACTIVATED, const.REASON_RESTORED_FULL)

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Why the camera refuses us, and the two ways out (re-rendered each time it is shown)."""
        entry = self._get_reauth_entry()
        memory = await async_get_memory(self.hass)
        minutes = memory.minutes_locked(key_from_data(dict(entry.data)))
        attempts = self._trouble().attempts_left
        step_id, extra = "reauth_confirm", {}
        if minutes is not None:
            step_id, extra = "reauth_locked", {"minutes": str(minutes)}
        elif attempts is not None:
            step_id, extra = "reauth_attempts", {"attempts": str(attempts)}
        return self.async_show_menu(
            step_id=step_id,
            menu_options=["password", "reset_steps"],
            description_placeholders=self._placeholders(**extra),
        )

    async_step_reauth_locked = async_step_reauth_confirm
    async_step_reauth_attempts = async_step_reauth_confirm

    async def async_step_password(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Check the password the user knows, once per submit."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        placeholders = self._placeholders()
        if user_input is not None:
            login = await async_try_login(
                self.hass, {**entry.data, CONF_PASSWORD: user_input[CONF_PASSWORD]}
            )
            errors = login.errors
            placeholders |= login.placeholders
            if (info := login.info) is not None:
                await self.async_set_unique_id(info.serial_number)
                self._abort_if_unique_id_mismatch(reason="wrong_device")
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_PASSWORD: user_input[CONF_PASSWORD]}
                )
        return self.async_show_form(
            step_id="password",
            data_schema=vol.Schema({vol.Required(CONF_PASSWORD): password_selector()}),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_reset_steps(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The model's hard-reset steps; submitting means "I have reset it"."""
        if user_input is not None:
            return await self.async_step_find_camera()
        kind = guide_for(self._get_reauth_entry().data.get(CONF_MODEL)).kind
        return self.async_show_form(
            step_id=f"reset_{kind}",
            data_schema=vol.Schema({}),
            description_placeholders=self._placeholders(),
        )

    async_step_reset_button = async_step_reset_steps
    async_step_reset_sadp = async_step_reset_steps
    async_step_reset_unknown = async_step_reset_steps

    async def async_step_find_camera(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Find the reset camera: no login, only the unauthenticated activation status."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            self._host = user_input[CONF_HOST].strip()
            client = client_from_data(self.hass, {**entry.data, CONF_HOST: self._host})
            try:
                activated = await client.is_activated()
            except IsapiConnectionError:
                errors["base"] = "cannot_reach"
            except IsapiError:
                errors["base"] = "not_hikvision"
            else:
                if not activated:
                    return await self.async_step_activate()
                errors["base"] = "still_activated"
        host = self._host or entry.data[CONF_HOST]
        return self.async_show_form(
            step_id="find_camera",
            data_schema=vol.Schema({vol.Required(CONF_HOST, default=host): str}),
            errors=errors,
            description_placeholders=self._placeholders(),
        )

    async def async_step_activate(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the new admin password and activate the camera with it."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            password = user_input[CONF_NEW_PASSWORD]
            data = {**entry.data, CONF_HOST: self._host, CONF_PASSWORD: password}
            client = client_from_data(self.hass, data)
            if (problem := password_problem(password, entry.data[CONF_USERNAME])) is not None:
                errors[CONF_NEW_PASSWORD] = f"weak_{problem}"
            else:
                try:
                    await client.activate(password)
                    info = await client.device_info()
                except IsapiRiskyPasswordError:
                    errors[CONF_NEW_PASSWORD] = "risky_password"
                except IsapiConnectionError:
                    errors["base"] = "cannot_reach"
                except IsapiError:
                    errors["base"] = "activation_failed"
                else:
                    if info.serial_number != entry.unique_id:
                        return self.async_abort(reason="wrong_device")
                    self._fire_recovered()
                    return self.async_update_reload_and_abort(
                        entry, data_updates=data, reason="recovered"
                    )
        return self.async_show_form(
            step_id="activate",
            data_schema=vol.Schema(
                {vol.Required(CONF_NEW_PASSWORD): password_selector("new-password")}
            ),
            errors=errors,
            description_placeholders=self._placeholders(),
        )

    def _fire_recovered(self) -> None:
        entry = self._get_reauth_entry()
        device = dr.async_get(self.hass).async_get_device_by_identifier(
            (DOMAIN, str(entry.unique_id)), entry.entry_id
        )
        self.hass.bus.async_fire(
            const.EVENT_RESTORE,
            {
                "device_id": device.id if device else None,
                "entry_id": entry.entry_id,
                "name": entry.title,
                const.ATTR_MODE: "activation",
                const.ATTR_STAGE: const.STAGE_RECOVERED,
            },
        )
