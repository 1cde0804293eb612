"""Through real python-telegram-bot against the fake Bot API (issue 13): /waves is answered while
the single writer is held; a moderator's getChatMember is never asked while the update's own
write is open; the pledge that follows still has its effect once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from core.ports import AdminCheck
from core.services import waves
from devtools.fakes.telegram_api import FakeTelegramAPI
from devtools.fakes.telegram_models import FakeChat
from storage.database import SqlDatabase
from tests.adapters.test_telegram_harness import chatroom
from tests.integration.test_read_path import writer_held
from tests.texts import said


class Probe:
    """The real Telegram admin check, noting whether the asking task held the writer."""

    def __init__(self, real: AdminCheck, db: SqlDatabase) -> None:
        self.real, self.db = real, db
        self.asked_inside_write = 0
        self.asked = 0

    async def is_admin(self, chat_id: str, user_id: str) -> bool:
        """Note, then ask Telegram (getChatMember through PTB)."""
        self.asked += 1
        self.asked_inside_write += self.db.writing_here()
        return await self.real.is_admin(chat_id, user_id)


async def _posted(api: FakeTelegramAPI, chat: FakeChat, text: str) -> None:
    """Wait (a few seconds at most) until the bot posted a message containing `text` there."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5.0
    while loop.time() < deadline:
        if any(text in message.plain_text for message in api.messages(chat)):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"the bot never said {text!r}")


async def test_waves_is_answered_while_the_writer_is_held(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        owner, api = tg.owner, tg.api
        dm = tg.private(owner)
        for typed in ("/idea Kettle #kitchen", "/approve 1", "/launch 1 1:100 50:90 7d"):
            await tg.say(dm, owner, typed)
        max_ = api.add_user("Max")
        inbox = tg.private(max_)
        await tg.say(inbox, max_, "/start")
        async with writer_held(tg.rt.ctx.db):
            api.push_message(inbox, max_, "/waves")
            await _posted(api, inbox, said("wave.list_header", count=1))
        joined = await tg.say(inbox, max_, "/join 1")
        assert said("pledge.joined", id=1, title="Kettle", qty=1) in joined.text(inbox)


async def test_a_moderators_admin_check_never_runs_inside_the_write(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        api, owner = tg.api, tg.owner
        staff = api.add_chat("supergroup", "Staff")
        admin = api.add_user("Adele")
        api.set_member_status(staff, admin, "administrator")
        await tg.say(staff, owner, "/modchat")
        probe = Probe(tg.rt.ctx.admin_checks["telegram"], tg.rt.db)
        tg.rt.ctx.admin_checks["telegram"] = probe
        dm = tg.private(admin)
        await tg.say(dm, admin, "/idea Solar lamp #garden")
        approved = await tg.say(dm, admin, "/approve 1")
        assert approved.text(dm) == said("mod.approved", id=1, title="Solar lamp")
        await tg.say(dm, admin, "/launch 1 1:30 10:25 7d")
        assert (await waves.get(tg.rt.ctx, 1)).title == "Solar lamp"
        assert probe.asked >= 2 and probe.asked_inside_write == 0
