"""core.feature_ports.RetentionStore over SQL: old rows removed a bounded batch at a time.

Every query here is bounded without new indexes: deliveries go through the (status,
next_attempt_at) index; announcements and processed keys are walked in insertion order (id,
rowid) in windows of `limit` rows, so one transaction never scans a whole table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnClause,
    case,
    delete,
    exists,
    func,
    insert,
    literal_column,
    or_,
    select,
    update,
)

from storage.schema import (
    announcements,
    deliveries,
    delivery_attempts,
    pending_actions,
    pledge_events,
    processed_keys,
    waves,
)
from storage.sql_base import TxBase, chunks

FINAL = ("sent", "gone", "failed")
COMPACTED = "compacted"  # a pledge_events row standing for `quantity` events of one time slot
SPENT_BODY = "null"  # a kept marker's body once nothing will ever send it


@dataclass
class _Slot:
    """The events of one time slot of a wave: how many, and the latest one."""

    count: int
    at: datetime
    order: int
    units: int
    member_id: int


def _is_marker(kind: str, markers: Sequence[str]) -> bool:
    """A marker is named exactly, or by a prefix ending in ':' (e.g. 'review_ask:')."""
    return any(kind == m or (m.endswith(":") and kind.startswith(m)) for m in markers)


class RetentionMixin(TxBase):
    """Deletes and compacts what the retention policy lets go (core/services/retention.py)."""

    async def prune_deliveries(self, before: datetime, limit: int) -> int:
        """Final deliveries last scheduled and sent before `before`, with their attempts; the
        number of rows deleted (at most `limit` deliveries)."""
        stmt = (
            select(deliveries.c.id)
            .where(
                deliveries.c.status.in_(FINAL),
                deliveries.c.next_attempt_at < before,
                or_(deliveries.c.sent_at.is_(None), deliveries.c.sent_at < before),
            )
            .limit(limit)
        )
        ids = list((await self._exec(stmt)).scalars())
        removed = 0
        for part in chunks(ids):
            attempts = delete(delivery_attempts).where(delivery_attempts.c.delivery_id.in_(part))
            removed += int((await self._exec(attempts)).rowcount or 0)
            removed += int(
                (await self._exec(delete(deliveries).where(deliveries.c.id.in_(part)))).rowcount
                or 0
            )
        return removed

    async def prune_announcements(
        self, before: datetime, markers: Sequence[str], after_id: int, limit: int
    ) -> tuple[int, int, bool]:
        """Examine the next `limit` announcements after `after_id`: those older than `before`
        with no delivery left and no participants still to expand are deleted, or, for markers
        a sweep reads, keep the row and drop the body. Returns (last id examined, rows changed,
        whether a newer one was reached)."""
        left = exists().where(deliveries.c.announcement_id == announcements.c.id)
        stmt = (
            select(
                announcements.c.id,
                announcements.c.kind,
                announcements.c.created_at,
                announcements.c.body,
                or_(left, announcements.c.fanout_pending.is_(True)).label("busy"),
            )
            .where(announcements.c.id > after_id)
            .order_by(announcements.c.id)
            .limit(limit)
        )
        rows = list(await self._exec(stmt))
        if not rows:
            return after_id, 0, True
        newer = any(row.created_at >= before for row in rows)
        old = [row for row in rows if row.created_at < before and not row.busy]
        gone = [row.id for row in old if not _is_marker(row.kind, markers)]
        spent = [row.id for row in old if _is_marker(row.kind, markers) and row.body != SPENT_BODY]
        for part in chunks(gone):
            await self._exec(delete(announcements).where(announcements.c.id.in_(part)))
        for part in chunks(spent):
            stmt_spent = update(announcements).where(announcements.c.id.in_(part))
            await self._exec(stmt_spent.values(body=SPENT_BODY))
        return int(rows[-1].id), len(gone) + len(spent), newer

    async def prune_processed_keys(
        self, before: datetime, after_rowid: int, limit: int
    ) -> tuple[int, int, bool]:
        """Examine the next `limit` update keys after `after_rowid` (insertion order): those
        claimed before `before` whose answer was sent, or that kept none, are deleted. Returns
        (last rowid examined, keys deleted, whether a newer key was reached)."""
        if self._conn.dialect.name != "sqlite":
            return await self._prune_keys_without_rowid(before, after_rowid, limit)
        rowid: ColumnClause[int] = literal_column("rowid")  # insertion order, no index
        stmt = (
            select(rowid.label("rid"), processed_keys.c.at)
            .where(rowid > after_rowid)
            .order_by(rowid)
            .limit(limit)
        )
        rows = list(await self._exec(stmt))
        if not rows:
            return after_rowid, 0, True
        last = int(rows[-1].rid)
        owed_nothing = or_(
            processed_keys.c.answered_at.is_not(None), processed_keys.c.answer.is_(None)
        )
        stmt_del = delete(processed_keys).where(
            rowid > after_rowid, rowid <= last, processed_keys.c.at < before, owed_nothing
        )
        deleted = int((await self._exec(stmt_del)).rowcount or 0)
        return last, deleted, any(row.at >= before for row in rows)

    async def _prune_keys_without_rowid(
        self, before: datetime, after: int, limit: int
    ) -> tuple[int, int, bool]:
        """PostgreSQL has no rowid: delete up to `limit` old keys owing nothing, wherever they
        are (the scan stops once it found them); the walk ends with a batch that was not full."""
        owed_nothing = or_(
            processed_keys.c.answered_at.is_not(None), processed_keys.c.answer.is_(None)
        )
        old = (
            select(processed_keys.c.key)
            .where(processed_keys.c.at < before, owed_nothing)
            .limit(limit)
        )
        stmt = delete(processed_keys).where(processed_keys.c.key.in_(old.scalar_subquery()))
        deleted = int((await self._exec(stmt)).rowcount or 0)
        return after + 1, deleted, deleted < limit

    async def prune_pending_actions(self, before: datetime, limit: int) -> int:
        """Confirmation buttons created before `before` (long expired, used or not)."""
        ids = select(pending_actions.c.id).where(pending_actions.c.created_at < before)
        stmt = delete(pending_actions).where(pending_actions.c.id.in_(ids.limit(limit)))
        return int((await self._exec(stmt)).rowcount or 0)

    async def waves_to_compact(
        self, before: datetime, limit: int
    ) -> list[tuple[int, datetime, datetime]]:
        """Waves with raw pledge events older than `before`: (id, opens at, closes at as
        planned), the span their time slots divide."""
        raw = exists().where(
            pledge_events.c.wave_id == waves.c.id,
            pledge_events.c.kind != COMPACTED,
            pledge_events.c.at < before,
        )
        stmt = (
            select(waves.c.id, waves.c.opens_at, waves.c.closes_at)
            .where(raw)
            .order_by(waves.c.id)
            .limit(limit)
        )
        return [(int(row.id), row.opens_at, row.closes_at) for row in await self._exec(stmt)]

    async def compact_pledge_events(
        self, wave_id: int, start: datetime, width: timedelta, before: datetime, limit: int
    ) -> int:
        """Fold up to `limit` raw events of the wave older than `before` into one row per time
        slot of `width` from `start` (the slot's latest units, and how many events it stands
        for); the number folded.

        Slots already compacted absorb the new events, so any split into batches, a crash
        between them or a second run gives the same rows."""
        raw_stmt = (
            select(pledge_events)
            .where(
                pledge_events.c.wave_id == wave_id,
                pledge_events.c.kind != COMPACTED,
                pledge_events.c.at < before,
            )
            .order_by(pledge_events.c.id)
            .limit(limit)
        )
        raw = list(await self._exec(raw_stmt))
        if not raw:
            return 0
        slots = _slots(raw, start, width)
        kept = await self._compacted_slots(wave_id, start, width)
        for slot, new in slots.items():
            await self._fold_slot(wave_id, kept.get(slot), new)
        for part in chunks([int(row.id) for row in raw]):
            await self._exec(delete(pledge_events).where(pledge_events.c.id.in_(part)))
        return len(raw)

    async def _compacted_slots(
        self, wave_id: int, start: datetime, width: timedelta
    ) -> dict[int, Any]:
        """The wave's compacted rows by slot."""
        stmt = select(pledge_events).where(
            pledge_events.c.wave_id == wave_id, pledge_events.c.kind == COMPACTED
        )
        return {_slot_of(row.at, start, width): row for row in await self._exec(stmt)}

    async def _fold_slot(self, wave_id: int, kept: Any, new: _Slot) -> None:
        """Add a slot's events to its compacted row, or write that row."""
        if kept is None:
            values = {"wave_id": wave_id, "member_id": new.member_id, "kind": COMPACTED,
                      "quantity": new.count, "units_after": new.units, "at": new.at}  # fmt: skip
            await self._exec(insert(pledge_events).values(**values))
            return
        later = new.at >= kept.at  # raw ids only grow, so on a tie the new event is the later one
        values = {"quantity": int(kept.quantity) + new.count}
        if later:
            values |= {"at": new.at, "units_after": new.units, "member_id": new.member_id}
        await self._exec(
            update(pledge_events).where(pledge_events.c.id == kept.id).values(**values)
        )

    async def pledge_changes(self, wave_id: int) -> int:
        """How many pledge events the wave had, compacted ones counted for what they replaced."""
        weight = func.sum(
            case((pledge_events.c.kind == COMPACTED, pledge_events.c.quantity), else_=1)
        )
        stmt = select(weight).where(pledge_events.c.wave_id == wave_id)
        return int((await self._exec(stmt)).scalar_one() or 0)


def _slot_of(at: datetime, start: datetime, width: timedelta) -> int:
    """The index of the time slot an event falls in (events before the start go in slot 0)."""
    return max(0, (at - start) // width)


def _slots(raw: Sequence[Any], start: datetime, width: timedelta) -> dict[int, _Slot]:
    """Raw events grouped by slot, each slot with its count and its latest event."""
    slots: dict[int, _Slot] = {}
    for row in raw:
        index = _slot_of(row.at, start, width)
        slot = slots.get(index)
        if slot is None:
            slots[index] = _Slot(1, row.at, int(row.id), int(row.units_after), int(row.member_id))
            continue
        slot.count += 1
        if (row.at, int(row.id)) >= (slot.at, slot.order):
            slot.at, slot.order = row.at, int(row.id)
            slot.units, slot.member_id = int(row.units_after), int(row.member_id)
    return slots
