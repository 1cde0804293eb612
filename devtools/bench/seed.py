"""A community-sized database in seconds: executemany through plain sqlite3 into the real schema.

The schema comes from storage.migrate.upgrade (all migrations), so the bot opens the file as its
own. Rows are plausible rather than uniform: most ideas approved, some pending or rejected; most
waves finished, some open (a few already past their deadline, for the lifecycle sweep to close);
wants, pledges, milestones, past deliveries and a backlog of pending ones for the dispatcher.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from core.messages import t
from core.money import Money
from core.services.announce import encode
from storage.migrate import upgrade
from storage.sqlite_hot import time_text

CATEGORIES = (
    "kitchen", "garden", "bathroom", "outdoor", "tools", "office", "kids", "sport", "travel",
    "audio", "lighting", "textile", "storage", "pets", "bikes", "camping", "tea", "coffee",
    "books", "crafts",
)  # fmt: skip
TIERS = json.dumps([[1, 10_000], [50, 9_000], [100, 8_000], [200, 7_000]])
IDEA_COLUMNS = ("id", "title", "description", "category", "author_id", "status", "reason",
                "merged_into", "created_at", "updated_at")  # fmt: skip
WAVE_COLUMNS = ("id", "idea_id", "title", "description", "category", "currency", "tiers", "moq",
                "capacity", "per_member_max", "opens_at", "closes_at", "status", "created_by",
                "created_at", "closed_at", "units", "pledgers", "final_price_cents",
                "final_units")  # fmt: skip
PLEDGE_COLUMNS = ("wave_id", "member_id", "quantity", "max_price_cents", "status", "created_at",
                  "updated_at")  # fmt: skip
DELIVERY_COLUMNS = ("announcement_id", "platform", "chat_id", "lang", "member_id", "status",
                    "attempts", "next_attempt_at", "last_error", "message_id",
                    "sent_at")  # fmt: skip


@dataclass(frozen=True)
class Size:
    """How much to seed."""

    members: int
    ideas: int
    waves: int

    @property
    def open_waves(self) -> int:
        """Waves still taking pledges (the rest are finished)."""
        return max(5, self.waves // 8)


FULL = Size(members=100_000, ideas=10_000, waves=1_000)
QUICK = Size(members=10_000, ideas=1_000, waves=100)


@dataclass(frozen=True)
class Seeded:
    """What was written, for the figures and the commands to try."""

    counts: dict[str, int]
    open_wave_ids: list[int]  # the joinable ones (open, deadline ahead)
    member_accounts: list[str]
    owner: str


def _many(conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Iterable[Any]) -> int:
    """executemany an INSERT; returns the number of rows."""
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    cursor = conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    return cursor.rowcount


def seed(path: Path, size: Size, seed_value: int = 20261123) -> Seeded:
    """Create and fill the database file at path."""
    upgrade(f"sqlite+aiosqlite:///{path}")
    rng = random.Random(seed_value)
    now = datetime.now(UTC)
    counts: dict[str, int] = {}

    def at(days_ago: float) -> str:
        """A timestamp in SQLAlchemy's text format, days_ago before now (negative: future)."""
        return time_text(now - timedelta(days=days_ago))

    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")  # seeding only; the bot reopens with FULL
        conn.execute("BEGIN")
        counts["members"] = _many(
            conn,
            "members",
            ("id", "display_name", "lang", "notify_milestones", "created_at"),
            (
                (n, f"Member {n}", ("en", "fr", None)[n % 3], int(n % 5 != 0), at(400 - n / 300))
                for n in range(1, size.members + 1)
            ),
        )
        accounts = [_account(n) for n in range(1, size.members + 1)]
        counts["accounts"] = _many(
            conn,
            "accounts",
            ("account", "member_id", "linked_at"),
            ((account, n, at(400 - n / 300)) for n, account in enumerate(accounts, start=1)),
        )
        counts["ideas"] = _many(
            conn,
            "ideas",
            IDEA_COLUMNS,
            _ideas(rng, size, at),
        )
        wants = {
            (rng.randrange(1, size.ideas + 1), rng.randrange(1, size.members + 1))
            for _ in range(size.ideas * 5)
        }
        counts["wants"] = _many(
            conn,
            "wants",
            ("idea_id", "member_id", "max_price_cents", "created_at"),
            ((i, m, rng.choice((None, 5_000, 8_000, 12_000)), at(30)) for i, m in sorted(wants)),
        )
        waves, pledges = _waves(rng, size, at)
        counts["waves"] = _many(
            conn,
            "waves",
            WAVE_COLUMNS,
            waves,
        )
        counts["pledges"] = _many(
            conn,
            "pledges",
            PLEDGE_COLUMNS,
            pledges,
        )
        counts["pledge_events"] = _many(
            conn,
            "pledge_events",
            ("wave_id", "member_id", "kind", "quantity", "units_after", "at"),
            ((w, m, "join", q, i + 1, c) for i, (w, m, q, _, _, c, _) in enumerate(pledges)),
        )
        counts["milestones"] = _many(
            conn,
            "milestones",
            ("wave_id", "milestone", "at"),
            ((w[0], mark, at(10)) for w in waves for mark in (10, 25, 50, 100) if w[16] >= mark),
        )
        counts["subscriptions"] = _many(
            conn,
            "subscriptions",
            ("platform", "chat_id", "kind", "title", "categories", "lang", "created_at"),
            _chats(),
        )
        counts["follows"] = _many(
            conn,
            "follows",
            ("member_id", "category", "created_at"),
            {
                (rng.randrange(1, size.members + 1), rng.choice(CATEGORIES), at(20))
                for _ in range(size.members // 20)
            },
        )
        counts.update(_outbox(conn, rng, size, accounts, at))
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    open_ids = [w[0] for w in waves if w[12] == "open" and w[11] > at(0)]
    return Seeded(counts, open_ids, accounts[:50], accounts[0])


def _account(n: int) -> str:
    """Seven in ten members came through Telegram, the rest through Discord."""
    return f"telegram:{10_000_000 + n}" if n % 10 < 7 else f"discord:{900_000_000_000 + n}"


def _ideas(rng: random.Random, size: Size, at: Any) -> Iterator[tuple[Any, ...]]:
    """Ideas 1..waves are launched (one per wave); the rest mostly approved."""
    for n in range(1, size.ideas + 1):
        if n <= size.waves:
            status = "launched"
        else:
            status = rng.choices(("approved", "pending", "rejected"), (80, 12, 8))[0]
        reason = "duplicate" if status == "rejected" else ""
        description = (
            f"Idea {n}: a better {rng.choice(CATEGORIES)} thing, described at length. " * 3
        )
        yield (n, f"Idea {n} #{n % 97}", description, rng.choice(CATEGORIES),
               rng.randrange(1, size.members + 1), status, reason, None, at(300 - n / 50),
               at(200 - n / 60))  # fmt: skip


def _waves(
    rng: random.Random, size: Size, at: Any
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Waves with consistent counts, and their pledges."""
    waves: list[tuple[Any, ...]] = []
    pledges: list[tuple[Any, ...]] = []
    for n in range(1, size.waves + 1):
        is_open = n > size.waves - size.open_waves
        overdue = is_open and n % 20 == 0  # the lifecycle sweep has something to close
        pledgers = rng.randint(50, 400) if is_open else rng.randint(20, 250)
        members = rng.sample(range(1, size.members + 1), min(pledgers, size.members))
        if is_open:
            status, closes, closed, final = "open", at(1 if overdue else -7), None, (None, None)
        else:
            status = rng.choices(("completed", "failed", "cancelled"), (70, 25, 5))[0]
            closes, closed = at(60 - n / 30), at(60 - n / 30)
            final = (8_000, pledgers) if status == "completed" else (None, None)
        settled = "confirmed" if status == "completed" else "dropped"
        pledge_status = "active" if is_open else settled
        for member in members:
            pledges.append((n, member, 1, None, pledge_status, at(20), at(20)))
        waves.append((n, n, f"Wave {n}", "Tiers, deadline and a good description.",
                      rng.choice(CATEGORIES), "EUR", TIERS, 50, None, 1, at(30), closes, status, 1,
                      at(30), closed, pledgers, pledgers, final[0], final[1]))  # fmt: skip
    return waves, pledges


def _chats() -> Iterator[tuple[Any, ...]]:
    """Forty subscribed Telegram groups and ten Discord channels."""
    now = time_text(datetime.now(UTC))
    for n in range(40):
        yield ("telegram", str(-1_001_000_000 - n), "group", f"Group {n}", "[]", "en", now)
    for n in range(10):
        yield ("discord", str(800_000_000_000 + n), "group", f"#buyers-{n}", "[]", "en", now)


def _outbox(
    conn: sqlite3.Connection, rng: random.Random, size: Size, accounts: list[str], at: Any
) -> dict[str, int]:
    """Past announcements with their sent deliveries, and a pending backlog to dispatch."""
    body = json.dumps(encode((t("announce.tier", price=Money(8_000, "EUR")),)))
    count = size.waves * 3
    _many(
        conn,
        "announcements",
        ("id", "wave_id", "kind", "body", "created_at"),
        (
            (n, (n - 1) // 3 + 1, f"milestone:{(10, 25, 50)[n % 3]}", body, at(10))
            for n in range(1, count + 1)
        ),
    )
    sent = size.members
    pending = size.members // 50
    rows = []
    taken: set[tuple[int, int]] = set()  # one delivery per announcement and chat (unique index)
    for n in range(sent + pending):
        member, announcement = _free_pair(rng, size.members, count, taken)
        platform, chat = accounts[member - 1].split(":", 1)
        done = n < sent
        rows.append((announcement, platform, chat, "en", member,
                     "sent" if done else "pending", 1 if done else 0, at(5 if done else 0.001), "",
                     "1" if done else "", at(5) if done else None))  # fmt: skip
    _many(
        conn,
        "deliveries",
        DELIVERY_COLUMNS,
        rows,
    )
    return {"announcements": count, "deliveries sent": sent, "deliveries pending": pending}


def _free_pair(
    rng: random.Random, members: int, announcements: int, taken: set[tuple[int, int]]
) -> tuple[int, int]:
    """A random (member, announcement) pair not drawn before."""
    while True:
        pair = (rng.randrange(1, members + 1), rng.randrange(1, announcements + 1))
        if pair not in taken:
            taken.add(pair)
            return pair
