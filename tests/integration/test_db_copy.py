"""`wavebot db copy SRC DST` moves a community from a SQLite file to PostgreSQL and back: every
row of every table arrives, ids go on after the copied ones, and a destination that already
holds data is refused in one line."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from app.cli import main
from core.services import lifecycle
from storage.backends import open_database
from storage.schema import metadata
from storage.schema_check import where
from tests.adapters.demo_world import demo_world
from tests.adapters.test_demo_crowd import OWNER, launched
from tests.postgres import PostgresServer
from tests.texts import said

Rows = dict[str, list[tuple[Any, ...]]]


async def seeded(path: Path) -> str:
    """A community with history: an idea, a wave, a crowd of 40 that joined, a close, news."""
    async with demo_world(path, crowd=40, seed=5) as (world, crowd):
        assert crowd is not None
        await launched(world)
        await crowd.catch_up()
        await lifecycle.close(world.rt.ctx, OWNER, 1)
        await crowd.catch_up()
        await world.deliver()
    return f"sqlite+aiosqlite:///{path}"


async def every_row(url: str) -> Rows:
    """All rows of every table, in primary-key order."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return {
                table.name: [
                    tuple(row)
                    for row in await conn.execute(
                        select(table).order_by(*table.primary_key.columns)
                    )
                ]
                for table in metadata.sorted_tables
            }
    finally:
        await engine.dispose()


async def copy(capsys: pytest.CaptureFixture[str], source: str, target: str) -> tuple[int, str]:
    """Run the command as a user would; its exit code and its one line (stdout or stderr)."""
    code = await asyncio.to_thread(main, ["db", "copy", source, target])
    out = capsys.readouterr()
    text = out.out if code == 0 else out.err
    assert text.count("\n") == 1, text
    return code, text.rstrip("\n")


async def test_sqlite_to_postgresql_and_back(
    tmp_path: Path, postgres_server: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    source = await seeded(tmp_path / "small.db")
    original = await every_row(source)
    rows = sum(len(table) for table in original.values())
    assert len(original["pledges"]) == 40 and original["deliveries"]
    target = await postgres_server.new_database()
    back = f"sqlite+aiosqlite:///{tmp_path / 'back.db'}"
    try:
        code, line = await copy(capsys, source, target)
        assert code == 0
        tables = len(metadata.sorted_tables)
        assert line == said("cli.db_copy_done", rows=rows, tables=tables, source=where(source),
                            target=where(target))  # fmt: skip
        assert await every_row(target) == original

        code, _ = await copy(capsys, target, back)  # and back to a new SQLite file
        assert code == 0
        assert await every_row(back) == original

        db = await open_database(target)  # ids go on after the copied ones
        try:
            async with db.write() as tx:
                new_member = await tx.create_member("telegram:99", "New", None, datetime.now(UTC))
        finally:
            await db.close()
        assert new_member.id == max(row[0] for row in original["members"]) + 1
    finally:
        await postgres_server.drop(target)


async def test_a_destination_with_data_is_refused_and_left_alone(
    tmp_path: Path, postgres_server: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    source = await seeded(tmp_path / "small.db")
    target = await postgres_server.new_database()
    try:
        assert (await copy(capsys, source, target))[0] == 0
        before = await every_row(target)

        code, line = await copy(capsys, source, target)
        assert code == 2
        assert line == "wavebot: " + said("cli.db_copy_not_empty", path=where(target),
                                          table="members")  # fmt: skip
        assert await every_row(target) == before
    finally:
        await postgres_server.drop(target)
