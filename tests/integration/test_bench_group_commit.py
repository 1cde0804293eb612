"""Group commit, the fix the pledges benchmark called for, must not change what a write means.

Concurrent top-level writes share one BEGIN IMMEDIATE … COMMIT, each body in its own savepoint;
a caller returns only once that COMMIT is durable; a failing body loses only its own changes; a
failing COMMIT fails every caller of the batch.
"""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from core.clock import FakeClock
from storage.database import SqlDatabase
from storage.group_commit import WriteBatchAborted
from tests.integration.conftest import rows

WRITERS = 40


@pytest.fixture
def one_batch(db: SqlDatabase, monkeypatch: pytest.MonkeyPatch) -> SqlDatabase:
    """The database, with a batch window wide enough that a few writes always share one batch
    (25 ms can pass between two bodies on a loaded machine, which would split them)."""
    monkeypatch.setattr(db._group, "_max_seconds", 10.0)
    return db


def committed_names(db_path: Path) -> set[str]:
    """Member names a separate connection sees: what is durable, not what is in flight."""
    with closing(sqlite3.connect(db_path)) as conn:
        return {name for (name,) in conn.execute("SELECT display_name FROM members")}


async def test_concurrent_writes_share_commits_and_return_only_once_durable(
    db: SqlDatabase, db_path: Path, clock: FakeClock
) -> None:
    seen_when_returned: list[bool] = []

    async def write(n: int) -> None:
        async with db.write() as tx:
            await tx.create_member(f"telegram:{n}", f"W{n}", None, clock.now())
        seen_when_returned.append(f"W{n}" in committed_names(db_path))

    batches_before, writes_before = db.commit_stats
    await asyncio.gather(*(write(n) for n in range(WRITERS)))
    batches = db.commit_stats[0] - batches_before
    writes = db.commit_stats[1] - writes_before
    assert seen_when_returned == [True] * WRITERS  # durability before acknowledgement
    assert writes == WRITERS
    assert batches < WRITERS / 4  # they really were grouped
    assert committed_names(db_path) == {f"W{n}" for n in range(WRITERS)}


async def test_a_failing_body_rolls_back_only_itself(
    db: SqlDatabase, db_path: Path, clock: FakeClock
) -> None:
    async def write(n: int) -> None:
        async with db.write() as tx:
            await tx.create_member(f"telegram:{n}", f"W{n}", None, clock.now())
            if n % 3 == 0:
                raise RuntimeError(f"body {n}")

    results = await asyncio.gather(*(write(n) for n in range(12)), return_exceptions=True)
    failures = {str(r) for r in results if isinstance(r, RuntimeError)}
    assert failures == {f"body {n}" for n in range(0, 12, 3)}
    assert committed_names(db_path) == {f"W{n}" for n in range(12) if n % 3}


async def test_a_constraint_error_in_one_body_spares_the_batch(
    one_batch: SqlDatabase, db_path: Path, clock: FakeClock
) -> None:
    db = one_batch

    async def orphan() -> None:
        async with db.write() as tx:
            await tx.create_member("telegram:x", "Kept? no", None, clock.now())
            await tx.add_idea("Orphan", "", "general", 999_999, clock.now())  # FOREIGN KEY

    async def fine(n: int) -> None:
        async with db.write() as tx:
            await tx.create_member(f"telegram:{n}", f"W{n}", None, clock.now())

    results = await asyncio.gather(fine(1), orphan(), fine(2), return_exceptions=True)
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], IntegrityError)
    assert committed_names(db_path) == {"W1", "W2"}


async def test_a_failing_commit_fails_every_caller_of_the_batch(
    one_batch: SqlDatabase, db_path: Path, clock: FakeClock
) -> None:
    db = one_batch

    async def poison() -> None:
        async with db.write() as tx:
            # a deferred foreign key is checked at COMMIT, so the whole batch's COMMIT fails
            await tx.connection.execute(text("PRAGMA defer_foreign_keys = ON"))
            await tx.add_idea("Orphan", "", "general", 999_999, clock.now())

    async def fine(n: int) -> None:
        async with db.write() as tx:
            await tx.create_member(f"telegram:{n}", f"W{n}", None, clock.now())

    results = await asyncio.gather(fine(1), poison(), fine(2), return_exceptions=True)
    assert all(isinstance(r, IntegrityError) for r in results), results
    assert committed_names(db_path) == set()
    async with db.write() as tx:  # the writer is healthy again
        await tx.create_member("telegram:3", "After", None, clock.now())
    assert committed_names(db_path) == {"After"}


