"""A PostgreSQL URL with libpq's `?sslmode=` (as hosting providers print it) opens the database
on every connection the bot makes: the pool, migrations, leader election and the wake bus."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from storage.backends import open_database
from storage.health import preflight
from storage.leadership import PgLeases
from storage.migrate import upgrade
from storage.wake_bus import PgWakeBus

pytestmark = pytest.mark.postgresql_only


async def test_a_libpq_sslmode_url_opens_every_connection(db_url: str) -> None:
    url = db_url + ("&" if "?" in db_url else "?") + "sslmode=disable"
    await asyncio.to_thread(preflight, url)
    await asyncio.to_thread(upgrade, url)
    db = await open_database(url)
    try:
        async with db.read() as tx:
            assert (await tx.connection.execute(text("SELECT 1"))).scalar() == 1
    finally:
        await db.close()
    leases = PgLeases(url, retry_seconds=0)
    try:
        assert await leases.role("sweeps").lead()
    finally:
        await leases.close()
    heard: list[str] = []
    bus = PgWakeBus(url, heard.append)
    await bus.start()
    await bus.ready()
    await bus.close()
    assert sorted(heard) == ["deliveries", "fanout"]  # it listened: it looked once for work
