"""Checks before start that need no SQLite file: the URL itself, a PostgreSQL server that answers,
and a schema this code knows (a newer one means an older wavebot was started on it)."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, ProgrammingError
from sqlalchemy.ext.asyncio import create_async_engine

from storage.migrate import alembic_config
from storage.urls import BadDatabaseUrl, is_postgresql, normalise_url

CONNECT_TIMEOUT_SECONDS = 5.0


class PreflightError(Exception):
    """Why startup must stop, as a catalogue key and its parameters (health.py renders it)."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def checked_url(url: str) -> str:
    """The normalised URL, or the reason it names no database we can open."""
    try:
        return normalise_url(url)
    except BadDatabaseUrl as error:
        raise PreflightError("cli.db_bad_url", detail=str(error)) from error


def where(url: str) -> str:
    """The server and database of a URL, with any password hidden (it may reach a log)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "?"
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ""
    host = (parsed.host or "localhost").rpartition("@")[2]  # `u:pa@ss@h`: "ss@" is password
    return f"{host}:{parsed.port or 5432}/{parsed.database or ''}"


def known_revisions() -> set[str]:
    """Every Alembic revision this code ships."""
    script = ScriptDirectory.from_config(alembic_config())
    return {revision.revision for revision in script.walk_revisions()}


def require_known_schema(revision: str | None, place: str) -> None:
    """A revision we do not ship is a schema from a newer wavebot: migrating would fail."""
    if revision is not None and revision not in known_revisions():
        heads = ScriptDirectory.from_config(alembic_config()).get_heads()
        raise PreflightError(
            "cli.db_schema_newer", path=place, revision=revision, head=", ".join(heads)
        )


def sqlite_revision(path: Path) -> str | None:
    """The Alembic revision stored in a SQLite file; None before the first migration."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:  # no such table: never migrated
            return None
    return None if row is None else str(row[0])


def postgresql_preflight(url: str) -> None:
    """The server answers, lets us in, and holds a schema this code knows."""
    place = where(url)
    try:
        revision = asyncio.run(_postgresql_revision(url))
    except (DBAPIError, OSError, TimeoutError) as error:
        detail = " ".join(str(getattr(error, "orig", None) or error).split())
        raise PreflightError(
            "cli.db_unreachable", path=place, detail=detail or type(error).__name__
        ) from error
    require_known_schema(revision, place)


async def _postgresql_revision(url: str) -> str | None:
    """Connect once (bounded wait) and read the Alembic revision, if any."""
    engine = create_async_engine(
        url, pool_size=1, max_overflow=0, connect_args={"timeout": CONNECT_TIMEOUT_SECONDS}
    )
    try:
        async with engine.connect() as conn:
            try:
                async with conn.begin_nested():
                    value = await conn.scalar(text("SELECT version_num FROM alembic_version"))
            except ProgrammingError:  # no such table: a new, empty database
                return None
            return None if value is None else str(value)
    finally:
        await engine.dispose()


def server_preflight(url: str) -> bool:
    """Check a URL that is not a SQLite file; True when done (health.preflight goes on else)."""
    normal = checked_url(url)
    if not is_postgresql(normal):
        return False
    postgresql_preflight(normal)
    return True
