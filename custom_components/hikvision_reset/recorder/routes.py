"""The way to a camera behind its recorder: chosen in order, and said on the device page.

1. ``direct``: the camera's own address answers from Home Assistant (its own login; only when
   the recorder lists its serial, which a command checks first: PoE addresses may be in use
   on the home network too);
2. ``virtual_host``: the recorder opens the camera's web port at ``recorder:65000+channel``
   (its own login) — only when the recorder's Virtual Host is on, which the person turns on
   in the options (it opens the cameras' web pages on the network);
3. ``forwarded``: the recorder forwards the request by the channel's ``devIndex`` (the
   recorder's login: it logs in to the camera itself);
4. ``recorder``: none of these; the recorder can still restart the camera.

Invariant: choosing asks only whether something answers (no login is sent).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_SSL, CONF_USERNAME
from homeassistant.core import HomeAssistant

from ..auth.login import client_from_data
from ..const import DEFAULT_PORT, DEFAULT_USERNAME
from ..isapi import IsapiClient
from ..isapi.recorder import Channel
from ..recovery.network import async_address_answers

# The recorder entry's options.
CONF_CAMERA_PASSWORD: Final = "camera_password"  # None: the recorder's own (its PoE default)
CONF_VIRTUAL_HOST: Final = "virtual_host"  # the person agreed to turn the Virtual Host on
DIRECT_PORT = DEFAULT_PORT  # a camera's own web port (the channel list gives only its SDK port)
CONF_CHANNEL_PASSWORDS: Final = "channel_passwords"  # channel -> a camera's own password


class Route(StrEnum):
    """How Home Assistant reaches a camera behind its recorder."""

    DIRECT = "direct"
    VIRTUAL_HOST = "virtual_host"
    FORWARDED = "forwarded"
    RECORDER = "recorder"  # no way to the camera itself: restart through the recorder only


@dataclass(frozen=True, slots=True)
class Way:
    """A route to one camera, and the client and login it takes."""

    route: Route
    client: IsapiClient | None  # None: the recorder only
    password: str  # the login it takes (the camera's own, or the recorder's)
    connection: dict[str, Any] | None = None  # the camera's own port and account (direct, VH)


def virtual_host_used(entry: ConfigEntry[Any], virtual_host: bool | None) -> bool:
    """Whether Home Assistant goes through the Virtual Host: on at the recorder, not declined.

    Turned on by the person in the options, or already on at the recorder (then nothing new is
    opened by using it); unticked in the options, it is not used.
    """
    return bool(virtual_host) and entry.options.get(CONF_VIRTUAL_HOST) is not False


def recorder_camera_password(entry: ConfigEntry[Any]) -> str:
    """The password the recorder gives its PoE cameras (its own admin password by default)."""
    return str(entry.options.get(CONF_CAMERA_PASSWORD) or entry.data[CONF_PASSWORD])


def keep_camera_password(
    hass: HomeAssistant, entry: ConfigEntry[Any], channel: int, password: str
) -> None:
    """The camera on ``channel`` has ``password`` from now on.

    The recorder's camera password is not kept as the camera's own: such a camera follows that
    option when the person changes it (as the recorder's PoE cameras do).
    """
    passwords = dict(entry.options.get(CONF_CHANNEL_PASSWORDS, {}))
    if password == recorder_camera_password(entry):
        passwords.pop(str(channel), None)
    else:
        passwords[str(channel)] = password
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_CHANNEL_PASSWORDS: passwords}
    )


def camera_login(entry: ConfigEntry[Any], channel: Channel) -> dict[str, Any]:
    """The camera's own account, as Home Assistant knows it (the recorder's by default)."""
    own = entry.options.get(CONF_CHANNEL_PASSWORDS, {}).get(str(channel.id))
    password = own or recorder_camera_password(entry)
    return {CONF_USERNAME: channel.user_name or DEFAULT_USERNAME, CONF_PASSWORD: password}


async def async_find_way(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    channel: Channel,
    virtual_host: bool | None,
) -> Way:
    """The first route that answers, in the order of the module's docstring."""
    connection = dict(entry.data)
    own = {**connection, **camera_login(entry, channel), CONF_SSL: False}  # cameras' HTTP port
    if (
        channel.address
        and channel.serial_number
        and await async_address_answers(hass, own, channel.address, DIRECT_PORT)
    ):
        data = {**own, CONF_HOST: channel.address, CONF_PORT: DIRECT_PORT}
        return Way(Route.DIRECT, client_from_data(hass, data), own[CONF_PASSWORD], data)
    port = channel.virtual_host_port
    used = virtual_host_used(entry, virtual_host)
    if used and await async_address_answers(hass, own, entry.data[CONF_HOST], port):
        data = {**own, CONF_PORT: port}
        return Way(Route.VIRTUAL_HOST, client_from_data(hass, data), own[CONF_PASSWORD], data)
    if channel.dev_index:
        forward = {"devIndex": channel.dev_index}
        client = client_from_data(hass, connection, forward)
        return Way(Route.FORWARDED, client, connection[CONF_PASSWORD])
    return Way(Route.RECORDER, None, connection[CONF_PASSWORD])
