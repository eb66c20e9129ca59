"""Following a camera through its reboot, without credentials, by the restore's own deadlines.

Invariants: the camera is asked without its credentials (its unauthenticated
``/SDK/activateStatus``, or its recorder's channel status), so a camera whose password was wiped
is never sent a login; the camera must go down within ``OFFLINE_TIMEOUT`` of being
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
from .record import RestoreState


@dataclass(frozen=True, slots=True)
class Followed:
    """How the reboot ended."""

    online: bool  # back; False: the wait timed out
    activated: bool | None = None  # what the camera said when it came back


type IsUp = Callable[[], Awaitable[bool | None]]


async def _wait_for(is_up: IsUp, online: bool, limit: float) -> bool | None:
    """Poll until the camera is down (``online=False``) or up; the last answer, or raise."""
    answer = await is_up()
    if (answer is not None) == online:
        return answer
    async with asyncio.timeout(limit):
        while True:
            await asyncio.sleep(const.FOLLOW_INTERVAL)
            answer = await is_up()
            if (answer is not None) == online:
                return answer


def _seconds_left(since: datetime, limit: float) -> float:
    return max(0.0, (since - dt_util.utcnow()).total_seconds() + limit)


async def async_follow(
    is_up: IsUp,
    last: RestoreState,
    resumed: bool,
    went_down: Callable[[], Awaitable[None]],
) -> Followed:
    """Follow the camera of ``last`` until it is back, or the wait times out.

    ``is_up`` asks the camera (or its recorder) without the camera's credentials.
    ``went_down`` is awaited once, when it is seen down (``last.down_at`` is set by then).
    ``resumed``: picked up after a restart; a camera up past the window in which it had to go
    down rebooted while Home Assistant was away.
    """
    try:
        if last.down_at is None:
            left = _seconds_left(last.started, const.OFFLINE_TIMEOUT)
            answer = await is_up()
            if resumed and answer is not None and left <= 0:
                return Followed(online=True, activated=answer)
            if answer is not None:
                try:
                    await _wait_for(is_up, online=False, limit=left)
                except TimeoutError:
                    if resumed:  # it may have rebooted while Home Assistant restarted: it is up
                        return Followed(online=True, activated=answer)
                    raise
            # Seen down (resumed while down: at the latest moment it could have gone).
            offline_by = last.started + timedelta(seconds=const.OFFLINE_TIMEOUT)
            last.down_at = min(dt_util.utcnow(), offline_by) if resumed else dt_util.utcnow()
            await went_down()
        activated = await _wait_for(
            is_up, online=True, limit=_seconds_left(last.down_at, const.ONLINE_TIMEOUT)
        )
    except TimeoutError:
        return Followed(online=False)
    return Followed(online=True, activated=activated)
