"""Following a camera through its reboot, without credentials, by the restore's own deadlines.

Invariants: only the unauthenticated ``/SDK/activateStatus`` is asked (a camera whose password
was wiped is never sent a login); the camera must go down within ``OFFLINE_TIMEOUT`` of being
sent and come back within ``ONLINE_TIMEOUT`` of going down, counted from the restore's kept
times, so that a restart in between changes nothing; it is asked once even when no time is left.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from homeassistant.util import dt as dt_util

from .. import const
from ..isapi import IsapiClient, IsapiConnectionError, IsapiError
from .record import RestoreState


@dataclass(frozen=True, slots=True)
class Followed:
    """How the reboot ended."""

    online: bool  # back; False: the wait timed out
    activated: bool | None = None  # what the camera said when it came back


async def _is_up(client: IsapiClient) -> bool | None:
    """Whether the camera is activated, asked without credentials; None when it is down."""
    try:
        return await client.is_activated()
    except IsapiConnectionError:
        return None
    except IsapiError:
        return True  # it answers, with something we do not parse: it is up


async def _wait_for(client: IsapiClient, online: bool, limit: float) -> bool | None:
    """Poll until the camera is down (``online=False``) or up; the last answer, or raise."""
    answer = await _is_up(client)
    if (answer is not None) == online:
        return answer
    async with asyncio.timeout(limit):
        while True:
            await asyncio.sleep(const.FOLLOW_INTERVAL)
            answer = await _is_up(client)
            if (answer is not None) == online:
                return answer


def _seconds_left(since: datetime, limit: float) -> float:
    return max(0.0, (since - dt_util.utcnow()).total_seconds() + limit)


async def async_follow(
    client: IsapiClient,
    last: RestoreState,
    resumed: bool,
    went_down: Callable[[], Awaitable[None]],
) -> Followed:
    """Follow the camera of ``last`` until it is back, or the wait times out.

    ``went_down`` is awaited once, when it is seen down (``last.down_at`` is set by then).
    ``resumed``: picked up after a restart; a camera up past the window in which it had to go
    down rebooted while Home Assistant was away.
    """
    try:
        if last.down_at is None:
            left = _seconds_left(last.started, const.OFFLINE_TIMEOUT)
            answer = await _is_up(client)
            if resumed and answer is not None and left <= 0:
                return Followed(online=True, activated=answer)
            if answer is not None:
                await _wait_for(client, online=False, limit=left)
            # Seen down (resumed while down: at the latest moment it could have gone).
            offline_by = last.started + timedelta(seconds=const.OFFLINE_TIMEOUT)
            last.down_at = min(dt_util.utcnow(), offline_by) if resumed else dt_util.utcnow()
            await went_down()
        activated = await _wait_for(
            client, online=True, limit=_seconds_left(last.down_at, const.ONLINE_TIMEOUT)
        )
    except TimeoutError:
        return Followed(online=False)
    return Followed(online=True, activated=activated)
