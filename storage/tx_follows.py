"""Members following categories: private alerts when a wave opens in one of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from core.model import Target
from storage.schema import follows, members
from storage.sql_base import TxBase
from storage.tx_members import FIRST_ACCOUNT, private_targets


class FollowMixin(TxBase):
    """The follow part of core.ports.OutboxStore over SQL."""

    async def follow(self, member_id: int, category: str, now: datetime) -> bool:
        """Follow a category; False when the member already did."""
        values = {"member_id": member_id, "category": category, "created_at": now}
        return await self._insert_ignore(follows, values)

    async def unfollow(self, member_id: int, category: str) -> bool:
        """Stop following a category; False when the member was not following it."""
        stmt = delete(follows).where(
            follows.c.member_id == member_id, follows.c.category == category
        )
        return (await self._exec(stmt)).rowcount > 0

    async def follows_of(self, member_id: int) -> list[str]:
        """The categories a member follows, alphabetically."""
        stmt = (
            select(follows.c.category)
            .where(follows.c.member_id == member_id)
            .order_by(follows.c.category)
        )
        return list((await self._exec(stmt)).scalars())

    async def follower_targets(self, category: str) -> list[Target]:
        """One private target per follower of the category (an explicit opt-in), oldest first."""
        stmt = (
            select(members.c.id, members.c.lang, FIRST_ACCOUNT)
            .join(follows, follows.c.member_id == members.c.id)
            .where(follows.c.category == category)
            .order_by(follows.c.created_at, members.c.id)
        )
        return private_targets(await self._exec(stmt))
