"""A bot process for the fan-out crash test: expands participant deliveries until killed.

Run as `python -m tests.integration.fanout_worker DB BATCH`: opens the database file and runs
the expander with BATCH rows per write transaction. After each committed batch it prints
`batch <rows>` and pauses briefly, so the test can SIGKILL it between batches; at the end it
prints `done <rows>`.
"""

from __future__ import annotations

import asyncio
import sys
import time

from core.clock import SystemClock
from core.services import fanout
from core.services.context import Context
from storage.database import SqlDatabase

PAUSE = 0.05  # seconds after each batch: the test's window to kill between batches


class ReportingWakeup:
    """Prints each committed batch (the expander wakes the dispatcher after each one)."""

    def __init__(self) -> None:
        self.batches = 0

    def deliveries_pending(self) -> None:
        """A batch just committed."""
        self.batches += 1
        print(f"batch {self.batches}", flush=True)
        time.sleep(PAUSE)

    def fanout_pending(self) -> None:
        """Not used here."""


async def main(db_path: str, batch: int) -> None:
    """Expand everything still to expand, then say so."""
    db = await SqlDatabase.open(f"sqlite+aiosqlite:///{db_path}", migrate=False)
    try:
        ctx = Context(db=db, clock=SystemClock(), wakeup=ReportingWakeup())
        expanded = await fanout.expand(ctx, batch)
        print(f"done {expanded.rows}", flush=True)
    finally:
        await db.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
