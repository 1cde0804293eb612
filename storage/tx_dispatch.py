"""The dispatcher's side of the outbox: claims in lane order, results recorded in bulk."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    case,
    insert,
    not_,
    or_,
    select,
    update,
)

from core.model import Target
from core.ports import Delivery
from storage.schema import announcements, deliveries, delivery_attempts
from storage.sql_base import TxBase
from storage.tx_outbox import PENDING

_earlier = deliveries.alias("earlier")


def _unclaimed(now: datetime) -> ColumnElement[bool]:
    """No lease, or one that ran out (its dispatcher died or stalled)."""
    return or_(deliveries.c.claimed_until.is_(None), deliveries.c.claimed_until <= now)


def _other_lane(earlier: Any, later: Any) -> ColumnElement[bool]:
    """One is a chat broadcast (no member), the other a private notification."""
    return or_(
        and_(earlier.c.member_id.is_(None), later.c.member_id.is_not(None)),
        and_(earlier.c.member_id.is_not(None), later.c.member_id.is_(None)),
    )


def _waits_behind_its_chat(now: datetime) -> ColumnElement[bool]:
    """An earlier pending delivery of the same chat that this claim cannot take with it: not due
    yet (a retry and what it holds back), leased (in flight, here or in another dispatcher), or
    of the other lane (claimed in its own turn). The chat's next claim takes them in order."""
    e = _earlier
    return (
        select(e.c.id)
        .where(
            e.c.platform == deliveries.c.platform,
            e.c.chat_id == deliveries.c.chat_id,
            e.c.status == PENDING,
            e.c.id < deliveries.c.id,
            or_(e.c.next_attempt_at > now, e.c.claimed_until > now, _other_lane(e, deliveries)),
        )
        .exists()
    )


