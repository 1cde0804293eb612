"""Event-loop lag monitor: how late a task that sleeps 1 ms wakes, while a benchmark runs.

A stall is anything that keeps the loop from running its callbacks (synchronous work in a
coroutine, a C call holding the GIL): every update, reply and send waits that long. The monitor
is a task on the measured loop; each wake-up records its lateness (actual − requested sleep).
Every benchmark wraps its loop in one and prints "longest loop stall: X ms (p99 Y ms)".
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TypeVar

from devtools.bench.report import BenchResult, percentile, verdict

TICK = 0.001
TARGET_STALL = 0.020
T = TypeVar("T")


@dataclass
class Lag:
    """Lateness samples of one monitored stretch, in seconds."""

    samples: list[float] = field(default_factory=list)

    @property
    def longest(self) -> float:
        """The longest stall seen (0 when nothing was sampled)."""
        return max(self.samples, default=0.0)

    @property
    def p99(self) -> float:
        """The 99th percentile lateness of the 1 ms ticks."""
        return percentile(self.samples, 0.99) if self.samples else 0.0

    def merge(self, other: Lag) -> None:
        """Add another stretch's samples (a benchmark with several loops reports them all)."""
        self.samples += other.samples

    def text(self) -> str:
        """'12.3 ms (p99 1.4 ms)'."""
        return f"{self.longest * 1000:.1f} ms (p99 {self.p99 * 1000:.1f} ms)"


class LagMonitor:
    """`async with LagMonitor() as lag:` samples the running loop until the block ends."""

    def __init__(self, tick: float = TICK) -> None:
        self.tick = tick
        self.lag = Lag()
        self._task: asyncio.Task[None] | None = None

    async def _watch(self) -> None:
        """Sleep one tick at a time; record how much later than asked each wake-up came."""
        clock = time.perf_counter
        while True:
            asked = clock()
            await asyncio.sleep(self.tick)
            self.lag.samples.append(max(0.0, clock() - asked - self.tick))

    async def __aenter__(self) -> Lag:
        self._task = asyncio.create_task(self._watch(), name="bench-lag-monitor")
        await asyncio.sleep(0)  # let it take its first timestamp
        return self.lag

    async def __aexit__(self, *_: object) -> None:
        """Let the monitor wake once more (a stall just before the exit counts), then stop."""
        seen = len(self.lag.samples)
        for _ in range(10):
            if len(self.lag.samples) > seen:
                break
            await asyncio.sleep(self.tick)
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


async def watched(work: Awaitable[T], lag: Lag) -> T:
    """Await `work` under a monitor whose samples are added to `lag`."""
    monitor = LagMonitor()
    try:
        async with monitor:
            return await work
    finally:
        lag.merge(monitor.lag)


def report_stall(
    result: BenchResult, lag: Lag, label: str = "longest loop stall", judged: bool = False
) -> None:
    """Print the longest stall next to the 20 ms target; judged only where the issue asks."""
    against = f"≤ {TARGET_STALL * 1000:.0f} ms"
    if not judged:
        against += " (not judged here)"
    result.data[label] = lag.longest
    result.add(label, lag.text(), against, verdict(lag.longest <= TARGET_STALL) if judged else "")
