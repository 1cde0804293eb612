"""PostgreSQL drops the bot's connections mid-run (pg_terminate_backend on every one of them,
three times during a burst of joins): each join is either acknowledged and kept, or answered
"nothing was saved" — never acknowledged and lost; the outage is logged once, and the pool
replaces the dropped connections so the next joins go through."""

from __future__ import annotations

import asyncio
import logging

import asyncpg
import pytest
from sqlalchemy import text

from tests.conftest import ConsoleWorld
from tests.texts import said

BURST = 120
TERMINATE_OTHERS = """
SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid()
"""


async def terminate_backends(dsn: str, times: int) -> int:
    """Kill every other server process of this database, `times` times, while joins run."""
    conn = await asyncpg.connect(dsn)
    killed = 0
    try:
        for _ in range(times):
            await asyncio.sleep(0.05)
            killed += int(await conn.fetchval(TERMINATE_OTHERS))
    finally:
        await conn.close()
    return killed


async def active_pledgers(world: ConsoleWorld) -> set[str]:
    """Accounts holding an active pledge on wave 1."""
    async with world.rt.ctx.db.read() as tx:
        found = await tx.connection.execute(text(
            "SELECT a.account FROM pledges p JOIN accounts a ON a.member_id = p.member_id "
            "WHERE p.wave_id = 1 AND p.status = 'active'"))  # fmt: skip
        return {row[0] for row in found}


@pytest.mark.postgresql_only
async def test_dropped_connections_lose_no_acknowledged_pledge(
    world: ConsoleWorld, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    owner = world.person("owner")
    await owner.say("/idea Bamboo toothbrush #bathroom")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:100 50:90 14d min=50")
    people = [world.person(f"m{n}") for n in range(BURST)]
    for person in people:  # known members: the burst is only joins
        await person.say("/help")
    dsn = db_url.replace("postgresql+asyncpg://", "postgresql://")
    joined = said("pledge.joined", id=1, title="Bamboo toothbrush", qty=1)

    with caplog.at_level(logging.ERROR, logger="core.services.health"):
        killer = asyncio.create_task(terminate_backends(dsn, times=3))
        answers = await asyncio.gather(*(person.say("/join 1") for person in people))
        killed = await killer

    acknowledged = {f"console:m{n}" for n, answer in enumerate(answers) if joined in answer}
    refused = {f"console:m{n}" for n, a in enumerate(answers) if said("error.cannot_save") in a}
    assert acknowledged | refused == {f"console:m{n}" for n in range(BURST)}, answers
    kept = await active_pledgers(world)
    assert acknowledged <= kept  # nothing acknowledged is lost
    assert killed >= 1
    outage_lines = [r for r in caplog.records if "cannot save" in r.getMessage()]
    assert len(outage_lines) == (1 if refused else 0)  # one line per outage (the clock stands)

    late = world.person("late")
    assert joined in await late.say("/join 1")  # the pool replaced the dropped connections
    assert "console:late" in await active_pledgers(world)
