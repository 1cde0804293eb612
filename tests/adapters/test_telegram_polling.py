"""Our polling loop: an update is confirmed only after its effect, redelivery has no second
effect (Interpreter.exactly_once), network trouble only delays, and stopping is clean."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.wiring import build_adapter
from bots.telegram_bot.polling import Backoff
from core.model import IdeaStatus
from tests.adapters.test_telegram_harness import FAST, Chatroom, chatroom
from tests.texts import said


async def idea_count(tg: Chatroom) -> int:
    """Ideas in the database, whatever their status."""
    async with tg.rt.ctx.db.read() as tx:
        return await tx.count_ideas(list(IdeaStatus))


async def test_an_update_is_confirmed_only_after_it_was_processed(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        api, dm = tg.api, tg.private(tg.owner)
        api.inject_error("sendMessage", dm.id, kind="slow", delay=0.5)
        update = api.push_message(dm, tg.owner, "/idea Kettle #kitchen")

        await api.wait_for(lambda: api.requests["sendMessage"] >= 1)  # the reply is on its way
        assert await idea_count(tg) == 1  # the effect is committed...
        assert api.confirmed_offset <= update["update_id"]  # ...but not yet confirmed
        assert api.pending_updates == 1

        await tg.processed(update)
        proposed = said("idea.proposed", id=1, title="Kettle", category="kitchen")
        assert api.messages(dm)[0].plain_text == proposed
        assert api.pending_updates == 0


async def test_one_chat_in_order_many_chats_side_by_side(tmp_path: Path) -> None:
    async with chatroom(tmp_path, start=False) as tg:
        api = tg.api
        people = [api.add_user(f"P{i}") for i in range(6)]
        first = tg.private(people[0])
        updates = [api.push_message(first, people[0], f"/idea Idea number {n} #misc")
                   for n in range(3)]  # fmt: skip
        updates += [api.push_message(tg.private(p), p, "/waves") for p in people[1:]]
        await tg.start()
        await tg.processed(updates[-1])
        heard = [m.plain_text for m in api.messages(first)]
        assert heard == [
            said("idea.proposed", id=n + 1, title=f"Idea number {n}", category="misc")
            for n in range(3)
        ]  # in the order they were typed
        assert all(len(api.messages(tg.private(p))) == 1 for p in people[1:])


async def test_network_trouble_only_delays(tmp_path: Path) -> None:
    async with chatroom(tmp_path, start=False) as tg:
        api, dm = tg.api, tg.private(tg.owner)
        tg.adapter.poller.backoff = Backoff(first=0.05, cap=0.2)
        api.inject_error("getUpdates", kind="server_error", times=2)
        api.inject_error("getUpdates", kind="bad_gateway", times=1)
        update = api.push_message(dm, tg.owner, "/waves")
        await tg.start()
        await tg.processed(update)
        assert api.messages(dm)[0].plain_text == said("wave.none")
        assert api.requests["getUpdates"] >= 4


async def test_stop_confirms_what_was_processed(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        api, dm = tg.api, tg.private(tg.owner)
        update = api.push_message(dm, tg.owner, "/waves")
        await api.wait_for_messages(dm, 1)
        await asyncio.wait_for(tg.stop(), 5)
        assert api.confirmed_offset > update["update_id"]
        assert api.pending_updates == 0


async def test_the_same_update_twice_has_one_effect(tmp_path: Path) -> None:
    async with chatroom(tmp_path, start=False) as tg:
        api, dm = tg.api, tg.private(tg.owner)
        update = api.push_message(dm, tg.owner, "/idea Kettle #kitchen")
        again = api.push_update(dict(update))  # the raw payload, same update_id
        assert again["update_id"] == update["update_id"]
        await tg.start()
        await tg.processed(again)
        assert await idea_count(tg) == 1
        assert len(api.messages(dm)) == 1


async def test_redelivery_after_a_crash_has_no_second_effect(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        api, dm = tg.api, tg.private(tg.owner)
        api.inject_error("sendMessage", dm.id, kind="slow", delay=0.5)
        update = api.push_message(dm, tg.owner, "/idea Kettle #kitchen")
        await api.wait_for(lambda: api.requests["sendMessage"] >= 1)
        assert tg.task is not None
        tg.task.cancel()  # crash after the commit, before the confirmation
        await asyncio.gather(tg.task, return_exceptions=True)
        assert api.confirmed_offset <= update["update_id"]

        tg.adapter = build_adapter(tg.rt, "telegram")  # the process restarts
        tg.adapter.poller.timeout = 1
        tg.adapter.limiter.configure(FAST)
        await tg.start()
        await tg.processed(update)  # delivered again, then confirmed
        assert await idea_count(tg) == 1
