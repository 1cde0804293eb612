"""Demand briefs as chat transcripts: wanters, the curve of stated prices with its
revenue-maximising price, the category's abandonment, questions, a PNG chart; never a name."""

from __future__ import annotations

from pathlib import Path

from core.messages import t
from tests.adapters.supply_story import make_supplier, saving_to, wanted_lamp
from tests.conftest import ConsoleWorld
from tests.texts import console, eur, rendered, said


async def test_a_supplier_reads_briefs_and_one_brief_with_its_chart(
    world: ConsoleWorld, tmp_path: Path
) -> None:
    owner, ana, *_ = await wanted_lamp(world)
    await ana.say("/idea Kettle #kitchen")
    await owner.say("/approve 2")
    maker = await make_supplier(world, owner, "maker", tmp_path)

    listed = await maker.say("/briefs")
    assert said("brief.list_header", count=2) in listed
    best = t("stats.demand_best", price=eur(38), buyers=3, revenue=eur(114))  # cy: any price
    assert console(rendered(t("brief.list_row", id=1, title="Desk lamp", category="office",
                              wants=3, best=best))) in listed  # fmt: skip
    only_office = await maker.say("/briefs #office")
    assert said("brief.list_header", count=1) in only_office and "Kettle" not in only_office

    shown = await maker.say("/brief 1")
    assert said("brief.header", id=1, title="Desk lamp", category="office") in shown
    assert said("stats.demand_row", price=eur(38), buyers=3, revenue=eur(114)) in shown
    assert said("stats.demand_row", price=eur(45), buyers=2, revenue=eur(90)) in shown
    assert rendered(best) in shown
    assert said("brief.category", category="office", abandonment=15, paying=85) in shown
    assert said("brief.questions", count=0) in shown
    assert f"📎 saved {tmp_path / 'idea-1-brief.png'}" in shown
    assert (tmp_path / "idea-1-brief.png").read_bytes().startswith(b"\x89PNG")
    for name in ("Ana", "Bo", "Cy", "console:"):  # counts and prices only
        assert name not in shown and name not in listed


async def test_questions_of_the_category_are_counted_and_quoted(
    world: ConsoleWorld, tmp_path: Path
) -> None:
    owner, ana, *_ = await wanted_lamp(world)
    await ana.say("/idea Floor lamp #office")
    await owner.say("/approve 2")
    await owner.say("/launch 2 1:80 10:70 7d")
    await ana.say("/ask 1 Is the bulb included?")
    maker = await make_supplier(world, owner, "maker", tmp_path)
    shown = await maker.say("/brief 1")
    assert said("brief.questions", count=1) in shown
    assert said("brief.question_row", text="Is the bulb included?") in shown


async def test_briefs_are_for_suppliers_and_moderators_only(
    world: ConsoleWorld, tmp_path: Path
) -> None:
    owner, ana, *_ = await wanted_lamp(world)
    assert said("error.not_supplier") in await ana.say("/briefs")
    assert said("error.not_supplier") in await ana.say("/brief 1")
    saving_to(owner, tmp_path)
    assert said("brief.header", id=1, title="Desk lamp", category="office") in await owner.say(
        "/brief 1"
    )
    maker = await make_supplier(world, owner, "maker", tmp_path)
    assert said("error.idea_not_found", id=9) in await maker.say("/brief 9")
    await ana.say("/idea Pending thing #office")
    assert said("error.brief_not_open", id=2) in await maker.say("/brief 2")


async def test_a_brief_in_french(world: ConsoleWorld, tmp_path: Path) -> None:
    owner, *_ = await wanted_lamp(world)
    julie = await make_supplier(world, owner, "julie", tmp_path)
    await julie.say("/lang fr")
    shown = await julie.say("/brief 1")
    assert said("brief.header", "fr", id=1, title="Desk lamp", category="office") in shown
    assert said("stats.demand_row", "fr", price=eur(38), buyers=3, revenue=eur(114)) in shown
    assert said("brief.category", "fr", category="office", abandonment=15, paying=85) in shown
    assert said("brief.list_header", "fr", count=1) in await julie.say("/briefs")
    assert said("error.not_supplier", "fr") in await world.person("zoe", "fr-FR").say("/briefs")
