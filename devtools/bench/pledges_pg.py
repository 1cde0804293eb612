"""Pledges per second through the core on PostgreSQL, next to the same statements through asyncpg.

`wavebot bench pledges --database-url postgresql://…` lands here (pledges.py hands over). Each
round, interleaved so both feel the same load: a ceiling run, where PLEDGERS concurrent asyncpg
connections each run, per pledge, one transaction of the statements a first /join needs (lock the
wave row, create the member and its account, insert the pledge, update the wave's counts, log
the event), without the bot; then the core run, core.services.waves.join through
app.main.runtime, at the same concurrency. Every run is a fresh database on that server, dropped
after; counts are checked exact (units = pledgers = n) before a figure is printed.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import asyncpg
from sqlalchemy.engine import make_url

from app.main import runtime
from config.settings import Settings
from core.model import Tier
from core.ports import Actor
from core.services import ideas, waves
from core.services.waves import LaunchPlan
from devtools.bench.lag import Lag, report_stall, watched
from devtools.bench.report import BenchResult, check, spread, verdict
from storage.migrate import upgrade
from storage.urls import normalise_url

FULL_PLEDGES, QUICK_PLEDGES = 1_000, 300
ROUNDS, QUICK_ROUNDS = 3, 2
IN_FLIGHT = 16  # the Telegram adapter's own bound on concurrent updates
TARGET_SHARE = 0.25
TIERS = (Tier(1, 10_000), Tier(100, 9_000), Tier(1_000, 8_000))
OWNER = Actor("console:owner", "Owner")
_names = itertools.count()


def _dsn(url: str, database: str | None = None) -> str:
    """An asyncpg DSN for the server of `url` (optionally another database on it)."""
    parsed = make_url(normalise_url(url)).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


@asynccontextmanager
async def fresh_database(url: str) -> AsyncIterator[str]:
    """A migrated database of its own on the server, dropped afterwards."""
    name = f"wavebot_bench_{os.getpid()}_{next(_names)}"
    admin = await asyncpg.connect(_dsn(url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        target = normalise_url(_dsn(url, name))
        await asyncio.to_thread(upgrade, target)
        yield target
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def ceiling(url: str, pledges: int) -> tuple[float, tuple[int, int]]:
    """Pledges/s of the bare statements, IN_FLIGHT connections at once; and the final counts."""
    now = datetime.now(UTC)
    pool = await asyncpg.create_pool(_dsn(url), min_size=IN_FLIGHT, max_size=IN_FLIGHT)
    try:
        owner = await pool.fetchval(
            "INSERT INTO members (display_name, notify_milestones, created_at) "
            "VALUES ('Owner', true, $1) RETURNING id",
            now,
        )
        await pool.execute(
            "INSERT INTO waves (id, title, description, category, currency, tiers, moq, "
            "per_member_max, opens_at, closes_at, status, created_by, created_at, units, "
            "pledgers) VALUES (1, 'Pan', '', 'kitchen', 'EUR', '[[1, 100]]', 1, 1, $1, $1, "
            "'open', $2, $1, 0, 0)",
            now,
            owner,
        )
        gate = asyncio.Semaphore(IN_FLIGHT)

        async def pledge(n: int) -> None:
            """One first /join's statements in one transaction."""
            async with gate, pool.acquire() as conn, conn.transaction():
                await conn.fetchrow("SELECT * FROM waves WHERE id = 1 FOR UPDATE")
                member = await conn.fetchval(
                    "INSERT INTO members (display_name, notify_milestones, created_at) "
                    "VALUES ($1, true, $2) RETURNING id",
                    f"Member {n}",
                    now,
                )
                await conn.execute(
                    "INSERT INTO accounts (account, member_id, linked_at) VALUES ($1, $2, $3)",
                    f"telegram:{100_000 + n}",
                    member,
                    now,
                )
                await conn.execute(
                    "INSERT INTO pledges (wave_id, member_id, quantity, status, created_at, "
                    "updated_at) VALUES (1, $1, 1, 'active', $2, $2)",
                    member,
                    now,
                )
                units = await conn.fetchval(
                    "UPDATE waves SET units = units + 1, pledgers = pledgers + 1 WHERE id = 1 "
                    "RETURNING units"
                )
                await conn.execute(
                    "INSERT INTO pledge_events (wave_id, member_id, kind, quantity, units_after, "
                    "at) VALUES (1, $1, 'join', 1, $2, $3)",
                    member,
                    units,
                    now,
                )

        started = time.perf_counter()
        await asyncio.gather(*(pledge(n) for n in range(pledges)))
        seconds = time.perf_counter() - started
        counts = await pool.fetchrow("SELECT units, pledgers FROM waves WHERE id = 1")
    finally:
        await pool.close()
    return pledges / seconds, (counts[0], counts[1])


