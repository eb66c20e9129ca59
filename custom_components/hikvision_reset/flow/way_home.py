"""The way home, shared by the reauth journey and the add flow's search: activate, move, wait.

Invariants: a password is checked against Hikvision's rule before anything is sent, and kept
the moment the camera accepts it; every command is sent once per submit; every failure leaves
a way on (the form stays, or the search runs again).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
import voluptuous as vol

from ..auth.login import client_from_data, port_of
from ..errors import AddressTakenError
from ..isapi import IsapiConnectionError, IsapiError, IsapiRiskyPasswordError
from ..isapi.activation import password_problem
from ..isapi.sadp import SadpCommandFailedError, SadpTimeoutError
from ..recovery.bring_home import (
    CONF_SADP,
    async_activate,
    async_move,
    async_wait_back,
    learned_from_refusal,
)
from ..recovery.network import async_guess_home, async_guess_settings
from ..recovery.progress import async_keep_moved, async_keep_password, keep_learned
from ..recovery.sadp import async_find
from ..restore.backups import async_list
from .fields import (
    CONF_NEW_PASSWORD,
    network_defaults,
    network_schema,
    network_settings,
    new_password_schema,
)
from .state import Journey

type Step = Callable[[], Awaitable[ConfigFlowResult]]


class WayHome:
    """The steps ``activate``, ``move``, ``wait_back`` and ``still_away`` of one journey."""

    def __init__(self, journey: Journey, *, search_again: Step) -> None:
        """``search_again``: where "it did not come back" leads (the flow's own search)."""
        self.journey = journey
        self.state = journey.state
        self.flow = journey.flow
        self._search_again = search_again

    async def activate(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose the new admin password and activate the camera (ISAPI if reachable, else SADP)."""
        connection = self.journey.connection()
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            password = user_input[CONF_NEW_PASSWORD]
            if (problem := password_problem(password, connection[CONF_USERNAME])) is not None:
                errors[CONF_NEW_PASSWORD] = f"weak_{problem}"
            else:
                try:
                    await self._activate(connection, password)
                except IsapiRiskyPasswordError:
                    errors[CONF_NEW_PASSWORD] = "risky_password"
                except SadpTimeoutError:
                    errors["base"] = "sadp_no_answer"
                except SadpCommandFailedError as err:
                    errors["base"] = "activation_refused"
                    placeholders["tried"] = str(len(err.tried))
                except IsapiConnectionError:
                    errors["base"] = "cannot_reach"
                except IsapiError:
                    errors["base"] = "activation_failed"
                else:
                    return await self.after_activation()
        return self.flow.async_show_form(
            step_id="activate",
            data_schema=new_password_schema(),
            errors=errors,
            description_placeholders=self.journey.placeholders(**placeholders),
        )

    async def _activate(self, connection: dict[str, Any], password: str) -> None:
        """Activate, then keep the password at once (a restart must not lose it)."""
        hass, state = self.journey.hass, self.state
        if state.device is not None:
            state.activated_by, learned = await async_activate(
                hass, connection, state.device, password
            )
            self._learn(learned)
            if state.activated_by == "sadp":
                state.sadp_used.update(activate=learned["key_mode"], to=learned["target"])
        else:  # found at an address the user gave: its web port answers
            data = {**connection, CONF_HOST: state.host, CONF_PASSWORD: password}
            await client_from_data(hass, data).activate(password)
        state.new_password = password
        entry = None if self.journey.adding else self.journey.entry
        await async_keep_password(hass, entry, state.device, password)

    def _learn(self, learned: dict[str, Any]) -> None:
        """Keep what SADP worked with: with the entry (reauth) or for the new one (adding)."""
        if self.journey.adding:
            self.state.new_connection[CONF_SADP] = learned
        else:
            keep_learned(self.journey.hass, self.journey.entry, learned)

    async def after_activation(self) -> ConfigFlowResult:
        """Activated: home already (its address answers), or move it."""
        connection, device = self.journey.connection(), self.state.device
        if self.journey.adding:
            assert device is not None
            if self.state.activated_by == "isapi":  # its web port answered where it is
                return await self.wait_at(device.ipv4, device.web_port)
            return await self.move()
        port = port_of(connection)
        if device is None or (device.ipv4, device.web_port) == (connection[CONF_HOST], port):
            return await self.wait_at(self.state.host or connection[CONF_HOST], port)
        return await self.move()

    async def move(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Put the camera back at its old address (or DHCP) over SADP, with its new password."""
        connection, device, password = (
            self.journey.connection(),
            self.state.device,
            self.state.new_password,
        )
        assert device is not None
        assert password is not None
        errors: dict[str, str] = {}
        refused: dict[str, str] = {}
        if user_input is not None:
            settings = network_settings(user_input)
            try:
                learned = await async_move(
                    self.journey.hass, connection, device, password, settings
                )
                self._learn(learned)
                layout = learned["update_layout"] if device.salt else "md5"
                self.state.sadp_used.update(update=layout, to=learned["target"])
                if not self.journey.adding:
                    await async_keep_moved(self.journey.hass, self.journey.entry, settings)
            except AddressTakenError:
                errors[CONF_HOST] = "address_in_use"
            except SadpTimeoutError:
                errors["base"] = "sadp_no_answer"
            except SadpCommandFailedError as err:
                self._learn(learned_from_refusal(connection.get(CONF_SADP) or {}, err))
                errors["base"] = "move_refused"
                if err.retries_left is not None:  # the camera said how many remain
                    errors["base"] = "move_refused_left"
                if device.salt and len(err.tried) < 2 and err.retries_left != 0:
                    errors["base"] = "move_refused_other"  # the other form goes next time
                refused = {
                    "tried": str(err.sent),
                    "attempts": str(err.retries_left),
                    "forms": ", ".join(err.tried),
                }
            except IsapiError:
                errors["base"] = "move_failed"
            else:
                host = None if settings.dhcp else settings.ipv4
                return await self.wait_at(host, settings.http_port)
        hass = self.journey.hass
        if self.journey.adding:  # a new camera: Home Assistant's network, an address to pick
            guess = await async_guess_home(hass)
        else:
            guess = await async_guess_settings(hass, connection[CONF_HOST], port_of(connection))
        return self.flow.async_show_form(
            step_id="move",
            data_schema=network_schema(user_input or network_defaults(guess)),
            errors=errors,
            description_placeholders=self.journey.placeholders(
                now=f"{device.ipv4}:{device.web_port}", **refused
            ),
        )

    async def wait_at(self, host: str | None, port: int) -> ConfigFlowResult:
        """Wait (a progress step) for the camera to answer at ``host`` with the new password.

        ``host`` None: wherever DHCP put it, as SADP tells.
        """
        self.state.wait_at = (host, port)
        self.state.wait_task = None
        return await self.wait_back()

    async def _until_home(self) -> dict[str, Any]:
        """The camera answers with its new password: the settings it answered with."""
        state, hass = self.state, self.journey.hass
        host, port = state.wait_at
        assert state.new_password is not None
        if host is None:  # DHCP: ask SADP where it went
            device = await async_find(state.device.mac if state.device else None, None)
            if device is None:
                raise TimeoutError
            host, port = device.ipv4, device.web_port
        data = {**self.journey.connection(), CONF_HOST: host, CONF_PORT: port}
        data[CONF_PASSWORD] = state.new_password
        state.home_info = await async_wait_back(hass, data)
        if not self.journey.adding:  # the settings saved before the last restore, to offer
            saved = await async_list(hass, str(self.journey.entry.unique_id))
            state.backup = saved[0] if saved else None
        return data

    async def wait_back(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show progress until the camera answers with its new password, or gives up."""
        state = self.state
        if state.wait_task is None:
            state.wait_task = self.journey.hass.async_create_task(self._until_home())
        if not state.wait_task.done():
            # The single-source SADP forms used are said (the diagnostics keep them too).
            used = "; ".join(
                f"{what} {state.sadp_used[what]}"
                for what in ("activate", "update", "to")
                if what in state.sadp_used
            )
            return self.flow.async_show_progress(
                step_id="wait_back",
                progress_action="wait_back_sadp" if used else "wait_back",
                progress_task=state.wait_task,
                description_placeholders=self.journey.placeholders(sadp=used),
            )
        try:
            state.home_data = state.wait_task.result()
        except TimeoutError, IsapiError:
            return self.flow.async_show_progress_done(next_step_id="still_away")
        return self.flow.async_show_progress_done(next_step_id="back_home")

    async def still_away(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """It did not come back in time; it is activated with the new password: search again."""
        if user_input is not None:
            self.state.searched = False
            return await self._search_again()
        return self.flow.async_show_form(
            step_id="still_away",
            data_schema=vol.Schema({}),
            description_placeholders=self.journey.placeholders(),
        )
