"""The dispatcher's own cost: deliveries per second with an instant platform, next to the same
statements batched in raw sqlite3 on the same schema in the same run.

Measured side: the core Dispatcher (app.main's runtime, a real SQLite file, WAL,
synchronous=FULL) drains N due chat deliveries through a messenger that answers SENT at once,
so the figure is the claim, the bookkeeping and the bulk records, not a platform. Ceiling: the
same claim SELECT (lane order, the per-chat FIFO test), the same lease UPDATE, then the same
bulk UPDATE of the sent rows and INSERT of their attempts, through the sqlite3 module, with as
many commits as the dispatcher made (its results per write), same durability. Interleaved,
repeated, judged on the median share.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.main import runtime
from config.settings import Settings
from core.messages import Reply, t
from core.model import Target
from core.ports import SendOutcome, SendResult
from core.services.announce import encode
from devtools.bench.report import BenchResult, Spread, check, spread, verdict
from storage.sqlite_hot import time_text

PLATFORM = "instant"
TARGET_SHARE = 0.25
BATCH = 5000  # the dispatcher's claim size
CLAIM = """
SELECT d.*, a.body, a.wave_id FROM deliveries d JOIN announcements a ON a.id = d.announcement_id
WHERE d.status = 'pending' AND d.next_attempt_at <= :now
  AND (d.claimed_until IS NULL OR d.claimed_until <= :now) AND d.platform IN (:platform)
  AND NOT EXISTS (SELECT e.id FROM deliveries e WHERE e.platform = d.platform
    AND e.chat_id = d.chat_id AND e.status = 'pending' AND e.id < d.id
    AND (e.next_attempt_at > :now OR e.claimed_until > :now
         OR (e.member_id IS NULL AND d.member_id IS NOT NULL)
         OR (e.member_id IS NOT NULL AND d.member_id IS NULL)))
ORDER BY CASE WHEN d.member_id IS NULL THEN 0 ELSE 1 END, d.id LIMIT :limit
"""


class Instant:
    """A platform that has received everything the moment it is asked."""

    platform = PLATFORM

    async def send(self, chat_id: str, message: Reply, lang: str) -> SendResult:
        """Sent."""
        return SendResult(SendOutcome.SENT, message_id=chat_id)

    async def edit(self, chat_id: str, message_id: str, message: Reply, lang: str) -> SendResult:
        """No cards here."""
        return SendResult(SendOutcome.SENT, message_id=message_id)


@dataclass(frozen=True)
class Drain:
    """One drain of the outbox: how many, how long, in how many result commits."""

    deliveries: int
    seconds: float
    writes: int

    @property
    def rate(self) -> float:
        """Deliveries per second."""
        return self.deliveries / self.seconds


def _settings(path: Path) -> Settings:
    """Production durability on a fresh file."""
    return Settings(database_url=f"sqlite+aiosqlite:///{path}", synchronous="FULL", lang="en")


async def _seed(path: Path, chats: int) -> None:
    """One announcement to `chats` subscribed chats, all due."""
    async with runtime(_settings(path)) as rt:
        body = encode((t("announce.opened", id=1, title="Tent", category="general"),))
        targets = [Target(PLATFORM, f"-{100 + n}", "en") for n in range(chats)]
        async with rt.db.write() as tx:
            await tx.add_announcement(None, "bench", body, targets, rt.ctx.clock.now())


async def _dispatch(path: Path) -> Drain:
    """The core Dispatcher drains the outbox through the instant platform."""
    async with runtime(_settings(path)) as rt:
        rt.messengers[PLATFORM] = Instant()
        started = time.perf_counter()
        stats = await rt.dispatcher.sweep()
        seconds = time.perf_counter() - started
    return Drain(stats.sent, seconds, stats.writes)


def _raw(path: Path, per_write: int) -> Drain:
    """The same statements through sqlite3: claim 5,000, record `per_write` results a commit."""
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        sent = writes = 0
        started = time.perf_counter()
        while True:
            now = time_text(datetime.now(UTC))
            conn.execute("BEGIN IMMEDIATE")
            rows = conn.execute(CLAIM, {"now": now, "platform": PLATFORM, "limit": BATCH})
            ids = [row[0] for row in rows.fetchall()]
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                conn.execute(f"UPDATE deliveries SET claimed_by = 'raw', claimed_until = ? "
                             f"WHERE id IN ({marks})", [now, *chunk])  # fmt: skip
            conn.execute("COMMIT")
            if not ids:
                break
            for start in range(0, len(ids), per_write):
                chunk = ids[start : start + per_write]
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(
                    "UPDATE deliveries SET status = 'sent', attempts = attempts + 1, "
                    "message_id = ?, sent_at = ?, claimed_by = NULL, claimed_until = NULL "
                    "WHERE id = ?",
                    [(str(i), now, i) for i in chunk],
                )
                conn.executemany(
                    "INSERT INTO delivery_attempts (delivery_id, at, outcome, error) "
                    "VALUES (?, ?, 'sent', '')",
                    [(i, now) for i in chunk],
                )
                conn.execute("COMMIT")
                sent += len(chunk)
                writes += 1
        return Drain(sent, time.perf_counter() - started, writes)


def _sent(path: Path) -> int:
    """Deliveries recorded sent, each with exactly one attempt."""
    with closing(sqlite3.connect(path)) as conn:
        row = conn.execute(
            "SELECT COUNT(*), (SELECT COUNT(*) FROM delivery_attempts) FROM deliveries "
            "WHERE status = 'sent'"
        ).fetchone()
    check(row[0] == row[1], f"{row[0]} sent deliveries but {row[1]} attempts")
    return int(row[0])


def measure(tmp: Path, chats: int, repeats: int) -> tuple[Spread, Spread, Spread, int]:
    """Dispatcher rate, raw rate and share, interleaved runs; results per dispatcher write."""
    core, raw, shares, per_write = [], [], [], 1
    for n in range(repeats):
        paths = [tmp / f"dispatch-{n}.db", tmp / f"raw-{n}.db"]
        for path in paths:
            asyncio.run(_seed(path, chats))
        drained = asyncio.run(_dispatch(paths[0]))
        per_write = max(1, round(drained.deliveries / max(1, drained.writes)))
        ceiling = _raw(paths[1], per_write)
        for path in paths:
            check(_sent(path) == chats, f"{path.name}: not every delivery recorded sent once")
        core.append(drained.rate)
        raw.append(ceiling.rate)
        shares.append(drained.rate / ceiling.rate)
    return spread(core), spread(raw), spread(shares), per_write


def report(result: BenchResult, quick: bool, tmp: Path) -> None:
    """Add the dispatcher-cost figures to a benchmark's result."""
    chats = 2_000 if quick else 20_000
    core, raw, share, per_write = measure(tmp, chats, 1 if quick else 3)
    result.add(
        f"dispatcher cost, {chats:,} deliveries to an instant platform",
        core.show(" deliveries/s"),
        f"same statements in raw sqlite3: {raw.show(' rows/s')}",
    )
    result.add(
        "  dispatcher share of its same-work ceiling",
        share.show("", 2),
        f"target ≥ {TARGET_SHARE:.2f} (median); ~{per_write} results per write, same in both",
        verdict(share.median >= TARGET_SHARE),
    )
    result.checks.append(f"dispatcher cost: {chats:,} deliveries sent, each recorded once")
