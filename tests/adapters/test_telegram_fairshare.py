"""Fair share through real python-telegram-bot against the fake Bot API (issue 13): a flooder's
owed replies wait for their chat's send window without holding up anyone else, and presses over
the budget get the notice as their toast."""

from __future__ import annotations

from pathlib import Path

from tests.adapters.test_telegram_harness import chatroom
from tests.texts import said

BUDGET = 10  # the flooder's actions per window in the first test


async def test_others_are_answered_while_replies_owed_to_a_flooder_wait(tmp_path: Path) -> None:
    options = {"member_actions": BUDGET}
    async with chatroom(tmp_path, fast=False, fair=True, options=options) as tg:
        api = tg.api
        flood, ann = api.add_user("Flo"), api.add_user("Ann")
        dm, group = tg.private(flood), api.add_chat("supergroup", "Buyers")
        typed = [api.push_message(dm, flood, "/waves") for _ in range(BUDGET + 5)]
        await tg.processed(typed[-1])  # every flood update confirmed: none holds the batch
        assert tg.adapter.backlog.owed() > 0  # ~1 message/s to one chat: most replies still owed

        heard = await tg.say(group, ann, "/waves")
        assert heard.text(group) == said("wave.none")  # served while the flooder's queue waits
        assert len(api.messages(dm)) < BUDGET + 1

        flooded = await api.wait_for_messages(dm, BUDGET + 1, timeout=30)
        texts = [message.plain_text for message in flooded]
        assert texts.count(said("wave.none")) == BUDGET
        assert texts.count(said("fairshare.slow_down", seconds=15)) == 1
        assert texts[-1] == said("wave.none")  # the notice went ahead of the answers still owed
        await tg.stop()
        async with tg.rt.ctx.db.read() as tx:  # dropped updates are recorded as handled too
            assert all([await tx.key_claimed(f"telegram:{u['update_id']}") for u in typed])


async def test_presses_over_the_budget_get_the_notice_as_their_toast(tmp_path: Path) -> None:
    async with chatroom(tmp_path, fair=True) as tg:
        api = tg.api
        presser = api.add_user("Pat")
        dm = tg.private(presser)
        settings = (await tg.say(dm, presser, "/settings")).in_(dm)[-1]  # action 1 of 20
        toasts = [(await tg.press(dm, presser, settings, "notify:on")).toast for _ in range(25)]
        texts = [toast.text if toast is not None else "?" for toast in toasts]
        assert texts[:19] == [said("settings.notify_on")] * 19
        assert texts[19] == said("fairshare.slow_down", seconds=15)
        assert texts[20:] == [None] * 5  # the spinner stops, nothing more is said
        assert len(api.messages(dm)) == 1 + 19  # the card, then the served presses' answers
