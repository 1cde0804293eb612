"""Pledges per second through the core, next to the same work done in plain sqlite3.

The core run is the real thing: core.services.waves.join on the Context app.main.runtime builds,
a SQLite file in WAL mode with synchronous=FULL, distinct members joining one wave, 16 in flight
(the Telegram adapter's bound), then 64 and 500 as stress rows. The ceiling is the same work with
nothing around it: the statements those joins ran, replayed in plain sqlite3 with the same
parameters, 16 pledges per COMMIT, same pragmas, same process (devtools/bench/same_work.py).
Ceiling and core runs alternate, several rounds; verdicts are on medians.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import tempfile
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from app import event_loop
from app.heap import freeze_long_lived
from app.main import runtime
from config.settings import Settings
from core.model import Tier
from core.ports import Actor, ChatKind, ChatRef
from core.services import community, ideas, waves
from core.services.waves import LaunchPlan, PledgeOutcome
from core.tiers import milestones_for
from devtools.bench import same_work
from devtools.bench.lag import Lag, report_stall, watched
from devtools.bench.report import BenchResult, check, percentile, spread, verdict
from storage.database import SqlDatabase

FULL_PLEDGES = 10_000
QUICK_PLEDGES = 1_000
REPEATS = 3
# In flight at once. 16 is the bound the Telegram adapter itself puts on concurrent updates
# (bots/telegram_bot/polling.py); 64 and 500 are stress rows: throughput must hold there, while
# latency follows Little's law (mean latency = in flight / throughput) whatever the storage.
HEADLINE = 16
STRESS = (64, 500)
CONCURRENCIES = (HEADLINE, *STRESS)
TIERS = (Tier(1, 10_000), Tier(100, 9_000), Tier(1_000, 8_000), Tier(5_000, 7_000))
MOQ = 100
TARGET_SHARE = 0.50
TARGET_P99 = 0.050
OWNER = Actor("console:owner", "Owner")


@dataclass
class Run:
    """One timed burst of pledges."""

    pledges: int
    concurrency: int
    seconds: float
    cpu_seconds: float
    latencies: list[float] = field(default_factory=list)
    batches: int = 0
    loop: str = ""

    @property
    def rate(self) -> float:
        """Pledges per second of wall time."""
        return self.pledges / self.seconds

    def p(self, fraction: float) -> float:
        """A latency percentile, in seconds."""
        return percentile(self.latencies, fraction)


def _url(path: Path) -> str:
    """The async URL the bot would be configured with."""
    return f"sqlite+aiosqlite:///{path}"


async def _writer_sqlite(db: SqlDatabase) -> sqlite3.Connection:
    """The writer's own sqlite3 connection (the one group commit lends), for the trace."""
    async with db.write() as tx:
        raw = await tx.connection.get_raw_connection()
        conn: sqlite3.Connection = raw.driver_connection.sqlite  # type: ignore[union-attr]
        return conn


