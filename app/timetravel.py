"""The demo's movable time: `/clock +7d` moves the clock in steps and runs the sweeps at each.

Moving in steps (at most MAX_STEPS, none shorter than MIN_STEP) lets things happen in their
order within one jump: the "24 h left" reminder before the close, the close before the payment
window, the window's reminders before its end, with the crowd reacting in between.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from app.clockwork import Clockwork
from core.clock import OffsetClock

MAX_STEPS = 48
MIN_STEP = timedelta(hours=1)
Hook = Callable[[], Awaitable[object]]


def steps(by: timedelta) -> list[timedelta]:
    """Cut a jump into steps: equal ones of at least MIN_STEP, the remainder last."""
    size = max(MIN_STEP, by / MAX_STEPS)
    whole, rest = divmod(by, size)
    return [size] * int(whole) + ([rest] if rest else [])


class DemoTime:
    """The TimeTravel port of `wavebot demo` (core/clock.py): system time plus an offset."""

    def __init__(self, clock: OffsetClock, clockwork: Clockwork, before_step: Sequence[Hook] = ()):
        self.clock = clock
        self.clockwork = clockwork
        self.before_step = list(before_step)
        self._lock = asyncio.Lock()

    def now(self) -> datetime:
        """The demo's current time."""
        return self.clock.now()

    async def advance(self, by: timedelta) -> datetime:
        """Move forward step by step; before each, let the crowd catch up; after, sweep all."""
        async with self._lock:
            for step in steps(by):
                for hook in self.before_step:
                    await hook()
                self.clock.advance(step)
                await self.clockwork.run_due_sweeps()
        return self.clock.now()
