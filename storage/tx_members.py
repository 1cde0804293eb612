"""Members, their platform accounts and the registered moderation chats."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update

from core.model import Member, Target
from storage.schema import accounts, members, modchats
from storage.sql_base import TxBase, new_id

DEFAULT_LANG = "en"

FIRST_ACCOUNT = (
    select(accounts.c.account)
    .where(accounts.c.member_id == members.c.id)
    .order_by(accounts.c.linked_at, accounts.c.account)
    .limit(1)
    .correlate(members)
    .scalar_subquery()
    .label("account")
)


def private_targets(rows: Iterable[Any]) -> list[Target]:
    """Rows of (id, lang, account) as private targets on each member's first linked account."""
    # A Telegram private chat id equals the user id; on Discord the adapter opens the DM.
    targets = []
    for row in rows:
        if row.account is None or ":" not in row.account:
            continue
        platform, user_id = row.account.split(":", 1)
        targets.append(Target(platform, user_id, row.lang or DEFAULT_LANG, row.id))
    return targets


def member_from_row(row: Any) -> Member:
    """Build the domain record from a members row."""
    return Member(
        id=row.id,
        display_name=row.display_name,
        lang=row.lang,
        notify_milestones=bool(row.notify_milestones),
        timezone=row.timezone,
        banned=row.banned_at is not None,
        notify_news=bool(row.notify_news),
        review_name=bool(row.review_name),
    )


class MemberMixin(TxBase):
    """core.ports.MemberStore over SQL."""

    async def member_for_account(self, account: str) -> Member | None:
        """The member behind an account, if it was seen before."""
        stmt = (
            select(members)
            .join(accounts, accounts.c.member_id == members.c.id)
            .where(accounts.c.account == account)
        )
        row = (await self._exec(stmt)).first()
        return member_from_row(row) if row else None

    async def create_member(
        self, account: str, display_name: str, lang: str | None, now: datetime
    ) -> Member:
        """A new person with their first account.

        On PostgreSQL another process may be creating the same account's member right now (two
        updates of a new person at once): the account insert then waits for it and, once it
        committed, this one keeps theirs and drops its own row.
        """
        result = await self._exec(
            insert(members).values(
                display_name=display_name, lang=lang, notify_milestones=True, created_at=now
            )
        )
        member_id = new_id(result)
        values = {"account": account, "member_id": member_id, "linked_at": now}
        if not await self._insert_ignore(accounts, values):
            await self._exec(delete(members).where(members.c.id == member_id))
            existing = await self.member_for_account(account)
            if existing is None:
                raise RuntimeError("the account's member vanished while it was being created")
            return existing
        return Member(member_id, display_name, lang, True)

    async def rename_member(self, member_id: int, display_name: str) -> None:
        """Follow the name the platform shows now."""
        stmt = update(members).where(members.c.id == member_id).values(display_name=display_name)
        await self._exec(stmt)

    async def set_member_lang(self, member_id: int, lang: str) -> None:
        """The member's own language choice."""
        await self._exec(update(members).where(members.c.id == member_id).values(lang=lang))

    async def set_member_timezone(self, member_id: int, timezone: str | None) -> None:
        """The member's own time zone (None: the community's)."""
        stmt = update(members).where(members.c.id == member_id).values(timezone=timezone)
        await self._exec(stmt)

    async def set_member_notify(self, member_id: int, on: bool) -> None:
        """Whether the member gets private milestone messages."""
        stmt = update(members).where(members.c.id == member_id).values(notify_milestones=on)
        await self._exec(stmt)

    async def get_member(self, member_id: int) -> Member | None:
        """A member by id."""
        row = (await self._exec(select(members).where(members.c.id == member_id))).first()
        return member_from_row(row) if row else None

    async def accounts_of(self, member_id: int) -> list[str]:
        """The member's accounts, first linked first."""
        stmt = (
            select(accounts.c.account)
            .where(accounts.c.member_id == member_id)
            .order_by(accounts.c.linked_at, accounts.c.account)
        )
        return list((await self._exec(stmt)).scalars())

    async def add_modchat(self, platform: str, chat_id: str, by: int, now: datetime) -> bool:
        """Register a moderation chat; False when it already was."""
        values = {"platform": platform, "chat_id": chat_id, "registered_by": by, "at": now}
        return await self._insert_ignore(modchats, values)

    async def modchats(self) -> list[tuple[str, str]]:
        """Every registered moderation chat as (platform, chat id)."""
        stmt = select(modchats.c.platform, modchats.c.chat_id).order_by(
            modchats.c.at, modchats.c.platform, modchats.c.chat_id
        )
        return [(row.platform, row.chat_id) for row in await self._exec(stmt)]
