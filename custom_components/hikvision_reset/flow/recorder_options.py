"""A recorder's options: the way to its cameras (Virtual Host, with consent) and their password.

Invariants: the recorder's Virtual Host is turned on only when the person ticks it here (it opens
every camera's web page on the network); it is never turned off from here (the recorder's own
page does that; unticked, Home Assistant stops using it). A camera password is checked once per
submit on each camera reached by its own port that has no password of its own (one login each),
and a refusal is remembered so that it is never sent again.
"""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlowWithReload
from homeassistant.const import CONF_PASSWORD
import voluptuous as vol

from ..auth.login import client_from_data, key_from_data
from ..data import HikvisionConfigEntry
from ..isapi import IsapiAuthenticationError, IsapiError, IsapiNotSupportedError
from ..recorder.channels import RecorderCameras
from ..recorder.routes import (
    CONF_CAMERA_PASSWORD,
    CONF_CHANNEL_PASSWORDS,
    CONF_VIRTUAL_HOST,
    virtual_host_used,
)
from .fields import password_selector


async def _refusing(cameras: RecorderCameras, password: str) -> list[str]:
    """The cameras (reached by their own port) that refuse ``password``: one login each."""
    refused: list[str] = []
    own = cameras.entry.options.get(CONF_CHANNEL_PASSWORDS, {})
    for camera in cameras.cameras.values():
        if (connection := camera.way.connection) is None or str(camera.number) in own:
            continue  # the recorder's login, or a password of its own: not this one's to check
        key = key_from_data(connection)
        if await cameras.memory.was_refused(key, password) or cameras.memory.minutes_locked(key):
            refused.append(camera.name)  # refused before, or locked: never sent
            continue
        client = client_from_data(cameras.hass, {**connection, CONF_PASSWORD: password})
        try:
            await client.device_info()
        except IsapiAuthenticationError as err:
            await cameras.memory.async_note_refusal(key_from_data(connection), password, err)
            refused.append(camera.name)
        except IsapiError:
            continue  # not reachable now: the password is checked when it is used
    return refused


class RecorderOptionsFlow(OptionsFlowWithReload):
    """The recorder's options (the entry reloads with them: routes are chosen again)."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The Virtual Host and the cameras' password."""
        entry: HikvisionConfigEntry = self.config_entry
        cameras = entry.runtime_data.recorder
        if cameras is None:
            return self.async_abort(reason="not_a_recorder")
        errors: dict[str, str] = {}
        placeholders = {"name": entry.title, "cameras": ""}
        if user_input is not None:
            wanted = bool(user_input.get(CONF_VIRTUAL_HOST))
            new = user_input.get(CONF_CAMERA_PASSWORD) or None  # empty: keep the one there is
            password = new or entry.options.get(CONF_CAMERA_PASSWORD)
            if wanted and cameras.coordinator.virtual_host is not True:
                try:
                    await cameras.coordinator.recorder.enable_virtual_host()
                except IsapiNotSupportedError:
                    errors[CONF_VIRTUAL_HOST] = "no_virtual_host"
                except IsapiError:
                    errors["base"] = "virtual_host_failed"
                else:
                    await cameras.coordinator.async_read_virtual_host()
                    found = cameras.cameras.values()
                    await asyncio.gather(*(cameras.async_find_way(c) for c in found))
            if not errors and new and (refused := await _refusing(cameras, new)):
                errors[CONF_CAMERA_PASSWORD] = "camera_refused"
                placeholders["cameras"] = ", ".join(refused)
            if not errors:
                options = {
                    **entry.options,
                    CONF_VIRTUAL_HOST: wanted,
                    CONF_CAMERA_PASSWORD: password,
                }
                return self.async_create_entry(data=options)
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_VIRTUAL_HOST,
                    default=virtual_host_used(entry, cameras.coordinator.virtual_host),
                ): bool,
                vol.Optional(CONF_CAMERA_PASSWORD): password_selector(),
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=schema,
            errors=errors,
            description_placeholders=placeholders,
        )
