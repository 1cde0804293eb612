"""The milestone fan-out: what the crossing join costs at 1k, 10k and 50k opted-in participants.

For each size, one wave on the runtime `wavebot run` builds (SQLite file, WAL, synchronous=FULL)
gets that many pledgers, seeded with plain sqlite3. Then, repeated and interleaved so the load
of the machine weighs on both alike:

- a join that crosses nothing (the same-work reference: the same statements minus the milestone);
- a join that crosses a milestone (its mark is removed first, so every repetition crosses one),
  timed to its return (after its COMMIT), under the loop-lag monitor;
- the expander (core/services/fanout.py) writing the participants' deliveries, under the same
  monitor: rows per second, and how long after the crossing join began the last DM row exists.

Targets: the crossing join's median latency independent of the participant count (within
2 × the reference + 2 ms at every size), and the longest loop stall ≤ 20 ms (median of the
repetitions' longest), through the join and the whole expansion.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.heap import freeze_long_lived
from app.main import Runtime, runtime
from config.settings import Settings
from core.model import Tier
from core.ports import Actor, ChatKind, ChatRef
from core.services import community, fanout, ideas, waves
from core.services.waves import LaunchPlan
from core.tiers import milestones_for
from devtools.bench.lag import TARGET_STALL, LagMonitor
from devtools.bench.report import BenchResult, check, spread, verdict
from storage.migrate import upgrade
from storage.sqlite_hot import time_text

FULL_SIZES = (1_000, 10_000, 50_000)
QUICK_SIZES = (100, 1_000)
FULL_REPEATS = 5
QUICK_REPEATS = 3
TIERS = (Tier(1, 10_000), Tier(100, 9_000))
MOQ = 100
OWNER = Actor("console:owner", "Owner")
IDLE_CAP = 3.0  # seconds of idle loop watched after each repetition, at most
FIRST_MEMBER = 1_000  # seeded member ids start here (the owner and the runtime's come first)


@dataclass
class Size:
    """The samples of one participant count."""

    participants: int
    reference: list[float] = field(default_factory=list)
    crossing: list[float] = field(default_factory=list)
    reference_cpu: list[float] = field(default_factory=list)
    crossing_cpu: list[float] = field(default_factory=list)
    batch_cpu: list[float] = field(default_factory=list)
    stalls: list[float] = field(default_factory=list)
    idle: list[float] = field(default_factory=list)
    rates: list[float] = field(default_factory=list)
    last_row: list[float] = field(default_factory=list)


def _url(path: Path) -> str:
    """The async URL the bot would be configured with."""
    return f"sqlite+aiosqlite:///{path}"


def _settings(path: Path) -> Settings:
    """What `wavebot run` would use, on this file."""
    return Settings(database_url=_url(path), owners=OWNER.account, synchronous="FULL")


async def _launch(path: Path) -> int:
    """A subscribed group and an open wave, through the core; the wave's id."""
    async with runtime(_settings(path)) as rt:
        chat = ChatRef("telegram", "-1001", ChatKind.GROUP, "Buyers")
        await community.subscribe(rt.ctx, OWNER, chat, [])
        idea = await ideas.propose(rt.ctx, OWNER, "Cast iron pan #kitchen")
        await ideas.approve(rt.ctx, OWNER, idea.id)
        plan = LaunchPlan(idea.id, TIERS, timedelta(days=14), moq=MOQ)
        return (await waves.launch(rt.ctx, OWNER, plan)).id


