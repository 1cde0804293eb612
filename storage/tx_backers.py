"""Backers' private news (authors, wanters) and members' standing: news opt-out and bans."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from core.model import Target
from storage.schema import members, wants
from storage.sql_base import TxBase
from storage.tx_members import FIRST_ACCOUNT, private_targets


def _cents(value: object) -> int | None:
    """A stated max price as integer cents (None: no limit)."""
    return None if value is None else int(str(value))


class BackerMixin(TxBase):
    """core.feature_ports.BackerStore over SQL."""

    async def news_target(self, member_id: int) -> Target | None:
        """The member's private chat for idea news, None when they turned news off.

        One target per member, on their first linked account: the same account every other
        private message (milestones, payment reminders, review requests) goes to, so a person
        who linked several platforms reads all their news in one place."""
        stmt = select(members.c.id, members.c.lang, FIRST_ACCOUNT).where(
            members.c.id == member_id, members.c.notify_news.is_(True)
        )
        found = private_targets(await self._exec(stmt))
        return found[0] if found else None

    async def wanter_targets(self, idea_id: int) -> list[tuple[Target, int | None]]:
        """Each wanter of the idea who wants news and may join (not suspended), once, with their
        stated max price (cents).

        Merged ideas' wants were moved onto this idea (move_wants), so their wanters are here
        too; one row per member (wants are keyed by idea and member), on the first account."""
        stmt = (
            select(members.c.id, members.c.lang, FIRST_ACCOUNT, wants.c.max_price_cents)
            .join(wants, wants.c.member_id == members.c.id)
            .where(
                wants.c.idea_id == idea_id,
                members.c.notify_news.is_(True),
                members.c.banned_at.is_(None),
            )
            .order_by(wants.c.created_at, members.c.id)
        )
        rows = list(await self._exec(stmt))
        prices = {row.id: row.max_price_cents for row in rows}
        return [(target, _cents(prices.get(target.member_id))) for target in private_targets(rows)]

    async def set_member_news(self, member_id: int, on: bool) -> None:
        """Whether the member gets private news of their ideas and of ideas they want."""
        stmt = update(members).where(members.c.id == member_id).values(notify_news=on)
        await self._exec(stmt)

    async def set_member_banned(self, member_id: int, at: datetime | None) -> None:
        """Suspend a member's participation from this moment (None lifts the suspension)."""
        stmt = update(members).where(members.c.id == member_id).values(banned_at=at)
        await self._exec(stmt)
