"""A Telegram channel has no member behind its posts: a moderator subscribes it from private."""

from __future__ import annotations

from pathlib import Path

from tests.adapters.test_telegram_harness import chatroom
from tests.texts import said


async def test_moderator_subscribes_a_channel_they_administer(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        api, owner = tg.api, tg.owner
        channel = api.add_chat("channel", "Deals", username="wavedeals")
        api.set_member_status(channel, owner, "administrator")
        other = api.add_chat("channel", "Not mine", username="notmine")

        done = await tg.say(tg.private(owner), owner, "/subscribe @wavedeals kitchen")
        assert done.text(tg.private(owner)) == said("sub.subscribed_some", categories="kitchen")
        refused = await tg.say(tg.private(owner), owner, "/subscribe @notmine")
        not_admin = said("error.not_channel_admin", channel="@notmine")
        assert refused.text(tg.private(owner)) == not_admin
        bad = await tg.say(tg.private(owner), owner, "/subscribe @x!")
        assert bad.text(tg.private(owner)) == said("error.bad_channel", value="@x!")

        await tg.say(tg.private(owner), owner, "/idea Kettle #kitchen")
        await tg.say(tg.private(owner), owner, "/approve 1")
        await tg.say(tg.private(owner), owner, "/launch 1 1:100 50:90 7d min=50")
        await tg.rt.dispatcher.sweep()
        posts = [m.plain_text for m in api.messages(channel)]
        opened = said("announce.opened", id=1, title="Kettle", category="kitchen")
        assert any(opened in text for text in posts)
        assert api.messages(other) == []

        gone = await tg.say(tg.private(owner), owner, "/unsubscribe @wavedeals")
        assert gone.text(tg.private(owner)) == said("sub.unsubscribed")
