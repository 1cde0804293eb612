"""The benchmarks' event-loop lag monitor sees a stall, and `wavebot run` freezes its heap."""

from __future__ import annotations

import asyncio
import gc
import time

from app.heap import freeze_long_lived
from devtools.bench.lag import Lag, LagMonitor, watched


def _block(seconds: float) -> None:
    """Synchronous work on the loop thread: every task waits for it."""
    time.sleep(seconds)


async def test_a_blocked_loop_is_recorded_as_a_stall_of_at_least_the_block() -> None:
    async with LagMonitor() as lag:
        await asyncio.sleep(0.01)
        _block(0.06)
        await asyncio.sleep(0.01)
    assert lag.longest >= 0.05
    assert len(lag.samples) >= 2


async def test_watched_merges_what_it_saw_and_returns_the_result() -> None:
    seen = Lag([0.002])

    async def work() -> str:
        _block(0.03)
        return "done"

    assert await watched(work(), seen) == "done"
    assert seen.longest >= 0.025 and seen.samples[0] == 0.002
    assert "ms (p99" in seen.text()


def test_freezing_moves_live_objects_out_of_the_collectors_view() -> None:
    before = gc.get_freeze_count()
    keep = [object() for _ in range(10)] + [[n] for n in range(1_000)]
    try:
        freeze_long_lived()
        assert gc.get_freeze_count() >= before + 1_000
    finally:
        gc.unfreeze()
    assert keep
