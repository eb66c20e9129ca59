"""The repair of a camera behind a recorder: its reset steps, its activation, waiting for it.

A camera the recorder cannot connect to is either reset (inactive) or keeps a password that is
not the recorder's. The way out: the camera's password given to the recorder, or the model's
reset steps, then an activation through the route or the recorder (``recorder.bring_back``) with
the recorder's camera password (recommended) or a new one, then the wait for the recorder to
connect. Invariants: nothing here logs in to the camera; each submit sends at most one
activation (and the recorder's one fallback form); the person is told which activation worked.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any, Final

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.const import CONF_PASSWORD
from homeassistant.helpers import selector
from homeassistant.helpers.translation import async_get_translations
import voluptuous as vol

from .. import const
from ..auth.login import client_from_data, key_from_data
from ..const import DEFAULT_USERNAME, DOMAIN, LOGGER
from ..events import async_fire_restore_event
from ..isapi import (
    IsapiAuthenticationError,
    IsapiConnectionError,
    IsapiError,
    IsapiNotSupportedError,
    IsapiResponseStatusError,
)
from ..isapi.activation import password_problem
from ..pending import JOURNEY, async_get_pending
from ..recorder.bring_back import ActivatedBy, async_activate, async_wait_until_back
from ..recorder.cameras import ChannelCamera
from ..recorder.channels import RecorderCameras
from ..recorder.repair import REFUSES
from ..recorder.routes import keep_camera_password, recorder_camera_password
from ..recovery.reset_guide import guide_for
from .fields import CONF_NEW_PASSWORD, password_selector

CONF_WHICH: Final = "which"  # the recorder's camera password, or a new one
WHICH_RECORDER: Final = "recorder"
WHICH_NEW: Final = "new"


def _activation_error(err: IsapiError) -> str:
    """The form error for a failed activation."""
    sub = err.sub_status if isinstance(err, IsapiResponseStatusError) else ""
    if isinstance(err, IsapiAuthenticationError):
        return "recorder_refused"
    if sub == "riskPassword":
        return "risky_password"
    if sub == "invalidOperation":  # the camera is not inactive (any more)
        return "not_inactive"
    if isinstance(err, IsapiNotSupportedError):
        return "activation_not_offered"
    if isinstance(err, IsapiConnectionError):
        return "cannot_connect"
    return "activation_failed"


class BehindRecorderRepairFlow(RepairsFlow):
    """Brings one camera behind a recorder back."""

    def __init__(self, cameras: RecorderCameras, camera: ChannelCamera, kind: str) -> None:
        """The recorder's cameras, the camera, and why it is away (``recorder.repair``)."""
        self.cameras = cameras
        self.camera = camera
        self.kind = kind
        self.how: ActivatedBy | None = None
        self._wait: asyncio.Task[bool] | None = None
        cameras.fixing.add(camera.number)  # its checks wait while the person fixes it

    def _placeholders(self, **extra: str) -> dict[str, str]:
        camera = self.camera
        return {
            "name": camera.name,
            "recorder": camera.entry.title,
            "channel": str(camera.number),
            "model": camera.channel.model or "?",
            **extra,
        }

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """A camera keeping another password gets both ways out; a reset one is activated."""
        if self.kind == REFUSES:
            return self.async_show_menu(
                step_id="init",
                menu_options=["camera_password", "reset"],
                description_placeholders=self._placeholders(),
            )
        return await self.async_step_activate()

    async def async_step_camera_password(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """The camera's own password, given to the recorder.

        Checked first, once, on the camera's own port when Home Assistant reaches it (else the
        recorder is the one to try it); a refusal is never sent again.
        """
        errors: dict[str, str] = {}
        if user_input is not None:
            camera, entry = self.camera, self.camera.entry
            password = user_input[CONF_PASSWORD]
            coordinator = camera.coordinator
            if not await self._checked(password):
                errors["base"] = "password_refused"
            else:
                try:
                    await coordinator.guarded(
                        coordinator.recorder.set_channel_password(camera.number, password)
                    )
                except IsapiError as err:
                    LOGGER.debug("%s: the recorder did not take it: %s", camera.name, err)
                    errors["base"] = "password_not_taken"
            if not errors:
                keep_camera_password(self.hass, entry, camera.number, password)
                return await self.async_step_wait()
        return self.async_show_form(
            step_id="camera_password",
            data_schema=vol.Schema({vol.Required(CONF_PASSWORD): password_selector()}),
            errors=errors,
            description_placeholders=self._placeholders(),
        )

    async def _checked(self, password: str) -> bool:
        """False when the camera's own port refuses ``password`` (or refused it before)."""
        connection = self.camera.way.connection
        if connection is None:
            return True  # only the recorder reaches it
        memory, key = self.cameras.memory, key_from_data(connection)
        if await memory.was_refused(key, password) or memory.minutes_locked(key) is not None:
            return False
        client = client_from_data(self.hass, {**connection, CONF_PASSWORD: password})
        try:
            await client.device_info()
        except IsapiAuthenticationError as err:
            await memory.async_note_refusal(key, password, err)
            return False
        except IsapiError:
            return True  # not reachable now: the recorder tries it
        return True

    async def async_step_reset(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """The model's reset steps (submitting means "I have reset it")."""
        errors: dict[str, str] = {}
        if user_input is not None:
            activated = await self.camera.async_is_activated()
            if activated is False:
                return await self.async_step_activate()
            if activated:
                errors["base"] = "still_activated"
            else:
                errors["base"] = "not_found"
        steps = await self._reset_steps()
        return self.async_show_form(
            step_id="reset",
            data_schema=vol.Schema({}),
            errors=errors,
            description_placeholders=self._placeholders(steps=steps),
        )

    async def _reset_steps(self) -> str:
        """The model's reset steps, as the reauth journey shows them (one text per model)."""
        step = guide_for(self.camera.channel.model).step
        key = f"component.{DOMAIN}.config.step.{step}.description"
        values = defaultdict(str, self._placeholders(reset_address=const.HARD_RESET_ADDRESS))
        for language in dict.fromkeys((self.hass.config.language, "en")):
            texts = await async_get_translations(self.hass, language, "config", [DOMAIN])
            if template := texts.get(key):
                return template.format_map(values)
        return ""

    async def async_step_activate(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Activate the reset camera: the recorder's camera password, or a new one."""
        errors: dict[str, str] = {}
        if user_input is not None:
            password = recorder_camera_password(self.camera.entry)
            field = "base"
            if user_input[CONF_WHICH] == WHICH_NEW:
                password, field = user_input.get(CONF_NEW_PASSWORD) or "", CONF_NEW_PASSWORD
            user = self.camera.channel.user_name or DEFAULT_USERNAME
            if problem := password_problem(password, user):  # the recorder's may break it too
                errors[field] = f"weak_{problem}"
            if not errors:
                try:
                    self.how = await async_activate(self.camera, password)
                except IsapiError as err:
                    LOGGER.debug("%s: the activation failed: %s", self.camera.name, err)
                    errors["base"] = _activation_error(err)
                else:
                    LOGGER.info("%s was activated (%s)", self.camera.name, self.how)
                    return await self.async_step_wait()
        options = [
            selector.SelectOptionDict(value=WHICH_RECORDER, label=WHICH_RECORDER),
            selector.SelectOptionDict(value=WHICH_NEW, label=WHICH_NEW),
        ]
        schema = vol.Schema(
            {
                vol.Required(CONF_WHICH, default=WHICH_RECORDER): selector.SelectSelector(
                    selector.SelectSelectorConfig(
                        options=options,
                        mode=selector.SelectSelectorMode.LIST,
                        translation_key="activation_password",
                    )
                ),
                vol.Optional(CONF_NEW_PASSWORD): password_selector("new-password"),
            }
        )
        return self.async_show_form(
            step_id="activate",
            data_schema=schema,
            errors=errors,
            description_placeholders=self._placeholders(),
        )

    async def async_step_wait(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """Wait for the recorder to connect to the camera again."""
        if self._wait is None:
            self._wait = self.camera.entry.async_create_background_task(
                self.hass, async_wait_until_back(self.camera), f"{DOMAIN} wait {self.camera.name}"
            )
        if not self._wait.done():
            how = self.how.value if self.how else "none"
            return self.async_show_progress(
                step_id="wait",
                progress_action=f"wait_{how}",
                progress_task=self._wait,
                description_placeholders=self._placeholders(),
            )
        back = self._wait.result()
        self._wait = None
        return self.async_show_progress_done(next_step_id="back" if back else "not_back")

    async def async_step_back(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """Back: its route is chosen again, and the recorder asked at once."""
        camera = self.camera
        await (await async_get_pending(self.hass)).async_set(
            JOURNEY, camera.restorer.target.key, None
        )
        await self.cameras.async_find_way(camera)
        async_fire_restore_event(self.hass, camera.about(), "activation", const.STAGE_RECOVERED)
        self.cameras.fixing.discard(camera.number)
        await camera.coordinator.async_request_refresh()
        return self.async_create_entry(data={})

    async def async_step_not_back(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Not connected in time: said, and the repair stays for another try."""
        self.cameras.fixing.discard(self.camera.number)
        return self.async_abort(reason="not_back", description_placeholders=self._placeholders())

    def async_remove(self) -> None:
        """The person closed the dialog: the camera's checks go on."""
        self.cameras.fixing.discard(self.camera.number)
        if self._wait is not None:
            self._wait.cancel()
