"""Console transcripts of stats: moderators only, funnel, PNG charts and the supplier's CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

from app.chart_process import ChartProcess
from core.commands.registry import REGISTRY
from core.messages import t
from tests.conftest import ConsoleWorld
from tests.texts import eur, said

COLUMNS = ("member", "quantity", "max_price", "status", "pledged_at")


async def test_stats_and_export_are_for_moderators_only(world: ConsoleWorld) -> None:
    alice = world.person("alice")
    for command in ("/stats", "/stats 1", "/stats idea 1", "/export 1"):
        assert said("error.not_moderator") in await alice.say(command)
    assert "/stats" not in await alice.say("/help")
    row = said("help.row", usage=REGISTRY["stats"].usage, text=t("help.stats"))
    assert row in await world.person("owner").say("/help")


async def test_funnel_wave_chart_demand_curve_and_export(
    world: ConsoleWorld, tmp_path: Path
) -> None:
    owner = world.person("owner")
    owner.session.attachment_dir = tmp_path
    people = [world.person(name) for name in ("alice", "bob", "=chloe")]
    await owner.say("/idea Kettle #kitchen")
    await owner.say("/approve 1")
    await owner.say("/idea Rake #garden")
    for person, price in zip(people, ("80€", "95€", ""), strict=True):
        await person.say(f"/want 1 {price}".strip())

    curve = await owner.say("/stats idea 1")
    assert said("stats.demand_header", id=1, title="Kettle", wants=3, unlimited=1) in curve
    assert said("stats.demand_row", price=eur(80), buyers=3, revenue=eur(240)) in curve
    assert said("stats.demand_row", price=eur(95), buyers=2, revenue=eur(190)) in curve
    assert said("stats.demand_best", price=eur(80), buyers=3, revenue=eur(240)) in curve
    assert (tmp_path / "idea-1-demand.png").read_bytes().startswith(b"\x89PNG")
    assert said("stats.demand_none", id=2) in await owner.say("/stats idea 2")

    await owner.say("/launch 1 1:100 2:90 3:80 2d min=2")
    for person in people:
        world.clock.advance(timedelta(hours=1))
        await person.say("/join 1")
    world.clock.advance(timedelta(hours=1))
    await people[1].say("/leave 1")
    chart = await owner.say("/stats 1")
    summary = said("stats.wave_summary", id=1, title="Kettle", units=2, people=2, events=4)
    assert summary in chart
    assert f"📎 saved {tmp_path / 'wave-1-units.png'}" in chart
    png = (tmp_path / "wave-1-units.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5_000
    assert "📎 saved" in await owner.say("/stats wave #1")
    assert said("error.wave_not_found", id=7) in await owner.say("/stats 7")
    usage = said("error.usage_of", usage=REGISTRY["stats"].usage)
    assert usage in await owner.say("/stats 1 2 3")

    await owner.say("/close 1")
    await owner.say("1")  # Yes, close #1 now
    await people[0].say("/confirm 1")
    funnel = await owner.say("/stats")
    assert said("stats.funnel_proposed", count=2) in funnel
    # The launched one is approved; the rake waits for moderation.
    for key, count, rate in (("approved", 1, 50), ("launched", 1, 100), ("succeeded", 1, 100),
                             ("completed", 0, 0)):  # fmt: skip
        assert said(f"stats.funnel_{key}", count=count, rate=t("stats.percent", value=rate)) in (
            funnel
        )
    kitchen = said("stats.category_row", category="kitchen", waves=1,
                   success=t("stats.percent", value=100), succeeded=1, decided=1,
                   abandonment=t("stats.percent", value=0), abandoned=0, settled=1)  # fmt: skip
    assert kitchen in funnel

    exported = await owner.say("/export 1")
    assert said("stats.exported", id=1, title="Kettle", rows=2) in exported
    sheet = (tmp_path / "wave-1.csv").read_bytes().decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(sheet)))
    summary = dict(row for row in table if len(row) == 2)
    assert summary[said("stats.csv_final_price")] == "90.00"
    assert summary[said("stats.csv_confirmed_units")] == "1"
    assert summary[said("stats.csv_confirmed_total")] == "90.00"
    header = table.index([said(f"stats.csv_col_{column}") for column in COLUMNS])
    assert table[header + 1 :] == [
        ["Alice", "1", "", said("pledge_status.confirmed"), "2026-01-01 13:00:00"],
        ["'=chloe", "1", "", said("pledge_status.awaiting"), "2026-01-01 15:00:00"],
    ]


def _broken_chart(method: str, args: tuple[object, ...]) -> bytes:
    """A chart worker that cannot draw (runs in the chart process)."""
    raise OSError("no fonts")


async def test_a_chart_that_cannot_be_drawn_is_answered_clearly(world: ConsoleWorld) -> None:
    broken = ChartProcess(worker=_broken_chart)
    world.rt.ctx.charts = broken
    owner = world.person("owner")
    await owner.say("/idea Kettle #kitchen")
    await owner.say("/approve 1")
    await owner.say("/want 1 80€")
    try:
        assert said("error.chart_failed") in await owner.say("/stats idea 1")
    finally:
        broken.close()
