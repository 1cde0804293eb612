"""Real databases (SQLite files in tmp_path, or PostgreSQL), migrated, with the core's use
cases on top."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from core.clock import FakeClock
from core.errors import DomainError
from core.model import Tier
from core.ports import Actor
from core.services import ideas
from core.services.context import Context
from core.services.waves import LaunchPlan
from storage.backends import AnyDatabase, open_database

OWNER = Actor("console:owner", "Owner")


def person(n: int, platform: str = "telegram") -> Actor:
    """A distinct member account."""
    return Actor(f"{platform}:{1000 + n}", f"Member {n}")


class CountingWakeup:
    """Counts the nudges the core gives the dispatcher after creating deliveries."""

    def __init__(self) -> None:
        self.calls = 0
        self.fanouts = 0

    def deliveries_pending(self) -> None:
        """One more nudge."""
        self.calls += 1

    def fanout_pending(self) -> None:
        """Participant deliveries to expand."""
        self.fanouts += 1


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where this test's database file lives (asking for it keeps the test on SQLite)."""
    return tmp_path / "wavebot.db"


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[AnyDatabase]:
    """A migrated database on this run's backend, closed after the test."""
    database = await open_database(db_url, migrate=True)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def clock() -> FakeClock:
    """Time the test moves by hand."""
    return FakeClock()


@pytest.fixture
def ctx(db: AnyDatabase, clock: FakeClock) -> Context:
    """The use cases' context on the real database, with console:owner as owner."""
    return Context(db=db, clock=clock, owners=frozenset({OWNER.account}), wakeup=CountingWakeup())


@contextmanager
def refused(key: str) -> Iterator[None]:
    """The body must fail with this domain error (checked by catalogue key, not by text)."""
    with pytest.raises(DomainError) as caught:
        yield
    assert caught.value.key == key


def rows(db_path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Look at the file with the stdlib driver, independently of the code under test."""
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


async def query(db: AnyDatabase, sql: str) -> list[tuple[Any, ...]]:
    """Look at the database with plain SQL on either backend (a read transaction of its own)."""
    async with db.read() as tx:
        return [tuple(row) for row in await tx.connection.execute(text(sql))]


async def approved_idea(ctx: Context, title: str = "Cast iron pan #kitchen") -> int:
    """Propose and approve an idea as the owner; returns its id."""
    idea = await ideas.propose(ctx, OWNER, title)
    await ideas.approve(ctx, OWNER, idea.id)
    return idea.id


def plan(idea_id: int, *tiers: tuple[int, int], **options: Any) -> LaunchPlan:
    """A launch plan from (min_units, cents) pairs, 7 days long unless told."""
    duration = options.pop("duration", timedelta(days=7))
    return LaunchPlan(idea_id, tuple(Tier(u, p) for u, p in tiers), duration, **options)
