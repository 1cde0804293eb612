"""Two dispatchers on one outbox (issue 12, point 3): each delivery is claimed with a lease before
it is sent, so neither sends what the other holds; a dead dispatcher's leases lapse."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from core.messages import Reply
from core.ports import ChatKind, ChatRef, SendOutcome, SendResult
from core.services import community
from core.services.dispatch import LEASE, Dispatcher
from tests.conftest import ConsoleWorld

PLATFORM = "slowchat"
CHATS = [f"room-{index}" for index in range(40)]


class SlowPlatform:
    """Takes a moment per send, so two dispatchers overlap; counts what each chat received."""

    platform = PLATFORM

    def __init__(self) -> None:
        self.received: Counter[str] = Counter()

    async def send(self, chat_id: str, message: Reply, lang: str) -> SendResult:
        """Deliver after a short pause (the other dispatcher runs meanwhile)."""
        await asyncio.sleep(0.01)
        self.received[chat_id] += 1
        return SendResult(SendOutcome.SENT, message_id="1")

    async def edit(self, chat_id: str, message_id: str, message: Reply, lang: str) -> SendResult:
        """Cards are tested elsewhere."""
        return SendResult(SendOutcome.SENT, message_id=message_id)


async def _broadcast_to_many(world: ConsoleWorld, platform: SlowPlatform) -> None:
    world.rt.messengers[PLATFORM] = platform
    owner = world.person("owner")
    for chat in CHATS:
        ref = ChatRef(PLATFORM, chat, ChatKind.GROUP, chat)
        await community.subscribe(world.rt.ctx, owner.session.actor, ref, [])
    await owner.say("/idea Tent")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:100 10:90 7d min=10")


async def test_two_dispatchers_never_send_the_same_delivery(world: ConsoleWorld) -> None:
    platform = SlowPlatform()
    await _broadcast_to_many(world, platform)
    messengers = {PLATFORM: platform}
    first = Dispatcher(world.rt.ctx, messengers, parallel=4, owner="first")
    second = Dispatcher(world.rt.ctx, messengers, parallel=4, owner="second")
    stats = await asyncio.gather(first.sweep(), second.sweep(), first.sweep(), second.sweep())
    assert platform.received == Counter(dict.fromkeys(CHATS, 1))
    assert sum(s.sent for s in stats) == len(CHATS)


async def test_a_dead_dispatchers_leases_lapse_or_are_released(world: ConsoleWorld) -> None:
    platform = SlowPlatform()
    await _broadcast_to_many(world, platform)
    async with world.rt.ctx.db.write() as tx:  # a dispatcher claims everything, then dies
        now = world.clock.now()
        held = await tx.claim_deliveries("dead", [PLATFORM], now, now + LEASE, 1000)
    assert len(held) == len(CHATS)
    survivor = Dispatcher(world.rt.ctx, {PLATFORM: platform}, owner="survivor")
    assert (await survivor.sweep()).sent == 0  # held by a live-looking lease
    world.clock.advance(LEASE + timedelta(seconds=1))
    assert (await survivor.sweep()).sent == len(CHATS)
    assert platform.received == Counter(dict.fromkeys(CHATS, 1))


async def test_a_lone_process_releases_leases_at_start(world: ConsoleWorld) -> None:
    platform = SlowPlatform()
    await _broadcast_to_many(world, platform)
    async with world.rt.ctx.db.write() as tx:
        now = world.clock.now()
        await tx.claim_deliveries("crashed", [PLATFORM], now, now + LEASE, 1000)
    restarted = Dispatcher(world.rt.ctx, {PLATFORM: platform}, owner="restarted")
    assert await restarted.release_orphans() == len(CHATS)
    assert (await restarted.sweep()).sent == len(CHATS)


async def test_no_claim_is_taken_for_a_platform_not_connected_yet(world: ConsoleWorld) -> None:
    platform = SlowPlatform()
    await _broadcast_to_many(world, platform)
    early = Dispatcher(world.rt.ctx, {}, owner="early")  # adapters not started yet
    assert (await early.sweep()).sent == 0
    later = Dispatcher(world.rt.ctx, {PLATFORM: platform}, owner="later")
    assert (await later.sweep()).sent == len(CHATS)


async def test_a_claim_returns_only_the_rows_it_leased(world: ConsoleWorld) -> None:
    platform = SlowPlatform()
    await _broadcast_to_many(world, platform)
    now = world.clock.now()
    async with world.rt.ctx.db.write() as tx:
        seen = await tx.due_deliveries(now, 1000, [PLATFORM])  # what a racing dispatcher saw
        first = await tx.claim_deliveries("first", [PLATFORM], now, now + LEASE, 10)
        second = await tx.claim_deliveries("second", [PLATFORM], now, now + LEASE, 1000)
    assert len(seen) == len(CHATS) and len(first) == 10
    assert {d.id for d in first}.isdisjoint({d.id for d in second})
    assert len(first) + len(second) == len(CHATS)
