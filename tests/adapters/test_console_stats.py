"""Console transcripts of stats: moderators only, funnel, PNG charts and the supplier's CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

from tests.conftest import ConsoleWorld


async def test_stats_and_export_are_for_moderators_only(world: ConsoleWorld) -> None:
    alice = world.person("alice")
    for command in ("/stats", "/stats 1", "/stats idea 1", "/export 1"):
        assert "Only moderators can do that." in await alice.say(command)
    assert "/stats" not in await alice.say("/help")
    assert "/stats [wave | idea <idea>]" in await world.person("owner").say("/help")


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
    assert "Demand for idea #1 “Kettle”: 3 supporters, 1 without a price limit." in curve
    assert "at 80 €: 3 would buy (240 €)" in curve
    assert "at 95 €: 2 would buy (190 €)" in curve
    assert "👉 Most revenue at 80 €: 3 buyers, 240 €." in curve
    assert (tmp_path / "idea-1-demand.png").read_bytes().startswith(b"\x89PNG")
    assert "Nobody stated a max price for idea #2" in await owner.say("/stats idea 2")

    await owner.say("/launch 1 1:100 2:90 3:80 2d min=2")
    for person in people:
        world.clock.advance(timedelta(hours=1))
        await person.say("/join 1")
    world.clock.advance(timedelta(hours=1))
    await people[1].say("/leave 1")
    chart = await owner.say("/stats 1")
    assert "📈 Wave #1 “Kettle”: 2 units from 2 people, 4 pledge changes." in chart
    assert f"📎 saved {tmp_path / 'wave-1-units.png'}" in chart
    png = (tmp_path / "wave-1-units.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5_000
    assert "📎 saved" in await owner.say("/stats wave #1")
    assert "There is no wave #7." in await owner.say("/stats 7")
    assert "Usage: /stats [wave | idea <idea>]" in await owner.say("/stats 1 2 3")

    await owner.say("/close 1")
    await people[0].say("/confirm 1")
    funnel = await owner.say("/stats")
    assert "💡 Ideas proposed: 2" in funnel
    assert "✅ Approved: 1 (50%)" in funnel  # the launched one; the rake waits for moderation
    assert "🚀 Launched as waves: 1 (100%)" in funnel
    assert "🎉 Waves succeeded: 1 (100%)" in funnel
    assert "🏁 Completed: 0 (0%)" in funnel
    assert "#kitchen: 1 waves · success 100% (1/1) · abandonment 0% (0/1)" in funnel

    exported = await owner.say("/export 1")
    assert "📄 Wave #1 “Kettle” for the supplier: 2 pledges." in exported
    sheet = (tmp_path / "wave-1.csv").read_bytes().decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(sheet)))
    summary = dict(row for row in table if len(row) == 2)
    assert summary["Final unit price"] == "90.00"
    assert summary["Confirmed units"] == "1" and summary["Confirmed total"] == "90.00"
    header = table.index(["Member", "Quantity", "Max unit price", "Status", "Pledged at (UTC)"])
    assert table[header + 1 :] == [
        ["Alice", "1", "", "confirmed", "2026-01-01 13:00:00"],
        ["'=chloe", "1", "", "to confirm", "2026-01-01 15:00:00"],
    ]
