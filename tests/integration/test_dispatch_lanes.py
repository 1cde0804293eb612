"""One message in flight per chat, each result committed before that chat's next send, in order."""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from datetime import timedelta

from sqlalchemy import text

from bots.i18n import render
from core.messages import Reply, t
from core.model import Target
from core.ports import SendOutcome, SendResult
from core.services.announce import encode
from tests.conftest import ConsoleWorld
from tests.texts import said

PLATFORM = "lanechat"


def opened(n: int) -> str:
    """The n-th announcement as the platform receives it."""
    return said("announce.opened", id=n, title=f"Tent {n}", category="general")


class WatchedPlatform:
    """A slow platform that notes, at each send, what is in flight and what the outbox holds."""

    platform = PLATFORM

    def __init__(self, world: ConsoleWorld) -> None:
        self.world = world
        self.script: dict[str, deque[SendResult]] = defaultdict(deque)
        self.delivered: dict[str, list[str]] = defaultdict(list)
        self.in_flight: dict[str, int] = defaultdict(int)
        self.most_in_flight_per_chat = 0
        self.most_in_flight = 0
        self.unrecorded_at_send: list[tuple[str, int]] = []

    async def send(self, chat_id: str, message: Reply, lang: str) -> SendResult:
        """Take a moment, like a network round trip; deliver unless the script says otherwise."""
        self.in_flight[chat_id] += 1
        self.most_in_flight_per_chat = max(self.most_in_flight_per_chat, self.in_flight[chat_id])
        self.most_in_flight = max(self.most_in_flight, sum(self.in_flight.values()))
        recorded = await self._recorded_sent(chat_id)
        if recorded != len(self.delivered[chat_id]):
            self.unrecorded_at_send.append((chat_id, len(self.delivered[chat_id]) - recorded))
        await asyncio.sleep(0.002)
        self.in_flight[chat_id] -= 1
        if self.script[chat_id]:
            return self.script[chat_id].popleft()
        self.delivered[chat_id].append(render(message.body[0], lang))
        return SendResult(SendOutcome.SENT, message_id=str(len(self.delivered[chat_id])))

    async def edit(self, chat_id: str, message_id: str, message: Reply, lang: str) -> SendResult:
        """Cards are tested elsewhere."""
        return SendResult(SendOutcome.SENT, message_id=message_id)

    async def _recorded_sent(self, chat_id: str) -> int:
        """What the database says was sent to this chat (committed writes only)."""
        async with self.world.rt.db.read() as tx:
            sql = text("SELECT COUNT(*) FROM deliveries WHERE chat_id = :chat AND status = 'sent'")
            row = (await tx.connection.execute(sql, {"chat": chat_id})).one()
        return int(row[0])


async def _announce(world: ConsoleWorld, chats: list[str], count: int) -> WatchedPlatform:
    """`count` announcements, each to every chat, on a watched platform."""
    platform = WatchedPlatform(world)
    world.rt.messengers[PLATFORM] = platform
    targets = [Target(PLATFORM, chat, "en") for chat in chats]
    now = world.clock.now()
    async with world.rt.db.write() as tx:
        for n in range(1, count + 1):
            body = encode((t("announce.opened", id=n, title=f"Tent {n}", category="general"),))
            await tx.add_announcement(None, "test", body, targets, now)
    return platform


async def test_one_message_in_flight_per_chat_and_chats_in_parallel(world: ConsoleWorld) -> None:
    chats = ["a", "b", "c", "d"]
    platform = await _announce(world, chats, 6)
    await world.rt.dispatcher.sweep()
    assert {chat: platform.delivered[chat] for chat in chats} == {
        chat: [opened(n) for n in range(1, 7)] for chat in chats
    }
    assert platform.most_in_flight_per_chat == 1
    assert platform.most_in_flight == len(chats)  # different chats still go at the same time


async def test_each_result_is_committed_before_the_next_send_to_that_chat(
    world: ConsoleWorld,
) -> None:
    platform = await _announce(world, ["a", "b"], 5)
    await world.rt.dispatcher.sweep()
    assert platform.unrecorded_at_send == []  # a crash would leave at most one sent, unrecorded
    assert len(platform.delivered["a"]) == len(platform.delivered["b"]) == 5


async def test_a_429_holds_back_the_rest_of_that_chat_in_order(world: ConsoleWorld) -> None:
    platform = await _announce(world, ["busy", "calm"], 4)
    platform.script["busy"].append(SendResult(SendOutcome.RETRY, retry_after=30.0))
    await world.rt.dispatcher.sweep()
    assert platform.delivered["busy"] == []  # nothing overtakes the retried message
    assert platform.delivered["calm"] == [opened(n) for n in range(1, 5)]
    world.clock.advance(timedelta(seconds=29))
    await world.rt.dispatcher.sweep()
    assert platform.delivered["busy"] == []  # the chat's rate limit is honoured for all
    world.clock.advance(timedelta(seconds=1))
    await world.rt.dispatcher.sweep()
    assert platform.delivered["busy"] == [opened(n) for n in range(1, 5)]
    async with world.rt.db.read() as tx:
        sql = "SELECT SUM(attempts) FROM deliveries WHERE chat_id = 'busy'"
        attempts = (await tx.connection.exec_driver_sql(sql)).scalar_one()
    assert attempts == 5  # one 429, four sends: waiting behind it is not an attempt


async def test_a_migrated_chat_gets_all_its_messages_in_order(world: ConsoleWorld) -> None:
    platform = await _announce(world, ["-100"], 3)
    platform.script["-100"].append(SendResult(SendOutcome.MIGRATED, new_chat_id="-100999"))
    await world.rt.dispatcher.sweep()
    await world.rt.dispatcher.sweep()
    assert platform.delivered["-100"] == []
    assert platform.delivered["-100999"] == [opened(n) for n in range(1, 4)]


async def test_a_blocked_chat_does_not_hold_up_the_others(world: ConsoleWorld) -> None:
    platform = await _announce(world, ["gone", "fine"], 3)
    platform.script["gone"].extend(SendResult(SendOutcome.GONE, error="kicked") for _ in range(3))
    await world.rt.dispatcher.sweep()
    assert platform.delivered["fine"] == [opened(n) for n in range(1, 4)]
    async with world.rt.db.read() as tx:
        assert await tx.due_deliveries(world.clock.now(), 10) == []
