"""Price sensitivity for makers (/stats categories): per category, the median stated max price
relative to the launch price, wanter→pledger and pledger→payer conversion, abandonment; as a
table for moderators and suppliers, and as a CSV sheet."""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass

from core.messages import PlainText, t
from core.model import percent
from core.ports import Actor
from core.services.context import Context
from core.services.stats import safe_cell
from core.services.suppliers import require_maker_view
from core.supply_records import CategoryConversion


@dataclass(frozen=True)
class CategoryRow:
    """One category's figures as whole percentages (None: no data yet)."""

    category: str
    median_ratio: int | None  # median stated max price, % of the launch price
    stated: int  # how many stated a max price
    wanters: int
    wanter_to_pledger: int | None
    pledgers: int
    pledger_to_payer: int | None
    abandonment: int | None


def median_of(counts: tuple[tuple[int, int], ...]) -> int | None:
    """The rounded median of the values the (value, how many) pairs stand for, sorted by value
    (statistics.median of the expanded list, without expanding it); None when there is none."""
    total = sum(n for _, n in counts)
    if total == 0:
        return None

    def at(index: int) -> int:
        """The value at this index of the expanded list."""
        seen = 0
        for value, n in counts:
            seen += n
            if index < seen:
                return value
        raise IndexError(index)

    return round(statistics.median([at((total - 1) // 2), at(total // 2)]))


def row_of(found: CategoryConversion) -> CategoryRow:
    """The figures of one category from its counts."""
    stated = sum(n for _, n in found.ratio_counts)
    return CategoryRow(
        found.category, median_of(found.ratio_counts), stated, found.wanters,
        percent(found.wanters_pledged, found.wanters), found.pledgers,
        percent(found.payers, found.pledgers),
        percent(found.pledgers - found.payers, found.pledgers),
    )  # fmt: skip


async def categories(ctx: Context, actor: Actor) -> list[CategoryRow]:
    """Every category with launched waves, for moderators and suppliers."""
    await require_maker_view(ctx, actor)
    async with ctx.db.read() as tx:
        return [row_of(found) for found in await tx.category_conversions()]


COLUMNS = ("category", "median_ratio", "stated", "wanters", "wanter_to_pledger", "pledgers",
           "pledger_to_payer", "abandonment")  # fmt: skip


def categories_csv(_plain: PlainText, rows: list[CategoryRow], lang: str) -> bytes:
    """The table as a sheet (percentages as plain numbers, empty when there is no data)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(_plain(t(f"makers.csv_{name}"), lang)) for name in COLUMNS])
    for row in rows:
        values = [getattr(row, name) for name in COLUMNS]
        writer.writerow([safe_cell("" if value is None else value) for value in values])
    return out.getvalue().encode("utf-8-sig")
