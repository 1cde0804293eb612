"""Group commit keeps its writer connection between bursts and leaves SQLAlchemy out of batches
that never use it, without changing what is committed (bodies that do use it still commit)."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from core.clock import FakeClock
from storage.database import SqlDatabase


def names(db_path: Path) -> set[str]:
    """Member names a separate connection sees: what is durable."""
    with closing(sqlite3.connect(db_path)) as conn:
        return {name for (name,) in conn.execute("SELECT display_name FROM members")}


def counting(db: SqlDatabase, what: str, target: Any) -> list[object]:
    """Every `what` event SQLAlchemy fires on target while the test runs."""
    seen: list[object] = []
    event.listen(target, what, lambda *args: seen.append(args))
    return seen


async def test_the_writer_checks_its_connection_out_once_across_bursts(
    db: SqlDatabase, db_path: Path, clock: FakeClock
) -> None:
    checkouts = counting(db, "checkout", db._writer.sync_engine.pool)
    for burst in range(3):  # the queue runs empty between bursts: each COMMIT used to return it
        async with db.write() as tx:
            await tx.create_member(f"telegram:{burst}", f"B{burst}", None, clock.now())
        await asyncio.sleep(0.01)
    assert len(checkouts) <= 1
    assert names(db_path) >= {"B0", "B1", "B2"}


async def test_hot_batches_skip_sqlalchemy_and_mixed_ones_still_commit(
    db: SqlDatabase, db_path: Path, clock: FakeClock
) -> None:
    async with db.write():
        pass  # the writer's connection is checked out: count from here
    begins = counting(db, "begin", db._writer.sync_engine)
    async with db.write() as tx:  # the plain-sqlite3 path only
        await tx.create_member("telegram:1", "Hot", None, clock.now())
    assert begins == []
    assert "Hot" in names(db_path)

    async def through_sqlalchemy(n: int) -> None:
        async with db.write() as tx:
            await tx.create_member(f"telegram:{10 + n}", f"Hot{n}", None, clock.now())
            await tx.connection.execute(
                text("UPDATE members SET display_name = :name WHERE display_name = :old"),
                {"name": f"Core{n}", "old": f"Hot{n}"},
            )

    await asyncio.gather(*(through_sqlalchemy(n) for n in range(4)))
    assert begins != []  # SQLAlchemy began (on SQLite's open transaction) and committed it
    assert {f"Core{n}" for n in range(4)} <= names(db_path)
    async with db.write() as tx:  # and the next hot batch commits on sqlite3 again
        await tx.create_member("telegram:2", "Hot again", None, clock.now())
    assert "Hot again" in names(db_path)
