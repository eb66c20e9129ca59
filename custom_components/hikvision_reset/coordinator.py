"""The coordinator: one light deviceInfo poll per interval, for availability and identity.

It asks the login guard first: after a refusal or during a lock it sends nothing and waits for
the reauth journey.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from . import const
from .auth.guard import LoginGuard
from .auth.login import client_from_data
from .auth.memory import LoginMemory
from .const import DOMAIN, LOGGER
from .errors import translated_error
from .isapi import DeviceInfo, IsapiAuthenticationError, IsapiError, IsapiNotActivatedError


class HikvisionCoordinator(DataUpdateCoordinator[DeviceInfo]):
    """Polls one camera: one deviceInfo request per interval, and nothing after a refused login."""

    config_entry: ConfigEntry[Any]

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry[Any], memory: LoginMemory) -> None:
        """Prepare the client; nothing is sent yet."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title}",
            update_interval=const.SCAN_INTERVAL,
        )
        self.client = client_from_data(hass, entry.data)
        self.guard = LoginGuard(hass, entry, memory)

    @property
    def password(self) -> str:
        """The password Home Assistant logs in with."""
        return self.guard.password

    async def _async_update_data(self) -> DeviceInfo:
        if await self.guard.must_not_log_in():
            # Never a second login with credentials the camera refused: wait for the user.
            await self.guard.async_auth_failed(None)
        try:
            info = await self.client.device_info()
        except (IsapiAuthenticationError, IsapiNotActivatedError) as err:
            await self.guard.async_auth_failed(err)
        except IsapiError as err:  # unreachable, busy, Basic only…: told, retried next interval
            raise translated_error(err, self.config_entry.title, UpdateFailed) from err
        self.guard.async_accepted()
        return info
