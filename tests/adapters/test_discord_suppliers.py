"""On Discord: a maker redeems a supplier code in a DM, makes an offer through the slash
command's options, and a moderator launches a wave from it (tiers option: offer=<id>)."""

from __future__ import annotations

import re

from tests.adapters.test_discord_support import (
    Server,
    answered,
    server_fixture,  # noqa: F401
)
from tests.texts import said_markdown


async def test_supplier_offer_and_launch_on_discord(server: Server) -> None:
    olga, maker = server.owner, server.person("atelier")
    await server.say(server.max, "idea", text="Desk lamp #office")
    await server.say(olga, "approve", idea=1)
    await server.say(server.max, "want", idea=1, max_price="45")

    olga_dm, maker_dm = server.api.open_dm(olga.id), server.api.open_dm(maker.id)
    given = await server.slash(olga, "supplier", {"action": "add"}, channel=olga_dm)
    found = re.search(r"redeem ([A-Z0-9]{8})", answered(given))
    assert found is not None, answered(given)
    welcome = await server.slash(maker, "supplier", {"action": "redeem", "who": found.group(1)},
                                 channel=maker_dm)  # fmt: skip
    assert said_markdown("supplier.welcome") in answered(welcome)

    made = await server.say(maker, "offer", idea=1, tiers="1:40 3:35", options="min=2",
                            note="hand made")  # fmt: skip
    assert said_markdown("offer.made", id=1, idea=1) in made
    launched = await server.slash(olga, "launch", {"idea": 1, "tiers": "offer=1",
                                                   "duration": "2d"}, replies=2)  # fmt: skip
    text = answered(launched)
    assert said_markdown("mod.launched_offer", id=1, title="Desk lamp", moq=2, offer=1,
                         maker="atelier") in text  # fmt: skip
    await server.rt.dispatcher.sweep()
    wanter_dm = server.api.open_dm(server.max.id)
    told = [m.content + str(m.embeds) for m in server.api.messages(wanter_dm.id)]
    assert any(said_markdown("notice.maker", maker="atelier") in text for text in told)
