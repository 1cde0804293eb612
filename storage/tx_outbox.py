"""Subscriptions, announcements and their deliveries: the outbox the dispatcher drains."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Table,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    true,
    update,
)

from core.model import PledgeStatus, Target
from core.ports import ChatRef, Delivery
from storage.schema import (
    announcements,
    cards,
    deliveries,
    delivery_attempts,
    members,
    modchats,
    pledges,
)
from storage.schema import subscriptions as subs
from storage.sql_base import TxBase, new_id
from storage.tx_members import FIRST_ACCOUNT, private_targets

PENDING = "pending"
FINAL_STATUSES = frozenset({"sent", "gone", "failed"})


def _wants(categories_json: str, category: str) -> bool:
    """An empty category list means every category."""
    categories = json.loads(categories_json)
    return not categories or category in categories


def _unclaimed(now: datetime) -> ColumnElement[bool]:
    """No lease, or one that ran out (its dispatcher died or stalled)."""
    return or_(deliveries.c.claimed_until.is_(None), deliveries.c.claimed_until <= now)


class OutboxMixin(TxBase):
    """core.ports.OutboxStore over SQL."""

    async def subscribe(
        self, chat: ChatRef, categories: Sequence[str], lang: str, now: datetime
    ) -> None:
        """This chat receives broadcasts; subscribing again replaces categories and language."""
        values = {
            "platform": chat.platform,
            "chat_id": chat.chat_id,
            "kind": chat.kind.value,
            "title": chat.title[:200],
            "categories": json.dumps(sorted(set(categories))),
            "lang": lang,
            "created_at": now,
        }
        keys = ("platform", "chat_id")
        await self._upsert(subs, values, keys, ("kind", "title", "categories", "lang"))

    async def unsubscribe(self, platform: str, chat_id: str) -> bool:
        """Stop broadcasts to a chat; False when it was not subscribed."""
        stmt = delete(subs).where(subs.c.platform == platform, subs.c.chat_id == chat_id)
        return (await self._exec(stmt)).rowcount > 0

    async def subscribed_targets(self, category: str) -> list[Target]:
        """Chats following every category or this one, oldest subscription first."""
        stmt = select(subs).order_by(subs.c.created_at, subs.c.platform, subs.c.chat_id)
        return [
            Target(row.platform, row.chat_id, row.lang)
            for row in await self._exec(stmt)
            if _wants(row.categories, category)
        ]

    async def all_subscribed_targets(self) -> list[Target]:
        """Every subscribed chat whatever its categories (the digest goes to all)."""
        stmt = select(subs).order_by(subs.c.created_at, subs.c.platform, subs.c.chat_id)
        return [Target(row.platform, row.chat_id, row.lang) for row in await self._exec(stmt)]

    async def participant_targets(self, wave_id: int) -> list[Target]:
        """One private target per active pledger who wants news, on their first account."""
        stmt = (
            select(members.c.id, members.c.lang, FIRST_ACCOUNT)
            .join(pledges, pledges.c.member_id == members.c.id)
            .where(
                pledges.c.wave_id == wave_id,
                pledges.c.status == PledgeStatus.ACTIVE.value,
                members.c.notify_milestones.is_(True),
            )
            .order_by(pledges.c.created_at, pledges.c.member_id)
        )
        return private_targets(await self._exec(stmt))

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
        values: dict[str, Any] = {
            "wave_id": wave_id, "kind": kind, "body": json.dumps(body), "created_at": now,
        }  # fmt: skip
        if fanout and wave_id is not None:
            last_joined = select(func.coalesce(func.max(pledges.c.joined_seq), 0))
            last_joined = last_joined.where(pledges.c.wave_id == wave_id)
            values["fanout_until"] = last_joined.scalar_subquery()
            values |= {"fanout_after": 0, "fanout_pending": True}
        result = await self._exec(insert(announcements).values(**values))
        announcement_id = new_id(result)
        rows = [
            {
                "announcement_id": announcement_id,
                "platform": target.platform,
                "chat_id": target.chat_id,
                "lang": target.lang,
                "member_id": target.member_id,
                "status": PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "last_error": "",
                "message_id": "",
                "sent_at": None,
            }
            for target in targets
        ]
        if rows:
            await self._exec(insert(deliveries), rows)
        return announcement_id

    async def release_claims(self, owner: str | None = None) -> int:
        """Give back the leases of one dispatcher, or every lease (a lone process starting)."""
        stmt = update(deliveries).where(deliveries.c.claimed_until.is_not(None))
        if owner is not None:
            stmt = stmt.where(deliveries.c.claimed_by == owner)
        result = await self._exec(stmt.values(claimed_by=None, claimed_until=None))
        return int(result.rowcount or 0)

    async def take_over_claims(self, platform: str, owner: str) -> int:
        """A newly elected dispatcher of a platform frees the leases other dispatchers hold on
        it: only the elected one sends for a platform, so those belong to a dead or deposed one
        (whose lease would otherwise hold its chats for minutes)."""
        stmt = update(deliveries).where(
            deliveries.c.claimed_until.is_not(None),
            deliveries.c.platform == platform,
            deliveries.c.claimed_by != owner,
        )
        result = await self._exec(stmt.values(claimed_by=None, claimed_until=None))
        return int(result.rowcount or 0)

    async def due_deliveries(
        self, now: datetime, limit: int, platforms: Sequence[str] | None = None
    ) -> list[Delivery]:
        """Pending unleased deliveries now due, oldest first, with their announcement."""
        stmt = (
            select(
                deliveries,
                announcements.c.body.label("a_body"),
                announcements.c.wave_id.label("a_wave_id"),
            )
            .join(announcements, announcements.c.id == deliveries.c.announcement_id)
            .where(
                deliveries.c.status == PENDING,
                deliveries.c.next_attempt_at <= now,
                _unclaimed(now),
                deliveries.c.platform.in_(platforms) if platforms is not None else true(),
            )
            .order_by(deliveries.c.next_attempt_at, deliveries.c.id)
            .limit(limit)
        )
        return [
            Delivery(
                id=row.id,
                announcement_id=row.announcement_id,
                target=Target(row.platform, row.chat_id, row.lang, row.member_id),
                body=json.loads(row.a_body),
                attempts=row.attempts,
                wave_id=row.a_wave_id,
            )
            for row in await self._exec(stmt)
        ]

    async def finish_delivery(
        self, delivery_id: int, status: str, now: datetime, error: str = "", message_id: str = ""
    ) -> None:
        """Record a delivery's final outcome: sent, gone (bot removed/blocked) or failed."""
        if status not in FINAL_STATUSES:
            raise ValueError(f"not a final delivery status: {status!r}")
        stmt = (
            update(deliveries)
            .where(deliveries.c.id == delivery_id)
            .values(
                status=status,
                attempts=deliveries.c.attempts + 1,
                last_error=error or deliveries.c.last_error,
                message_id=message_id,
                sent_at=now if status == "sent" else None,
                claimed_by=None,
                claimed_until=None,
            )
        )
        await self._exec(stmt)
        await self._log_attempt(delivery_id, now, status, error)

    async def _log_attempt(self, delivery_id: int, now: datetime, outcome: str, error: str) -> None:
        """Every attempt is kept, so a delivery's history can be read after the fact."""
        values = {"delivery_id": delivery_id, "at": now, "outcome": outcome, "error": error}
        await self._exec(insert(delivery_attempts).values(**values))

    async def retry_delivery(
        self, delivery_id: int, next_at: datetime, error: str, now: datetime
    ) -> None:
        """Count a transient failure and put the delivery back in line for later."""
        stmt = (
            update(deliveries)
            .where(deliveries.c.id == delivery_id)
            .values(
                attempts=deliveries.c.attempts + 1,
                next_attempt_at=next_at,
                last_error=error,
                claimed_by=None,
                claimed_until=None,
            )
        )
        await self._exec(stmt)
        await self._log_attempt(delivery_id, now, "retry", error)

    async def defer_deliveries(self, delivery_ids: Sequence[int], next_at: datetime) -> None:
        """Put claimed deliveries back in line, unattempted, behind one of their chat retried
        until next_at: the chat keeps its order and its rate limit."""
        if not delivery_ids:
            return
        stmt = (
            update(deliveries)
            .where(deliveries.c.id.in_(list(delivery_ids)), deliveries.c.status == PENDING)
            .values(next_attempt_at=next_at, claimed_by=None, claimed_until=None)
        )
        await self._exec(stmt)

    async def move_chat(self, platform: str, old_chat_id: str, new_chat_id: str) -> None:
        """Follow a migrated chat; its old live cards cannot be edited there, so they retire."""
        if old_chat_id == new_chat_id:
            return
        await self._exec(
            update(cards)
            .where(cards.c.platform == platform, cards.c.chat_id == old_chat_id)
            .values(gone=True, dirty=False)
        )
        for table in (subs, modchats):
            await self._move_keyed(table, platform, old_chat_id, new_chat_id)
        pending_old = (
            deliveries.c.platform == platform,
            deliveries.c.chat_id == old_chat_id,
            deliveries.c.status == PENDING,
        )
        # one delivery per announcement and chat: where the new id already has one, the old one
        # is settled as gone (its attempts stay readable) instead of becoming a second copy
        twin = deliveries.alias("twin")
        told_there = exists().where(
            twin.c.announcement_id == deliveries.c.announcement_id,
            twin.c.platform == platform,
            twin.c.chat_id == new_chat_id,
        )
        settled = {"status": "gone", "last_error": "chat migrated; already due there"}
        await self._exec(update(deliveries).where(*pending_old, told_there).values(**settled))
        await self._exec(update(deliveries).where(*pending_old).values(chat_id=new_chat_id))

    async def _move_keyed(self, table: Table, platform: str, old: str, new: str) -> None:
        """Re-key a (platform, chat_id) row; when the new id already has one, the old goes."""
        where_new = (table.c.platform == platform, table.c.chat_id == new)
        where_old = (table.c.platform == platform, table.c.chat_id == old)
        if (await self._exec(select(table.c.chat_id).where(*where_new))).first() is not None:
            await self._exec(delete(table).where(*where_old))
        else:
            await self._exec(update(table).where(*where_old).values(chat_id=new))
