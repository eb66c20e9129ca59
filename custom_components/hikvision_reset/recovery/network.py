"""Where a camera should live on Home Assistant's network, and whether an address is free.

The suggestions come from the ``network`` integration (Home Assistant's own adapters); the user
checks them in the form. Asking whether an address is taken sends no login.
"""

from __future__ import annotations

import asyncio
from ipaddress import IPv4Address, IPv4Network
from typing import Any, Final

from homeassistant.components import network
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from ..auth.login import client_from_data
from ..const import DEFAULT_PORT
from ..isapi import IsapiConnectionError, IsapiError
from ..isapi.sadp import NetworkSettings

# A reset camera is first asked over HTTP (ISAPI) only this briefly: off its segment, nothing
# answers, and SADP does the work instead.
REACH_TIMEOUT: Final = 3.0


async def async_guess_settings(hass: HomeAssistant, host: str, port: int) -> NetworkSettings:
    """Settings that put the camera back at ``host``.

    The mask of Home Assistant's own network that contains ``host`` (from the network
    integration), and that network's first address as the gateway (the user can change both).
    """
    prefix = 24
    try:
        target = IPv4Address(host)
    except ValueError:
        target = None
    if target is not None:
        for adapter in await network.async_get_adapters(hass):
            for ipv4 in adapter["ipv4"]:
                net = IPv4Network(f"{ipv4['address']}/{ipv4['network_prefix']}", strict=False)
                if target in net:
                    prefix = net.prefixlen
                    break
    net = IPv4Network(f"{target or '192.168.1.0'}/{prefix}", strict=False)
    gateway = str(next(net.hosts(), net.network_address))
    return NetworkSettings(host, str(net.netmask), gateway, http_port=port)


async def async_guess_home(hass: HomeAssistant) -> NetworkSettings:
    """Mask and gateway of Home Assistant's own network, for a new camera; no address."""
    try:
        own = await network.async_get_source_ip(hass)
    except HomeAssistantError:
        own = "192.168.1.10"
    guess = await async_guess_settings(hass, own, DEFAULT_PORT)
    return NetworkSettings("", guess.subnet_mask, guess.gateway, http_port=DEFAULT_PORT)


async def async_address_answers(
    hass: HomeAssistant, connection: dict[str, Any], host: str, port: int
) -> bool:
    """Whether something answers HTTP at ``host:port`` (asked briefly, without a login)."""
    client = client_from_data(hass, {**connection, CONF_HOST: host, CONF_PORT: port})
    try:
        async with asyncio.timeout(REACH_TIMEOUT):
            await client.is_activated()
    except TimeoutError, IsapiConnectionError:
        return False
    except IsapiError:
        return True  # it answered, with something else
    return True
