"""Ideas and wants; the wants count is computed, so it can never drift from the wants table."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, insert, or_, select, update

from core.model import Idea, IdeaStatus
from storage.schema import ideas, wants
from storage.sql_base import TxBase, new_id

WANTS = (
    select(func.count())
    .select_from(wants)
    .where(wants.c.idea_id == ideas.c.id)
    .correlate(ideas)
    .scalar_subquery()
    .label("wants")
)
ORDERS = {
    "top": (WANTS.desc(), ideas.c.created_at.desc(), ideas.c.id.desc()),
    "new": (ideas.c.created_at.desc(), ideas.c.id.desc()),
}


def idea_from_row(row: Any) -> Idea:
    """Build the domain record from an ideas row carrying its wants count."""
    return Idea(
        id=row.id,
        title=row.title,
        description=row.description,
        category=row.category,
        author_id=row.author_id,
        status=IdeaStatus(row.status),
        created_at=row.created_at,
        reason=row.reason,
        merged_into=row.merged_into,
        wants=int(row.wants),
        tags=tuple(json.loads(row.tags)),
        photo=row.photo,
    )


def _ideas() -> Select[Any]:
    """Every column of ideas plus the wants count."""
    return select(ideas, WANTS)


def _values(statuses: Sequence[IdeaStatus]) -> list[str]:
    """Status enums as the strings stored."""
    return [status.value for status in statuses]


def _tagged(tag: str) -> list[ColumnElement[bool]]:
    """Ideas of that category or carrying the tag (its JSON string inside the stored list)."""
    if not tag:
        return []
    quoted = json.dumps(tag).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return [or_(ideas.c.category == tag, ideas.c.tags.like(f"%{quoted}%", escape="\\"))]


class IdeaMixin(TxBase):
    """core.ports.IdeaStore over SQL."""

    async def add_idea(
        self, title: str, description: str, category: str, author_id: int, now: datetime
    ) -> int:
        """A new pending idea; returns its id."""
        result = await self._exec(
            insert(ideas).values(
                title=title,
                description=description,
                category=category,
                author_id=author_id,
                status=IdeaStatus.PENDING.value,
                reason="",
                merged_into=None,
                created_at=now,
                updated_at=now,
            )
        )
        return new_id(result)

    async def get_idea(self, idea_id: int) -> Idea | None:
        """An idea by id with its wants count."""
        row = (await self._exec(_ideas().where(ideas.c.id == idea_id))).first()
        return idea_from_row(row) if row else None

    async def lock_idea(self, idea_id: int) -> None:
        """Inside a PostgreSQL write, hold the idea's row until the commit, so two launches of
        one idea take turns (both saw it approved and opened two waves); SQLite's single writer
        already serialises them."""
        if self._locking:
            await self._exec(select(ideas.c.id).where(ideas.c.id == idea_id).with_for_update())

    async def set_idea_tags(self, idea_id: int, tags: Sequence[str]) -> None:
        """Every #tag of the idea, in order (the first is its category)."""
        await self._exec(
            update(ideas).where(ideas.c.id == idea_id).values(tags=json.dumps(list(tags)))
        )

    async def set_idea_photo(self, idea_id: int, photo: str) -> None:
        """The platform reference of the photo attached when proposing."""
        await self._exec(update(ideas).where(ideas.c.id == idea_id).values(photo=photo))

    async def set_idea_status(
        self, idea_id: int, status: IdeaStatus, reason: str, merged_into: int | None, now: datetime
    ) -> None:
        """Move an idea through moderation, keeping why and where it went."""
        stmt = (
            update(ideas)
            .where(ideas.c.id == idea_id)
            .values(status=status.value, reason=reason, merged_into=merged_into, updated_at=now)
        )
        await self._exec(stmt)

    async def count_pending_ideas(self, author_id: int) -> int:
        """How many of the author's ideas still wait for moderation (anti-spam limit)."""
        stmt = (
            select(func.count())
            .select_from(ideas)
            .where(ideas.c.author_id == author_id, ideas.c.status == IdeaStatus.PENDING.value)
        )
        return int((await self._exec(stmt)).scalar_one())

    async def list_ideas(
        self, statuses: Sequence[IdeaStatus], order: str, offset: int, limit: int, tag: str = ""
    ) -> list[Idea]:
        """One page of ideas: 'top' = most wanted then newest, 'new' = newest first."""
        if order not in ORDERS:
            raise ValueError(f"unknown idea order {order!r}")
        stmt = (
            _ideas()
            .where(ideas.c.status.in_(_values(statuses)), *_tagged(tag))
            .order_by(*ORDERS[order])
            .offset(offset)
            .limit(limit)
        )
        return [idea_from_row(row) for row in await self._exec(stmt)]

    async def count_ideas(self, statuses: Sequence[IdeaStatus], tag: str = "") -> int:
        """How many ideas have one of these statuses, and the tag if given (for paging)."""
        stmt = (
            select(func.count())
            .select_from(ideas)
            .where(ideas.c.status.in_(_values(statuses)), *_tagged(tag))
        )
        return int((await self._exec(stmt)).scalar_one())

    async def ideas_by_author(self, author_id: int, limit: int) -> list[Idea]:
        """The author's ideas, newest first."""
        stmt = _ideas().where(ideas.c.author_id == author_id).order_by(*ORDERS["new"]).limit(limit)
        return [idea_from_row(row) for row in await self._exec(stmt)]

    async def has_want(self, idea_id: int, member_id: int) -> bool:
        """Whether the member already supports the idea."""
        stmt = select(wants.c.idea_id).where(
            wants.c.idea_id == idea_id, wants.c.member_id == member_id
        )
        return (await self._exec(stmt)).first() is not None

    async def upsert_want(
        self, idea_id: int, member_id: int, max_price_cents: int | None, now: datetime
    ) -> None:
        """Support an idea, or change the stated max price of an existing want."""
        values = {
            "idea_id": idea_id,
            "member_id": member_id,
            "max_price_cents": max_price_cents,
            "created_at": now,
        }
        await self._upsert(wants, values, ("idea_id", "member_id"), ("max_price_cents",))

    async def delete_want(self, idea_id: int, member_id: int) -> bool:
        """Withdraw support; False when there was none."""
        stmt = delete(wants).where(wants.c.idea_id == idea_id, wants.c.member_id == member_id)
        return (await self._exec(stmt)).rowcount > 0

    async def move_wants(self, source_id: int, target_id: int) -> int:
        """Carry a merged idea's wants over; members who want both keep one vote. Returns moved."""
        already = select(wants.c.member_id).where(wants.c.idea_id == target_id)
        await self._exec(
            delete(wants).where(wants.c.idea_id == source_id, wants.c.member_id.in_(already))
        )
        moved = await self._exec(
            update(wants).where(wants.c.idea_id == source_id).values(idea_id=target_id)
        )
        return moved.rowcount

    async def want_prices(self, idea_id: int) -> list[int | None]:
        """Every stated max price of the idea's supporters (None = no limit)."""
        stmt = (
            select(wants.c.max_price_cents)
            .where(wants.c.idea_id == idea_id)
            .order_by(wants.c.created_at, wants.c.member_id)
        )
        return [None if p is None else int(p) for p in (await self._exec(stmt)).scalars()]
