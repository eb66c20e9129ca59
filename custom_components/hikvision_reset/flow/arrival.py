"""Home: the journey's last steps.

A new camera becomes an entry; an entry takes its camera back and is offered the settings saved
before the last restore.

Invariants: ``back_home`` answers without waiting on the network or the disk (the frontend's
refresh and Home Assistant's own step after the progress task may both arrive, and must not
interleave); ``recovered`` is told once per journey; settings put back are kept as a restore
under way before they are sent.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.util import dt as dt_util

from .. import const
from ..auth.login import client_from_data
from ..const import CONF_MODEL, LOGGER
from ..errors import NoBackupError
from ..events import async_fire_restore
from ..isapi import IsapiError
from ..pending import ADDITION, JOURNEY, RESTORE, async_get_pending
from ..recovery.progress import forget_journey
from ..restore.backups import (
    CONF_BACKUP_PASSWORDS,
    CONF_BACKUP_USERS,
    async_restore_configuration,
)
from ..restore.record import RestoreState
from .state import Journey


class Arrival:
    """The steps ``back_home``, ``offer_configuration``, ``finish``, ``restore_configuration``."""

    def __init__(self, journey: Journey) -> None:
        """The journey that arrives."""
        self.journey = journey
        self.state = journey.state
        self.flow = journey.flow

    async def back_home(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """It answers at its address with the new password: a new entry, or the entry's own."""
        info, flow = self.state.home_info, self.flow
        assert info is not None
        if self.journey.adding:
            await flow.async_set_unique_id(info.serial_number, raise_on_progress=False)
            flow._abort_if_unique_id_configured()
            if self.state.device is not None:
                forget_journey(self.journey.hass, ADDITION, self.state.device.mac)
            return flow.async_create_entry(
                title=info.display_name, data={**self.state.home_data, CONF_MODEL: info.model}
            )
        if info.serial_number != self.journey.entry.unique_id:
            return flow.async_abort(reason="wrong_device")
        if self.state.backup is None:
            return await self.finish()
        return await self.offer_configuration()

    async def offer_configuration(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer the settings saved before the last restore (the reset lost them)."""
        assert self.state.backup is not None
        when = dt_util.as_local(self.state.backup.created).strftime("%Y-%m-%d %H:%M")
        return self.flow.async_show_menu(
            step_id="offer_configuration",
            menu_options=["restore_configuration", "finish"],
            description_placeholders=self.journey.placeholders(date=when),
        )

    async def finish(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Done: the entry takes the camera's address and new password, and reloads."""
        return self._home(self.state.home_data, "recovered")

    async def restore_configuration(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Put the saved settings back; the camera reboots with them (and their password)."""
        hass, entry, backup, info = (
            self.journey.hass,
            self.journey.entry,
            self.state.backup,
            self.state.home_info,
        )
        assert backup is not None
        assert info is not None
        data = dict(self.state.home_data)
        client = client_from_data(hass, data)
        passwords = entry.data.get(CONF_BACKUP_PASSWORDS, {})
        # Kept before the upload, as the restorer keeps its own: the entry that reloads next
        # follows this reboot (and a second one is refused) instead of sending anything.
        pending = await async_get_pending(hass)
        kept = RestoreState("configuration", dt_util.utcnow(), const.STAGE_ACCEPTED)
        kept.put_back = backup.name
        await pending.async_set(
            RESTORE, entry.entry_id, {**kept.as_record(), "device": asdict(info)}
        )
        try:
            _stage, password = await async_restore_configuration(hass, client, backup, passwords)
        except (IsapiError, NoBackupError) as err:
            await pending.async_set(RESTORE, entry.entry_id, None)
            LOGGER.warning("%s refused its saved settings: %s", entry.title, err)
            return self._home(data, "recovered_settings_refused")
        if password:  # the file's: the login Home Assistant had then (its account too)
            data[CONF_PASSWORD] = password
            user = entry.data.get(CONF_BACKUP_USERS, {}).get(backup.name)
            data[CONF_USERNAME] = user if isinstance(user, str) else data[CONF_USERNAME]
        return self._home(data, "recovered_with_settings")

    def _home(self, data: dict[str, Any], reason: str) -> ConfigFlowResult:
        """The entry takes ``data`` and reloads; the journey's record goes; told once."""
        entry = self.journey.entry
        if not self.state.recovered_fired:
            self.state.recovered_fired = True
            forget_journey(self.journey.hass, JOURNEY, entry.entry_id)
            async_fire_restore(self.journey.hass, entry, "activation", const.STAGE_RECOVERED)
        return self.flow.async_update_reload_and_abort(entry, data_updates=data, reason=reason)
