"""/stats categories as transcripts: stated max prices against the launch price, wanter→pledger
and pledger→payer conversion, abandonment; a CSV sheet for suppliers; /newsletter and /help."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

from core.messages import t
from core.services.providers import PaymentDesk, SimulatedProvider
from tests.adapters.closing import sweep
from tests.adapters.supply_story import make_supplier, saving_to, wanted_lamp
from tests.conftest import ConsoleWorld
from tests.texts import rendered, said


def _row(lang: str = "en", **counts: object) -> str:
    """One category row with percentages (None: no data) rendered for a reader."""
    rates = ("median", "pledged", "paid", "abandonment")
    shown = {k: t("stats.na") if v is None else t("stats.percent", value=v)
             for k, v in counts.items() if k in rates}  # fmt: skip
    plain = {k: v for k, v in counts.items() if k not in shown}
    return rendered(t("makers.row", **shown, **plain), lang)


async def completed_lamp(world: ConsoleWorld) -> None:
    """The lamp launched at 40 € (35 € from 3), ana and bo join, the wave closes at 40 €, ana
    pays and bo abandons: the wave completes on its minimum of 1."""
    world.rt.ctx.payments = PaymentDesk(default=SimulatedProvider())
    owner, ana, bo, _ = await wanted_lamp(world)  # max 45 € and 38 €; cy any price, never joins
    await owner.say("/launch 1 1:40 3:35 2d min=1")
    await ana.say("/join 1")
    await bo.say("/join 1")
    await owner.say("/close 1")
    await owner.say("1")
    await ana.say("/pay 1")
    await ana.say("1")
    world.clock.advance(timedelta(days=8))  # bo lets the payment window pass: abandoned
    await sweep(world)


async def test_categories_for_moderators_and_a_sheet_for_suppliers(
    world: ConsoleWorld, tmp_path: Path
) -> None:
    owner, ana = world.person("owner"), world.person("ana")
    assert said("makers.none") in await owner.say("/stats categories")
    await completed_lamp(world)
    expected = _row(category="office", median=104, stated=2, wanters=3, pledged=67,
                    pledgers=2, paid=50, abandonment=50)  # fmt: skip
    shown = await owner.say("/stats categories")
    assert expected in shown and "📎" not in shown  # moderators read the table
    assert said("error.not_supplier") in await ana.say("/stats categories")
    assert said("error.not_moderator") in await ana.say("/stats")

    maker = await make_supplier(world, owner, "maker", tmp_path)
    sheet = await maker.say("/stats categories")
    assert expected in sheet and said("makers.exported") in sheet
    assert said("error.not_moderator") in await maker.say("/stats")  # only the categories
    with (tmp_path / "categories.csv").open(encoding="utf-8-sig", newline="") as handle:
        header, row = list(csv.reader(handle))
    assert header[0] == said("makers.csv_category")
    assert row == ["office", "104", "2", "3", "67", "2", "50", "50"]


async def test_categories_newsletter_and_help_in_french(
    world: ConsoleWorld, tmp_path: Path
) -> None:
    await completed_lamp(world)
    owner = world.person("owner")
    julie = saving_to(await make_supplier(world, owner, "julie", tmp_path), tmp_path)
    await julie.say("/lang fr")
    shown = await julie.say("/stats categories")
    assert _row("fr", category="office", median=104, stated=2, wanters=3, pledged=67,
                pledgers=2, paid=50, abandonment=50) in shown  # fmt: skip
    assert said("makers.exported", "fr") in shown
    helped = await julie.say("/help")
    assert said("help.briefs", "fr") in helped and said("help.offer", "fr") in helped
    assert said("help.offers", "fr") not in helped  # a supplier is no moderator

    zoe = world.person("zoe", "fr-FR")
    member_help = await zoe.say("/help")
    assert said("help.briefs", "fr") not in member_help
    assert said("help.stats", "fr") not in member_help
    assert said("help.newsletter", "fr") in member_help
    assert said("newsletter.is_off", "fr") in await zoe.say("/newsletter off")
    assert said("newsletter.is_on", "fr", days=15) in await zoe.say("/newsletter on")
    assert said("newsletter.is_on", "fr", days=15) in await zoe.say("/newsletter")
