"""The delivery port against the fake Bot API: every Telegram answer maps to an outbox outcome,
and sends stay under the platform limits."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from telegram.error import RetryAfter

from bots.telegram_bot import Limits, SendLimiter
from core.messages import Attachment, Button, Reply, t
from core.ports import SendOutcome
from devtools.fakes.telegram_models import TelegramLimits
from tests.adapters.test_telegram_harness import chatroom

HELLO = Reply(body=(t("plain", text="hello"),))
BYE = Reply(body=(t("plain", text="bye"),))


async def test_outcomes_of_sends(tmp_path: Path) -> None:
    async with chatroom(tmp_path, start=False) as tg:
        api, send = tg.api, tg.adapter.messenger.send
        user, group = api.add_user("Ann"), api.add_chat("group", "Old group")
        dm = tg.private(user)

        sent = await send(str(dm.id), HELLO, "en")
        assert sent.outcome is SendOutcome.SENT and sent.message_id == "1"

        api.block_bot(user)
        assert (await send(str(dm.id), HELLO, "en")).outcome is SendOutcome.GONE
        stranger = api.add_user("Stan")  # never started the bot
        assert (await send(str(stranger.id), HELLO, "en")).outcome is SendOutcome.GONE

        kicked_from = api.add_chat("supergroup", "Kicked")
        api.set_member_status(kicked_from, api.bot, "kicked")
        gone = await send(str(kicked_from.id), HELLO, "en")
        assert gone.outcome is SendOutcome.GONE and "kicked" in gone.error
        assert (await send("-999999", HELLO, "en")).outcome is SendOutcome.GONE  # chat not found

        new = api.migrate_chat(group)
        moved = await send(str(group.id), HELLO, "en")
        assert moved.outcome is SendOutcome.MIGRATED and moved.new_chat_id == str(new.id)
        assert (await send(str(new.id), HELLO, "en")).outcome is SendOutcome.SENT

        other = api.add_chat("supergroup", "Busy")
        api.inject_error("sendMessage", other.id, kind="retry_after", retry_after=7)
        started = time.monotonic()
        flood = await send(str(other.id), HELLO, "en")
        assert flood.outcome is SendOutcome.RETRY and flood.retry_after == 7
        assert time.monotonic() - started < 2  # reported to the dispatcher, not slept through

        api.inject_error("sendMessage", other.id, kind="bad_request", description="Bad Request: x")
        assert (await send(str(other.id), HELLO, "en")).outcome is SendOutcome.FAILED
        api.inject_error("sendMessage", other.id, kind="server_error")
        assert (await send(str(other.id), HELLO, "en")).outcome is SendOutcome.RETRY
        api.inject_error("sendMessage", other.id, kind="bad_gateway")
        assert (await send(str(other.id), HELLO, "en")).outcome is SendOutcome.RETRY
        assert (await send(str(other.id), HELLO, "en")).outcome is SendOutcome.SENT


async def test_outcomes_of_card_edits(tmp_path: Path) -> None:
    async with chatroom(tmp_path, start=False) as tg:
        api, messenger = tg.api, tg.adapter.messenger
        group = api.add_chat("supergroup", "Buyers")
        card = await messenger.send(str(group.id), HELLO, "en")

        same = await messenger.edit(str(group.id), card.message_id, HELLO, "en")
        assert same.outcome is SendOutcome.SENT  # "message is not modified" is success
        assert (await messenger.edit(str(group.id), card.message_id, BYE, "en")).outcome is (
            SendOutcome.SENT
        )
        assert api.message(group, int(card.message_id)).plain_text == "bye"
        missing = await messenger.edit(str(group.id), "777", BYE, "en")
        assert missing.outcome is SendOutcome.GONE  # the card was deleted: forget it
        api.inject_error("editMessageText", group.id, kind="retry_after", retry_after=3)
        flood = await messenger.edit(str(group.id), card.message_id, HELLO, "en")
        assert flood.outcome is SendOutcome.RETRY and flood.retry_after == 3


async def test_a_migrated_subscribed_group_is_followed(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        api, owner = tg.api, tg.owner
        dm, group = tg.private(owner), api.add_chat("group", "Buyers")
        await tg.say(group, owner, "/subscribe")
        await tg.say(dm, owner, "/idea Kettle #kitchen")
        await tg.say(dm, owner, "/approve 1")
        await tg.say(dm, owner, "/launch 1 1:30 10:25 7d")
        supergroup = api.migrate_chat(group)

        await tg.rt.dispatcher.sweep()  # the old id answers "migrated": the core moves the chat
        await tg.rt.dispatcher.sweep()
        assert any("Kettle" in m.plain_text for m in api.messages(supergroup))
        assert not any("Kettle" in m.plain_text for m in api.messages(group))
        async with tg.rt.ctx.db.read() as tx:
            targets = await tx.all_subscribed_targets()
        assert [target.chat_id for target in targets] == [str(supergroup.id)]


async def test_sends_stay_under_the_fake_telegram_limits(tmp_path: Path) -> None:
    strict = TelegramLimits(per_chat_per_second=10.0, per_chat_burst=3)
    async with chatroom(tmp_path, start=False, enforce_limits=True, limits=strict) as tg:
        dm = tg.private(tg.api.add_user("Ann"))
        tg.adapter.limiter.configure(Limits(chat=3, chat_period=0.4))  # a margin for latency
        results = await asyncio.gather(
            *(tg.adapter.messenger.send(str(dm.id), HELLO, "en") for _ in range(9))
        )
        assert {r.outcome for r in results} == {SendOutcome.SENT}
        assert tg.api.limit_violations == 0

        tg.adapter.limiter.configure(Limits(chat=1000, chat_period=0.3))  # no throttling
        results = await asyncio.gather(
            *(tg.adapter.messenger.send(str(dm.id), HELLO, "en") for _ in range(9))
        )
        assert SendOutcome.RETRY in {r.outcome for r in results}  # the fake answers 429s
        assert tg.api.limit_violations > 0


async def test_limiter_windows_and_retries() -> None:
    limiter = SendLimiter(Limits(overall=100, group=3, group_period=0.3, chat=100))
    calls: list[tuple[str, float]] = []

    async def call(endpoint: str, chat_id: int, rate_limit_args: int | None = None) -> Any:
        async def callback() -> bool:
            calls.append((endpoint, time.monotonic()))
            return True

        return await limiter.process_request(callback, (), {}, endpoint, {"chat_id": chat_id},
                                             rate_limit_args)  # fmt: skip

    started = time.monotonic()
    await asyncio.gather(*(call("sendMessage", -100) for _ in range(6)))
    sends = sorted(at - started for _, at in calls)
    assert sends[2] < 0.1 and sends[3] >= 0.29  # 3 per 0.3 s in one group
    calls.clear()
    await asyncio.gather(*(call("getChatMember", -100) for _ in range(10)))
    assert len(calls) == 10 and max(at for _, at in calls) - min(at for _, at in calls) < 0.1

    failures = [RetryAfter(1), RetryAfter(1)]

    async def flaky() -> bool:
        if failures:
            raise failures.pop()
        return True

    with pytest.raises(RetryAfter):  # broadcasts: no retry, the outbox reschedules
        await limiter.process_request(flaky, (), {}, "sendMessage", {"chat_id": 5}, None)
    assert await limiter.process_request(flaky, (), {}, "sendMessage", {"chat_id": 5}, 1)


async def test_a_chat_refills_one_send_at_a_time_after_a_burst() -> None:
    """Telegram admits about one message a second per chat after a short burst: once three
    milestones went out together, a fourth waits one refill, not a whole 3 s window."""
    skipped = [0.0]  # the clock runs, and the test jumps it ahead
    limits = Limits(overall=1000, chat=3, chat_period=3.3)
    limiter = SendLimiter(limits, clock=lambda: time.monotonic() + skipped[0])

    async def send(chat_id: int) -> None:
        async def callback() -> bool:
            return True

        await limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": chat_id}, 0)

    for _ in range(3):
        await send(-42)
    assert limiter.chat_wait(-42) == pytest.approx(1.1, abs=0.05)  # the old window said 3.3 s
    assert limiter.chat_wait(7) == 0  # another chat is untouched
    skipped[0] += 1.1
    assert limiter.chat_wait(-42) == 0
    await send(-42)
    assert limiter.chat_wait(-42) == pytest.approx(1.1, abs=0.05)  # then one per 1.1 s
    skipped[0] += 10
    for _ in range(3):
        await send(-42)  # a full bucket again: a burst of three, never more
    assert limiter.chat_wait(-42) == pytest.approx(1.1, abs=0.05)


async def test_admin_check_never_raises(tmp_path: Path) -> None:
    async with chatroom(tmp_path, start=False) as tg:
        api, check = tg.api, tg.adapter.admin_check
        group, user = api.add_chat("supergroup", "Staff"), api.add_user("Adele")
        api.set_member_status(group, user, "administrator")
        assert await check.is_admin(str(group.id), str(user.id)) is True
        assert await check.is_admin(str(group.id), "424242") is False  # unknown user
        assert await check.is_admin("-5", str(user.id)) is False  # unknown chat
        gone = api.add_chat("supergroup", "Left")
        api.set_member_status(gone, user, "creator")
        api.set_member_status(gone, api.bot, "left")
        assert await check.is_admin(str(gone.id), str(user.id)) is False
        api.inject_error("getChatMember", kind="server_error")
        assert await check.is_admin(str(group.id), "31337") is False


async def test_attachments_follow_the_text(tmp_path: Path) -> None:
    async with chatroom(tmp_path, start=False) as tg:
        api, group = tg.api, tg.api.add_chat("supergroup", "Suppliers")
        csv = Attachment("wave-1.csv", b"member,quantity\n1,2\n")
        png = Attachment("demand.png", b"\x89PNG\r\n\x1a\n fake", kind="image")
        reply = Reply(body=(t("plain", text="Export of wave #1"),), attachments=(csv, png),
                      buttons=((Button(t("button.join"), "join:1"),),))  # fmt: skip
        sent = await tg.adapter.messenger.send(str(group.id), reply, "en")
        text, document, photo = api.messages(group)
        assert sent.message_id == str(text.message_id)  # the message with the buttons
        assert text.plain_text == "Export of wave #1" and text.reply_markup is not None
        assert document.kind == "document" and document.file is not None
        assert (document.file.file_name, document.file.data) == ("wave-1.csv", csv.data)
        assert photo.kind == "photo" and photo.file is not None and photo.file.data == png.data

        only_file = Reply(body=(), attachments=(csv,))
        assert (await tg.adapter.messenger.send(str(group.id), only_file, "en")).message_id == str(
            api.messages(group)[-1].message_id
        )
