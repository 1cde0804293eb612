"""The pledge hot path in plain sqlite3 on the writer's own connection, without SQLAlchemy per call.

A pledge runs about ten statements. Through SQLAlchemy Core and its asyncio adaptation each costs
100-200 µs of CPU on a small server; through the sqlite3 module, 5-20 µs. The statements here are
the ones the mixins emit (same tables, columns, upsert keys and datetime text), rows are read by
position into the records (storage/sqlite_rows.py), and tests/integration/test_bench_hotpath.py
checks that both paths leave identical rows and return identical records.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.ext.asyncio import AsyncConnection

from core.model import Member, Pledge, Target, Wave
from core.tiers import Bid
from storage.sql_tx import SqlTx
from storage.sqlite_rows import (
    SELECT_MEMBER_BY_ACCOUNT,
    SELECT_PLEDGE,
    SELECT_WAVE,
    member_of_row,
    pledge_of,
    wave_of,
)
from storage.tx_outbox import PENDING


@functools.lru_cache(maxsize=64)
def time_text(value: datetime) -> str:
    """UTCDateTime's bind processing then SQLite DATETIME's text format, as SQLAlchemy stores it.

    Cached: a join writes the same `now` into three rows (a naive value raises, never cached).
    """
    if value.tzinfo is None:
        error = ValueError("naive datetime given to the database; use aware UTC times")
        raise StatementError(f"(builtins.ValueError) {error}", None, None, error)
    return value.astimezone(UTC).isoformat(" ", "microseconds")[:26]  # without the +00:00


INSERT_MEMBER = (
    "INSERT INTO members (display_name, lang, notify_milestones, created_at) VALUES (?, ?, 1, ?)"
)
INSERT_ACCOUNT = "INSERT INTO accounts (account, member_id, linked_at) VALUES (?, ?, ?)"
UPSERT_PLEDGE = (
    "INSERT INTO pledges (wave_id, member_id, quantity, max_price_cents, status, created_at, "
    "updated_at, joined_seq) VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(joined_seq), 0) "
    "+ 1 FROM pledges WHERE wave_id = ?)) ON CONFLICT (wave_id, member_id) DO UPDATE SET "
    "quantity = excluded.quantity, max_price_cents = excluded.max_price_cents, "
    "status = excluded.status, created_at = excluded.created_at, updated_at = excluded.updated_at, "
    "joined_seq = CASE WHEN (pledges.status = 'active') THEN pledges.joined_seq "
    "ELSE excluded.joined_seq END"
)
SET_COUNTS = "UPDATE waves SET units = ?, pledgers = ? WHERE id = ?"
CARDS_DIRTY = "UPDATE cards SET dirty = 1, revision = revision + 1 WHERE wave_id = ? AND gone IS 0"
INSERT_EVENT = (
    "INSERT INTO pledge_events (wave_id, member_id, kind, quantity, units_after, at) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
INSERT_ANNOUNCEMENT = (
    "INSERT INTO announcements (wave_id, kind, body, created_at) VALUES (?, ?, ?, ?)"
)
INSERT_FANOUT_ANNOUNCEMENT = (
    "INSERT INTO announcements (wave_id, kind, body, created_at, fanout_until, fanout_after, "
    "fanout_pending) VALUES (?, ?, ?, ?, (SELECT coalesce(max(joined_seq), 0) FROM pledges "
    "WHERE wave_id = ?), 0, 1)"
)
INSERT_DELIVERY = (
    "INSERT INTO deliveries (announcement_id, platform, chat_id, lang, member_id, status, "
    "attempts, next_attempt_at, last_error, message_id, sent_at) "
    "VALUES (?, ?, ?, ?, ?, ?, 0, ?, '', '', NULL)"
)
MILESTONES = "SELECT milestone FROM milestones WHERE wave_id = ?"
FIND_KEY = "SELECT key FROM processed_keys WHERE key = ?"
INSERT_KEY = "INSERT INTO processed_keys (key, at) VALUES (?, ?)"
SAVE_ANSWER = "UPDATE processed_keys SET answer = ? WHERE key = ?"
UNSENT_ANSWER = (
    "SELECT answer FROM processed_keys WHERE key = ? AND answered_at IS NULL AND answer IS NOT NULL"
)
MARK_ANSWERED = "UPDATE processed_keys SET answer = NULL, answered_at = ? WHERE key = ?"
CONDITIONAL_BIDS = (
    "SELECT member_id, quantity, max_price_cents FROM pledges WHERE wave_id = ? "
    "AND max_price_cents IS NOT NULL AND status = 'active'"
)  # no ORDER BY: SQLite would walk the primary key (every pledge) to give that order


class HotSqlTx(SqlTx):
    """SqlTx whose pledge-path methods talk to the writer's sqlite3 connection directly."""

    def __init__(self, conn: AsyncConnection, raw: sqlite3.Connection) -> None:
        super().__init__(conn)
        self._raw = raw

    def _run(self, sql: str, params: tuple[Any, ...]) -> sqlite3.Cursor:
        """Execute on this transaction's connection; errors look as SQLAlchemy would raise them."""
        try:
            return self._raw.execute(sql, params)
        except sqlite3.Error as error:
            raise DBAPIError.instance(sql, params, error, sqlite3.Error) from error

    def run_raw(self, sql: str) -> None:
        """A statement without parameters (savepoints) on the transaction's own connection."""
        self._run(sql, ())

    def _one(self, sql: str, params: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """The first row, or None (read to completion: no statement is left pending)."""
        found = self._run(sql, params).fetchall()
        return found[0] if found else None

    async def member_for_account(self, account: str) -> Member | None:
        """The member behind an account, if it was seen before."""
        row = self._one(SELECT_MEMBER_BY_ACCOUNT, (account,))
        return None if row is None else member_of_row(row)

    async def create_member(
        self, account: str, display_name: str, lang: str | None, now: datetime
    ) -> Member:
        """A new person with their first account."""
        at = time_text(now)
        member_id = self._run(INSERT_MEMBER, (display_name, lang, at)).lastrowid
        if member_id is None:
            raise RuntimeError("the INSERT reported no primary key")
        self._run(INSERT_ACCOUNT, (account, member_id, at))
        return Member(member_id, display_name, lang, True)

    async def get_wave(self, wave_id: int) -> Wave | None:
        """A wave by id."""
        row = self._one(SELECT_WAVE, (wave_id,))
        return None if row is None else wave_of(row)

    async def set_wave_counts(self, wave_id: int, units: int, pledgers: int) -> None:
        """Keep the wave's denormalised counts in step with its active pledges."""
        self._run(SET_COUNTS, (units, pledgers, wave_id))

    async def get_pledge(self, wave_id: int, member_id: int) -> Pledge | None:
        """The member's pledge on a wave, whatever its status."""
        row = self._one(SELECT_PLEDGE, (wave_id, member_id))
        return None if row is None else pledge_of(row)

    async def save_pledge(self, pledge: Pledge) -> None:
        """Create or replace the member's one pledge on the wave."""
        self._run(
            UPSERT_PLEDGE,
            (
                pledge.wave_id,
                pledge.member_id,
                pledge.quantity,
                pledge.max_price_cents,
                pledge.status._value_,  # .value is a Python property: two calls a join
                time_text(pledge.created_at),
                time_text(pledge.updated_at),
                pledge.wave_id,
            ),
        )

    async def record_pledge_event(
        self, wave_id: int, member_id: int, kind: str, quantity: int, units: int, now: datetime
    ) -> None:
        """Append to the pledge log (the source for funnels and abandonment rates)."""
        self._run(INSERT_EVENT, (wave_id, member_id, kind, quantity, units, time_text(now)))

    async def mark_cards_dirty(self, wave_id: int) -> None:
        """The wave changed: its live cards need an edit."""
        self._run(CARDS_DIRTY, (wave_id,))

    async def announced_milestones(self, wave_id: int) -> set[int]:
        """Milestones already announced for the wave: every join past the first one asks."""
        return {int(milestone) for (milestone,) in self._run(MILESTONES, (wave_id,))}

    async def claim_key(self, key: str, now: datetime) -> bool:
        """Record the key; False when it was already processed (in a committed transaction)."""
        if self._run(FIND_KEY, (key,)).fetchall():
            return False
        self._run(INSERT_KEY, (key, time_text(now)))
        return True

    async def add_announcement(
        self,
        wave_id: int | None,
        kind: str,
        body: Any,
        targets: Sequence[Target],
        now: datetime,
        fanout: bool = False,
    ) -> int:
        """Record an announcement and one pending delivery per target; returns its id. With
        fanout, the wave's participants as of now are left for the expander (tx_fanout.py)."""
        at = time_text(now)
        params: tuple[Any, ...] = (wave_id, kind, json.dumps(body), at)
        sql = INSERT_ANNOUNCEMENT
        if fanout and wave_id is not None:
            sql, params = INSERT_FANOUT_ANNOUNCEMENT, (*params, wave_id)
        announcement_id = self._run(sql, params).lastrowid
        if announcement_id is None:
            raise RuntimeError("the INSERT reported no primary key")
        rows = [
            (announcement_id, t.platform, t.chat_id, t.lang, t.member_id, PENDING, at)
            for t in targets
        ]
        if rows:
            try:
                self._raw.executemany(INSERT_DELIVERY, rows)
            except sqlite3.Error as error:
                raise DBAPIError.instance(INSERT_DELIVERY, rows, error, sqlite3.Error) from error
        return announcement_id

    async def conditional_bids(self, wave_id: int) -> list[Bid]:
        """The active pledges with a maximum price: every pledge reply's standing reads them."""
        found = [Bid(*row) for row in self._run(CONDITIONAL_BIDS, (wave_id,))]
        return sorted(found, key=lambda bid: bid.member_id)

    async def save_answer(self, key: str, answer: Any) -> None:
        """Keep the answer with its key, in the transaction of the update's effect."""
        self._run(SAVE_ANSWER, (json.dumps(answer, ensure_ascii=False), key))

    async def unsent_answer(self, key: str) -> Any | None:
        """The answer of a processed update that was never marked sent (a crash in between)."""
        found = self._run(UNSENT_ANSWER, (key,)).fetchall()
        return json.loads(found[0][0]) if found else None

    async def mark_answered(self, key: str, now: datetime) -> None:
        """The answer reached the platform: drop it, keep only the key."""
        self._run(MARK_ANSWERED, (time_text(now), key))
