"""SADP for Home Assistant: the client with its configured destinations, search and find.

SADP's destinations and listening address are settings (environment variables, read on each
use), so that tests and the demo keep to loopback:

- ``HIKVISION_RESET_SADP_TARGETS``: ``host:port[,host:port…]`` (default: the multicast group
  239.255.255.250, then the broadcast address, port 37020; commands go to the first, the second
  only when the first does not answer);
- ``HIKVISION_RESET_SADP_LISTEN``: ``host:port`` to also listen on, or ``off`` (default
  ``0.0.0.0:37020``, joined to the multicast group).

A search only asks (nothing changes on a camera); nothing here retries.
"""

from __future__ import annotations

from ipaddress import ip_address
import os
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from ..const import LOGGER
from ..events import camera_device
from ..isapi.sadp import DEFAULT_TARGETS, MULTICAST_GROUP, SADP_PORT, SadpClient, SadpDevice

ENV_TARGETS: Final = "HIKVISION_RESET_SADP_TARGETS"
ENV_LISTEN: Final = "HIKVISION_RESET_SADP_LISTEN"
SEARCH_SECONDS: Final = 3.0


def address_of(text: str) -> tuple[str, int]:
    """``host:port`` as a pair."""
    host, _, port = text.strip().rpartition(":")
    return host, int(port)


def sadp_client() -> SadpClient:
    """A SADP client with the configured destinations (see the module's docstring)."""
    targets_text = os.environ.get(ENV_TARGETS, "").strip()
    listen_text = os.environ.get(ENV_LISTEN, "").strip()
    targets = (
        tuple(address_of(part) for part in targets_text.split(",") if part.strip())
        if targets_text
        else DEFAULT_TARGETS
    )
    if listen_text.lower() == "off":
        return SadpClient(targets, listen=None, multicast_group=None)
    if listen_text:
        host, port = address_of(listen_text)
        group = MULTICAST_GROUP if not ip_address(host).is_loopback else None
        return SadpClient(targets, listen=(host, port), multicast_group=group)
    return SadpClient(targets, listen=("0.0.0.0", SADP_PORT))


def entry_mac(hass: HomeAssistant, entry: ConfigEntry[Any]) -> str | None:
    """The camera's MAC address, as its device in the registry has it."""
    device = camera_device(hass, entry)
    if device is None:
        return None
    return next((v for kind, v in device.connections if kind == dr.CONNECTION_NETWORK_MAC), None)


async def async_search() -> list[SadpDevice]:
    """Every Hikvision device that answers SADP (empty when the network cannot be searched)."""
    try:
        return await sadp_client().discover(SEARCH_SECONDS)
    except OSError as err:  # no route for multicast, no interface…
        LOGGER.warning("Searching the network (SADP) failed: %s", err)
        return []


async def async_find(mac: str | None, serial: str | None) -> SadpDevice | None:
    """The camera with ``mac`` (or, lacking it, ``serial``) on the network, active or not."""
    if mac is None and serial is None:
        return None
    wanted = mac.lower() if mac else None
    return next(
        (
            device
            for device in await async_search()
            if (wanted and device.mac == wanted) or (serial and device.serial_number == serial)
        ),
        None,
    )
