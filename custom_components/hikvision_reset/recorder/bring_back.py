"""Bringing a reset camera behind its recorder back: activated, told to the recorder, waited for.

Invariants: the camera is activated without a login (its own documented activation when its
web port is reachable — direct or by the Virtual Host — else the recorder's
``channels/activate``, itself with one fallback form); a password other than the one the
recorder logs in with is given to the recorder *before* the camera has it, so the recorder never
knocks with an old one; the camera is back when the recorder says its channel is connected.
"""

from __future__ import annotations

import asyncio
from enum import StrEnum

from .. import const
from ..isapi import IsapiConnectionError, IsapiError
from ..isapi.recorder import ActivateBy
from .cameras import ChannelCamera
from .routes import CONF_CHANNEL_PASSWORDS, Route, recorder_camera_password


class ActivatedBy(StrEnum):
    """Which activation worked (the person is told)."""

    CAMERA = "camera"  # the camera's own activation, through its route
    RECORDER_CHANNEL = "recorder_channel"  # the recorder's, by channel
    RECORDER_ADDRESS = "recorder_address"  # the recorder's, by the camera's address


async def async_activate(camera: ChannelCamera, password: str) -> ActivatedBy:
    """Activate the reset camera with ``password``; which activation worked.

    Raises the client's errors (``IsapiNotSupportedError`` when the recorder activates no
    camera and the camera's own port is out of reach; a ResponseStatus error for a refusal).
    """
    hass, entry = camera.hass, camera.entry
    recorder = camera.coordinator.recorder
    own = password != recorder_camera_password(entry)
    if own:  # the recorder first: it must not log in with the old password meanwhile
        await recorder.set_channel_password(camera.number, password)
    passwords = dict(entry.options.get(CONF_CHANNEL_PASSWORDS, {}))
    if own:
        passwords[str(camera.number)] = password
    else:
        passwords.pop(str(camera.number), None)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_CHANNEL_PASSWORDS: passwords}
    )
    way = camera.way
    if way.client is not None and way.route in (Route.DIRECT, Route.VIRTUAL_HOST):
        try:
            await way.client.activate(password)  # no login: an inactive camera has none
        except IsapiConnectionError:
            pass  # its port is gone: the recorder's activation is the one fallback
        else:
            return ActivatedBy.CAMERA
    by = await recorder.activate(camera.channel, password)
    return (
        ActivatedBy.RECORDER_CHANNEL if by is ActivateBy.CHANNEL else ActivatedBy.RECORDER_ADDRESS
    )


async def async_wait_until_back(camera: ChannelCamera) -> bool:
    """Whether the recorder connects to the camera again within ``ONLINE_TIMEOUT``."""
    recorder = camera.coordinator.recorder
    try:
        async with asyncio.timeout(const.ONLINE_TIMEOUT):
            while True:
                try:
                    state = (await recorder.states()).get(camera.number)
                except IsapiError:
                    state = None
                if state is not None and state.online:
                    return True
                await asyncio.sleep(const.FOLLOW_INTERVAL)
    except TimeoutError:
        return False