def _seed(path: Path, wave_id: int, participants: int) -> int:
    """That many opted-in members pledged on the wave, every milestone up to there announced;
    returns the milestone the benchmark will cross again and again (the highest one reached)."""
    now = time_text(datetime.now(UTC))
    ids = range(FIRST_MEMBER, FIRST_MEMBER + participants)
    reached = [m for m in milestones_for(TIERS, MOQ, None) if m <= participants]
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.executemany(
            "INSERT INTO members (id, display_name, lang, notify_milestones, created_at) "
            "VALUES (?, ?, 'en', 1, ?)",
            ((n, f"Member {n}", now) for n in ids),
        )
        conn.executemany(
            "INSERT INTO accounts (account, member_id, linked_at) VALUES (?, ?, ?)",
            ((f"telegram:{n}", n, now) for n in ids),
        )
        conn.executemany(
            "INSERT INTO pledges (wave_id, member_id, quantity, status, created_at, updated_at, "
            "joined_seq) VALUES (?, ?, 1, 'active', ?, ?, ?)",
            ((wave_id, n, now, now, i + 1) for i, n in enumerate(ids)),
        )
        conn.execute(
            "UPDATE waves SET units = ?, pledgers = ? WHERE id = ?",
            (participants, participants, wave_id),
        )
        conn.executemany(
            "INSERT INTO milestones (wave_id, milestone, at) VALUES (?, ?, ?)",
            ((wave_id, m, now) for m in reached),
        )
    return reached[-1]


async def _timed_join(rt: Runtime, wave_id: int, n: int) -> tuple[float, float]:
    """One newcomer's /join: seconds to its return (after its COMMIT), and the loop thread's
    CPU seconds meanwhile (what the join kept the loop busy with, whatever the machine's load)."""
    actor = Actor(f"telegram:{n}", f"Newcomer {n}")
    begun, cpu = time.perf_counter(), time.thread_time()
    await waves.join(rt.ctx, actor, wave_id)
    return time.perf_counter() - begun, time.thread_time() - cpu


async def _expand(rt: Runtime, size: Size) -> int:
    """The expander, batch by batch as core/services/fanout.py runs it, with the loop thread's
    CPU seconds per batch (each batch's INSERT … SELECT runs on the loop: its stall)."""
    rows = 0
    while True:
        cpu = time.thread_time()
        async with rt.db.write() as tx:
            step = await tx.expand_fanout(fanout.BATCH)
        size.batch_cpu.append(time.thread_time() - cpu)
        if step is None:
            return rows
        rows += step.rows
        await asyncio.sleep(0)


async def _forget_milestone(rt: Runtime, wave_id: int, milestone: int) -> None:
    """Make the next join cross this milestone again (the bench's only shortcut)."""
    async with rt.db.write() as tx:
        await tx.connection.exec_driver_sql(
            "DELETE FROM milestones WHERE wave_id = ? AND milestone = ?", (wave_id, milestone)
        )


def _told(path: Path, wave_id: int) -> list[tuple[int, int]]:
    """Per milestone announcement of the benchmark: participant deliveries, distinct chats."""
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT d.chat_id) FROM deliveries d JOIN announcements a "
            "ON a.id = d.announcement_id WHERE a.wave_id = ? AND a.kind LIKE 'milestone:%' "
            "AND d.member_id IS NOT NULL GROUP BY a.id ORDER BY a.id",
            (wave_id,),
        ).fetchall()


async def _measure(path: Path, wave_id: int, size: Size, repeats: int, milestone: int) -> None:
    """Interleaved repetitions: reference join, crossing join, expansion."""
    async with runtime(_settings(path)) as rt:
        freeze_long_lived()
        newcomer = FIRST_MEMBER + size.participants
        await _timed_join(rt, wave_id, newcomer)  # untimed warm-up: statement caches
        newcomer += 1
        for _ in range(repeats):
            seconds, cpu = await _timed_join(rt, wave_id, newcomer)
            size.reference.append(seconds)
            size.reference_cpu.append(cpu)
            newcomer += 1
            await _forget_milestone(rt, wave_id, milestone)
            monitor = LagMonitor()
            async with monitor:
                began = time.perf_counter()
                seconds, cpu = await _timed_join(rt, wave_id, newcomer)
                newcomer += 1
                expanding = time.perf_counter()
                rows = await _expand(rt, size)
                done = time.perf_counter()
            size.crossing.append(seconds)
            size.crossing_cpu.append(cpu)
            size.stalls.append(monitor.lag.longest)
            idle = LagMonitor()  # the machine's own noise: the same loop doing nothing as long
            async with idle:
                await asyncio.sleep(min(done - began, IDLE_CAP))
            size.idle.append(idle.lag.longest)
            size.rates.append(rows / max(done - expanding, 1e-9))
            size.last_row.append(done - began)
            audience = newcomer - FIRST_MEMBER  # every pledger, the crossing one included
            check(rows == audience, f"{rows} DMs for {audience} participants")
    told = _told(path, wave_id)[-repeats:]
    first = size.participants + 3  # the seeded, the warm-up, a reference and the crossing join
    expected = [(first + 2 * i, first + 2 * i) for i in range(repeats)]
    check(told == expected, f"participant deliveries {told}, expected {expected}")


