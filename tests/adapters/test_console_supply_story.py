"""The issue's story end to end on the console, with the simulated provider: a supplier redeems
a code, reads a brief, makes an offer; a moderator launches from it; the wave completes; the
author sees their creator share; members receive a personal newsletter."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from core.messages import t
from core.money import Money
from core.services import creator, newsletter
from core.services.providers import PaymentDesk, SimulatedProvider
from tests.adapters.closing import sweep
from tests.adapters.inbox import inbox_of
from tests.adapters.supply_story import make_supplier, wanted_lamp
from tests.adapters.test_console_order import read_sheet
from tests.conftest import ConsoleWorld, Person
from tests.texts import eur, rendered, said


async def pay(person: Person) -> None:
    """/pay 1 and press the simulated provider's button."""
    await person.say("/pay 1")
    await person.say("1")


async def test_supplier_offer_wave_share_and_newsletter(
    world: ConsoleWorld, tmp_path: Path
) -> None:
    world.rt.ctx.payments = PaymentDesk(default=SimulatedProvider())
    inbox = inbox_of(world)
    owner, ana, bo, cy = await wanted_lamp(world)  # ana is the lamp's author
    maker = await make_supplier(world, owner, "maker", tmp_path)
    assert said("brief.header", id=1, title="Desk lamp", category="office") in await maker.say(
        "/brief 1"
    )
    assert said("offer.made", id=1, idea=1) in await maker.say("/offer 1 1:40 3:35 min=2")
    assert said("mod.launched_offer", id=1, title="Desk lamp", moq=2, offer=1,
                maker="Maker") in await owner.say("/launch 1 offer=1 2d")  # fmt: skip
    dan = world.person("dan")  # a member since the start, who follows #office
    await dan.say("/follow office")
    for buyer in (ana, bo, cy):
        await buyer.say("/join 1")
    world.clock.advance(timedelta(hours=2))
    await owner.say("/close 1")
    await owner.say("1")  # Yes, close #1 now: 3 units at 35 €
    for buyer in (ana, bo, cy):
        await pay(buyer)
    await sweep(world)
    await sweep(world)  # a repeated sweep credits nothing twice

    completed = said("announce.completed", id=1, title="Desk lamp", units=3, price=eur(35))
    assert completed in inbox.texts("maker")  # the supplier hears its wave's outcome
    row = t("creator.mine_row", id=1, title="Desk lamp", percent=5, amount=Money(525),
            revenue=Money(10500))  # fmt: skip
    mine = await ana.say("/mine")
    assert said("creator.mine_header") in mine and rendered(row) in mine
    assert said("creator.mine_header") not in await bo.say("/mine")
    assert said("creator.stats_row", amount=eur(5.25), waves=1) in await owner.say("/stats")
    async with world.rt.ctx.db.read() as tx:
        line = await creator.export_share_line(tx, 1)
        row = await creator.export_share_row(tx, 1)
        assert await creator.export_share_line(tx, 2) is None  # no credit for that wave
    assert line is not None and rendered(line) == said("creator.export_line", percent=5,
                                                        amount=eur(5.25))  # fmt: skip
    assert row == ("creator.csv_share", "5.25")
    owner.session.attachment_dir = tmp_path
    await owner.say("/export 1 order")
    summary, _ = read_sheet(tmp_path / "wave-1-order.csv")
    assert summary[said("creator.csv_share")] == "5.25"  # the author's share in the order

    async with world.rt.ctx.db.read() as tx:  # /mydata's content: each one's own side
        ids = [await tx.member_for_account(p.session.actor.account) for p in (maker, ana)]
        makers, authors = [await tx.member_data(m.id) for m in ids if m is not None]
    assert len(makers["supplier"]) == 1
    assert [(o["id"], o["status"], o["wave_id"]) for o in makers["offers"]] == [(1, "chosen", 1)]
    assert [(c["wave_id"], c["amount_cents"]) for c in authors["creator_credits"]] == [(1, 525)]
    assert authors["offers"] == [] and makers["creator_credits"] == []

    # The maker posts its own wave's shipping and delivery; another supplier cannot.
    rival = await make_supplier(world, owner, "rival")
    assert said("error.not_moderator") in await rival.say("/ship 1 DHL 42")
    assert said("fulfilment.shipped", id=1, title="Desk lamp") in await maker.say("/ship 1 DHL 42")
    assert said("fulfilment.delivered", id=1, title="Desk lamp") in await maker.say("/delivered 1")
    await world.deliver()
    assert said("talk.review_ask", id=1, title="Desk lamp") in inbox.texts("bo")[-1]

    world.clock.advance(timedelta(days=15) - timedelta(hours=2))  # a period of membership
    await owner.say("/idea Kettle #kitchen")
    await owner.say("/approve 2")
    await owner.say("/launch 2 1:30 10:25 7d")
    inbox.sent.clear()
    assert await newsletter.send_due(world.rt.ctx) >= 2
    await world.deliver()
    [bo_letter] = inbox.texts("bo")
    assert said("newsletter.header") in bo_letter
    assert said("newsletter.results", lines="").strip() in bo_letter  # the lamp's result
    assert "#1 Desk lamp" in bo_letter and "#2 Kettle" in bo_letter
    [dan_letter] = inbox.texts("dan")
    assert said("newsletter.waves", lines="").strip() in dan_letter
    assert said("wave.gap_next", more=10, price=eur(25)) in dan_letter
    assert await newsletter.send_due(world.rt.ctx) == 0  # once per period


async def test_the_share_and_the_newsletter_in_french(world: ConsoleWorld) -> None:
    world.rt.ctx.payments = PaymentDesk(default=SimulatedProvider())
    inbox = inbox_of(world)
    owner, julie, remi = world.person("owner"), world.person("julie"), world.person("remi")
    await julie.say("/lang fr")
    await remi.say("/lang fr")
    await julie.say("/idee Lampe de bureau #bureau")
    await owner.say("/approve 1")
    await remi.say("/veux 1 50")
    await owner.say("/launch 1 1:40 2:36 2d min=2")
    await julie.say("/join 1")
    await remi.say("/join 1")
    world.clock.advance(timedelta(hours=2))
    await owner.say("/close 1")
    await owner.say("1")
    for buyer in (julie, remi):
        await pay(buyer)
    await sweep(world)
    row = t("creator.mine_row", id=1, title="Lampe de bureau", percent=5, amount=Money(360),
            revenue=Money(7200))  # fmt: skip
    mine = await julie.say("/mine")
    assert said("creator.mine_header", "fr") in mine and rendered(row, "fr") in mine
    assert "3,60\xa0€" in mine

    world.clock.advance(timedelta(days=15) - timedelta(hours=2))
    await owner.say("/idea Bouilloire #cuisine")
    await owner.say("/approve 2")
    await owner.say("/launch 2 1:30 10:25 7d")
    inbox.sent.clear()
    await newsletter.send_due(world.rt.ctx)
    await world.deliver()
    [letter] = inbox.texts("remi")
    assert said("newsletter.header", "fr") in letter
    assert said("wave.gap_next", "fr", more=10, price=eur(25)) in letter
    assert said("newsletter.results", "fr", lines="").strip() in letter