class DispatchMixin(TxBase):
    """core.ports.OutboxStore's claiming and bulk recording over SQL."""

    async def claim_deliveries(
        self,
        owner: str,
        platforms: Sequence[str],
        now: datetime,
        lease_until: datetime,
        limit: int,
    ) -> list[Delivery]:
        """Lease due deliveries to owner until lease_until: chat broadcasts before private
        notifications, oldest first, and a delivery only with every earlier one of its chat.

        On PostgreSQL the selected rows are locked FOR UPDATE SKIP LOCKED: a concurrent claim
        skips them rather than waiting. Only the rows this very update leased are returned
        (UPDATE … RETURNING), so even where another dispatcher selected the same rows
        concurrently, each goes to one of them.
        """
        broadcast_first = case((deliveries.c.member_id.is_(None), 0), else_=1)
        d = deliveries.c
        stmt = (
            select(
                d.id,
                d.announcement_id,
                d.platform,
                d.chat_id,
                d.lang,
                d.member_id,
                d.attempts,
                announcements.c.body.label("a_body"),
                announcements.c.wave_id.label("a_wave_id"),
            )
            .join(announcements, announcements.c.id == deliveries.c.announcement_id)
            .where(
                deliveries.c.status == PENDING,
                deliveries.c.next_attempt_at <= now,
                _unclaimed(now),
                deliveries.c.platform.in_(platforms),
                not_(_waits_behind_its_chat(now)),
            )
            .order_by(broadcast_first, deliveries.c.id)
            .limit(limit)
        )
        if self._locking:  # PostgreSQL: rows another claim is leasing now are passed over
            stmt = stmt.with_for_update(skip_locked=True, of=deliveries)
        # Inline on the writer (as every small statement): a statement on the driver's thread
        # could be cut by a cancelled sweep and poison the shared write transaction.
        rows: list[tuple[Any, ...]] = [tuple(row) for row in await self._exec(stmt)]
        if not rows:
            return []
        lease = (
            update(deliveries)
            .where(
                deliveries.c.id.in_([row[0] for row in rows]),
                deliveries.c.status == PENDING,  # not sent meanwhile by another dispatcher
                _unclaimed(now),
            )
            .values(claimed_by=owner, claimed_until=lease_until)
            .returning(deliveries.c.id)
        )
        claimed = set((await self._exec(lease)).scalars().all())
        claimed_rows = await self._chat_prefixes(owner, rows, claimed)
        bodies: dict[int, Any] = {}  # one announcement's body decoded once for all its targets
        for row in claimed_rows:
            if row[1] not in bodies:
                bodies[row[1]] = json.loads(row[7])
        return [
            Delivery(id_, ann, Target(platform, chat, lang, member), bodies[ann], attempts, wave)
            for id_, ann, platform, chat, lang, member, attempts, _, wave in claimed_rows
        ]

    async def _chat_prefixes(
        self, owner: str, rows: list[tuple[Any, ...]], claimed: set[int]
    ) -> list[tuple[Any, ...]]:
        """The leased rows that follow every selected earlier row of their chat; the others are
        given back. A row selected but not leased went to another dispatcher between our SELECT
        and our UPDATE (PostgreSQL, several processes): its chat's later rows wait for it."""
        kept: list[tuple[Any, ...]] = []
        extra: list[int] = []
        lost: set[tuple[Any, Any]] = set()
        for row in sorted(rows, key=lambda row: row[0]):
            chat = (row[2], row[3])
            if row[0] not in claimed:
                lost.add(chat)
            elif chat in lost:
                extra.append(row[0])
            else:
                kept.append(row)
        await self.release_deliveries(owner, extra)
        kept_ids = {row[0] for row in kept}
        return [row for row in rows if row[0] in kept_ids]

    async def finish_sent(self, sent: Sequence[tuple[int, str]], now: datetime) -> None:
        """Record many deliveries sent, (id, platform message id) each, in two statements."""
        if not sent:
            return
        if self._conn.dialect.name == "sqlite":
            await self._finish_sent_sqlite(sent, now)
        else:
            await self._finish_sent_portable(sent, now)

    async def _finish_sent_portable(self, sent: Sequence[tuple[int, str]], now: datetime) -> None:
        """finish_sent through SQLAlchemy Core, for any database."""
        done = (
            update(deliveries)
            .where(deliveries.c.id == bindparam("b_id"))
            .values(
                status="sent",
                attempts=deliveries.c.attempts + 1,
                message_id=bindparam("b_message"),
                sent_at=now,
                claimed_by=None,
                claimed_until=None,
            )
        )
        await self._exec(done, [{"b_id": id_, "b_message": message} for id_, message in sent])
        attempts = [
            {"delivery_id": id_, "at": now, "outcome": "sent", "error": ""} for id_, _ in sent
        ]
        await self._exec(insert(delivery_attempts), attempts)

    async def _finish_sent_sqlite(self, sent: Sequence[tuple[int, str]], now: datetime) -> None:
        """finish_sent's statements as driver SQL: SQLAlchemy's per-row bind processing costs
        more than the statements themselves (tests/integration/test_dispatch_priority.py
        checks both paths leave the same rows)."""
        from storage.sqlite_hot import time_text  # sqlite_hot builds on SqlTx, hence here

        at = time_text(now)
        await self._conn.exec_driver_sql(
            "UPDATE deliveries SET status = 'sent', attempts = attempts + 1, message_id = ?, "
            "sent_at = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ?",
            [(message, at, id_) for id_, message in sent],
        )
        await self._conn.exec_driver_sql(
            "INSERT INTO delivery_attempts (delivery_id, at, outcome, error) "
            "VALUES (?, ?, 'sent', '')",
            [(id_, at) for id_, _ in sent],
        )

    async def hold_chat_after(
        self, platform: str, chat_id: str, delivery_id: int, until: datetime
    ) -> None:
        """A chat's pending deliveries after this one wait until `until`, unleased and not
        counted as attempts, whoever holds them: nothing overtakes a retried message."""
        stmt = (
            update(deliveries)
            .where(
                deliveries.c.platform == platform,
                deliveries.c.chat_id == chat_id,
                deliveries.c.status == PENDING,
                deliveries.c.id > delivery_id,
            )
            .values(
                next_attempt_at=case(
                    (deliveries.c.next_attempt_at < until, until),
                    else_=deliveries.c.next_attempt_at,
                ),
                claimed_by=None,
                claimed_until=None,
            )
        )
        await self._exec(stmt)

    async def release_deliveries(self, owner: str, delivery_ids: Sequence[int]) -> None:
        """Give back leases of these deliveries that owner still holds, keeping their turn."""
        if not delivery_ids:
            return
        stmt = (
            update(deliveries)
            .where(deliveries.c.id.in_(list(delivery_ids)), deliveries.c.claimed_by == owner)
            .values(claimed_by=None, claimed_until=None)
        )
        await self._exec(stmt)