def _ms(seconds: float) -> str:
    """Milliseconds for a table cell."""
    return f"{seconds * 1000:.1f} ms"


def run(quick: bool = False) -> BenchResult:
    """Seed each size, then measure it (repeated, interleaved with its reference)."""
    sizes = [Size(n) for n in (QUICK_SIZES if quick else FULL_SIZES)]
    repeats = QUICK_REPEATS if quick else FULL_REPEATS
    result = BenchResult("fanout", quick)
    with tempfile.TemporaryDirectory(prefix="wavebot-bench-") as tmp:
        for size in sizes:
            path = Path(tmp) / f"fanout-{size.participants}.db"
            upgrade(_url(path))
            wave_id = asyncio.run(_launch(path))
            milestone = _seed(path, wave_id, size.participants)
            asyncio.run(_measure(path, wave_id, size, repeats, milestone))
            result.checks.append(
                f"{size.participants:,} participants: each of {repeats} crossings gave every "
                "pledger of its commit exactly one DM row"
            )
    smallest = spread(sizes[0].crossing).median
    for size in sizes:
        _report(result, size, smallest)
    result.notes += [
        "reference: a join crossing no milestone, timed the same way in the same run, "
        "interleaved with the crossing joins; latency is to the join's return (after its COMMIT)",
        "stall: the longest loop lag (devtools/bench/lag.py) over the crossing join and the "
        "whole expansion that follows it; judged on the median of the repetitions",
        "last DM row: from the crossing join's start to the expander's last commit (the "
        "dispatcher starts sending after the first batch)",
    ]
    return result


def _in_ms(samples: list[float]) -> str:
    """Repeated seconds shown as milliseconds: median (min, max; runs)."""
    return spread([value * 1000 for value in samples]).show(" ms", 1)


def _report(result: BenchResult, size: Size, smallest: float) -> None:
    """The figures of one size, each next to its reference."""
    n = f"{size.participants:,}"
    reference, crossing = spread(size.reference).median, spread(size.crossing).median
    stall = spread(size.stalls).median
    bound = 2 * reference + 0.002
    result.data[f"crossing_{size.participants}"] = crossing
    result.data[f"stall_{size.participants}"] = stall
    result.add(f"crossing join, {n} participants", _in_ms(size.crossing),
               f"≤ {_ms(bound)} (2 × reference + 2 ms); {crossing / smallest:.1f}× the smallest "
               "size", verdict(crossing <= bound))  # fmt: skip
    result.add(f"  reference join (no milestone), {n}", _in_ms(size.reference), "same run")
    result.add(
        f"  loop-thread CPU: crossing / reference join, {n}",
        f"{_ms(spread(size.crossing_cpu).median)} / {_ms(spread(size.reference_cpu).median)}",
        "medians; not slowed by the load",
    )
    result.add(f"  loop-thread CPU per expansion batch, {n}", f"max {_ms(max(size.batch_cpu))}",
               "all of a batch's steps together (the INSERT itself runs off the loop)")  # fmt: skip
    result.add(f"  longest loop stall, {n}", _in_ms(size.stalls),
               f"≤ {TARGET_STALL * 1000:.0f} ms", verdict(stall <= TARGET_STALL))  # fmt: skip
    result.add(f"  longest stall of the idle loop, {n}", _in_ms(size.idle),
               "same process, doing nothing as long (≤ 3 s): the machine's share")  # fmt: skip
    result.add(f"  expansion, {n}", spread(size.rates).show(" rows/s"),
               f"batches of {fanout.BATCH:,}, one per commit")  # fmt: skip
    result.add(f"  last DM row exists after, {n}", _in_ms(size.last_row), "from the crossing join")
