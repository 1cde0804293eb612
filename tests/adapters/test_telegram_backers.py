"""On Telegram, a wanter hears in private when the idea launches, with Join and View buttons."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from core.messages import until
from tests.adapters.test_telegram_harness import buttons, chatroom
from tests.texts import eur, said, said_html


async def test_wanter_and_author_notices_reach_their_private_chats(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        owner, api = tg.owner, tg.api
        author, fan = api.add_user("Ana"), api.add_user("Félix")
        author_dm, fan_dm, owner_dm = tg.private(author), tg.private(fan), tg.private(owner)
        await tg.say(author_dm, author, "/idea Cast <iron> pan #kitchen")
        await tg.say(owner_dm, owner, "/approve 1")
        await tg.say(fan_dm, fan, "/lang fr")
        await tg.say(fan_dm, fan, "/want 1 40")
        await tg.say(owner_dm, owner, "/launch 1 1:50 100:35 7d")
        assert await tg.rt.dispatcher.sweep()

        [approved] = api.messages(author_dm)[-1:]
        assert approved.text == said_html("notice.approved", id=1, title="Cast <iron> pan")
        assert "&lt;iron&gt;" in approved.text  # the author's title stays text, not markup

        notice = api.messages(fan_dm)[-1]
        head = said("notice.launched", "fr", id=1, title="Cast <iron> pan", price=eur(50))
        falls = said("notice.max_later", "fr", max=eur(40), price=eur(50), target=eur(35),
                     units=100)  # fmt: skip
        assert head in notice.plain_text and falls in notice.plain_text
        now = tg.clock.now()
        deadline = now + timedelta(days=7)
        closes = said("wave.closes", "fr", deadline=deadline, left=until(deadline, now))
        assert closes in notice.plain_text
        assert buttons(notice) == {said("button.join", "fr"): "join:1",
                                   said("button.view", "fr"): "wave:1"}  # fmt: skip
