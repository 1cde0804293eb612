"""A live card delivered late through the outbox must not stay stale.

Found by test_composition.py: with Telegram's per-chat limits, the wave-opened broadcast to the
group where /launch was typed goes out seconds after the launch. Members who join meanwhile move
the wave, yet the broadcast (rendered at opening) was registered as the chat's live card as if it
were current, so the card sweep never edited it until someone else joined. Here the delay is
reproduced deterministically: the dispatcher simply runs after the joins.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from core.services import cards
from tests.adapters.test_telegram_harness import buttons, chatroom
from tests.texts import said


async def test_a_late_broadcast_card_is_brought_up_to_date(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        owner, api = tg.owner, tg.api
        group = api.add_chat("supergroup", "Buyers")
        await tg.say(tg.private(owner), owner, "/idea Kettle #kitchen")
        await tg.say(tg.private(owner), owner, "/approve 1")
        await tg.say(group, owner, "/subscribe")
        launch_card = (await tg.say(group, owner, "/launch 1 1:30 10:25 7d min=5")).in_(group)[-1]
        for name in ("Ann", "Bob", "Cid"):
            await tg.press(group, api.add_user(name), launch_card, "join:1")

        await tg.rt.dispatcher.sweep()  # the opening broadcast goes out only now
        announced = said("announce.opened", id=1, title="Kettle", category="kitchen")
        [opened] = [m for m in api.messages(group) if announced in m.plain_text]
        # Rendered when the wave opened.
        assert said("wave.progress", bar="▱" * 10, units=0, goal=5) in opened.plain_text
        assert buttons(opened)[said("button.join")] == "join:1"  # it is the chat's live card now

        tg.clock.advance(timedelta(minutes=1))
        await cards.refresh(tg.rt.ctx, tg.rt.messengers)
        progress = said("wave.progress", bar="▰▰▰▰▰▰▱▱▱▱", units=3, goal=5)
        assert progress in api.message(group, opened.message_id).plain_text
