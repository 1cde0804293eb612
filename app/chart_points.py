"""Fewer points for a long series, the same picture: per pixel column, what the eye can see.

A 20,000-event wave drawn point by point keeps matplotlib's C code (path clean-up, Agg
rasterising) holding the GIL for tens of milliseconds, which stalls the event loop even though
the chart renders in a worker thread. A chart is only so many pixels wide: keeping, for each
column, the first, lowest, highest and last point (in time order) draws the same line.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

Point = tuple[datetime, int]


def thin(points: Sequence[Point], columns: int) -> list[Point]:
    """At most 4 points per column of equal time width; short series are returned whole."""
    if len(points) <= 4 * columns:
        return list(points)
    start, end = points[0][0], points[-1][0]
    span = (end - start).total_seconds()
    if span <= 0:
        return [points[0], min(points, key=_units), max(points, key=_units), points[-1]]
    kept: list[Point] = []
    bucket: list[Point] = []
    current = 0
    for point in points:
        column = min(columns - 1, int((point[0] - start).total_seconds() / span * columns))
        if column != current and bucket:
            kept += _visible(bucket)
            bucket = []
        current = column
        bucket.append(point)
    kept += _visible(bucket)
    return kept


def _units(point: Point) -> int:
    """The value drawn."""
    return point[1]


def _visible(bucket: list[Point]) -> list[Point]:
    """First, lowest, highest and last point of one column, each once, in time order."""
    picks = {0, len(bucket) - 1}
    picks.add(min(range(len(bucket)), key=lambda i: bucket[i][1]))
    picks.add(max(range(len(bucket)), key=lambda i: bucket[i][1]))
    return [bucket[i] for i in sorted(picks)]