async def core(url: str, pledges: int, lag: Lag) -> tuple[float, tuple[int, int, int]]:
    """Pledges/s through waves.join on the bot's PostgreSQL storage; and the final counts."""
    settings = Settings(database_url=url, owners=OWNER.account, lang="en", currency="EUR")
    async with runtime(settings) as rt:
        ctx = rt.ctx
        idea = await ideas.propose(ctx, OWNER, "Cast iron pan #kitchen")
        await ideas.approve(ctx, OWNER, idea.id)
        wave = await waves.launch(ctx, OWNER, LaunchPlan(idea.id, TIERS, timedelta(days=14)))
        gate = asyncio.Semaphore(IN_FLIGHT)

        async def pledge(n: int) -> None:
            """One member's /join."""
            async with gate:
                await waves.join(ctx, Actor(f"telegram:{100_000 + n}", f"Member {n}"), wave.id)

        started = time.perf_counter()
        await watched(asyncio.gather(*(pledge(n) for n in range(pledges))), lag)
        seconds = time.perf_counter() - started
    conn = await asyncpg.connect(_dsn(url))
    try:
        row = await conn.fetchrow(
            "SELECT w.units, w.pledgers, (SELECT COUNT(DISTINCT member_id) FROM pledges "
            "WHERE wave_id = w.id AND status = 'active') FROM waves w WHERE w.id = $1",
            wave.id,
        )
    finally:
        await conn.close()
    return pledges / seconds, (row[0], row[1], row[2])


async def _rounds(url: str, pledges: int, rounds: int, result: BenchResult) -> None:
    """Interleave ceiling and core runs, each on a fresh database; check every count."""
    ceilings, cores, lag = [], [], Lag()
    for _ in range(rounds):
        async with fresh_database(url) as target:
            rate, counts = await ceiling(target, pledges)
            check(counts == (pledges, pledges), f"ceiling counted {counts}, not {pledges}")
            ceilings.append(rate)
        async with fresh_database(url) as target:
            rate, found = await core(target, pledges, lag)
            check(found == (pledges,) * 3, f"core counted {found}, not {pledges} each")
            cores.append(rate)
    result.checks.append(f"every run: units = pledgers = distinct active pledges = {pledges}")
    top, mine = spread(ceilings), spread(cores)
    share = mine.median / top.median
    result.add(
        f"asyncpg ceiling, same statements, {IN_FLIGHT} in flight",
        top.show(" tx/s"),
        "one transaction per pledge, no bot",
    )
    result.add(
        f"core join on PostgreSQL, {IN_FLIGHT} in flight",
        mine.show(" pledges/s"),
        f"≥ {TARGET_SHARE:.0%} of the ceiling's median; {share:.0%}",
        verdict(share >= TARGET_SHARE),
    )
    report_stall(result, lag, "  longest loop stall, core runs")


def run(quick: bool, database_url: str) -> BenchResult:
    """The PostgreSQL pledge benchmark on the server `database_url` names."""
    result = BenchResult("pledges (PostgreSQL)", quick)
    pledges = QUICK_PLEDGES if quick else FULL_PLEDGES
    rounds = QUICK_ROUNDS if quick else ROUNDS
    asyncio.run(_rounds(database_url, pledges, rounds, result))
    from devtools.bench.scaling import measure_scaling  # it imports this module's helpers

    measure_scaling(database_url, quick, result)
    result.notes += [
        f"{pledges} distinct members join one wave per run, {rounds} rounds, ceiling and core "
        "interleaved; the server's own fsync settings apply to both",
        "the core also checks the member's ban, milestones and card freshness, and records the "
        "update's milestones and deliveries: statements the ceiling leaves out",
    ]
    return result
