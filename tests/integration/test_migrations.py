"""Migrations build exactly schema.py, are idempotent, and connections get the promised PRAGMAs."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from core.clock import FakeClock
from storage.database import SqlDatabase
from storage.migrate import alembic_config, sync_url, upgrade
from storage.schema import metadata
from tests.integration.conftest import rows


def schema_diff(db_path: Path) -> list[object]:
    """What alembic's autogenerate would still change to reach schema.py."""
    engine = create_engine(f"sqlite:///{db_path}")
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def test_upgrade_matches_schema_and_is_idempotent(db_path: Path, db_url: str) -> None:
    upgrade(db_url)
    upgrade(db_url)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    assert rows(db_path, "SELECT version_num FROM alembic_version") == [(head,)]
    assert schema_diff(db_path) == []
    tables = {
        name for (name,) in rows(db_path, "SELECT name FROM sqlite_master WHERE type='table'")
    }
    assert set(metadata.tables) <= tables


def test_step_by_step_upgrade_ends_at_the_same_schema(db_path: Path, db_url: str) -> None:
    upgrade(db_url, "0001")
    assert rows(db_path, "SELECT version_num FROM alembic_version") == [("0001",)]
    upgrade(db_url)
    assert schema_diff(db_path) == []


def test_upgrade_leaves_data_alone(db_path: Path, db_url: str) -> None:
    upgrade(db_url, "0001")
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.execute(
            "INSERT INTO members (display_name, notify_milestones, created_at) "
            "VALUES ('x', 1, '2026-01-01 00:00:00.000000')"
        )
    upgrade(db_url)
    assert rows(db_path, "SELECT display_name FROM members") == [("x",)]


def test_sync_url_maps_async_drivers() -> None:
    assert sync_url("sqlite+aiosqlite:///x.db").render_as_string() == "sqlite:///x.db"
    assert sync_url("sqlite:///x.db").render_as_string() == "sqlite:///x.db"
    # PostgreSQL is migrated through asyncpg itself (run_sync): no second driver to ship
    assert sync_url("postgresql+asyncpg://u@h/db").drivername == "postgresql+asyncpg"


async def test_in_memory_is_refused() -> None:
    with pytest.raises(ValueError):
        await SqlDatabase.open("sqlite+aiosqlite:///:memory:")
    with pytest.raises(ValueError):
        upgrade("sqlite+aiosqlite://")
    with pytest.raises(ValueError):
        await SqlDatabase.open("sqlite+aiosqlite:///file::memory:?cache=shared&uri=true")


async def test_bad_synchronous_mode_is_refused(db_url: str) -> None:
    with pytest.raises(ValueError):
        await SqlDatabase.open(db_url, synchronous="SOMETIMES")


@pytest.mark.sqlite_only  # PRAGMAs are SQLite's
async def test_connections_get_pragmas(db: SqlDatabase) -> None:
    async with db.write() as tx:
        conn = tx.connection
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
        assert (await conn.execute(text("PRAGMA synchronous"))).scalar_one() == 2  # FULL
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar_one() == 1
        assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar_one() == 10_000
    async with db.read() as tx:
        conn = tx.connection
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar_one() == 1
        assert (await conn.execute(text("PRAGMA query_only"))).scalar_one() == 1


@pytest.mark.sqlite_only  # PRAGMA synchronous is SQLite's
async def test_synchronous_is_configurable(db_url: str) -> None:
    upgrade(db_url)
    database = await SqlDatabase.open(db_url, synchronous="normal")
    try:
        async with database.write() as tx:
            assert (await tx.connection.execute(text("PRAGMA synchronous"))).scalar_one() == 1
    finally:
        await database.close()


async def test_readers_cannot_write(db: SqlDatabase, clock: FakeClock) -> None:
    with pytest.raises((OperationalError, DBAPIError), match=r"readonly|read-only"):
        async with db.read() as tx:
            await tx.create_member("telegram:1", "Sneaky", None, clock.now())


async def test_foreign_keys_are_enforced(db: SqlDatabase, clock: FakeClock) -> None:
    with pytest.raises(IntegrityError, match=r"(?i)FOREIGN KEY"):
        async with db.write() as tx:
            await tx.add_idea("Orphan", "", "general", 999, clock.now())
