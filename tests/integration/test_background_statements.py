"""The clock's sweeps run their SQL on the writer's thread: inline, a sweep's hundreds of small
statements never give the loop back, and updates wait for all of them."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from storage.database import SqlDatabase
from storage.sqlite_inline import background


async def _statement_thread(db: SqlDatabase) -> int:
    """The thread that ran one statement of a write transaction on the writer."""
    async with db.write() as tx:
        raw = await tx.connection.get_raw_connection()
        raw.driver_connection.sqlite.create_function("thread_id", 0, threading.get_ident)
        return int(await tx.connection.scalar(text("SELECT thread_id()")))


async def test_a_sweeps_statements_leave_the_loop_and_an_updates_stay_inline(
    db_path: Path,
) -> None:
    db = await SqlDatabase.open(f"sqlite+aiosqlite:///{db_path}", migrate=True)
    try:
        loop_thread = threading.get_ident()
        assert await _statement_thread(db) == loop_thread  # an update's small statements
        with background():
            assert await _statement_thread(db) != loop_thread  # a sweep's, on the thread
        assert await _statement_thread(db) == loop_thread
    finally:
        await db.close()


async def test_the_clock_runs_every_sweep_as_background_work(db_path: Path) -> None:
    from app.clockwork import Clockwork

    db = await SqlDatabase.open(f"sqlite+aiosqlite:///{db_path}", migrate=True)
    seen: list[int] = []

    async def sweep() -> None:
        seen.append(await _statement_thread(db))

    try:
        clock = Clockwork(ctx=None, dispatcher=None)  # type: ignore[arg-type]  # unused here
        await clock._guarded(sweep(), "test sweep")
        assert seen and seen[0] != threading.get_ident()
    finally:
        await db.close()
