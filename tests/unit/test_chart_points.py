"""Long series are thinned to what a chart's pixels show, and the chart looks the same."""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime, timedelta

import pytest

from app import charts
from app.chart_points import Point, thin

START = datetime(2026, 1, 1, tzinfo=UTC)


def _series(count: int, seed: int = 7) -> list[Point]:
    """Units going up and sometimes down, one event every few seconds."""
    rng = random.Random(seed)
    points, units, when = [(START, 0)], 0, START
    for _ in range(count):
        when += timedelta(seconds=rng.randint(1, 90))
        units = max(0, units + rng.choice((1, 1, 1, 2, -1)))
        points.append((when, units))
    return points


def test_short_series_are_kept_whole() -> None:
    points = _series(300)
    assert thin(points, columns=100) == points


def test_long_series_keep_ends_extremes_and_order() -> None:
    points = _series(20_000)
    kept = thin(points, columns=800)
    assert len(kept) <= 4 * 800 < len(points)
    assert kept[0] == points[0] and kept[-1] == points[-1]
    assert set(kept) <= set(points)
    where = {point: index for index, point in enumerate(points)}
    assert [where[p] for p in kept] == sorted({where[p] for p in kept})  # in order, each once
    assert max(u for _, u in kept) == max(u for _, u in points)
    assert min(u for _, u in kept) == min(u for _, u in points)


def test_every_column_keeps_its_lowest_and_highest_value() -> None:
    points = _series(5_000)
    columns = 50
    kept = thin(points, columns)
    span = (points[-1][0] - points[0][0]).total_seconds()

    def column(point: Point) -> int:
        return min(columns - 1, int((point[0] - points[0][0]).total_seconds() / span * columns))

    for each in range(columns):
        seen = [p[1] for p in points if column(p) == each]
        shown = [p[1] for p in kept if column(p) == each]
        assert (min(shown), max(shown)) == (min(seen), max(seen)) if seen else not shown


def test_a_series_at_one_instant_keeps_its_extremes() -> None:
    points = [(START, units) for units in (3, 9, 1, 4)] * 500
    assert thin(points, columns=10) == [(START, 3), (START, 1), (START, 9), (START, 4)]


def test_the_thinned_chart_looks_like_the_full_one(monkeypatch: pytest.MonkeyPatch) -> None:
    image = pytest.importorskip("PIL.Image")
    points = _series(20_000)
    levels = [(100, "100 at 9 €"), (1_000, "minimum")]
    renderer = charts.MatplotlibCharts()
    thinned = renderer.units_chart("Kettle", ("time", "units"), points, levels)
    monkeypatch.setattr(charts, "thin", lambda series, _columns: list(series))
    full = renderer.units_chart("Kettle", ("time", "units"), points, levels)
    a = image.open(io.BytesIO(thinned)).convert("L")
    b = image.open(io.BytesIO(full)).convert("L")
    assert a.size == b.size == (800, 450)
    differing = sum(abs(x - y) > 64 for x, y in zip(a.getdata(), b.getdata(), strict=True))
    assert differing <= 0.002 * 800 * 450  # the same picture, give or take antialiasing
