"""Alembic driven from code, so migrations run from an installed package without an .ini file."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, make_url

from storage.database import BUSY_TIMEOUT_MS, is_memory

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SYNC_DRIVERS = {"sqlite+aiosqlite": "sqlite", "postgresql+asyncpg": "postgresql+psycopg"}


def sync_url(url: str) -> URL:
    """Alembic runs synchronously: 'sqlite+aiosqlite:///x.db' becomes 'sqlite:///x.db'."""
    parsed = make_url(url)
    return parsed.set(drivername=SYNC_DRIVERS.get(parsed.drivername, parsed.drivername))


def alembic_config() -> Config:
    """A Config pointing at the packaged migrations directory."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply every pending migration (idempotent: nothing happens when already at head)."""
    if is_memory(url):
        raise ValueError("in-memory SQLite cannot be migrated separately; use a file")
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
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()
