"""Offers as chat transcripts: a supplier answers a brief, moderators compare offers against
the demand curve and launch a wave from one; wanters hear which maker answered, the chosen
supplier follows its wave, the others hear they were not chosen; each refusal is specific."""

from __future__ import annotations

from core.messages import t
from core.money import Money
from tests.adapters.inbox import inbox_of
from tests.adapters.supply_story import make_supplier, wanted_lamp
from tests.conftest import ConsoleWorld
from tests.texts import eur, rendered, said


async def test_offers_are_refused_with_a_specific_reason(world: ConsoleWorld) -> None:
    owner, ana, *_ = await wanted_lamp(world)
    maker = await make_supplier(world, owner, "maker")
    assert said("error.tiers_price_order", units=3) in await maker.say("/offer 1 1:40 3:45")
    assert said("error.idea_not_found", id=7) in await maker.say("/offer 7 1:40 3:35")
    assert said("error.not_supplier") in await ana.say("/offer 1 1:40 3:35")
    await ana.say("/idea Pending lamp #office")
    assert said("error.offer_idea_not_open", id=2) in await maker.say("/offer 2 1:40")
    assert said("error.offer_lead_range", max_days=365) in await maker.say(
        "/offer 1 1:40 lead=400d"
    )
    await owner.say("/launch 1 1:40 3:35 2d")
    assert said("error.offer_idea_launched", id=1) in await maker.say("/offer 1 1:40 3:35")


async def test_a_supplier_withdraws_its_offer_until_chosen(world: ConsoleWorld) -> None:
    owner, *_ = await wanted_lamp(world)
    maker, other = [await make_supplier(world, owner, n) for n in ("maker", "other")]
    made = await maker.say("/offer 1 1:40 3:35 min=2 cap=50 lead=10d made in Lyon")
    assert said("offer.made", id=1, idea=1) in made
    assert said("offer.cap", cap=50) in made and "10 days" in made
    assert said("error.offer_not_yours", id=1) in await other.say("/unoffer 1")
    assert said("offer.withdrawn", id=1, idea=1) in await maker.say("/unoffer 1")
    status = t("offer_status.withdrawn")
    assert said("error.offer_not_open", id=1, status=status) in await maker.say("/unoffer 1")
    assert said("error.offer_not_found", id=5) in await maker.say("/unoffer 5")


async def test_moderators_compare_offers_against_the_demand_curve(world: ConsoleWorld) -> None:
    owner, *_ = await wanted_lamp(world)  # wanted up to 45 €, up to 38 €, at any price
    maker, other = [await make_supplier(world, owner, n) for n in ("maker", "other")]
    await maker.say("/offer 1 1:40 3:35 min=2 made in Lyon")
    await other.say("/offer 1 1:50 10:30")
    shown = await owner.say("/offers 1")
    assert said("offers.header", id=1, title="Desk lamp", count=2) in shown
    assert said("offers.row", id=1, supplier="Maker", status=t("offer_status.open")) in shown
    assert said("offers.note", note="made in Lyon") in shown
    meets = t("offers.meets", moq=2)
    assert rendered(t("offers.forecast", units=3, price=eur(35), paying=3, verdict=meets)) in shown
    short = t("offers.short", moq=10)
    assert rendered(t("offers.forecast", units=1, price=eur(50), paying=1, verdict=short)) in shown


async def test_launch_from_an_offer_tells_wanters_the_maker_and_suppliers_the_choice(
    world: ConsoleWorld,
) -> None:
    inbox = inbox_of(world)
    owner, ana, bo, _ = await wanted_lamp(world)
    maker, other = [await make_supplier(world, owner, n) for n in ("maker", "other")]
    await maker.say("/offer 1 1:40 3:35 min=2")
    await other.say("/offer 1 1:50 10:30")
    assert said("error.offer_other_idea", id=1, idea=1) in await owner.say("/launch 2 offer=1 2d")
    assert said("error.launch_offer_options") in await owner.say("/launch 1 offer=1 2d min=5")
    assert said("error.not_moderator") in await maker.say("/launch 1 offer=1 2d")
    launched = await owner.say("/launch 1 offer=1 2d")
    assert said("mod.launched_offer", id=1, title="Desk lamp", moq=2, offer=1,
                maker="Maker") in launched  # fmt: skip
    await world.deliver()
    assert said("notice.maker", maker="Maker") in inbox.texts("ana")[-1]
    assert said("offer.chosen", id=1, wave=1, title="Desk lamp") in inbox.texts("maker")
    assert said("offer.declined", id=2, idea=1, title="Desk lamp") in inbox.texts("other")
    status = t("offer_status.chosen")
    assert said("error.offer_not_open", id=1, status=status) in await maker.say("/unoffer 1")

    await ana.say("/join 1")
    await bo.say("/join 1")  # 2 units: the minimum, a milestone the supplier hears too
    await world.deliver()
    milestone = said("announce.milestone", count=2, id=1, title="Desk lamp", price=eur(40))
    assert any(milestone in text for text in inbox.texts("maker"))
    assert not any(milestone in text for text in inbox.texts("other"))


async def test_offers_in_french(world: ConsoleWorld) -> None:
    inbox = inbox_of(world)
    owner, ana, *_ = await wanted_lamp(world)
    await ana.say("/lang fr")
    julie = await make_supplier(world, owner, "julie")
    await julie.say("/lang fr")
    assert said("error.tiers_price_order", "fr", units=3) in await julie.say("/offer 1 1:40 3:45")
    made = await julie.say("/offer 1 1:40 3:35 min=2 lead=3w")
    assert said("offer.made", "fr", id=1, idea=1) in made and "délai 21\xa0jours" in made
    assert said("offer.tier", "fr", units=3, price=Money(3500)) in made
    await owner.say("/launch 1 offer=1 2d")
    await world.deliver()
    assert said("offer.chosen", "fr", id=1, wave=1, title="Desk lamp") in inbox.texts("julie")
    assert said("notice.maker", "fr", maker="Julie") in inbox.texts("ana")[-1]
    assert said("error.offer_idea_launched", "fr", id=1) in await julie.say("/offer 1 1:40")


async def test_a_launch_with_typed_tiers_declines_the_open_offers(world: ConsoleWorld) -> None:
    inbox = inbox_of(world)
    owner, *_ = await wanted_lamp(world)
    maker = await make_supplier(world, owner, "maker")
    await maker.say("/offer 1 1:40 3:35")
    await owner.say("/launch 1 1:45 5:39 2d")
    await world.deliver()
    assert said("offer.declined", id=1, idea=1, title="Desk lamp") in inbox.texts("maker")
    status = t("offer_status.declined")
    assert said("error.offer_not_open", id=1, status=status) in await maker.say("/unoffer 1")
