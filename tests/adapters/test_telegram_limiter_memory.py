"""The Telegram limiter forgets idle chats once it tracks many (memory stays bounded): a send
that waited for the overall budget meanwhile must not count in a forgotten bucket while
other sends to its chat fill the new one (four messages at once where three are allowed)."""

from __future__ import annotations

import asyncio
import time

import pytest

from bots.telegram_bot import Limits, SendLimiter
from bots.telegram_bot.ratelimit import _Bucket
from core.lanes import Lane

CHAT = 7
MANY = 10_001  # more chats than the limiter keeps before forgetting idle ones


async def test_a_send_queued_while_its_chat_was_forgotten_still_respects_the_burst() -> None:
    limiter = SendLimiter(Limits(overall=1000, chat=3, chat_period=3.3))
    gate, waiting = asyncio.Event(), asyncio.Event()
    granted = limiter.overall.acquire

    async def acquire(lane: Lane) -> None:
        """The first send waits for the overall budget until the test opens the gate."""
        if not waiting.is_set():
            waiting.set()
            await gate.wait()
        await granted(lane)

    limiter.overall.acquire = acquire  # type: ignore[method-assign]
    sent: list[float] = []

    async def send() -> None:
        async def callback() -> bool:
            sent.append(time.monotonic())
            return True

        await limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": CHAT}, 0)

    queued = asyncio.create_task(send())  # its chat's bucket is idle: it waits for the budget
    await waiting.wait()
    for other in range(MANY):  # many other chats: the idle ones, CHAT's too, are forgotten
        limiter.chat_wait(other + 100)
    for _ in range(3):
        await send()  # a full burst into CHAT's new bucket
    gate.set()
    await queued
    assert len(sent) == 4
    assert sent[3] - sent[0] >= 1.0  # the 4th waited for a refill (1.1 s), not sent at once


async def test_past_ten_thousand_busy_chats_a_send_does_not_scan_them_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The clean-up looked at every tracked chat on every send once 10,000 were tracked and
    none was idle yet (a broadcast to many chats): 10,000 checks per message."""
    limiter = SendLimiter(Limits(overall=1000, chat=3, chat_period=3.3))
    for chat in range(MANY):
        limiter.chat_wait(chat + 100)
        limiter._chats[str(chat + 100)].take(time.monotonic())  # busy: nothing to forget
    looked = 0
    idle = _Bucket.idle

    def counted(bucket: _Bucket, now: float) -> bool:
        nonlocal looked
        looked += 1
        return idle(bucket, now)

    monkeypatch.setattr(_Bucket, "idle", counted)
    for chat in range(1_000):  # a thousand more chats while all are busy
        limiter.chat_wait(-(chat + 100))
    assert looked <= 2 * MANY  # one clean-up, not one per send (the old code: ~10 million)
