"""The single writer path: bursts of pledges never hit 'database is locked' and count exactly."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

from core.clock import FakeClock
from core.model import WaveStatus
from core.services import fanout, waves
from core.services.context import Context
from storage.backends import AnyDatabase
from storage.database import SqlDatabase
from tests.integration.conftest import OWNER, approved_idea, person, plan, query, rows

BURST = 200


async def test_burst_of_concurrent_pledges(ctx: Context, db: AnyDatabase) -> None:
    """On SQLite the single writer serialises the joins; on PostgreSQL the wave row lock does."""
    tiers = ((1, 10_000), (50, 9_000), (100, 8_000), (200, 7_000))
    wave = await waves.launch(ctx, OWNER, plan(await approved_idea(ctx), *tiers))
    joins = [waves.join(ctx, person(n), wave.id) for n in range(BURST)]
    looks = [waves.get(ctx, wave.id) for _ in range(50)]  # readers run alongside the writer
    results = await asyncio.gather(*joins, *looks)

    final = await waves.get(ctx, wave.id)
    assert (final.status, final.units, final.pledgers) == (WaveStatus.OPEN, BURST, BURST)
    outcomes = results[:BURST]
    assert sorted(o.wave.units for o in outcomes) == list(range(1, BURST + 1))  # serialised
    reached = sorted(m for o in outcomes for m in o.milestones)
    assert reached == [10, 25, 50, 100, 200]
    assert await query(
        db, "SELECT COUNT(*), SUM(quantity) FROM pledges WHERE status = 'active'"
    ) == [(BURST, BURST)]
    assert await query(db, "SELECT COUNT(*) FROM pledge_events") == [(BURST,)]
    marks = await query(
        db, "SELECT milestone, COUNT(*) FROM milestones GROUP BY milestone ORDER BY milestone"
    )
    assert marks == [(10, 1), (25, 1), (50, 1), (100, 1), (200, 1)]
    kinds = await query(db, "SELECT kind FROM announcements WHERE kind != 'opened' ORDER BY id")
    assert kinds == [(f"milestone:{m}",) for m in (10, 25, 50, 100, 200)]
    # the crossing pledges wrote no participant delivery: the expander does, afterwards
    assert await query(db, "SELECT COUNT(*) FROM deliveries") == [(0,)]
    await fanout.expand(ctx, batch=7)
    # every announcement went to the pledgers of that moment, once each
    per_announcement = await query(
        db,
        "SELECT COUNT(*), COUNT(DISTINCT chat_id) FROM deliveries "
        "GROUP BY announcement_id ORDER BY announcement_id",
    )
    assert per_announcement == [(10, 10), (25, 25), (50, 50), (100, 100), (200, 200)]


async def test_writes_wait_for_another_process_holding_the_lock(
    db: SqlDatabase, db_path: Path, clock: FakeClock
) -> None:
    locked = threading.Event()

    def hold_write_lock() -> None:
        with closing(sqlite3.connect(db_path, isolation_level=None)) as conn:
            conn.execute("BEGIN IMMEDIATE")
            locked.set()
            time.sleep(0.5)
            conn.execute("COMMIT")

    holder = threading.Thread(target=hold_write_lock)
    holder.start()
    await asyncio.to_thread(locked.wait)
    started = time.monotonic()
    async with db.write() as tx:  # busy_timeout makes BEGIN IMMEDIATE wait, not fail
        await tx.create_member("telegram:1", "Patient", None, clock.now())
    waited = time.monotonic() - started
    await asyncio.to_thread(holder.join)
    assert waited >= 0.2
    assert rows(db_path, "SELECT display_name FROM members") == [("Patient",)]


async def test_a_write_waiting_for_the_lock_leaves_the_loop_running(
    db: SqlDatabase, db_path: Path, clock: FakeClock
) -> None:
    locked, release = threading.Event(), threading.Event()

    def hold_write_lock() -> None:
        with closing(sqlite3.connect(db_path, isolation_level=None)) as conn:
            conn.execute("BEGIN IMMEDIATE")
            locked.set()
            release.wait(5)  # only a loop that still runs can tell it to let go
            conn.execute("COMMIT")

    holder = threading.Thread(target=hold_write_lock)
    holder.start()
    await asyncio.to_thread(locked.wait)

    async def write() -> None:
        async with db.write() as tx:
            await tx.create_member("telegram:1", "Patient", None, clock.now())

    writing = asyncio.create_task(write())
    await asyncio.sleep(0.05)  # BEGIN IMMEDIATE is busy: it must wait off the loop
    assert not writing.done()
    release.set()
    await writing
    await asyncio.to_thread(holder.join)
    async with db.write() as tx:  # the writer kept its patience for the next time
        patience = await tx.connection.exec_driver_sql("PRAGMA busy_timeout")
        assert patience.scalar() == 10_000
    assert rows(db_path, "SELECT display_name FROM members") == [("Patient",)]


async def test_write_transactions_take_the_write_lock_up_front(
    db: SqlDatabase, db_path: Path
) -> None:
    async with db.write() as tx:
        await tx.modchats()  # only a read, yet BEGIN IMMEDIATE already reserved the file
        with closing(sqlite3.connect(db_path, timeout=0, isolation_level=None)) as other:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            assert other.execute("SELECT COUNT(*) FROM members").fetchone() == (0,)  # WAL read


async def test_failed_write_rolls_back(db: SqlDatabase, db_path: Path, clock: FakeClock) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        async with db.write() as tx:
            await tx.create_member("telegram:1", "Ghost", None, clock.now())
            raise RuntimeError("boom")
    assert rows(db_path, "SELECT COUNT(*) FROM members") == [(0,)]
    async with db.write() as tx:  # the writer connection is usable again
        await tx.create_member("telegram:1", "Real", None, clock.now())
    assert rows(db_path, "SELECT display_name FROM members") == [("Real",)]


async def test_nested_write_is_a_savepoint_of_the_outer_one(
    db: SqlDatabase, db_path: Path, clock: FakeClock
) -> None:
    async with db.write() as outer:
        await outer.create_member("telegram:1", "Kept", None, clock.now())
        with pytest.raises(RuntimeError, match="inner"):
            async with db.write() as inner:
                assert inner is outer
                await inner.create_member("telegram:2", "Undone", None, clock.now())
                raise RuntimeError("inner")
        async with db.write() as inner:
            await inner.create_member("telegram:3", "AlsoKept", None, clock.now())
        async with db.read() as same:
            assert await same.member_for_account("telegram:3") is not None
        assert rows(db_path, "SELECT COUNT(*) FROM members") == [(0,)]  # nothing committed yet
    assert rows(db_path, "SELECT display_name FROM members ORDER BY id") == [
        ("Kept",),
        ("AlsoKept",),
    ]


async def test_savepoints_nest_several_levels_deep_and_undo_only_their_own_level(
    db: SqlDatabase, db_path: Path, clock: FakeClock
) -> None:
    async with db.write() as outer:
        await outer.create_member("telegram:1", "Outer", None, clock.now())
        async with db.write() as middle:
            await middle.create_member("telegram:2", "Middle", None, clock.now())
            with pytest.raises(RuntimeError, match="innermost"):
                async with db.write() as inner:
                    await inner.create_member("telegram:3", "Inner", None, clock.now())
                    raise RuntimeError("innermost")
            await middle.create_member("telegram:4", "MiddleAgain", None, clock.now())
        with pytest.raises(RuntimeError, match="second"):
            async with db.write() as second:
                await second.create_member("telegram:5", "Second", None, clock.now())
                async with db.write() as deeper:  # released into `second`, undone with it
                    await deeper.create_member("telegram:6", "Deeper", None, clock.now())
                raise RuntimeError("second")
    assert rows(db_path, "SELECT display_name FROM members ORDER BY id") == [
        ("Outer",),
        ("Middle",),
        ("MiddleAgain",),
    ]


async def test_reader_sees_committed_snapshot_only(db: SqlDatabase, clock: FakeClock) -> None:
    async def read_elsewhere(member_id: int) -> object:
        async with db.read() as reader:
            return await reader.get_member(member_id)

    async with db.write() as tx:
        member = await tx.create_member("telegram:1", "Early", None, clock.now())
        assert await asyncio.create_task(read_elsewhere(member.id)) is None  # not committed yet
    async with db.read() as reader:
        assert await reader.get_member(member.id) is not None
