"""`wavebot db copy SRC DST`: every row from one database to another (SQLite ⇄ PostgreSQL).

The destination is migrated to head and must hold no row; then, in one transaction on it, each
table of `storage/schema.py` is copied in foreign-key order (`metadata.sorted_tables`), `BATCH`
rows at a time, read from one snapshot of the source. PostgreSQL's id sequences are moved past
the copied ids, and every table's row count is compared on both sides before the commit: a
mismatch rolls everything back. Stop the bot first (a SQLite file's lock is taken here).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from sqlalchemy import Integer, Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from storage.health import DatabaseUnusable, preflight, sole_process
from storage.migrate import upgrade
from storage.schema import metadata
from storage.schema_check import where
from storage.urls import is_postgresql, normalise_url

BATCH = 1000


@dataclass(frozen=True)
class CopyReport:
    """What was copied: rows and tables."""

    rows: int
    tables: int


def copy_database(source: str, target: str) -> CopyReport:
    """Migrate both, refuse a destination with data, copy, verify; raises DatabaseUnusable."""
    source, target = normalise_url(source), normalise_url(target)
    if where(source) == where(target) and is_postgresql(source) == is_postgresql(target):
        raise DatabaseUnusable("cli.db_copy_same", {"path": where(source)})
    for url in (source, target):
        preflight(url)
    with sole_process(source), sole_process(target):
        upgrade(source)
        upgrade(target)
        return asyncio.run(_copy(source, target))


async def _copy(source: str, target: str) -> CopyReport:
    """The copy itself, on two engines."""
    async with AsyncExitStack() as stack:
        src = await stack.enter_async_context(_engine(source))
        dst = await stack.enter_async_context(_engine(target))
        async with src.connect() as reading, dst.begin() as writing:
            if is_postgresql(source):  # one snapshot (a SQLite file is locked, see above)
                await reading.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
            await _require_empty(writing, target)
            rows = 0
            for table in metadata.sorted_tables:
                rows += await _copy_table(reading, writing, table)
            if is_postgresql(target):
                await _reset_sequences(writing)
            await _verify(reading, writing)
    return CopyReport(rows, len(metadata.sorted_tables))


@asynccontextmanager
async def _engine(url: str) -> AsyncIterator[AsyncEngine]:
    """One engine with a single connection, disposed at the end."""
    engine = create_async_engine(url, pool_size=1, max_overflow=0)
    try:
        yield engine
    finally:
        await engine.dispose()


async def _count(conn: AsyncConnection, table: Table) -> int:
    """Rows in one table."""
    return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


async def _require_empty(conn: AsyncConnection, url: str) -> None:
    """The destination must hold nothing: a copy never merges two communities."""
    for table in metadata.sorted_tables:
        if await _count(conn, table):
            raise DatabaseUnusable(
                "cli.db_copy_not_empty", {"path": where(url), "table": table.name}
            )


async def _copy_table(reading: AsyncConnection, writing: AsyncConnection, table: Table) -> int:
    """Stream one table in primary-key order and insert it BATCH rows at a time."""
    copied = 0
    query = select(table).order_by(*table.primary_key.columns)
    result = await reading.stream(query.execution_options(yield_per=BATCH))
    async for batch in result.mappings().partitions(BATCH):
        await writing.execute(table.insert(), [dict(row) for row in batch])
        copied += len(batch)
    return copied


async def _reset_sequences(conn: AsyncConnection) -> None:
    """Every serial id column's sequence continues after the largest copied id."""
    for table in metadata.sorted_tables:
        columns = list(table.primary_key.columns)
        if len(columns) != 1 or not isinstance(columns[0].type, Integer):
            continue
        column = columns[0].name
        sequence = await conn.scalar(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": column},
        )
        if sequence is None:
            continue
        largest = f'max("{column}")'
        await conn.execute(
            text(
                f"SELECT setval(:sequence, coalesce({largest}, 1), {largest} IS NOT NULL)"
                f' FROM "{table.name}"'
            ),
            {"sequence": sequence},
        )


async def _verify(reading: AsyncConnection, writing: AsyncConnection) -> None:
    """Each table holds as many rows on both sides, or nothing is committed."""
    for table in metadata.sorted_tables:
        before, after = await _count(reading, table), await _count(writing, table)
        if before != after:
            raise DatabaseUnusable(
                "cli.db_copy_mismatch",
                {"table": table.name, "source": before, "target": after},
            )
