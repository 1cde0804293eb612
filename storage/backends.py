"""Which Database the URL asks for: SQLite's single writer or PostgreSQL's pool."""

from __future__ import annotations

from storage.database import SqlDatabase
from storage.postgres import PgDatabase
from storage.urls import is_postgresql, normalise_url

AnyDatabase = SqlDatabase | PgDatabase


async def open_database(
    url: str, *, synchronous: str = "FULL", migrate: bool = False
) -> AnyDatabase:
    """Open the backend the URL names ('postgres://…' and 'postgresql://…' mean asyncpg)."""
    url = normalise_url(url)
    if is_postgresql(url):
        return await PgDatabase.open(url, migrate=migrate)
    return await SqlDatabase.open(url, synchronous=synchronous, migrate=migrate)
