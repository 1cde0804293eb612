"""/export and /stats on a wave longer than one read partition: every row, in order, in both
languages, now that rows are decoded in partitions and the sheet is built in a worker thread."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

from core.ports import Actor
from core.services import waves
from storage.tx_stats import PARTITION
from tests.conftest import ConsoleWorld
from tests.texts import said

PLEDGERS = 2 * PARTITION + 7  # three partitions, the last one partial
LEAVERS = {5, PARTITION, PARTITION + 1, 2 * PARTITION + 3}  # on both sides of the boundaries


async def _long_wave(world: ConsoleWorld) -> list[str]:
    """A wave joined by PLEDGERS members one second apart, a few of whom left; the start times
    of the pledges still there, as the sheet writes them."""
    owner = world.person("owner")
    await owner.say("/idea Kettle #kitchen")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:100 2:90 3d min=2")
    times = []
    for n in range(PLEDGERS):
        world.clock.advance(timedelta(seconds=1))
        await waves.join(world.rt.ctx, Actor(f"console:p{n}", f"P{n}"), 1)
        times.append(world.clock.now().strftime("%Y-%m-%d %H:%M:%S"))
    for n in LEAVERS:
        await waves.leave(world.rt.ctx, Actor(f"console:p{n}", f"P{n}"), 1)
    return [when for n, when in enumerate(times) if n not in LEAVERS]


def _table(path: Path) -> list[list[str]]:
    """The sheet the console saved."""
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


async def test_export_lists_every_pledge_across_partitions_in_both_languages(
    world: ConsoleWorld, tmp_path: Path
) -> None:
    times = await _long_wave(world)
    owner = world.person("owner")
    owner.session.attachment_dir = tmp_path
    kept = PLEDGERS - len(LEAVERS)

    exported = await owner.say("/export 1")
    assert said("stats.exported", id=1, title="Kettle", rows=kept) in exported
    table = _table(tmp_path / "wave-1.csv")
    assert dict(row for row in table[:9])[said("stats.csv_pledgers")] == str(kept)
    active = said("pledge_status.active")
    expected = [[f"P{n}", "1", "", active, times[i]]
                for i, n in enumerate(n for n in range(PLEDGERS) if n not in LEAVERS)]  # fmt: skip
    assert table[11:] == expected

    await owner.say("/lang fr")
    await owner.say("/export 1")
    french = _table(tmp_path / "wave-1.csv")
    assert [row[3] for row in french[11:]] == [said("pledge_status.active", "fr")] * kept
    assert said("pledge_status.active", "fr") != active
    assert [row[:3] + row[4:] for row in french[11:]] == [row[:3] + row[4:] for row in expected]


async def test_units_chart_of_a_long_wave_is_a_png(world: ConsoleWorld, tmp_path: Path) -> None:
    await _long_wave(world)
    owner = world.person("owner")
    owner.session.attachment_dir = tmp_path
    events = PLEDGERS + len(LEAVERS)
    chart = await owner.say("/stats 1")
    kept = PLEDGERS - len(LEAVERS)
    summary = said("stats.wave_summary", id=1, title="Kettle", units=kept, people=kept,
                   events=events)  # fmt: skip
    assert summary in chart
    png = (tmp_path / "wave-1-units.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (800, 450)
