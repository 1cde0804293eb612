"""Category follows, live wave cards and the digest/reminder queries on a real SQLite file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from core.clock import FakeClock
from core.messages import Reply
from core.model import IdeaStatus, Target, WaveStatus
from core.ports import ChatKind, ChatRef, SendOutcome, SendResult
from core.services import cards, community, digest, ideas, lifecycle, waves
from core.services.context import Context
from tests.integration.conftest import OWNER, approved_idea, person, plan, rows

GROUP = ChatRef("telegram", "-100", ChatKind.GROUP, "Buyers")


@dataclass
class EditingMessenger:
    """Records card edits and answers with a chosen outcome."""

    platform: str = "telegram"
    outcome: SendOutcome = SendOutcome.SENT
    edits: list[tuple[str, str]] = field(default_factory=list)

    async def send(self, chat_id: str, message: Reply, lang: str) -> SendResult:
        """Not used by card refreshes."""
        return SendResult(SendOutcome.SENT, message_id="1")

    async def edit(self, chat_id: str, message_id: str, message: Reply, lang: str) -> SendResult:
        """Remember which message was edited."""
        self.edits.append((chat_id, message_id))
        return SendResult(self.outcome)


async def test_follows_reach_members_when_a_wave_opens(ctx: Context, db_path: Path) -> None:
    fan = person(1)
    assert await community.follow(ctx, fan, ["kitchen", "garden"], on=True) == ["kitchen", "garden"]
    assert await community.follow(ctx, fan, ["kitchen"], on=True) == []
    assert await community.follow(ctx, fan, ["garden", "toys"], on=False) == ["garden"]
    await community.follow(ctx, person(2, "discord"), ["kitchen"], on=True)
    await community.set_lang(ctx, person(2, "discord"), "fr")
    await community.follow(ctx, person(3), ["garden"], on=True)
    async with ctx.db.read() as tx:
        member = await tx.member_for_account(fan.account)
        assert member is not None
        assert await tx.follows_of(member.id) == ["kitchen"]

    await community.subscribe(ctx, OWNER, GROUP, [])
    wave = await waves.launch(ctx, OWNER, plan(await approved_idea(ctx), (1, 900)))
    assert wave.category == "kitchen"
    sent = rows(
        db_path,
        "SELECT d.platform, d.chat_id, d.lang, d.member_id IS NOT NULL FROM deliveries d "
        "JOIN announcements a ON a.id = d.announcement_id WHERE a.kind = 'opened' ORDER BY d.id",
    )
    assert sent == [
        ("telegram", "-100", "en", 0),
        ("telegram", "1001", "en", 1),
        ("discord", "1002", "fr", 1),
    ]


async def test_live_cards_are_edited_throttled_until_gone(
    ctx: Context, clock: FakeClock, db_path: Path
) -> None:
    wave = await waves.launch(ctx, OWNER, plan(await approved_idea(ctx), (1, 900)))
    await cards.register(ctx, "telegram", "-100", "m1", wave.id, "en")
    messenger = EditingMessenger()
    messengers = {"telegram": messenger}
    assert await cards.refresh(ctx, messengers) == 0  # nothing changed yet

    await waves.join(ctx, person(1), wave.id)
    assert await cards.refresh(ctx, messengers) == 0  # edited (posted) under 5 s ago
    clock.advance(timedelta(seconds=5))
    assert await cards.refresh(ctx, messengers) == 1
    assert messenger.edits == [("-100", "m1")]
    assert await cards.refresh(ctx, messengers) == 0  # clean again

    await cards.register(ctx, "telegram", "-100", "m2", wave.id, "en")  # a newer card replaces
    assert rows(db_path, "SELECT message_id FROM cards") == [("m2",)]
    await lifecycle.extend(ctx, OWNER, wave.id, timedelta(days=1))
    clock.advance(timedelta(seconds=5))
    messenger.outcome = SendOutcome.GONE
    assert await cards.refresh(ctx, messengers) == 1
    await waves.join(ctx, person(2), wave.id)
    clock.advance(timedelta(minutes=1))
    assert await cards.refresh(ctx, messengers) == 0  # gone cards are never edited again
    assert messenger.edits == [("-100", "m1"), ("-100", "m2")]


async def test_move_chat_retires_cards_of_the_old_chat(ctx: Context, clock: FakeClock) -> None:
    wave = await waves.launch(ctx, OWNER, plan(await approved_idea(ctx), (1, 900)))
    await cards.register(ctx, "telegram", "-100", "m1", wave.id, "en")
    async with ctx.db.write() as tx:
        await tx.move_chat("telegram", "-100", "-1009")
        await tx.mark_cards_dirty(wave.id)
        assert await tx.dirty_cards(clock.now() + timedelta(hours=1), 10) == []


async def test_reminder_goes_once(ctx: Context, clock: FakeClock) -> None:
    wave = await waves.launch(ctx, OWNER, plan(await approved_idea(ctx), (1, 900)))
    assert await digest.send_reminders(ctx) == []
    clock.advance(timedelta(days=6, minutes=1))
    assert await digest.send_reminders(ctx) == [wave.id]
    assert await digest.send_reminders(ctx) == []
    async with ctx.db.read() as tx:
        assert await tx.has_announcement(wave.id, "reminder")
        assert not await tx.has_announcement(wave.id, "closed")


async def test_digest_queries_and_period(ctx: Context, clock: FakeClock, db_path: Path) -> None:
    await community.subscribe(ctx, OWNER, GROUP, ["garden"])  # the digest ignores categories
    start = clock.now()
    old = await approved_idea(ctx, "Old news")
    launched_idea = await approved_idea(ctx, "Will launch")
    wave = await waves.launch(ctx, OWNER, plan(launched_idea, (1, 900)))
    every = timedelta(days=15)
    assert await digest.send_digest(ctx, every) is True
    assert await digest.send_digest(ctx, every) is False  # once per period

    clock.advance(timedelta(days=1))
    fresh = await approved_idea(ctx, "Fresh")
    pending = await ideas.propose(ctx, person(1), "Not yet visible")
    await lifecycle.close(ctx, OWNER, wave.id)
    async with ctx.db.read() as tx:
        since = await tx.last_announcement_at("digest")
        assert since == start
        assert [i.id for i in await tx.ideas_since(since, 10)] == [fresh]
        closed = await tx.waves_closed_since(since, 10)
        assert [(w.id, w.status) for w in closed] == [(wave.id, WaveStatus.FAILED)]
        assert await tx.waves_closed_since(clock.now(), 10) == []
        assert await tx.all_subscribed_targets() == [Target("telegram", "-100", "en")]
    assert (await ideas.get(ctx, old))[0].status is IdeaStatus.APPROVED
    assert (await ideas.get(ctx, pending.id))[0].status is IdeaStatus.PENDING

    clock.advance(every)
    assert await digest.send_digest(ctx, every) is True
    digests = rows(
        db_path,
        "SELECT COUNT(*) FROM deliveries d JOIN announcements a ON a.id = d.announcement_id "
        "WHERE a.kind = 'digest'",
    )
    assert digests == [(2,)]
