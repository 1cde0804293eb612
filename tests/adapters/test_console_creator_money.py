"""The idea author's creator share follows the money the wave received, not its confirmations:
with manual payments, confirmed members who never paid bring nothing, a mark taken back
(/unpaid) and a payment owed back bring nothing, and a confirmed member's payment marked after
the completion is added."""

from __future__ import annotations

from datetime import timedelta

from core.messages import t
from core.money import Money
from tests.adapters.closing import sweep
from tests.conftest import ConsoleWorld
from tests.texts import eur, rendered, said


def share(revenue_cents: int) -> str:
    """Ana's /mine row for the backpack: 5 % of what it received."""
    amount, revenue = Money(revenue_cents * 5 // 100), Money(revenue_cents)
    row = t("creator.mine_row", id=1, title="Backpack", percent=5, amount=amount, revenue=revenue)
    return rendered(row)


async def test_the_creator_share_is_the_share_of_money_received(world: ConsoleWorld) -> None:
    owner, ana = world.person("owner"), world.person("ana")
    bo, cy, dan, eve = (world.person(name) for name in ("bo", "cy", "dan", "eve"))  # #3 … #6
    await ana.say("/idea Backpack #travel")  # ana (#2) is the author
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:90 2d min=2")
    for buyer in (bo, cy, dan, eve):
        await buyer.say("/join 1")
    await owner.say("/close 1")
    await owner.say("1")  # Yes, close #1 now: four backpacks at 90 €
    for buyer in (bo, cy, dan):
        await buyer.say("/confirm 1")  # three confirm; eve gives her place up
    await eve.say("/withdraw 1")
    assert said("paid.marked", member=3, name="Bo", id=1, amount=eur(90)) in await owner.say(
        "/paid 1 #3"
    )
    await owner.say("/paid 1 #4")
    await owner.say("/unpaid 1 #4")  # marked by mistake: cy has not paid, and awaits again
    await owner.say("/paid 1 #6")  # eve's transfer arrives after she withdrew: owed back
    assert said("refunded.done", member=6, name="Eve", id=1, amount=eur(90)) in await owner.say(
        "/refunded 1 #6"
    )
    world.clock.advance(timedelta(days=7, minutes=1))
    await sweep(world)  # completed on bo's and dan's confirmations; only bo's 90 € were received
    mine = await ana.say("/mine")
    assert share(9000) in mine  # 4.50 €, not 5 % of two confirmed backpacks (9 €)
    assert said("creator.stats_row", amount=eur(4.5), waves=1) in await owner.say("/stats")

    await owner.say("/paid 1 #5")  # dan confirmed in time and pays after the completion
    assert share(18000) in await ana.say("/mine")
    await owner.say("/unpaid 1 #5")  # …or it was a mistake
    assert share(9000) in await ana.say("/mine")
    await sweep(world)  # a repeated sweep changes nothing
    assert share(9000) in await ana.say("/mine")
