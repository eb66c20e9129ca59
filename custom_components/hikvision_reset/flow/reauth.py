"""The reauth journey's own steps: why the camera refuses us, the ways out, finding it again.

This is the one place a homeowner fixes a camera that refuses Home Assistant: Home Assistant's
"Authentication expired" repair and the integration card open it. Invariants: a known password
is checked once per submit (never while the account is locked); finding the camera sends no
login; a camera that is inactive (or activated by Home Assistant and not home) goes on to the
way home.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PASSWORD
import voluptuous as vol

from .. import const
from ..auth.guard import Trouble, is_inactive, trouble_for
from ..auth.login import async_try_login, client_from_data, key_from_data
from ..auth.memory import async_get_memory
from ..const import CONF_MODEL
from ..isapi import IsapiConnectionError, IsapiError
from ..isapi.sadp import SadpDevice
from ..recovery.progress import async_activated_before
from ..recovery.reset_guide import guide_for
from ..recovery.sadp import async_find, entry_mac
from .fields import password_schema
from .state import Journey
from .way_home import WayHome


class Reauth:
    """The steps ``reauth_confirm``, ``password``, ``reset_*`` and ``find_camera``."""

    def __init__(self, journey: Journey, home: WayHome) -> None:
        """The journey, and the way home it leads to."""
        self.journey = journey
        self.state = journey.state
        self.flow = journey.flow
        self.home = home

    def _trouble(self) -> Trouble:
        entry = self.journey.entry
        return trouble_for(self.journey.hass, entry.entry_id) or Trouble(const.REASON_INVALID_AUTH)

    def inactive(self) -> bool:
        """The camera is inactive (or not home): the journey starts by finding it."""
        return is_inactive(self._trouble())

    async def confirm(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Why the camera refuses us, and the two ways out (re-rendered each time it is shown)."""
        memory = await async_get_memory(self.journey.hass)
        minutes = memory.minutes_locked(key_from_data(self.journey.entry.data))
        attempts = self._trouble().attempts_left
        step_id, extra = "reauth_confirm", {}
        if minutes is not None:
            step_id, extra = "reauth_locked", {"minutes": str(minutes)}
        elif attempts is not None:
            step_id, extra = "reauth_attempts", {"attempts": str(attempts)}
        return self.flow.async_show_menu(
            step_id=step_id,
            menu_options=["password", "reset_steps"],
            description_placeholders=self.journey.placeholders(**extra),
        )

    async def password(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Check the password the user knows, once per submit."""
        entry, flow = self.journey.entry, self.flow
        errors: dict[str, str] = {}
        placeholders = self.journey.placeholders()
        if user_input is not None:
            password = user_input[CONF_PASSWORD]
            login = await async_try_login(
                self.journey.hass, {**entry.data, CONF_PASSWORD: password}
            )
            errors = login.errors
            placeholders |= login.placeholders
            if (info := login.info) is not None:
                await flow.async_set_unique_id(info.serial_number)
                flow._abort_if_unique_id_mismatch(reason="wrong_device")
                return flow.async_update_reload_and_abort(
                    entry, data_updates={CONF_PASSWORD: password}
                )
        return flow.async_show_form(
            step_id="password",
            data_schema=password_schema(),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def reset_steps(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Before a hard reset: offer the camera's own password reset when it has one.

        When SADP says it can (``PasswordResetAbility``, ``SupportSecurityQuestion``), that route
        is offered first. Otherwise, and on request, the model's reset steps.
        """
        if user_input is not None:
            return await self.find_camera()
        if not self.state.soft_checked:
            self.state.soft_checked = True
            device = await self._find()
            if (
                device is not None
                and device.activated
                and (device.password_reset or device.security_questions)
            ):
                self.state.host = device.ipv4
                return await self.reset_soft()
        return await self.reset_hard()

    async def reset_soft(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The camera's own "Forgot password" (security questions, e-mail, Hik-Connect)."""
        return self.flow.async_show_menu(
            step_id="reset_soft",
            menu_options=["password", "reset_hard"],
            description_placeholders=self.journey.placeholders(),
        )

    async def reset_hard(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The model's reset steps (``reset_guide``; submitting means "I have reset it")."""
        if user_input is not None:
            return await self.find_camera()
        guide = guide_for(self.journey.entry.data.get(CONF_MODEL))
        return self.flow.async_show_form(
            step_id=guide.step,
            data_schema=vol.Schema({}),
            description_placeholders=self.journey.placeholders(),
        )

    async def _find(self) -> SadpDevice | None:
        entry = self.journey.entry
        return await async_find(entry_mac(self.journey.hass, entry), entry.unique_id)

    async def find_camera(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Find the reset camera, without logging in: SADP by its MAC, or an address given.

        First SADP (any address, active or not); when it does not answer, the unauthenticated
        ``/SDK/activateStatus`` at the address the user gives.
        """
        entry, state, hass = self.journey.entry, self.state, self.journey.hass
        errors: dict[str, str] = {}
        if user_input is not None or not state.searched:
            state.searched = True
            device = await self._find()
            if device is not None:
                state.device, state.host = device, device.ipv4
                if device.activated is False:
                    return await self.home.activate()
                if state.new_password is None and await async_activated_before(
                    hass, entry, device
                ):  # Home Assistant activated it before a restart: the entry has its password
                    state.new_password = entry.data[CONF_PASSWORD]
                if state.new_password is not None:  # activated by this journey: bring it home
                    return await self.home.move()
                errors["base"] = "still_activated"
            elif user_input is not None:
                state.host = user_input[CONF_HOST].strip()
                client = client_from_data(hass, {**entry.data, CONF_HOST: state.host})
                try:
                    activated = await client.is_activated()
                except IsapiConnectionError:
                    errors["base"] = "not_found"
                except IsapiError:
                    errors["base"] = "not_hikvision"
                else:
                    if not activated:
                        return await self.home.activate()
                    errors["base"] = "still_activated"
            else:
                errors["base"] = "not_found"
        return self.flow.async_show_form(
            step_id="find_camera",
            data_schema=vol.Schema(
                {vol.Required(CONF_HOST, default=state.host or entry.data[CONF_HOST]): str}
            ),
            errors=errors,
            description_placeholders=self.journey.placeholders(),
        )
