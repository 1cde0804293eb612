"""On Telegram: a maker redeems a supplier code, reads a brief with its chart, makes an offer
whose note stays text; a moderator launches from it and the wanter hears who answered."""

from __future__ import annotations

import re
from pathlib import Path

from tests.adapters.test_telegram_harness import chatroom
from tests.texts import said, said_html


async def test_supplier_brief_offer_and_launch_on_telegram(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        owner, api = tg.owner, tg.api
        ana, maker = api.add_user("Ana"), api.add_user("Atelier <Lyon>")
        owner_dm, ana_dm, maker_dm = tg.private(owner), tg.private(ana), tg.private(maker)
        await tg.say(ana_dm, ana, "/idea Desk lamp #office")
        await tg.say(owner_dm, owner, "/approve 1")
        await tg.say(ana_dm, ana, "/want 1 45")

        given = (await tg.say(owner_dm, owner, "/supplier add")).text(owner_dm)
        found = re.search(r"/supplier redeem ([A-Z0-9]{8})", given)
        assert found is not None
        redeemed = await tg.say(maker_dm, maker, f"/supplier redeem {found.group(1)}")
        assert said("supplier.welcome") in redeemed.text(maker_dm)

        brief = await tg.say(maker_dm, maker, "/brief 1")
        assert said("brief.header", id=1, title="Desk lamp", category="office") in brief.text(
            maker_dm
        )
        chart = [m for m in api.messages(maker_dm) if m.kind == "photo"]
        assert chart and chart[-1].file is not None and chart[-1].file.data[:4] == b"\x89PNG"

        made = await tg.say(maker_dm, maker, "/offer 1 1:40 3:35 min=2 <b>hand made</b>")
        assert said("offer.made", id=1, idea=1) in made.text(maker_dm)
        compared = await tg.say(owner_dm, owner, "/offers 1")
        [shown] = compared.in_(owner_dm)
        assert said_html("offers.note", note="<b>hand made</b>") in shown.text
        assert "&lt;b&gt;hand made&lt;/b&gt;" in shown.text

        await tg.say(owner_dm, owner, "/launch 1 offer=1 2d")
        assert await tg.rt.dispatcher.sweep()
        notice = api.messages(ana_dm)[-1]
        assert said("notice.maker", maker="Atelier <Lyon>") in notice.plain_text
        assert "Atelier &lt;Lyon&gt;" in notice.text
        chosen = said("offer.chosen", id=1, wave=1, title="Desk lamp")
        assert any(chosen in m.plain_text for m in api.messages(maker_dm))
