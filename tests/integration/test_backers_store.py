"""The backers' store on a real SQLite file: one news target per member, news opt-out, bans."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert

from core.messages import Reply
from core.model import Target
from core.ports import SendOutcome, SendResult
from core.services import community, ideas, waves
from core.services.context import Context
from core.services.dispatch import Dispatcher
from storage.database import SqlDatabase
from storage.schema import accounts
from tests.integration.conftest import OWNER, approved_idea, person, plan, rows


async def link_second_account(db: SqlDatabase, ctx: Context, member_id: int, account: str) -> None:
    """A person who linked another platform later (as /link leaves them)."""
    async with db.write() as tx:
        later = ctx.clock.now() + timedelta(minutes=5)
        await tx.connection.execute(
            insert(accounts).values(account=account, member_id=member_id, linked_at=later)
        )


async def test_one_news_target_per_member_on_the_first_linked_account(
    ctx: Context, db: SqlDatabase
) -> None:
    idea_id = await approved_idea(ctx)
    await ideas.want(ctx, person(1), idea_id, 4000)
    async with db.read() as tx:
        member = await tx.member_for_account(person(1).account)
    assert member is not None
    await link_second_account(db, ctx, member.id, "discord:77")
    async with db.read() as tx:
        assert await tx.news_target(member.id) == Target("telegram", "1001", "en", member.id)
        assert await tx.wanter_targets(idea_id) == [
            (Target("telegram", "1001", "en", member.id), 4000)
        ]


async def test_news_off_members_have_no_news_target(ctx: Context, db: SqlDatabase) -> None:
    idea_id = await approved_idea(ctx)
    await ideas.want(ctx, person(1), idea_id, None)
    await ideas.want(ctx, person(2), idea_id, None)
    await community.set_news(ctx, person(1), False)
    async with db.read() as tx:
        quiet = await tx.member_for_account(person(1).account)
        assert quiet is not None and not quiet.notify_news
        assert await tx.news_target(quiet.id) is None
        assert [t.chat_id for t, _ in await tx.wanter_targets(idea_id)] == ["1002"]


async def test_launch_writes_each_wanter_notice_in_the_launch_transaction(
    ctx: Context, db_path: Path
) -> None:
    idea_id = await approved_idea(ctx)
    await ideas.want(ctx, person(1), idea_id, 9000)
    await ideas.want(ctx, person(2), idea_id, None)
    await waves.launch(ctx, OWNER, plan(idea_id, (1, 10000), (10, 8000)))
    kinds = rows(db_path, "SELECT kind FROM announcements ORDER BY id")
    assert [k for (k,) in kinds if k.startswith("wanted:")] == ["wanted:2", "wanted:3"]
    chats = rows(db_path, "SELECT d.chat_id FROM deliveries d JOIN announcements a "
                          "ON a.id = d.announcement_id WHERE a.kind LIKE 'wanted:%'")  # fmt: skip
    assert sorted(chat for (chat,) in chats) == ["1001", "1002"]


async def test_ban_sets_and_clears_banned_at(ctx: Context, db: SqlDatabase, db_path: Path) -> None:
    await ideas.want(ctx, person(1), await approved_idea(ctx), None)
    async with db.read() as tx:
        member = await tx.member_for_account(person(1).account)
    assert member is not None and not member.banned
    async with db.write() as tx:
        await tx.set_member_banned(member.id, ctx.clock.now())
    assert rows(db_path, "SELECT banned_at IS NOT NULL FROM members WHERE id = ?", member.id) == [
        (1,)
    ]
    async with db.write() as tx:
        await tx.set_member_banned(member.id, None)
        again = await tx.get_member(member.id)
    assert again is not None and not again.banned


class BlockedEverywhere:
    """Every member blocked the bot: each private send is GONE."""

    platform = "telegram"

    async def send(self, chat_id: str, message: Reply, lang: str) -> SendResult:
        """The platform says the chat is gone."""
        return SendResult(SendOutcome.GONE, error="Forbidden: bot was blocked by the user")

    async def edit(self, chat_id: str, message_id: str, message: Reply, lang: str) -> SendResult:
        """Never called here."""
        return SendResult(SendOutcome.GONE)


async def test_a_member_who_blocked_the_bot_gets_no_more_idea_news(
    ctx: Context, db: SqlDatabase
) -> None:
    idea = await ideas.propose(ctx, person(1), "Folding kayak #outdoor")
    await ideas.approve(ctx, OWNER, idea.id)
    assert (await Dispatcher(ctx, {"telegram": BlockedEverywhere()}).sweep()).gone == 1
    async with db.read() as tx:
        member = await tx.member_for_account(person(1).account)
        assert member is not None and not member.notify_news
        assert await tx.news_target(member.id) is None
