"""The outbox: subscriptions, per-target deliveries, retries, final outcomes and chat moves."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from core.clock import FakeClock
from core.messages import T, from_json
from core.model import Target
from core.ports import ChatKind, ChatRef
from core.services import community, fanout, waves
from core.services.context import Context
from tests.integration.conftest import (
    OWNER,
    CountingWakeup,
    approved_idea,
    person,
    plan,
    refused,
    rows,
)

ALL = ChatRef("telegram", "-100", ChatKind.GROUP, "Everything")
KITCHEN = ChatRef("discord", "555", ChatKind.CHANNEL, "kitchen-news")
GARDEN = ChatRef("telegram", "-200", ChatKind.GROUP, "Garden club")


async def subscribe_three(ctx: Context, clock: FakeClock) -> None:
    """One chat for everything, one for kitchen, one for garden, a second apart."""
    await community.subscribe(ctx, OWNER, ALL, [])
    clock.advance(timedelta(seconds=1))
    await community.subscribe(ctx, OWNER, KITCHEN, ["kitchen", "tools"])
    clock.advance(timedelta(seconds=1))
    await community.subscribe(ctx, OWNER, GARDEN, ["garden"])


async def test_subscribed_targets_follow_categories(ctx: Context, clock: FakeClock) -> None:
    await subscribe_three(ctx, clock)
    async with ctx.db.read() as tx:
        kitchen = await tx.subscribed_targets("kitchen")
        other = await tx.subscribed_targets("toys")
    assert kitchen == [Target("telegram", "-100", "en"), Target("discord", "555", "en")]
    assert other == [Target("telegram", "-100", "en")]

    await community.subscribe(ctx, OWNER, KITCHEN, ["toys"])  # re-subscribing replaces
    await community.unsubscribe(ctx, OWNER, ALL)
    with refused("error.not_subscribed"):
        await community.unsubscribe(ctx, OWNER, ALL)
    async with ctx.db.read() as tx:
        assert await tx.subscribed_targets("kitchen") == []
        assert await tx.subscribed_targets("toys") == [Target("discord", "555", "en")]


async def test_launch_and_milestones_fill_the_outbox(
    ctx: Context, clock: FakeClock, db_path: Path
) -> None:
    await subscribe_three(ctx, clock)
    wave = await waves.launch(ctx, OWNER, plan(await approved_idea(ctx), (1, 900), (3, 800)))
    opened = rows(db_path, "SELECT platform, chat_id, member_id FROM deliveries ORDER BY id")
    assert opened == [("telegram", "-100", None), ("discord", "555", None)]

    await community.set_lang(ctx, person(1), "fr")
    await waves.join(ctx, person(1), wave.id)
    await community.set_notify(ctx, person(3), False)
    await waves.join(ctx, person(3), wave.id)  # opted out of private news
    clock.advance(timedelta(seconds=1))
    crossed = await waves.join(ctx, person(2, "discord"), wave.id)
    assert crossed.milestones == (3,)

    (announcement_id, kind), *_ = rows(
        db_path, "SELECT id, kind FROM announcements WHERE kind != 'opened'"
    )
    assert kind == "milestone:3"
    query = (
        "SELECT d.platform, d.chat_id, d.lang, m.display_name FROM deliveries d "
        "LEFT JOIN members m ON m.id = d.member_id WHERE announcement_id = ? ORDER BY d.id"
    )
    chats = [("telegram", "-100", "en", None), ("discord", "555", "en", None)]
    assert rows(db_path, query, announcement_id) == chats  # the participants come afterwards
    assert isinstance(ctx.wakeup, CountingWakeup)
    assert (ctx.wakeup.calls, ctx.wakeup.fanouts) == (2, 1)

    expanded = await fanout.expand(ctx)
    assert (expanded.rows, expanded.announcements) == (2, 1)
    assert rows(db_path, query, announcement_id) == [
        *chats,
        ("telegram", "1001", "fr", "Member 1"),
        ("discord", "1002", "en", "Member 2"),
    ]
    assert ctx.wakeup.calls == 3  # the dispatcher hears of the participants' deliveries


async def test_due_retry_and_finish(ctx: Context, clock: FakeClock, db_path: Path) -> None:
    await community.subscribe(ctx, OWNER, ALL, [])
    clock.advance(timedelta(seconds=1))
    await community.subscribe(ctx, OWNER, KITCHEN, [])
    wave = await waves.launch(ctx, OWNER, plan(await approved_idea(ctx), (1, 900)))
    now = clock.now()
    async with ctx.db.write() as tx:
        due = await tx.due_deliveries(now, 10)
        assert [d.target.chat_id for d in due] == ["-100", "555"]
        first, second = due
        assert (first.wave_id, first.attempts, first.announcement_id) == (wave.id, 0, 1)
        assert first.body["card"] == wave.id  # the opened card stays live in that chat
        parts = [from_json(part) for part in first.body["body"]]
        assert isinstance(parts[0], T) and parts[0].key == "announce.opened"
        assert parts[0].params["title"] == "Cast iron pan"
        assert await tx.due_deliveries(now, 1) == [first]
        await tx.retry_delivery(first.id, now + timedelta(seconds=30), "429 retry_after=30", now)
        await tx.finish_delivery(second.id, "sent", now, message_id="m-77")
    async with ctx.db.write() as tx:
        assert await tx.due_deliveries(now, 10) == []
        later = await tx.due_deliveries(now + timedelta(seconds=30), 10)
        assert [(d.id, d.attempts) for d in later] == [(first.id, 1)]
        await tx.finish_delivery(first.id, "gone", now, error="bot was kicked")
        assert await tx.due_deliveries(now + timedelta(days=1), 10) == []
    stored = rows(
        db_path,
        "SELECT status, attempts, message_id, last_error, sent_at IS NOT NULL "
        "FROM deliveries ORDER BY id",
    )
    assert stored == [("gone", 2, "", "bot was kicked", 0), ("sent", 1, "m-77", "", 1)]


async def test_announcement_body_round_trips(ctx: Context, clock: FakeClock) -> None:
    body = {"body": [{"$t": "x", "p": {"n": 3, "s": "Crème brûlée ✓"}}], "none": None, "l": [1.5]}
    target = Target("discord", "42", "fr", None)
    async with ctx.db.write() as tx:
        announcement = await tx.add_announcement(None, "digest", body, [target], clock.now())
        empty = await tx.add_announcement(None, "digest", body, [], clock.now())
    async with ctx.db.read() as tx:
        (delivery,) = await tx.due_deliveries(clock.now(), 10)
        assert await tx.last_announcement_at("digest") == clock.now()
    assert empty == announcement + 1
    assert delivery.body == body and delivery.wave_id is None
    assert (delivery.target, delivery.announcement_id) == (target, announcement)


async def test_finish_refuses_unknown_status(ctx: Context, clock: FakeClock) -> None:
    with pytest.raises(ValueError, match="not a final"):
        async with ctx.db.write() as tx:
            await tx.finish_delivery(1, "pending", clock.now())


async def test_move_chat_follows_migrated_group(ctx: Context, db_path: Path) -> None:
    await community.subscribe(ctx, OWNER, ALL, [])
    await community.register_modchat(ctx, OWNER, ALL)
    await waves.launch(ctx, OWNER, plan(await approved_idea(ctx, "One"), (1, 900)))
    await waves.launch(ctx, OWNER, plan(await approved_idea(ctx, "Two"), (1, 900)))
    async with ctx.db.write() as tx:
        first, _ = await tx.due_deliveries(FakeClock().now() + timedelta(hours=1), 10)
        await tx.finish_delivery(first.id, "sent", FakeClock().now())
        await tx.move_chat("telegram", "-100", "-1009")
    async with ctx.db.read() as tx:
        assert await tx.subscribed_targets("kitchen") == [Target("telegram", "-1009", "en")]
        assert await tx.modchats() == [("telegram", "-1009")]
    deliveries = rows(db_path, "SELECT chat_id, status FROM deliveries ORDER BY id")
    assert deliveries == [("-100", "sent"), ("-1009", "pending")]  # history kept as it was


async def test_move_chat_onto_an_existing_subscription(ctx: Context) -> None:
    new = ChatRef("telegram", "-1009", ChatKind.GROUP, "Supergroup")
    await community.subscribe(ctx, OWNER, ALL, [])
    await community.subscribe(ctx, OWNER, new, ["garden"])
    assert await community.register_modchat(ctx, OWNER, ALL) is True
    assert await community.register_modchat(ctx, OWNER, ALL) is False
    async with ctx.db.write() as tx:
        await tx.move_chat("telegram", "-100", "-1009")
    async with ctx.db.read() as tx:
        assert await tx.subscribed_targets("garden") == [Target("telegram", "-1009", "en")]
        assert await tx.subscribed_targets("kitchen") == []