async def test_a_lost_transaction_aborts_the_batch_instead_of_autocommitting(
    one_batch: SqlDatabase, db_path: Path, clock: FakeClock
) -> None:
    db = one_batch

    async def rogue() -> None:
        async with db.write() as tx:
            await tx.create_member("telegram:r", "Rogue", None, clock.now())
            await tx.connection.exec_driver_sql("ROLLBACK")  # as SQLite does on I/O errors

    async def fine(n: int) -> None:
        async with db.write() as tx:
            await tx.create_member(f"telegram:{n}", f"W{n}", None, clock.now())

    results = await asyncio.gather(fine(1), rogue(), fine(2), return_exceptions=True)
    assert isinstance(results[0], WriteBatchAborted)
    assert not any(r is None for r in results[:2])
    assert "Rogue" not in committed_names(db_path) and "W1" not in committed_names(db_path)
    async with db.write() as tx:
        await tx.create_member("telegram:9", "Later", None, clock.now())
    assert "Later" in committed_names(db_path)


async def test_cancelled_waiters_and_cancelled_bodies_leave_the_writer_healthy(
    db: SqlDatabase, db_path: Path, clock: FakeClock
) -> None:
    started = asyncio.Event()

    async def slow(n: int) -> None:
        async with db.write() as tx:
            await tx.create_member(f"telegram:{n}", f"S{n}", None, clock.now())
            started.set()
            await asyncio.sleep(10)

    async def fine(n: int) -> None:
        async with db.write() as tx:
            await tx.create_member(f"telegram:{n}", f"W{n}", None, clock.now())

    holder = asyncio.create_task(slow(0))
    await started.wait()
    queued = [asyncio.create_task(fine(n)) for n in range(1, 6)]
    await asyncio.sleep(0.01)
    queued[2].cancel()  # cancelled while waiting for its turn
    holder.cancel()  # cancelled inside its body: its savepoint rolls back
    results = await asyncio.gather(holder, *queued, return_exceptions=True)
    assert isinstance(results[0], asyncio.CancelledError)
    assert isinstance(results[3], asyncio.CancelledError)
    assert committed_names(db_path) == {"W1", "W2", "W4", "W5"}


async def test_nested_writes_and_own_reads_inside_a_grouped_write(
    db: SqlDatabase, db_path: Path, clock: FakeClock
) -> None:
    async def outer(n: int) -> None:
        async with db.write() as tx:
            await tx.create_member(f"telegram:{n}", f"O{n}", None, clock.now())
            with pytest.raises(RuntimeError):
                async with db.write() as inner:
                    assert inner is tx
                    await inner.create_member(f"telegram:{n}i", f"I{n}", None, clock.now())
                    raise RuntimeError("inner")
            async with db.read() as same:
                assert await same.member_for_account(f"telegram:{n}") is not None

    await asyncio.gather(*(outer(n) for n in range(5)))
    assert committed_names(db_path) == {f"O{n}" for n in range(5)}


async def test_the_writer_task_cancelled_from_outside_fails_queued_writes_then_recovers(
    db: SqlDatabase, db_path: Path, clock: FakeClock
) -> None:
    async with db.write() as tx:
        await tx.create_member("telegram:0", "First", None, clock.now())
    writer = next(t for t in asyncio.all_tasks() if t.get_name() == "wavebot-group-commit")
    writer.cancel()  # e.g. a shutdown that cancels every task
    await asyncio.gather(writer, return_exceptions=True)
    async with db.write() as tx:  # a new writer task starts
        await tx.create_member("telegram:1", "Second", None, clock.now())
    assert committed_names(db_path) == {"First", "Second"}


async def test_a_write_after_close_still_commits(db_url: str, db_path: Path) -> None:
    database = await SqlDatabase.open(db_url, migrate=True)
    clock = FakeClock()
    async with database.write() as tx:
        await tx.create_member("telegram:1", "Before", None, clock.now())
    await database.close()
    async with database.write() as tx:  # a sweep still running at shutdown
        await tx.create_member("telegram:2", "Straggler", None, clock.now())
    await database.close()
    assert rows(db_path, "SELECT display_name FROM members ORDER BY id") == [
        ("Before",),
        ("Straggler",),
    ]
