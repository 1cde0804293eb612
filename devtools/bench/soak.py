"""Bounded storage: minutes of steady activity on a real SQLite file, its size minute by minute.

The runtime app.main builds (real SQLite file; synchronous=NORMAL, since size is measured, not
durability), driven on a FakeClock advanced one second per step: each simulated second `rate`
members type /join or /leave in private through Interpreter.exactly_once (so every update leaves
a processed key, then is marked answered) on one of three open waves; the crossings announce
milestones to the subscribed groups and to participants; every 10 s a wave's news goes to every
group and every participant of it. The waves stay open: their pledges (one row per member and
wave) are the community's record, kept forever and bounded by the members; what must not grow
is everything else. Ended waves' logs are tested in tests/integration/test_retention.py. The
core Dispatcher
sends everything through a messenger that answers "sent" at once. Retention runs every 5
simulated seconds with the use case the clock runs hourly in production, keeping 30 simulated
seconds instead of 30 days, so ten minutes of soak stand for many retention periods.

The reference, measured in the same run: the same soak without retention. The verdict: with
retention, the file after minute 10 is within +10 % of its size after minute 1 (`--quick`: 40 s
read every 10 s, not judged). Sizes are the main database file after a passive WAL checkpoint
(SQLite reuses freed pages, the file never shrinks; the WAL is bounded by SQLite's
auto-checkpoint and printed apart).
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from app.main import Runtime, runtime
from config.settings import Settings
from core.clock import FakeClock
from core.messages import Reply, t
from core.model import Tier
from core.ports import Actor, ChatKind, ChatRef, SendOutcome, SendResult
from core.services import announce, community, fanout, ideas, waves
from core.services.retention import RetentionPolicy, prune
from core.services.waves import LaunchPlan
from devtools.bench.lag import Lag, report_stall, watched
from devtools.bench.report import BenchResult, check, verdict

OWNER = Actor("console:soak-owner", "Olivia")
KEEP = timedelta(seconds=30)  # the soak's stand-in for 30 days
RETENTION_EVERY = 5  # simulated seconds
BROADCAST_EVERY = 10
TIERS = (Tier(1, 10_000), Tier(10, 9_000), Tier(100, 8_000))
GROWTH = 0.10  # the verdict: at most +10 % after minute 1


@dataclass(frozen=True)
class Shape:
    """How long the soak runs (simulated seconds), how busy it is, how often the size is read."""

    seconds: int
    rate: int  # member commands per simulated second
    members: int
    groups: int
    sample: int  # seconds between two size readings
    waves: int  # open waves the members join and leave

    @property
    def unit(self) -> str:
        """What one reading period is called in the figures."""
        return "minute" if self.sample == 60 else f"{self.sample} s"


FULL = Shape(seconds=600, rate=10, members=400, groups=20, sample=60, waves=3)
QUICK = Shape(seconds=40, rate=3, members=60, groups=2, sample=10, waves=2)


class Instant:
    """A platform that takes every message at once."""

    platform = "console"

    def __init__(self) -> None:
        self.sent = 0

    async def send(self, chat_id: str, message: Reply, lang: str) -> SendResult:
        """Sent."""
        self.sent += 1
        return SendResult(SendOutcome.SENT, message_id=str(self.sent))

    async def edit(self, chat_id: str, message_id: str, message: Reply, lang: str) -> SendResult:
        """Edited."""
        return SendResult(SendOutcome.SENT, message_id=message_id)


@dataclass
class Soak:
    """One soak's course: sizes per minute and what was done."""

    sizes: list[int] = field(default_factory=list)
    wal: list[int] = field(default_factory=list)
    commands: int = 0
    answered: int = 0
    sent: int = 0
    pruned: int = 0
    seconds: float = 0.0


