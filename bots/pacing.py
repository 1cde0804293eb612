"""One send budget per bot token, granted in priority-lane order (core/lanes.py).

Both adapters pace their sends with a `LanePacer`: evenly spaced grants, never more than
`limit` within `period` seconds; when several sends wait, `LaneQueue` picks who goes next.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

from core.lanes import Lane, LaneQueue


class LanePacer:
    """A sliding window of grants (at most `limit` per `period`, `period / limit` apart), handed
    out by lane priority with a guaranteed share for the lower lanes."""

    def __init__(
        self, limit: int, period: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Grants are timed with `clock` (seconds) and waited for with asyncio.sleep."""
        self.limit = limit
        self.period = period
        self.spacing = period / limit
        self._clock = clock
        self._granted: deque[float] = deque()
        self._queue: LaneQueue[tuple[Lane, asyncio.Future[None]]] = LaneQueue()
        self._granter: asyncio.Task[None] | None = None
        self.granted_by_lane: dict[Lane, int] = dict.fromkeys(Lane, 0)

    def wait(self, now: float) -> float:
        """Seconds until the next grant fits (0 when it fits now)."""
        while self._granted and self._granted[0] <= now - self.period:
            self._granted.popleft()
        paced = self._granted[-1] + self.spacing - now if self._granted else 0.0
        full = 0.0 if len(self._granted) < self.limit else self._granted[0] + self.period - now
        return max(paced, full, 0.0)

    async def acquire(self, lane: Lane) -> None:
        """Return once this send may go; the send is counted in the window."""
        now = self._clock()
        if not len(self._queue) and self.wait(now) <= 0:
            self._grant(lane, now)
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.push(lane, (lane, turn))
        self._start_granter()
        try:
            await turn  # counted in the window by the granter
        except asyncio.CancelledError:
            self._queue.discard(lane, (lane, turn))
            raise

    def _grant(self, lane: Lane, now: float) -> None:
        """Count one send in the window."""
        self._granted.append(now)
        self.granted_by_lane[lane] += 1

    def _start_granter(self) -> None:
        """One task hands out the grants while anyone waits."""
        if self._granter is None or self._granter.done():
            self._granter = asyncio.get_running_loop().create_task(self._grant_in_turn())

    async def _grant_in_turn(self) -> None:
        """Wake the waiter the lanes choose each time the window has room."""
        while len(self._queue):
            wait = self.wait(self._clock())
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            lane, turn = self._queue.pop()
            if not turn.done():
                self._grant(lane, self._clock())
                turn.set_result(None)
