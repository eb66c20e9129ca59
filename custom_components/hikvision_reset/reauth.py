"""The reauth journey: the one place a homeowner fixes a camera that refuses Home Assistant.

Home Assistant starts it when a camera refuses the stored password (or comes back inactive) and
lists it once, as its "Authentication expired" repair and on the integration card; both open
this flow (its first step, ``async_step_reauth``, is in ``config_flow``). Steps:

- ``reauth_confirm`` (or ``reauth_attempts`` / ``reauth_locked``, by what the camera said): why,
  and two ways out:
  - ``password``: the user knows the password; checked once per submit;
  - ``reset_steps``: first, when SADP says the camera can reset its own password, that route
    (``reset_soft``); then the model's reset steps (``reset_guide``), then
- ``find_camera``: Home Assistant looks for the reset camera without logging in: by SADP (its MAC,
  any address, active or not), else ``/SDK/activateStatus`` at an address the user gives; an
  inactive camera goes on to the way home (``journey``).

A camera that is already inactive (a full restore from Home Assistant, or a reset) starts at
``find_camera``.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PASSWORD
import voluptuous as vol

from . import const
from .const import CONF_MODEL
from .isapi import IsapiConnectionError, IsapiError
from .isapi.sadp import SadpDevice
from .journey import CameraJourney, password_selector
from .lockout import async_get_memory
from .login import async_try_login, client_from_data, key_from_data
from .pending import JOURNEY, async_get_pending
from .recovery import async_find, entry_mac
from .reset_guide import guide_for
from .trouble import Trouble, trouble_for


class ReauthSteps(CameraJourney):
    """The reauth journey's own steps (a base class of the config flow)."""

    def _trouble(self) -> Trouble:
        entry = self._get_reauth_entry()
        return trouble_for(self.hass, entry.entry_id) or Trouble(const.REASON_INVALID_AUTH)

    def _inactive(self) -> bool:
        """The camera came back inactive (reset): the journey starts at finding it."""
        return self._trouble().reason in const.INACTIVE_REASONS

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
        """Before a hard reset: offer the camera's own password reset when it has one.

        When SADP says it can (``PasswordResetAbility``, ``SupportSecurityQuestion``), that route
        is offered first. Otherwise, and on request, the model's hard-reset steps; submitting
        them means "I have reset it".
        """
        if user_input is not None:
            return await self.async_step_find_camera()
        if not self._soft_checked:
            self._soft_checked = True
            entry = self._get_reauth_entry()
            device = await async_find(entry_mac(self.hass, entry), entry.unique_id)
            if (
                device is not None
                and device.activated
                and (device.password_reset or device.security_questions)
            ):
                self._host = device.ipv4
                return await self.async_step_reset_soft()
        return await self.async_step_reset_hard()

    async def async_step_reset_soft(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The camera's own "Forgot password" (security questions, e-mail, Hik-Connect)."""
        return self.async_show_menu(
            step_id="reset_soft",
            menu_options=["password", "reset_hard"],
            description_placeholders=self._placeholders(),
        )

    async def async_step_reset_hard(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The model's hard-reset steps (a form: submitting means "I have reset it")."""
        if user_input is not None:
            return await self.async_step_find_camera()
        guide = guide_for(self._get_reauth_entry().data.get(CONF_MODEL))
        return self.async_show_form(
            step_id=guide.step,
            data_schema=vol.Schema({}),
            description_placeholders=self._placeholders(),
        )

    # The steps of reset_guide.STEPS: one text each, the same "I have reset it" submit.
    async_step_reset_button = async_step_reset_hard
    async_step_reset_turret = async_step_reset_hard
    async_step_reset_fisheye = async_step_reset_hard
    async_step_reset_datasheet = async_step_reset_hard
    async_step_reset_sadp = async_step_reset_hard
    async_step_reset_unknown = async_step_reset_hard

    async def _activated_before(self, device: SadpDevice) -> bool:
        """Whether Home Assistant activated this camera in a journey a restart cut short."""
        entry = self._get_reauth_entry()
        journey = (await async_get_pending(self.hass)).get(JOURNEY, entry.entry_id)
        return journey is not None and journey.get("mac") in (None, device.mac)

    async def async_step_find_camera(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Find the reset camera, without logging in: SADP by its MAC, or an address given.

        First SADP (any address, active or not); when it does not answer, the unauthenticated
        ``/SDK/activateStatus`` at the address the user gives.
        """
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None or not self._searched:
            self._searched = True
            device = await async_find(entry_mac(self.hass, entry), entry.unique_id)
            if device is not None:
                self._device, self._host = device, device.ipv4
                if device.activated is False:
                    return await self.async_step_activate()
                if self._new_password is None and await self._activated_before(device):
                    # Home Assistant activated it before a restart: the entry has its password.
                    self._new_password = entry.data[CONF_PASSWORD]
                if self._new_password is not None:  # activated in this journey: bring it home
                    return await self.async_step_move()
                errors["base"] = "still_activated"
            elif user_input is not None:
                self._host = user_input[CONF_HOST].strip()
                client = client_from_data(self.hass, {**entry.data, CONF_HOST: self._host})
                try:
                    activated = await client.is_activated()
                except IsapiConnectionError:
                    errors["base"] = "not_found"
                except IsapiError:
                    errors["base"] = "not_hikvision"
                else:
                    if not activated:
                        return await self.async_step_activate()
                    errors["base"] = "still_activated"
            else:
                errors["base"] = "not_found"
        host = self._host or entry.data[CONF_HOST]
        return self.async_show_form(
            step_id="find_camera",
            data_schema=vol.Schema({vol.Required(CONF_HOST, default=host): str}),
            errors=errors,
            description_placeholders=self._placeholders(),
        )