def _size(path: Path) -> tuple[int, int]:
    """The main file after a passive checkpoint, and the WAL beside it."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size, wal.stat().st_size if wal.exists() else 0


async def _launch(rt: Runtime) -> int:
    """A new wave for the crowd."""
    idea = await ideas.propose(rt.ctx, OWNER, "Cast iron pan #kitchen")
    await ideas.approve(rt.ctx, OWNER, idea.id)
    plan = LaunchPlan(idea.id, TIERS, timedelta(days=14), moq=10)
    return (await waves.launch(rt.ctx, OWNER, plan)).id


async def _command(rt: Runtime, soak: Soak, key: str, member: int, verb: str, wave: int) -> None:
    """One typed /join or /leave, exactly once, then marked answered like an adapter does."""
    actor = Actor(f"console:soak-{member}", f"Member {member}")
    chat = ChatRef("console", f"soak-{member}")
    interpreter = rt.interpreter
    answer = await interpreter.exactly_once(
        key, lambda: interpreter.handle_command(actor, chat, verb, str(wave))
    )
    soak.commands += 1
    if answer is not None:
        await interpreter.answered(key)
        soak.answered += 1


async def _broadcast(rt: Runtime, wave_id: int) -> None:
    """News of a wave to every subscribed group and every participant."""
    async with rt.ctx.db.write() as tx:
        wave = await waves.load_wave(tx, wave_id)
        await announce.announce(rt.ctx, tx, wave, "soak", (t("digest.quiet"),))


async def _soak(path: Path, shape: Shape, policy: RetentionPolicy) -> Soak:
    """Run the soak on a fresh file; sizes after every simulated minute."""
    clock, soak, rng = FakeClock(), Soak(), random.Random(13)
    settings = Settings(database_url=f"sqlite+aiosqlite:///{path}", synchronous="NORMAL")
    async with runtime(settings, clock=clock, extra_owners=frozenset({OWNER.account})) as rt:
        messenger = Instant()
        rt.messengers["console"] = messenger
        for group in range(shape.groups):
            chat = ChatRef("console", f"group-{group}", ChatKind.GROUP, f"Group {group}")
            await community.subscribe(rt.ctx, OWNER, chat, [])
        open_waves = [await _launch(rt) for _ in range(shape.waves)]
        joined: set[tuple[int, int]] = set()
        started = time.perf_counter()
        for second in range(1, shape.seconds + 1):
            clock.advance(timedelta(seconds=1))
            picks = rng.sample(range(shape.members), shape.rate)
            calls = []
            for member in picks:
                wave = open_waves[member % len(open_waves)]
                verb = "leave" if (member, wave) in joined else "join"
                joined ^= {(member, wave)}
                calls.append(_command(rt, soak, f"soak:{second}:{member}", member, verb, wave))
            await asyncio.gather(*calls)
            if second % BROADCAST_EVERY == 0:
                await _broadcast(rt, open_waves[second // BROADCAST_EVERY % len(open_waves)])
            await fanout.expand(rt.ctx)  # the clock's expander: participants' deliveries
            await rt.dispatcher.sweep()
            if second % RETENTION_EVERY == 0:
                soak.pruned += (await prune(rt.ctx, policy)).total
            if second % shape.sample == 0:
                main, wal = _size(path)
                soak.sizes.append(main)
                soak.wal.append(wal)
        soak.seconds = time.perf_counter() - started
        soak.sent = messenger.sent
    return soak


def _mb(size: int) -> str:
    """Bytes as MB with one decimal (two below 10 MB)."""
    value = size / 1e6
    return f"{value:.2f} MB" if value < 10 else f"{value:.1f} MB"


def run(quick: bool = False) -> BenchResult:
    """The soak with retention, then without (the same-run reference)."""
    shape = QUICK if quick else FULL
    result = BenchResult("soak", quick)
    with tempfile.TemporaryDirectory(prefix="wavebot-bench-") as tmp:
        lag = Lag()
        kept = asyncio.run(watched(_soak(Path(tmp) / "kept.db", shape, RetentionPolicy(KEEP)), lag))
        grown = asyncio.run(_soak(Path(tmp) / "grown.db", shape, RetentionPolicy(None)))
    for soak in (kept, grown):
        check(soak.answered == soak.commands, f"{soak.answered} of {soak.commands} answered")
        check(len(soak.sizes) == shape.seconds // shape.sample, f"{len(soak.sizes)} sizes")
    first, last = kept.sizes[0], kept.sizes[-1]
    limit = first * (1 + GROWTH)
    result.data.update(first=first, last=last, grown=grown.sizes[-1])
    result.add(
        f"file, reading 1 → {len(kept.sizes)} (every {shape.unit}), retention {KEEP.seconds} s",
        f"{_mb(first)} → {_mb(last)} ({last / first - 1:+.0%})",
        f"≤ +{GROWTH:.0%} ({_mb(int(limit))})",
        verdict(last <= limit),
    )
    growth = grown.sizes[-1] / grown.sizes[0] - 1
    result.add(
        "same soak without retention (reference)",
        f"{_mb(grown.sizes[0])} → {_mb(grown.sizes[-1])} ({growth:+.0%})",
        "grows with every join, send and key",
    )
    for name, soak in (("retention", kept), ("none", grown)):
        sizes = ", ".join(f"{size / 1e6:.2f}" for size in soak.sizes)
        result.add(f"file at each reading, {name}", f"{sizes} MB")
    result.add("largest WAL, retention / none", f"{_mb(max(kept.wal))} / {_mb(max(grown.wal))}")
    result.add(
        "soak wall time, retention / none",
        f"{kept.seconds:.1f} s / {grown.seconds:.1f} s",
        f"{kept.pruned:,} rows pruned or compacted",
    )
    report_stall(result, lag, "longest loop stall, soak with retention")
    result.checks.append(
        f"{kept.commands:,} typed /join and /leave per run ({shape.rate}/s for {shape.seconds} "
        f"simulated s), each answered and marked sent; {kept.sent:,} and {grown.sent:,} "
        "messages delivered"
    )
    return result
