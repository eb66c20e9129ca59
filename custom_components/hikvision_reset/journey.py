"""The camera's way home, shared by the reauth journey (``reauth``) and the add flow's search.

Steps, for a camera found inactive (by SADP, or at an address the user gave):

- ``activate``: a new admin password (Hikvision's rule checked first); the camera is activated
  over ISAPI when its address answers, else over SADP, then
- ``move``: when it sits where Home Assistant cannot reach it (192.168.1.64 after a reset), an
  address (its old one, for a camera that was set up) or DHCP is given over SADP, then
- ``wait_back`` (progress) until ``deviceInfo`` answers there with the new password, then
- ``back_home``: reauth: the entry is updated and reloaded (after offering the settings saved
  before the last restore: ``put_back``), event stage ``recovered``; adding: the entry is
  created. Or ``still_away``: it is activated but did not answer in time, and the search runs
  again.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import SOURCE_REAUTH, ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.helpers import selector
from homeassistant.util import dt as dt_util
import voluptuous as vol

from . import const
from .backups import CONF_BACKUP_PASSWORDS, Backup, async_list, async_read
from .const import CONF_MODEL, DEFAULT_PORT, HARD_RESET_ADDRESS, LOGGER
from .events import async_fire_restore
from .isapi import (
    DeviceInfo,
    IsapiConnectionError,
    IsapiError,
    IsapiResultUnknownError,
    IsapiRiskyPasswordError,
)
from .isapi.activation import password_problem
from .isapi.sadp import NetworkSettings, SadpCommandFailedError, SadpDevice, SadpTimeoutError
from .login import client_from_data
from .pending import ADDITION, JOURNEY, PENDING_KEY, async_get_pending
from .recovery import (
    CONF_SADP,
    AddressTakenError,
    async_activate,
    async_find,
    async_guess_home,
    async_guess_settings,
    async_move,
    async_wait_back,
)

CONF_NEW_PASSWORD = "new_password"
CONF_MASK = "subnet_mask"
CONF_GATEWAY = "gateway"
CONF_DHCP = "dhcp"
UNKNOWN = "?"


def password_selector(autocomplete: str = "current-password") -> selector.TextSelector:
    """A password field (masked, with the browser's password-manager hint)."""
    return selector.TextSelector(
        selector.TextSelectorConfig(
            type=selector.TextSelectorType.PASSWORD, autocomplete=autocomplete
        )
    )


class CameraJourney(ConfigFlow):
    """The way home's steps of the config flow (a base class: the flow itself registers).

    ``reauth.ReauthSteps`` finds the camera for an entry; the flow's ``async_step_search`` finds
    a new one; both hand it to ``activate``.
    """

    if TYPE_CHECKING:  # the two searches, defined by the subclasses

        async def async_step_find_camera(
            self, user_input: dict[str, Any] | None = None
        ) -> ConfigFlowResult:
            """Reauth: look for the entry's camera again (``reauth``)."""

        async def async_step_search(
            self, user_input: dict[str, Any] | None = None
        ) -> ConfigFlowResult:
            """Adding: search the network again (``config_flow``)."""

    _host: str | None = None  # where the camera is now
    _device: SadpDevice | None = None  # as SADP found it
    _new_password: str | None = None  # set once this journey activated it
    _searched = False
    _soft_checked = False
    _target: tuple[str | None, int] = (None, 80)
    _back_task: asyncio.Task[dict[str, Any]] | None = None
    _back_data: dict[str, Any]
    _back_info: DeviceInfo | None = None
    _activated_by: str | None = None  # "isapi" (its web port answered) or "sadp"
    _new_base: dict[str, Any]  # adding: the connection settings the entry will have
    _backup: Backup | None = None  # the settings the journey may put back
    _recovered_fired = False

    def _adding(self) -> bool:
        """A new camera (the add flow's search), not an entry's reauth."""
        return self.source != SOURCE_REAUTH

    def _base(self) -> dict[str, Any]:
        """The connection settings the journey starts from."""
        return dict(self._new_base) if self._adding() else dict(self._get_reauth_entry().data)

    def _name(self) -> str:
        if not self._adding():
            return self._get_reauth_entry().title
        return (self._device.model if self._device else None) or "Hikvision camera"

    def _placeholders(self, **extra: str) -> dict[str, str]:
        base = self._base()
        return {
            "name": self._name(),
            "model": base.get(CONF_MODEL) or UNKNOWN,
            "host": self._host or base[CONF_HOST],
            "reset_address": HARD_RESET_ADDRESS,
            **extra,
        }

    async def async_step_activate(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the new admin password and activate the camera (ISAPI if reachable, else SADP)."""
        base = self._base()
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            password = user_input[CONF_NEW_PASSWORD]
            if (problem := password_problem(password, base[CONF_USERNAME])) is not None:
                errors[CONF_NEW_PASSWORD] = f"weak_{problem}"
            else:
                try:
                    if self._device is not None:
                        self._activated_by, learned = await async_activate(
                            self.hass, base, self._device, password
                        )
                        self._learn(learned)
                    else:
                        data = {**base, CONF_HOST: self._host, CONF_PASSWORD: password}
                        await client_from_data(self.hass, data).activate(password)
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
                    self._new_password = password
                    await self._keep_password(password)
                    return await self._after_activation()
        return self.async_show_form(
            step_id="activate",
            data_schema=vol.Schema(
                {vol.Required(CONF_NEW_PASSWORD): password_selector("new-password")}
            ),
            errors=errors,
            description_placeholders=self._placeholders(**placeholders),
        )

    async def _keep_password(self, password: str) -> None:
        """The camera took the password Home Assistant set: keep it now, before any other step.

        A restart anywhere later then still logs in with it (and resumes the way home).
        """
        pending = await async_get_pending(self.hass)
        mac = self._device.mac if self._device else None
        record = {"stage": "activated", "mac": mac, "at": dt_util.utcnow().isoformat()}
        if self._adding():
            if mac is not None:
                await pending.async_set(ADDITION, mac, {**record, CONF_PASSWORD: password})
            return
        entry = self._get_reauth_entry()
        self.hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_PASSWORD: password}
        )
        await pending.async_set(JOURNEY, entry.entry_id, record)

    async def _keep_moved(self, settings: NetworkSettings) -> None:
        """The camera took its new network settings: the entry points there from now on."""
        if self._adding():
            return
        entry = self._get_reauth_entry()
        if not settings.dhcp:
            self.hass.config_entries.async_update_entry(
                entry,
                data={**entry.data, CONF_HOST: settings.ipv4, CONF_PORT: settings.http_port},
            )
        pending = await async_get_pending(self.hass)
        journey = pending.get(JOURNEY, entry.entry_id) or {}
        await pending.async_set(
            JOURNEY,
            entry.entry_id,
            {**journey, "stage": "moved", "at": dt_util.utcnow().isoformat()},
        )

    def _learn(self, learned: dict[str, Any]) -> None:
        """Keep what SADP worked with: with the entry (reauth) or for the new one (adding)."""
        if self._adding():
            self._new_base[CONF_SADP] = learned
            return
        entry = self._get_reauth_entry()
        if entry.data.get(CONF_SADP) != learned:
            self.hass.config_entries.async_update_entry(
                entry, data={**entry.data, CONF_SADP: learned}
            )

    async def _after_activation(self) -> ConfigFlowResult:
        """Activated: home already (same address, or a new camera that answers), or move it."""
        base = self._base()
        device = self._device
        if self._adding():
            assert device is not None
            if self._activated_by == "isapi":  # its web port answered where it is
                return await self._wait_at(device.ipv4, device.http_port or DEFAULT_PORT)
            return await self.async_step_move()
        if device is None or (
            device.ipv4 == base[CONF_HOST] and device.http_port == base[CONF_PORT]
        ):
            return await self._wait_at(self._host or base[CONF_HOST], base[CONF_PORT])
        return await self.async_step_move()

    async def async_step_move(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Put the camera back at its old address (or DHCP) over SADP, with its new password."""
        base = self._base()
        assert self._device is not None
        assert self._new_password is not None
        errors: dict[str, str] = {}
        refused: dict[str, str] = {}
        if user_input is not None:
            dhcp = bool(user_input.get(CONF_DHCP))
            settings = NetworkSettings(
                user_input[CONF_HOST].strip(),
                user_input[CONF_MASK].strip(),
                user_input[CONF_GATEWAY].strip(),
                http_port=int(user_input[CONF_PORT]),
                dhcp=dhcp,
            )
            try:
                self._learn(
                    await async_move(self.hass, base, self._device, self._new_password, settings)
                )
                await self._keep_moved(settings)
            except AddressTakenError:
                errors[CONF_HOST] = "address_in_use"
            except SadpTimeoutError:
                errors["base"] = "sadp_no_answer"
            except SadpCommandFailedError as err:
                errors["base"] = "move_refused"
                if err.retries_left is not None:  # the camera said how many remain
                    errors["base"] = "move_refused_left"
                refused = {"tried": str(err.sent), "attempts": str(err.retries_left)}
            except IsapiError:
                errors["base"] = "move_failed"
            else:
                return await self._wait_at(None if dhcp else settings.ipv4, settings.http_port)
        if self._adding():  # a new camera: Home Assistant's network, an address the user picks
            guess = await async_guess_home(self.hass)
        else:
            guess = await async_guess_settings(self.hass, base[CONF_HOST], int(base[CONF_PORT]))
        defaults = user_input or {
            CONF_HOST: guess.ipv4,
            CONF_MASK: guess.subnet_mask,
            CONF_GATEWAY: guess.gateway,
            CONF_PORT: guess.http_port,
            CONF_DHCP: False,
        }
        schema = vol.Schema(
            {
                vol.Required(CONF_HOST, default=defaults[CONF_HOST] or vol.UNDEFINED): str,
                vol.Required(CONF_MASK, default=defaults[CONF_MASK]): str,
                vol.Required(CONF_GATEWAY, default=defaults[CONF_GATEWAY]): str,
                vol.Required(CONF_PORT, default=defaults[CONF_PORT]): vol.All(
                    vol.Coerce(int), vol.Range(min=1, max=65535)
                ),
                vol.Required(CONF_DHCP, default=defaults[CONF_DHCP]): bool,
            }
        )
        return self.async_show_form(
            step_id="move",
            data_schema=schema,
            errors=errors,
            description_placeholders=self._placeholders(
                now=f"{self._device.ipv4}:{self._device.http_port or 80}", **refused
            ),
        )

    async def _wait_at(self, host: str | None, port: int) -> ConfigFlowResult:
        """Wait (a progress step) for the camera to answer at ``host`` with the new password.

        ``host`` None: wherever DHCP put it, as SADP tells.
        """
        self._target = (host, port)
        self._back_task = None
        return await self.async_step_wait_back()

    async def _come_back(self) -> dict[str, Any]:
        host, port = self._target
        assert self._new_password is not None
        if host is None:  # DHCP: ask SADP where it went
            device = await async_find(self._device.mac if self._device else None, None)
            if device is None:
                raise TimeoutError
            host = device.ipv4
            port = device.http_port or port
        data = {**self._base(), CONF_HOST: host, CONF_PORT: port}
        data[CONF_PASSWORD] = self._new_password
        self._back_info = await async_wait_back(self.hass, data)
        if not self._adding():  # the settings saved before the last restore, to offer back
            saved = await async_list(self.hass, str(self._get_reauth_entry().unique_id))
            self._backup = saved[0] if saved else None
        return data

    async def async_step_wait_back(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show progress until the camera answers with its new password, or gives up."""
        if self._back_task is None:
            self._back_task = self.hass.async_create_task(self._come_back())
        if not self._back_task.done():
            return self.async_show_progress(
                step_id="wait_back",
                progress_action="wait_back",
                progress_task=self._back_task,
                description_placeholders=self._placeholders(),
            )
        try:
            self._back_data = self._back_task.result()
        except TimeoutError, IsapiError:
            return self.async_show_progress_done(next_step_id="still_away")
        return self.async_show_progress_done(next_step_id="back_home")

    async def async_step_back_home(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """It answers at its address with the new password: update the entry and reload.

        Adding: the new camera's entry is created instead.
        """
        info = self._back_info
        assert info is not None
        if self._adding():
            await self.async_set_unique_id(info.serial_number, raise_on_progress=False)
            self._abort_if_unique_id_configured()
            if self._device is not None and (pending := self.hass.data.get(PENDING_KEY)):
                pending.forget_soon(ADDITION, self._device.mac)
            return self.async_create_entry(
                title=info.display_name, data={**self._back_data, CONF_MODEL: info.model}
            )
        # No await before the answer below: the frontend's refresh and Home Assistant's own step
        # after the progress task may both arrive here, and must not interleave.
        entry = self._get_reauth_entry()
        if info.serial_number != entry.unique_id:
            return self.async_abort(reason="wrong_device")
        if self._backup is None:
            return await self.async_step_finish()
        return await self.async_step_put_back()

    async def async_step_put_back(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer the settings saved before the last restore (the reset lost them)."""
        assert self._backup is not None
        when = dt_util.as_local(self._backup.created).strftime("%Y-%m-%d %H:%M")
        return self.async_show_menu(
            step_id="put_back",
            menu_options=["put_back_now", "finish"],
            description_placeholders=self._placeholders(date=when),
        )

    async def async_step_finish(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Done: the entry takes the camera's address and new password, and reloads."""
        self._fire_recovered()
        return self.async_update_reload_and_abort(
            self._get_reauth_entry(), data_updates=self._back_data, reason="recovered"
        )

    async def async_step_put_back_now(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Upload the saved settings; the camera reboots with them (and their admin password)."""
        entry = self._get_reauth_entry()
        assert self._backup is not None
        data = dict(self._back_data)
        client = client_from_data(self.hass, data)
        try:
            await client.upload_configuration(await async_read(self.hass, self._backup))
        except IsapiResultUnknownError:
            pass  # it was sent; the camera is most likely restarting with it
        except IsapiError as err:
            LOGGER.warning("%s refused its saved settings: %s", entry.title, err)
            self._fire_recovered()
            return self.async_update_reload_and_abort(
                entry, data_updates=data, reason="recovered_settings_refused"
            )
        # The file carries the admin password of its time: Home Assistant knew it then.
        saved = entry.data.get(CONF_BACKUP_PASSWORDS, {}).get(self._backup.name)
        if saved:
            data[CONF_PASSWORD] = saved
        self._fire_recovered()
        return self.async_update_reload_and_abort(
            entry, data_updates=data, reason="recovered_with_settings"
        )

    async def async_step_still_away(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """It did not come back in time; it is activated with the new password: search again."""
        if user_input is not None:
            self._searched = False
            if self._adding():
                return await self.async_step_search()
            return await self.async_step_find_camera()
        return self.async_show_form(
            step_id="still_away",
            data_schema=vol.Schema({}),
            description_placeholders=self._placeholders(),
        )

    def _fire_recovered(self) -> None:
        """Home at last: the journey's record goes, and automations hear it.

        Once per journey, whatever calls the last step twice; nothing here awaits.
        """
        if self._recovered_fired:
            return
        self._recovered_fired = True
        entry = self._get_reauth_entry()
        if (pending := self.hass.data.get(PENDING_KEY)) is not None:
            pending.forget_soon(JOURNEY, entry.entry_id)
        async_fire_restore(self.hass, entry, "activation", const.STAGE_RECOVERED)