async def _core_burst(
    path: Path, pledges: int, concurrency: int, lag: Lag | None = None, start: Path | None = None
) -> tuple[Run, list[PledgeOutcome], list[str]]:
    """Launch a wave as the owner; then `pledges` members join it, `concurrency` at a time.

    With `start`, the database as it stands before the burst is copied there and every
    statement the burst runs on the writer is traced (the same-work ceiling replays them).
    """
    settings = Settings(
        database_url=_url(path),
        owners=OWNER.account,
        synchronous="FULL",
        lang="en",
        currency="EUR",
    )
    async with runtime(settings) as rt:
        ctx = rt.ctx
        freeze_long_lived()  # as `wavebot run` does once everything is wired
        chat = ChatRef("telegram", "-1001", ChatKind.GROUP, "Buyers")
        await community.subscribe(ctx, OWNER, chat, [])
        idea = await ideas.propose(ctx, OWNER, "Cast iron pan #kitchen")
        await ideas.approve(ctx, OWNER, idea.id)
        plan = LaunchPlan(idea.id, TIERS, timedelta(days=14), moq=MOQ)
        wave = await waves.launch(ctx, OWNER, plan)
        gate = asyncio.Semaphore(concurrency)
        latencies: list[float] = []

        async def pledge(n: int) -> PledgeOutcome:
            """One member's /join, timed from the moment it may run."""
            actor = Actor(f"telegram:{100_000 + n}", f"Member {n}")
            async with gate:
                begun = time.perf_counter()
                outcome = await waves.join(ctx, actor, wave.id)
                latencies.append(time.perf_counter() - begun)
                return outcome

        trace: list[str] = []
        with contextlib.ExitStack() as stack:
            if start is not None:
                writer = await _writer_sqlite(rt.db)
                same_work.copy_database(path, start)
                trace = stack.enter_context(same_work.tracing(writer))
            batches_before, _ = rt.db.commit_stats
            started, cpu = time.perf_counter(), time.process_time()
            burst = asyncio.gather(*(pledge(n) for n in range(pledges)))
            outcomes = await watched(burst, lag or Lag())
            seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
            batches = rt.db.commit_stats[0] - batches_before
        loop = event_loop.running_name()
    run = Run(pledges, concurrency, seconds, cpu_seconds, latencies, batches, loop)
    return run, list(outcomes), trace


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Read the file with the stdlib driver, independently of the code under test."""
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def _verify(path: Path, run: Run, outcomes: Sequence[PledgeOutcome]) -> list[str]:
    """Every pledge counted once, every milestone recorded and announced once; or fail."""
    n = run.pledges
    expected = [m for m in milestones_for(TIERS, MOQ, None) if m <= n]
    waves_row = _rows(path, "SELECT units, pledgers FROM waves WHERE id = 1")
    check(waves_row == [(n, n)], f"wave counts {waves_row}, expected units = pledgers = {n}")
    pledged = _rows(
        path,
        "SELECT COUNT(*), COUNT(DISTINCT member_id), SUM(quantity) FROM pledges "
        "WHERE wave_id = 1 AND status = 'active'",
    )
    check(pledged == [(n, n, n)], f"pledges {pledged}, expected {n} distinct active")
    events = _rows(path, "SELECT COUNT(*) FROM pledge_events WHERE wave_id = 1")
    check(events == [(n,)], f"{events} pledge events for {n} pledges")
    marks = _rows(
        path, "SELECT milestone, COUNT(*) FROM milestones WHERE wave_id = 1 GROUP BY milestone"
    )
    check(marks == [(m, 1) for m in expected], f"milestones {marks}, expected {expected}")
    announced = _rows(
        path,
        "SELECT kind FROM announcements WHERE wave_id = 1 AND kind LIKE 'milestone:%' ORDER BY id",
    )
    check(
        announced == [(f"milestone:{m}",) for m in expected],
        f"milestone announcements {announced}",
    )
    reached = sorted(m for outcome in outcomes for m in outcome.milestones)
    check(reached == expected, f"joins reported milestones {reached}, expected {expected}")
    counts = sorted(outcome.wave.units for outcome in outcomes)
    check(counts == list(range(1, n + 1)), "the joins did not see counts 1..n exactly once")
    return [
        f"c={run.concurrency}: units = pledgers = {n}, {n} distinct active pledges, {n} events, "
        f"milestones {expected[0]}…{expected[-1]} ({len(expected)}) recorded and announced once"
    ]


def _ms(seconds: float) -> str:
    """Milliseconds for a table cell."""
    return f"{seconds * 1000:.1f} ms"


def run(quick: bool = False, database_url: str | None = None) -> BenchResult:
    """Record the joins' SQL; then, repeatedly, replay it (the ceiling) and run the core."""
    # --- PostgreSQL hook (lane pgstore): another server, its own ceiling (pledges_pg.py) ---
    if database_url is not None and "sqlite" not in database_url.split("://")[0]:
        from devtools.bench import pledges_pg

        return pledges_pg.run(quick, database_url)
    # --- end of the PostgreSQL hook ---
    pledges = QUICK_PLEDGES if quick else FULL_PLEDGES
    result = BenchResult("pledges", quick)
    choice = Settings().event_loop
    with tempfile.TemporaryDirectory(prefix="wavebot-bench-") as tmp:
        root = Path(tmp)
        # Untimed: warms the process up (lazy imports, statement caches) and records the SQL.
        start, recorded = root / "start.db", root / "recorded.db"
        _, _, trace = event_loop.run(_core_burst(recorded, pledges, HEADLINE, start=start), choice)
        recording = same_work.split_pledges(trace)
        check(len(recording.pledges) == pledges, f"traced {len(recording.pledges)} pledges")
        rows: dict[int, list[tuple[same_work.Replay, Run]]] = {c: [] for c in CONCURRENCIES}
        lags = {c: Lag() for c in CONCURRENCIES}
        loops: set[str] = set()
        for repeat in range(REPEATS):
            for concurrency in CONCURRENCIES:
                ceiling_path = root / f"ceiling-{concurrency}-{repeat}.db"
                ceiling = same_work.replay(recording, start, ceiling_path)
                same_work.verify_replay(ceiling_path, recorded)
                path = root / f"core-{concurrency}-{repeat}.db"
                core, outcomes, _ = event_loop.run(
                    _core_burst(path, pledges, concurrency, lags[concurrency]), choice
                )
                checks = _verify(path, core, outcomes)
                if repeat == 0:
                    result.checks += checks
                rows[concurrency].append((ceiling, core))
                loops.add(core.loop)
                ceiling_path.unlink()
                path.unlink()
        _report_ceiling(result, recording, [c for pairs in rows.values() for c, _ in pairs])
        for concurrency in CONCURRENCIES:
            _report(result, rows[concurrency], headline=concurrency == HEADLINE)
            report_stall(
                result, lags[concurrency], f"  longest loop stall, {concurrency} in flight"
            )
    result.notes += [
        f"event loop of the core runs: {', '.join(sorted(loops))} (WAVEBOT_EVENT_LOOP={choice})",
        "same-work ceiling (devtools/bench/same_work.py): every statement the joins of an untimed "
        "core burst ran on the writer, traced, parameterised again and replayed in plain sqlite3 "
        f"on a copy of that burst's starting file: {same_work.GROUP} pledges per COMMIT, each in "
        "its SAVEPOINT, WAL + synchronous=FULL, same process; the replayed file must end with the "
        "burst's counts",
        f"interleaved: each core run follows its own ceiling replay; {REPEATS} rounds; the share "
        "is core / ceiling per pair, judged on its median",
        "latency: per join, from the moment it may run (inside the in-flight bound) to its "
        "return, which comes after the COMMIT that made it durable",
        "a crossing pledge records the milestone, its announcement and the chats' deliveries; "
        "the pledgers' deliveries are the expander's (not run here), in the ceiling alike",
        f"the latency target is judged at {HEADLINE} in flight, the Telegram adapter's own bound; "
        "with more in flight, Little's law sets latency while throughput holds",
    ]
    return result


