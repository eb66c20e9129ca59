"""What is under way with a camera, kept across restarts: a restore being followed, a way home.

Invariants: a record is written before the step it protects goes on (a restore before its PUT,
a password the moment a camera accepts it), and removed when the work ends (a restore's becomes
the camera's last one, which *Last restore* shows after a restart that dumped no states); what
is under way here after a restart is resumed, never sent again. Stored in
``.storage/hikvision_reset.pending`` (private: a camera added from the search keeps the password
Home Assistant set until its entry exists).
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN

STORAGE_VERSION: Final = 1
STORAGE_KEY: Final = f"{DOMAIN}.pending"
# Kinds of record: per entry ("restore", "journey"), per MAC ("addition": a camera activated by
# the add flow, not added yet).
RESTORE: Final = "restore"
JOURNEY: Final = "journey"
ADDITION: Final = "addition"
LAST: Final = "last"  # per camera: the last restore that ended (a power cut dumps no states)

PENDING_KEY: HassKey[Pending] = HassKey(f"{DOMAIN}_pending")
_LOAD_LOCK: HassKey[asyncio.Lock] = HassKey(f"{DOMAIN}_pending_lock")


class Pending:
    """Records by kind and key (an entry id, or a MAC), saved at once on every change."""

    def __init__(self, hass: HomeAssistant, stored: dict[str, dict[str, Any]] | None) -> None:
        """Start from what was stored."""
        self._store: Store[dict[str, dict[str, Any]]] = Store(
            hass, STORAGE_VERSION, STORAGE_KEY, private=True
        )
        self._data: dict[str, dict[str, Any]] = {
            kind: dict((stored or {}).get(kind) or {})
            for kind in (RESTORE, JOURNEY, ADDITION, LAST)
        }

    def get(self, kind: str, key: str) -> dict[str, Any] | None:
        """The record of ``kind`` for ``key``, or None."""
        record = self._data[kind].get(key)
        return dict(record) if record is not None else None

    async def async_set(self, kind: str, key: str, record: dict[str, Any] | None) -> None:
        """Write (or, with None, remove) a record, and save before returning."""
        if record is None:
            if self._data[kind].pop(key, None) is None:
                return
        else:
            self._data[kind][key] = record
        await self._store.async_save(self._data)

    async def async_end(self, key: str, last: dict[str, Any] | None) -> None:
        """A restore is over: nothing to resume; ``last`` is what it ended as (one save)."""
        self._data[RESTORE].pop(key, None)
        if last is not None:
            self._data[LAST][key] = last
        await self._store.async_save(self._data)

    @callback
    def forget_soon(self, kind: str, key: str) -> None:
        """Remove a record now, and save a moment later.

        For a flow's last step, which must not await before it answers.
        """
        if self._data[kind].pop(key, None) is not None:
            self._store.async_delay_save(lambda: self._data, 0)

    async def async_forget(self, key: str) -> None:
        """Everything kept for ``key`` (a removed entry, and the cameras behind it)."""

        def ours(kept: str) -> bool:
            return kept == key or kept.startswith(f"{key}:")

        if any(ours(kept) for records in self._data.values() for kept in records):
            for records in self._data.values():
                for kept in [kept for kept in records if ours(kept)]:
                    del records[kept]
            await self._store.async_save(self._data)


async def async_get_pending(hass: HomeAssistant) -> Pending:
    """The pending records, loaded on first use."""
    if (pending := hass.data.get(PENDING_KEY)) is None:
        async with hass.data.setdefault(_LOAD_LOCK, asyncio.Lock()):
            if (pending := hass.data.get(PENDING_KEY)) is None:
                store: Store[dict[str, dict[str, Any]]] = Store(
                    hass, STORAGE_VERSION, STORAGE_KEY, private=True
                )
                pending = hass.data[PENDING_KEY] = Pending(hass, await store.async_load())
    return pending


@callback
def pending_now(hass: HomeAssistant) -> Pending | None:
    """The pending records if they are loaded already (for a callback that cannot wait)."""
    return hass.data.get(PENDING_KEY)
