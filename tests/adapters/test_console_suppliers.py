"""Supplier accounts as chat transcripts: a moderator's one-time code, redeemed in private once;
removal withdraws open offers; a supplier has no moderator rights; English and French."""

from __future__ import annotations

from datetime import timedelta

from core.commands.registry import REGISTRY
from core.ports import Actor, ChatKind, ChatRef
from core.services.context import is_moderator
from tests.adapters.supply_story import make_supplier, supplier_code, wanted_lamp
from tests.adapters.test_console_identity import account, code_in
from tests.conftest import ConsoleWorld
from tests.texts import said


async def test_a_code_makes_a_supplier_once_and_suppliers_lists_it(world: ConsoleWorld) -> None:
    owner = world.person("owner")
    code = await supplier_code(owner)
    maker = world.person("maker")
    assert said("supplier.welcome") in await maker.say(f"/supplier redeem {code}")
    assert said("error.supplier_code_invalid") in await world.person("eve").say(
        f"/supplier redeem {code}"
    )  # single use
    listed = await owner.say("/suppliers")
    assert said("suppliers.header", count=1) in listed
    assert "Maker" in listed
    assert said("error.already_supplier") in await maker.say(
        f"/supplier redeem {await supplier_code(owner)}"
    )


async def test_codes_expire_and_stay_out_of_groups(world: ConsoleWorld) -> None:
    owner, maker = world.person("owner"), world.person("maker")
    code = await supplier_code(owner)
    world.clock.advance(timedelta(hours=49))
    assert said("error.supplier_code_invalid") in await maker.say(f"/supplier redeem {code}")
    assert said("error.supplier_code_invalid") in await maker.say("/supplier redeem nonsense")
    group = ChatRef("console", "lounge", ChatKind.GROUP, "Lounge")
    owner_actor = Actor("console:owner", "Owner")
    answer = await world.rt.interpreter.handle_text(owner_actor, group, "/supplier add")
    assert answer is not None
    assert [p.key for r in answer.replies for p in r.body] == ["error.supplier_private_only"]


async def test_members_cannot_add_and_suppliers_are_no_moderators(world: ConsoleWorld) -> None:
    owner, ana, *_ = await wanted_lamp(world)
    assert said("error.not_moderator") in await ana.say("/supplier add")
    maker = await make_supplier(world, owner, "maker")
    assert said("error.not_moderator") in await maker.say("/supplier add")
    assert said("error.not_moderator") in await maker.say("/pending")
    assert said("error.not_moderator") in await maker.say("/offers 1")
    assert said("error.not_moderator") in await maker.say("/suppliers")
    assert not await is_moderator(world.rt.ctx, Actor("console:maker", "Maker"))


async def test_removal_withdraws_open_offers(world: ConsoleWorld) -> None:
    owner, *_ = await wanted_lamp(world)
    maker = await make_supplier(world, owner, "maker")
    await maker.say("/offer 1 1:40 3:35")
    assert said("error.not_a_supplier", name="Ana") in await owner.say(
        "/supplier remove console:ana"
    )
    removed = await owner.say("/supplier remove console:maker")
    assert said("supplier.removed", name="Maker", withdrawn=1) in removed
    assert said("offers.none", id=1) in await owner.say("/offers 1")
    assert said("error.not_supplier") in await maker.say("/offer 1 1:40 3:35")
    assert said("suppliers.none") in await owner.say("/suppliers")
    usage = REGISTRY["supplier"].usage
    assert said("error.usage_of", usage=usage) in await owner.say("/supplier remove")


async def test_the_same_in_french(world: ConsoleWorld) -> None:
    owner = world.person("owner")
    code = await supplier_code(owner)
    julie = world.person("julie", "fr-FR")
    assert said("supplier.welcome", "fr") in await julie.say(f"/supplier redeem {code}")
    assert said("error.supplier_code_invalid", "fr") in await julie.say(f"/supplier redeem {code}")
    assert said("error.not_moderator", "fr") in await julie.say("/suppliers")
    await owner.say("/lang fr")
    assert said("suppliers.header", "fr", count=1) in await owner.say("/suppliers")
    assert said("supplier.removed", "fr", name="Julie", withdrawn=0) in await owner.say(
        "/supplier remove console:julie"
    )


async def test_a_linked_supplier_stays_one_supplier_with_its_offers(world: ConsoleWorld) -> None:
    owner, *_ = await wanted_lamp(world)
    tg, dc = account(world, "telegram:42"), account(world, "discord:777")
    await dc.say(f"/supplier redeem {await supplier_code(owner)}")
    assert said("offer.made", id=1, idea=1) in await dc.say("/offer 1 1:40 3:35")
    await dc.say(f"/link {code_in(await tg.say('/link'))}")  # dc's member folds into tg's
    assert said("offer.withdrawn", id=1, idea=1) in await tg.say("/unoffer 1")
    assert said("suppliers.header", count=1) in await owner.say("/suppliers")
    assert said("offer.made", id=2, idea=1) in await tg.say("/offer 1 1:40")
