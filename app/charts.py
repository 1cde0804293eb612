"""PNG charts for /stats, drawn with matplotlib's Agg canvas (no pyplot, no display).

The bot never calls this directly: app/chart_process.py runs it in a child process, so matplotlib
is imported there only, on the first chart. Figures are built with the object API;
long series are thinned to what the chart's pixels can show (app/chart_points.py), so matplotlib's
C code never holds the GIL long enough to stall the event loop.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from app.chart_points import thin
from app.heap import freeze_long_lived

LINE = "#1f6feb"
LEVEL = "#8c959f"
SIZE = (8.0, 4.5)
DPI = 100
_frozen = False


def _freeze_once() -> None:
    """After the first chart imported matplotlib, keep its many objects out of full
    collections too (app/heap.py)."""
    global _frozen
    if not _frozen:
        _frozen = True
        freeze_long_lived()


def _safe(text: str) -> str:
    """Text that matplotlib shows as typed: a '$' pair would otherwise start math mode."""
    return text.replace("$", r"\$")


class MatplotlibCharts:
    """core.ports.ChartRenderer with matplotlib."""

    def __init__(self, size: tuple[float, float] = SIZE, dpi: int = DPI) -> None:
        self.size = size
        self.dpi = dpi

    def _figure(self, title: str, axes: tuple[str, str]) -> tuple[Any, Any]:
        """A figure with one titled, labelled plot."""
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator

        _freeze_once()
        figure = Figure(figsize=self.size, dpi=self.dpi, layout="constrained")
        plot = figure.add_subplot()
        plot.yaxis.set_major_locator(MaxNLocator(integer=True))  # units and people are whole
        plot.set_title(_safe(title))
        plot.set_xlabel(_safe(axes[0]))
        plot.set_ylabel(_safe(axes[1]))
        plot.grid(True, alpha=0.3)
        return figure, plot

    def _png(self, figure: Any) -> bytes:
        """Render on the Agg canvas."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        buffer = io.BytesIO()
        FigureCanvasAgg(figure).print_png(buffer)
        return buffer.getvalue()

    def units_chart(
        self,
        title: str,
        axes: tuple[str, str],
        points: Sequence[tuple[datetime, int]],
        levels: Sequence[tuple[int, str]],
    ) -> bytes:
        """Units pledged over time as a step line, a dashed line at every tier and the minimum."""
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

        figure, plot = self._figure(title, axes)
        points = thin(points, round(self.size[0] * self.dpi))  # see app/chart_points.py
        times = [when for when, _ in points]
        units = [count for _, count in points]
        plot.step(times, units, where="post", color=LINE, linewidth=2)
        top = max([*units, *(level for level, _ in levels), 1])
        for level, label in levels:
            plot.axhline(level, color=LEVEL, linestyle="--", linewidth=1)
            plot.annotate(_safe(label), xy=(0.0, level), xycoords=("axes fraction", "data"),
                          xytext=(4, 2), textcoords="offset points", fontsize=8,
                          color="#57606a")  # fmt: skip
        plot.set_ylim(0, top * 1.12 + 1)
        locator = AutoDateLocator()
        plot.xaxis.set_major_locator(locator)
        plot.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        return self._png(figure)

    def demand_chart(
        self, title: str, axes: tuple[str, str], steps: Sequence[tuple[int, int]], beyond: int
    ) -> bytes:
        """How many would buy at each price: a falling step curve (prices given in cents);
        `beyond` buy above the highest stated price (they stated no maximum)."""
        figure, plot = self._figure(title, axes)
        prices = [cents / 100 for cents, _ in steps]
        buyers = [count for _, count in steps]
        if prices:
            tail = max(prices[-1] * 1.15, prices[-1] + 1)
            xs = [0.0, *prices, tail]
            ys = [buyers[0], *buyers, beyond]
            plot.step(xs, ys, where="pre", color=LINE, linewidth=2)
            plot.plot(prices, buyers, "o", color=LINE, markersize=4)
            plot.set_xlim(0, tail)
        plot.set_ylim(0, max([*buyers, 1]) * 1.12 + 0.5)
        return self._png(figure)
