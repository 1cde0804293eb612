"""The writer task cancelled while its COMMIT is on the connection's thread: that COMMIT cannot be
called back, so the batch's callers must hear what it did, not that it was rolled back."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from core.clock import FakeClock
from storage.database import SqlDatabase
from storage.sqlite_inline import InlineSqlite


def committed_names(db_path: Path) -> set[str]:
    """Member names a separate connection sees: what is durable."""
    with closing(sqlite3.connect(db_path)) as conn:
        return {name for (name,) in conn.execute("SELECT display_name FROM members")}


def hold_first_commit(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """The first COMMIT waits on the connection's thread (a slow fsync) until the test sets the
    second event; the first is set once it waits. Later COMMITs pass."""
    at_commit, go_on = threading.Event(), threading.Event()
    in_thread = InlineSqlite.in_thread

    async def slow_commit(self: InlineSqlite, fn: Any, *args: Any) -> Any:
        if args == ("COMMIT",) and not at_commit.is_set():

            def held(*call: Any) -> Any:
                at_commit.set()
                go_on.wait(10)
                return fn(*call)

            return await in_thread(self, held, *args)
        return await in_thread(self, fn, *args)

    monkeypatch.setattr(InlineSqlite, "in_thread", slow_commit)
    return at_commit, go_on


@pytest.mark.sqlite_only  # the inline driver's COMMIT on its thread
async def test_cancelled_during_commit_the_callers_hear_the_commit(
    db: SqlDatabase, db_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with db.write():
        pass  # the writer task and its connection are up
    at_commit, go_on = hold_first_commit(monkeypatch)

    async def write() -> None:
        async with db.write() as tx:
            await tx.create_member("telegram:1", "Kept", None, clock.now())

    caller = asyncio.create_task(write())
    assert await asyncio.to_thread(at_commit.wait, 10)
    writer = next(t for t in asyncio.all_tasks() if t.get_name() == "wavebot-group-commit")
    writer.cancel()  # a shutdown cancelling every task, while the fsync runs
    await asyncio.sleep(0.01)
    go_on.set()
    results = await asyncio.gather(caller, writer, return_exceptions=True)
    assert isinstance(results[1], asyncio.CancelledError)
    durable = "Kept" in committed_names(db_path)
    assert durable == (results[0] is None), results  # told the truth either way
    assert durable  # the COMMIT was on its way: it went through
    async with db.write() as tx:  # and the writer starts again
        await tx.create_member("telegram:2", "After", None, clock.now())
    assert committed_names(db_path) == {"Kept", "After"}


def write_lock_free(db_path: Path) -> bool:
    """Whether another connection can take the write lock now."""
    with closing(sqlite3.connect(db_path, isolation_level=None, timeout=0.5)) as probe:
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return False
        probe.execute("ROLLBACK")
        return True


@pytest.mark.sqlite_only  # the inline driver's BEGIN IMMEDIATE waiting on its thread
async def test_cancelled_while_begin_waits_for_the_lock_leaves_no_transaction_open(
    db: SqlDatabase, db_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with db.write():
        pass  # the writer task and its connection are up
    waiting = threading.Event()
    in_thread = InlineSqlite.in_thread

    async def noted(self: InlineSqlite, fn: Any, *args: Any) -> Any:
        """Tell the test when BEGIN IMMEDIATE goes to the thread to wait for the lock."""
        if args == ("BEGIN IMMEDIATE",):
            waiting.set()
        return await in_thread(self, fn, *args)

    monkeypatch.setattr(InlineSqlite, "in_thread", noted)
    other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock

    async def write(n: int) -> None:
        async with db.write() as tx:
            await tx.create_member(f"telegram:{n}", f"N{n}", None, clock.now())

    caller = asyncio.create_task(write(1))
    assert await asyncio.to_thread(waiting.wait, 10)
    writer = next(t for t in asyncio.all_tasks() if t.get_name() == "wavebot-group-commit")
    # the other process lets go a little later, from its own thread (the loop may be blocked)
    threading.Timer(0.3, lambda: other.execute("COMMIT")).start()
    writer.cancel()
    results = await asyncio.gather(caller, writer, return_exceptions=True)
    assert isinstance(results[1], asyncio.CancelledError)
    await asyncio.to_thread(time.sleep, 0.5)  # the timer has fired: the lock went to the BEGIN
    other.close()
    assert write_lock_free(db_path)  # the cancelled BEGIN was undone, not left holding the lock
    await write(2)  # and the next write does not find a transaction already open
    assert committed_names(db_path) == {"N2"}


@pytest.mark.sqlite_only  # the inline driver's COMMIT on its thread
async def test_a_caller_cancelled_while_its_commit_runs_still_wakes_and_tells_on_saved(
    db: SqlDatabase, db_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with db.write():
        pass  # the writer task and its connection are up
    at_commit, go_on = hold_first_commit(monkeypatch)
    woken: list[str] = []
    db.on_saved = lambda: woken.append("saved")

    async def write() -> None:
        async with db.write() as tx:
            await tx.create_member("telegram:1", "Kept", None, clock.now())
            db.after_commit(lambda: woken.append("wake"))  # e.g. the dispatcher's wake-up

    caller = asyncio.create_task(write())
    assert await asyncio.to_thread(at_commit.wait, 10)
    caller.cancel()  # the member's update handler gave up (a shutdown, a timeout)
    assert isinstance((await asyncio.gather(caller, return_exceptions=True))[0], BaseException)
    go_on.set()
    async with db.write():
        pass  # queued behind the held batch: its COMMIT is done once this returns
    await asyncio.sleep(0)  # the calls owed are scheduled on the loop
    assert "Kept" in committed_names(db_path)
    assert woken.count("wake") == 1  # the rows are visible: whoever waits on them is woken
    assert woken.count("saved") == 2  # this write's and the later one's
