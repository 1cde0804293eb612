"""Event-loop lag monitor: how late a task that sleeps 1 ms wakes, while a benchmark runs.

A stall is anything that keeps the loop from running its callbacks (synchronous work in a
coroutine, a C call holding the GIL): every update, reply and send waits that long. The monitor
is a task on the measured loop; each wake-up records its lateness (actual − requested sleep).
Every benchmark wraps its loop in one and prints "longest loop stall: X ms (p99 Y ms)".

To find what stalls: `WAVEBOT_STALL_STACKS=FILE` (and `WAVEBOT_STALL_STACKS_MS`, default 30)
makes every monitor start a watchdog thread that appends the loop thread's stack to FILE each
time the loop is that late (child processes of a benchmark inherit it).
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
import traceback
from collections.abc import Awaitable, Callable
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
        self._beat = time.perf_counter()
        self._tracer: StackTracer | None = StackTracer.from_environment()

    async def _watch(self) -> None:
        """Sleep one tick at a time; record how much later than asked each wake-up came."""
        clock = time.perf_counter
        while True:
            asked = self._beat = clock()
            await asyncio.sleep(self.tick)
            self.lag.samples.append(max(0.0, clock() - asked - self.tick))

    async def __aenter__(self) -> Lag:
        self._task = asyncio.create_task(self._watch(), name="bench-lag-monitor")
        await asyncio.sleep(0)  # let it take its first timestamp
        if self._tracer is not None:
            self._tracer.start(threading.get_ident(), lambda: self._beat, self.tick)
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
        if self._tracer is not None:
            self._tracer.stop()


class StackTracer:
    """A thread that writes the loop thread's stack to a file while the loop is stalled."""

    def __init__(self, path: str, threshold: float) -> None:
        self.path = path
        self.threshold = threshold
        self._stop = threading.Event()

    @classmethod
    def from_environment(cls) -> StackTracer | None:
        """Only when WAVEBOT_STALL_STACKS names a file."""
        path = os.environ.get("WAVEBOT_STALL_STACKS")
        if not path:
            return None
        return cls(path, float(os.environ.get("WAVEBOT_STALL_STACKS_MS", "30")) / 1000)

    def start(self, loop_thread: int, beat: Callable[[], float], tick: float) -> None:
        """Watch from now on; `beat` is the monitor's last wake-up time."""
        threading.Thread(target=self._watch, args=(loop_thread, beat, tick), daemon=True).start()

    def stop(self) -> None:
        """The monitored stretch is over."""
        self._stop.set()

    def _watch(self, loop_thread: int, beat: Callable[[], float], tick: float) -> None:
        """One stack per stall, taken once the loop is `threshold` late."""
        traced = 0.0
        while not self._stop.wait(0.002):
            last = beat()
            late = time.perf_counter() - last - tick
            if late > self.threshold and last != traced:
                traced = last
                frame = sys._current_frames().get(loop_thread)
                stack = "".join(traceback.format_stack(frame)[-30:]) if frame else "?\n"
                with open(self.path, "a", encoding="utf-8") as out:
                    out.write(f"--- loop {late * 1000:.0f} ms late (pid {os.getpid()})\n{stack}")


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