def _report_ceiling(
    result: BenchResult, recording: same_work.Recording, ceilings: list[same_work.Replay]
) -> None:
    """What the ceiling replays, and how fast it went."""
    rate = spread([c.rate for c in ceilings])
    result.data["ceiling_rate"] = rate.median
    per_pledge = recording.statements / len(recording.pledges)
    result.add(
        f"same-work ceiling (sqlite3, {same_work.GROUP}/COMMIT)",
        rate.show(" pledges/s"),
        f"{per_pledge:.1f} statements per pledge ({len(recording.shapes())} shapes), "
        f"CPU {median_cpu(ceilings):,.0f} µs/pledge",
    )


def median_cpu(runs: Sequence[same_work.Replay | Run]) -> float:
    """Median CPU per pledge, in µs."""
    return spread([r.cpu_seconds / r.pledges * 1e6 for r in runs]).median


def _report(result: BenchResult, pairs: list[tuple[same_work.Replay, Run]], headline: bool) -> None:
    """One concurrency's figures: rate and share of its paired ceiling, latency, CPU."""
    cores = [core for _, core in pairs]
    c = cores[0].concurrency
    rate = spread([core.rate for core in cores])
    share = spread([100 * core.rate / ceiling.rate for ceiling, core in pairs])
    result.data[f"rate_{c}"] = rate.median
    result.data[f"share_{c}"] = share.median / 100
    label = f"core join, {c} in flight" + (" (headline)" if headline else "")
    result.add(label, rate.show(" pledges/s"), "same run's ceiling, per pair below")
    against = f"≥ {TARGET_SHARE:.0%} of the same-work ceiling (median)"
    ok = share.median / 100 >= TARGET_SHARE
    result.add("  share of ceiling", share.show(" %"), against, verdict(ok) if headline else "")
    p99 = spread([core.p(0.99) * 1000 for core in cores])
    p50 = spread([core.p(0.5) * 1000 for core in cores])
    result.data[f"p99_{c}"] = p99.median / 1000
    latency = f"p50 {p50.median:.1f} ms, p99 {p99.show(' ms', 1)}"
    if headline:
        result.add(f"  latency, {c} in flight", latency, f"p99 ≤ {_ms(TARGET_P99)} (median)",
                   verdict(p99.median / 1000 <= TARGET_P99))  # fmt: skip
    else:
        little = f"not judged (stress); Little's law: mean ≈ {c} / rate = "
        little += _ms(c / rate.median)
        result.add(f"  latency, {c} in flight", latency, little)
    per_commit = sum(core.pledges for core in cores) / max(sum(core.batches for core in cores), 1)
    result.add(f"  CPU per pledge, {c} in flight", f"{median_cpu(cores):,.0f} µs",
               f"{per_commit:.0f} pledges per COMMIT (group commit)")  # fmt: skip
