"""Replies owed to a chat at its send limit: in order per chat, the notice first, and one failing
reply does not stop the rest (bots/telegram_bot/backlog.py)."""

from __future__ import annotations

import asyncio

from bots.telegram_bot.backlog import ChatBacklog


def test_a_chat_with_room_and_nothing_owed_is_answered_in_place() -> None:
    backlog = ChatBacklog(lambda chat_id: 0.0 if chat_id == 1 else 0.8)
    assert not backlog.must_wait([1])
    assert backlog.must_wait([1, 2])  # a private answer to a press in a group: both chats count


async def test_owed_replies_go_in_order_the_urgent_one_first_failures_skipped() -> None:
    sent: list[str] = []
    gate = asyncio.Event()
    backlog = ChatBacklog(lambda chat_id: 0.0)

    def reply(text: str, fail: bool = False):  # type: ignore[no-untyped-def]
        async def send() -> None:
            await gate.wait()
            if fail:
                raise RuntimeError("429 forever")
            sent.append(text)

        return send

    backlog.add(7, reply("first"))
    backlog.add(7, reply("second", fail=True))
    backlog.add(7, reply("third"))
    backlog.add(8, reply("other chat"))
    await asyncio.sleep(0)  # each chat's worker takes its first reply and waits on the send
    backlog.add(7, reply("slow down"), urgent=True)
    assert backlog.must_wait([7])  # still owes: a new reply queues behind, even with room
    assert backlog.owed() == 3  # second, third and the notice; the first ones are being sent
    gate.set()
    await backlog.drain(5)
    assert [text for text in sent if text != "other chat"] == ["first", "slow down", "third"]
    assert "other chat" in sent
    assert backlog.owed() == 0 and not backlog.must_wait([7, 8])


async def test_at_stop_what_cannot_be_sent_in_time_is_given_up() -> None:
    backlog = ChatBacklog(lambda chat_id: 0.0)
    backlog.add(7, asyncio.Event().wait)  # never finishes
    await backlog.drain(0.05)
    assert backlog.owed() == 0 and not backlog.must_wait([7])
