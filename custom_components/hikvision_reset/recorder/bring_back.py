"""Bringing a reset camera behind its recorder back: activated, told to the recorder, waited for.

Invariants: the camera is activated without a login (its own documented activation when its
web port is reachable — direct or by the Virtual Host — else the recorder's
``channels/activate``, itself with one fallback form); the password is given to the recorder
*before* the camera has it, so the recorder never knocks with another one, and kept only once
the camera took it; the camera is back when the recorder says its channel is connected.
"""

from __future__ import annotations

import asyncio
from enum import StrEnum

from .. import const
from ..isapi import IsapiConnectionError, IsapiError, IsapiNotSupportedError
from ..isapi.recorder import ActivateBy
from .cameras import ChannelCamera
from .routes import keep_camera_password, recorder_camera_password


class ActivatedBy(StrEnum):
    """Which activation worked (the person is told)."""

    CAMERA = "camera"  # the camera's own activation, through its route
    RECORDER_CHANNEL = "recorder_channel"  # the recorder's, by channel
    RECORDER_ADDRESS = "recorder_address"  # the recorder's, by the camera's address


async def async_activate(camera: ChannelCamera, password: str) -> ActivatedBy:
    """Activate the reset camera with ``password``; which activation worked.

    The recorder is given the password first (a recorder without that setting keeps its own
    camera password: then only that one is used). Raises the client's errors
    (``IsapiNotSupportedError`` when the recorder activates no camera and the camera's own port
    is out of reach; a ResponseStatus error for a refusal); nothing is kept before it worked.
    """
    entry, coordinator = camera.entry, camera.coordinator
    default = recorder_camera_password(entry)
    try:
        await coordinator.guarded(
            coordinator.recorder.set_channel_password(camera.number, password)
        )
    except IsapiNotSupportedError:
        if password != default:
            raise  # the recorder would keep knocking with its own: not this one
    by = await _activate(camera, password)
    keep_camera_password(camera.hass, entry, camera.number, password)
    return by


async def _activate(camera: ChannelCamera, password: str) -> ActivatedBy:
    way = camera.way
    if way.client is not None and way.connection is not None:
        try:
            await way.client.activate(password)  # no login: an inactive camera has none
        except IsapiConnectionError:
            pass  # its port is gone: the recorder's activation is the one fallback
        else:
            return ActivatedBy.CAMERA
    coordinator = camera.coordinator
    by = await coordinator.guarded(coordinator.recorder.activate(camera.channel, password))
    return (
        ActivatedBy.RECORDER_CHANNEL if by is ActivateBy.CHANNEL else ActivatedBy.RECORDER_ADDRESS
    )


async def async_wait_until_back(camera: ChannelCamera) -> bool:
    """Whether the recorder connects to the camera again within ``ONLINE_TIMEOUT``."""
    recorder = camera.coordinator.recorder
    try:
        async with asyncio.timeout(const.ONLINE_TIMEOUT):
            while True:
                # First asked a moment after the activation: a recorder reconnects on its own
                # schedule (and a page showing the wait has subscribed to its end by then).
                await asyncio.sleep(const.FOLLOW_INTERVAL)
                try:
                    state = (await camera.coordinator.guarded(recorder.states())).get(camera.number)
                except IsapiError:
                    state = None
                if state is not None and state.online:
                    return True
    except TimeoutError:
        return False
