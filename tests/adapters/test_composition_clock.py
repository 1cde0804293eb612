"""Shutting the composition root down while a sweep is running.

Found by test_composition.py under load: run_bots stops the Clockwork, then the runtime closes
the database. Clockwork.stop() calls scheduler.shutdown(wait=False), which only *requests* the
cancellation of the jobs in flight (and cancels the wake-up task without awaiting it), so a
sweep can still be inside a database transaction when the database is closed, and APScheduler
logs 'Job "Clockwork.refresh_cards …" raised an exception' (CancelledError) at every such stop.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from app.main import runtime
from config.settings import Settings


async def test_stopping_the_clock_waits_for_the_sweep_in_flight(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'clock.db'}")
    inside, ended = asyncio.Event(), asyncio.Event()
    caplog.set_level(logging.ERROR)
    async with runtime(settings) as rt:

        async def slow_sweep() -> None:
            """A sweep that is still reading when the stop comes."""
            try:
                async with rt.ctx.db.read() as tx:
                    inside.set()
                    await asyncio.sleep(1)
                    await tx.all_subscribed_targets()
            finally:
                ended.set()

        rt.clockwork.extra_jobs.append((slow_sweep, 0.05))
        await rt.clockwork.start()
        await asyncio.wait_for(inside.wait(), 5)
        await rt.clockwork.stop()
        stopped_while_running = not ended.is_set()  # the database closes right after this
    await asyncio.sleep(0.1)
    assert not stopped_while_running
    assert [record.getMessage() for record in caplog.records] == []
