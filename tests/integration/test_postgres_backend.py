"""PostgreSQL's own write path: pooled transactions side by side, a lost connection told plainly."""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from core.clock import FakeClock
from core.errors import StorageUnavailable
from core.services import waves
from core.services.context import Context
from storage.backends import AnyDatabase
from tests.integration.conftest import OWNER, approved_idea, person, plan, query

pytestmark = pytest.mark.postgresql_only


async def _admin(db_url: str, sql: str) -> None:
    """Run SQL on the test's database from outside the bot (as an operator or a crash would)."""
    dsn = make_url(db_url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def test_a_connection_lost_mid_write_keeps_nothing_and_the_next_write_works(
    db: AnyDatabase, db_url: str, clock: FakeClock
) -> None:
    with pytest.raises(StorageUnavailable):
        async with db.write() as tx:
            assert await tx.claim_key("update:1", clock.now())
            pid = await tx.connection.scalar(text("SELECT pg_backend_pid()"))
            await _admin(db_url, f"SELECT pg_terminate_backend({pid})")
            await tx.claim_key("update:2", clock.now())
    async with db.write() as tx:  # a new connection; the lost transaction left no claim
        assert await tx.claim_key("update:1", clock.now())
    assert await query(db, "SELECT key FROM processed_keys ORDER BY key") == [("update:1",)]


async def test_connections_the_server_dropped_are_replaced_without_an_error(
    db: AnyDatabase, db_url: str, clock: FakeClock
) -> None:
    async with db.write() as tx:
        await tx.claim_key("before", clock.now())
    await _admin(
        db_url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    async with db.write() as tx:  # the pooled connection is dead: pre-ping replaces it
        assert await tx.claim_key("after", clock.now())


async def test_pledges_on_another_wave_do_not_wait_for_a_locked_wave(
    ctx: Context, db: AnyDatabase
) -> None:
    first = await waves.launch(ctx, OWNER, plan(await approved_idea(ctx), (1, 1_000)))
    other = await waves.launch(
        ctx, OWNER, plan(await approved_idea(ctx, "Kettle #kitchen"), (1, 500))
    )
    locked, release = asyncio.Event(), asyncio.Event()

    async def hold_first_wave() -> None:
        """A slow write that has read (and so locked) the first wave's row."""
        async with db.write() as tx:
            await tx.get_wave(first.id)
            locked.set()
            await release.wait()

    holder = asyncio.create_task(hold_first_wave())
    await locked.wait()
    same = asyncio.create_task(waves.join(ctx, person(1), first.id))
    elsewhere = await waves.join(ctx, person(2), other.id)  # no single writer to queue behind
    assert elsewhere.wave.units == 1
    await asyncio.sleep(0.3)
    assert not same.done()  # the first wave's row is locked until that write ends
    release.set()
    await holder
    assert (await same).wave.units == 1


async def test_a_cancelled_statement_a_handler_swallowed_still_reports_storage_unavailable(
    db: AnyDatabase, clock: FakeClock
) -> None:
    with pytest.raises(StorageUnavailable, match="statement timeout"):
        async with db.write() as tx:
            await tx.claim_key("update:1", clock.now())
            await tx.connection.execute(text("SET LOCAL statement_timeout = 1"))
            with contextlib.suppress(Exception):  # as the interpreter turns errors into replies
                await tx._exec(text("SELECT pg_sleep(1)"))
            await tx.connection.execute(text("SET LOCAL statement_timeout = 0"))
    async with db.read() as tx:
        assert await tx.unsent_answer("update:1") is None
    assert await query(db, "SELECT COUNT(*) FROM processed_keys") == [(0,)]
