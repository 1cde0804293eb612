"""The outbox dispatcher against a platform that answers 429s, times out and refuses for good."""

from __future__ import annotations

from collections import defaultdict, deque
from datetime import timedelta

from bots.i18n import render
from core.messages import Reply
from core.ports import ChatKind, ChatRef, SendOutcome, SendResult
from core.services import community
from core.services.dispatch import MAX_ATTEMPTS
from tests.conftest import ConsoleWorld
from tests.texts import said

PLATFORM = "fakechat"
OPENED = said("announce.opened", id=1, title="Tent", category="general")


class ScriptedPlatform:
    """Answers each chat's sends from a script, then succeeds; records what was delivered."""

    platform = PLATFORM

    def __init__(self) -> None:
        self.script: dict[str, deque[SendResult | Exception]] = defaultdict(deque)
        self.delivered: dict[str, list[str]] = defaultdict(list)
        self.attempts: dict[str, int] = defaultdict(int)

    async def send(self, chat_id: str, message: Reply, lang: str) -> SendResult:
        """Play the next scripted answer for this chat, or deliver."""
        self.attempts[chat_id] += 1
        if self.script[chat_id]:
            step = self.script[chat_id].popleft()
            if isinstance(step, Exception):
                raise step
            return step
        self.delivered[chat_id].append(render(message.body[0], lang))
        return SendResult(SendOutcome.SENT, message_id=str(self.attempts[chat_id]))

    async def edit(self, chat_id: str, message_id: str, message: Reply, lang: str) -> SendResult:
        """Cards are tested elsewhere."""
        return SendResult(SendOutcome.SENT, message_id=message_id)


async def _wave_with_subscribers(world: ConsoleWorld, chats: list[str]) -> ScriptedPlatform:
    platform = ScriptedPlatform()
    world.rt.messengers[PLATFORM] = platform
    owner = world.person("owner")
    for chat in chats:
        ref = ChatRef(PLATFORM, chat, ChatKind.GROUP, chat)
        await community.subscribe(world.rt.ctx, owner.session.actor, ref, [])
    await owner.say("/idea Tent")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:100 10:90 7d min=10")
    return platform


async def test_429_is_retried_after_retry_after_and_never_dropped(world: ConsoleWorld) -> None:
    platform = await _wave_with_subscribers(world, ["busy"])
    platform.script["busy"].extend(
        SendResult(SendOutcome.RETRY, retry_after=30.0) for _ in range(MAX_ATTEMPTS + 2)
    )
    for _ in range(MAX_ATTEMPTS + 2):
        await world.rt.dispatcher.sweep()
        assert platform.delivered["busy"] == []
        world.clock.advance(timedelta(seconds=29))
        await world.rt.dispatcher.sweep()  # not due yet: retry_after is honoured
        world.clock.advance(timedelta(seconds=1))
    await world.rt.dispatcher.sweep()
    assert platform.delivered["busy"] == [OPENED]
    assert platform.attempts["busy"] == MAX_ATTEMPTS + 3


async def test_timeouts_back_off_then_give_up(world: ConsoleWorld) -> None:
    platform = await _wave_with_subscribers(world, ["flaky"])
    platform.script["flaky"].extend(TimeoutError("read timed out") for _ in range(50))
    for _ in range(50):
        await world.rt.dispatcher.sweep()
        world.clock.advance(timedelta(minutes=11))
    assert platform.attempts["flaky"] == MAX_ATTEMPTS
    async with world.rt.db.read() as tx:
        assert await tx.due_deliveries(world.clock.now(), 10) == []


async def test_blocked_chat_is_unsubscribed_and_others_still_served(world: ConsoleWorld) -> None:
    platform = await _wave_with_subscribers(world, ["gone", "fine"])
    platform.script["gone"].append(SendResult(SendOutcome.GONE, error="bot was kicked"))
    await world.rt.dispatcher.sweep()
    assert platform.delivered["fine"] and not platform.delivered["gone"]
    async with world.rt.db.read() as tx:
        chats = {target.chat_id for target in await tx.all_subscribed_targets()}
    assert "gone" not in chats and "fine" in chats


async def test_migrated_group_follows_the_new_id(world: ConsoleWorld) -> None:
    platform = await _wave_with_subscribers(world, ["-100"])
    platform.script["-100"].append(SendResult(SendOutcome.MIGRATED, new_chat_id="-100999"))
    await world.rt.dispatcher.sweep()
    await world.rt.dispatcher.sweep()
    assert platform.delivered["-100999"] == [OPENED]
    async with world.rt.db.read() as tx:
        chats = {target.chat_id for target in await tx.all_subscribed_targets()}
    assert chats == {"-100999"}


async def test_every_attempt_is_recorded(world: ConsoleWorld) -> None:
    platform = await _wave_with_subscribers(world, ["c"])
    platform.script["c"].append(SendResult(SendOutcome.RETRY, error="502 Bad Gateway"))
    await world.rt.dispatcher.sweep()
    world.clock.advance(timedelta(seconds=5))
    await world.rt.dispatcher.sweep()
    async with world.rt.db.read() as tx:
        rows = (
            await tx.connection.exec_driver_sql(
                "SELECT a.outcome, a.error FROM delivery_attempts a JOIN deliveries d "
                "ON d.id = a.delivery_id WHERE d.chat_id = 'c' ORDER BY a.id"
            )
        ).all()
    assert [tuple(row) for row in rows] == [("retry", "502 Bad Gateway"), ("sent", "")]
