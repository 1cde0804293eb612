"""Alembic driven from code, so migrations run from an installed package without an .ini file."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from storage.database import BUSY_TIMEOUT_MS, is_memory
from storage.urls import normalise_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SYNC_DRIVERS = {"sqlite+aiosqlite": "sqlite"}


def sync_url(url: str) -> URL:
    """Alembic runs synchronously: 'sqlite+aiosqlite:///x.db' becomes 'sqlite:///x.db'."""
    parsed = make_url(url)
    return parsed.set(drivername=SYNC_DRIVERS.get(parsed.drivername, parsed.drivername))


def alembic_config() -> Config:
    """A Config pointing at the packaged migrations directory."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _upgrade_on(connection: Connection, revision: str) -> None:
    """Run Alembic on a connection the caller opened (and commits)."""
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def upgrade(url: str, revision: str = "head") -> None:
    """Apply every pending migration (idempotent: nothing happens when already at head)."""
    if is_memory(url):
        raise ValueError("in-memory SQLite cannot be migrated separately; use a file")
    url = normalise_url(url)
    if make_url(url).get_backend_name() == "postgresql":
        asyncio.run(_upgrade_postgresql(url, revision))
        return
    engine = create_engine(sync_url(url))
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: object, _record: object) -> None:
            """Same journal as the running bot, and wait rather than fail if it is busy."""
            cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.close()

    try:
        with engine.begin() as connection:
            _upgrade_on(connection, revision)
    finally:
        engine.dispose()


async def _upgrade_postgresql(url: str, revision: str) -> None:
    """PostgreSQL through the bot's own asyncpg driver (no second, synchronous driver to ship).

    DDL is transactional there, so a failed migration leaves the schema as it was; an advisory
    lock makes processes that start together migrate one after the other.
    """
    engine = create_async_engine(url, pool_size=1, max_overflow=0)
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            await connection.run_sync(_upgrade_on, revision)
    finally:
        await engine.dispose()


MIGRATION_LOCK = 0x7761_7665  # 'wave': the advisory lock key migrations hold on PostgreSQL
