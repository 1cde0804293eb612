"""Data for decisions: the funnel, success and abandonment per category, demand curves, charts
and the supplier's CSV export. Moderators only."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from core.messages import PlainText, T, t
from core.model import CategoryStats, ExportRow, Funnel, Idea, PledgeStatus, Wave
from core.ports import Actor
from core.services.context import Context, require_moderator
from core.services.ideas import load_idea
from core.services.waves import load_wave

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TABLE_ROWS = 12
TITLE_CHARS = 60


@dataclass(frozen=True)
class DemandCurve:
    """How many supporters would buy at each stated price, from their max prices."""

    steps: tuple[tuple[int, int], ...]  # (price in cents, buyers at that price), cheapest first
    unlimited: int  # supporters who stated no maximum: they buy at any price

    @property
    def total(self) -> int:
        """Everyone who wants the idea."""
        return self.steps[0][1] if self.steps else self.unlimited

    def buyers_at(self, price: int) -> int:
        """Supporters whose maximum is at least this price (plus those without one)."""
        for step_price, buyers in self.steps:
            if step_price >= price:
                return buyers
        return self.unlimited

    def best(self) -> tuple[int, int] | None:
        """The stated price with the highest revenue (price × buyers); cheaper wins ties."""
        if not self.steps:
            return None
        return max(self.steps, key=lambda step: (step[0] * step[1], -step[0]))


def demand_curve(prices: Sequence[int | None]) -> DemandCurve:
    """Turn stated max prices into a step curve: at price p, everyone whose max is ≥ p buys."""
    unlimited = sum(1 for price in prices if price is None)
    stated = sorted(price for price in prices if price is not None)
    steps: list[tuple[int, int]] = []
    for index, price in enumerate(stated):
        if steps and steps[-1][0] == price:
            continue
        steps.append((price, unlimited + len(stated) - index))
    return DemandCurve(tuple(steps), unlimited)


def sample_steps(curve: DemandCurve, rows: int = TABLE_ROWS) -> list[tuple[int, int]]:
    """At most `rows` steps for a text table, evenly spread, always keeping both ends."""
    steps = list(curve.steps)
    if len(steps) <= rows:
        return steps
    picks = sorted({round(i * (len(steps) - 1) / (rows - 1)) for i in range(rows)})
    return [steps[i] for i in picks]


def rate_text(value: int | None) -> T:
    """'67%' or a dash when there is no data yet."""
    return t("stats.na") if value is None else t("stats.percent", value=value)


async def overview(ctx: Context, actor: Actor) -> tuple[Funnel, list[CategoryStats]]:
    """The funnel and the per-category table."""
    await require_moderator(ctx, actor)
    async with ctx.db.read() as tx:
        return await tx.funnel(), await tx.category_stats()


@dataclass(frozen=True)
class Series:
    """A wave's units over time: from 0 at opening, one point per pledge event (per time slot
    once retention compacted an old wave's log), to now (or the deadline, whichever is first)."""

    wave: Wave
    events: int
    points: list[tuple[datetime, int]]


async def wave_series(ctx: Context, actor: Actor, wave_id: int) -> Series:
    """A wave and its units over time."""
    await require_moderator(ctx, actor)
    async with ctx.db.read() as tx:
        wave = await load_wave(tx, wave_id)
        events = await tx.units_series(wave_id)
        changes = await tx.pledge_changes(wave_id)  # compacted rows count what they replaced
    points = [(wave.opens_at, 0), *events]
    end = min(ctx.clock.now(), wave.closes_at)
    if end > points[-1][0]:
        points.append((end, points[-1][1]))
    return Series(wave, changes, points)


async def idea_demand(ctx: Context, actor: Actor, idea_id: int) -> tuple[Idea, DemandCurve]:
    """An idea and the demand curve of its supporters' stated prices."""
    await require_moderator(ctx, actor)
    async with ctx.db.read() as tx:
        idea = await load_idea(tx, idea_id)
        return idea, demand_curve(await tx.want_prices(idea_id))


async def export_rows(ctx: Context, actor: Actor, wave_id: int) -> tuple[Wave, list[ExportRow]]:
    """A wave and its pledges (withdrawn ones left out), for the supplier."""
    await require_moderator(ctx, actor)
    async with ctx.db.read() as tx:
        return await load_wave(tx, wave_id), await tx.export_rows(wave_id)


def _short(title: str) -> str:
    """Keep chart titles on one line."""
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "…"


def units_chart(ctx: Context, wave: Wave, points: list[tuple[datetime, int]], lang: str) -> bytes:
    """The units-over-time PNG with a line per tier threshold and the minimum."""
    _plain = ctx.plain_text()
    if ctx.charts is None:
        raise RuntimeError("no chart renderer configured")
    levels = [(tier.min_units, _plain(t("stats.chart_tier", price=wave.money(tier.unit_price)),
                                      lang))
              for tier in wave.tiers if tier.min_units > 1]  # fmt: skip
    if wave.moq not in {units for units, _ in levels}:
        levels.append((wave.moq, _plain(t("stats.chart_moq", moq=wave.moq), lang)))
    title = _plain(t("stats.chart_units_title", id=wave.id, title=_short(wave.title)), lang)
    axes = (_plain(t("stats.axis_time"), lang), _plain(t("stats.axis_units"), lang))
    return ctx.charts.units_chart(title, axes, points, levels)


def demand_chart(ctx: Context, idea: Idea, curve: DemandCurve, lang: str) -> bytes:
    _plain = ctx.plain_text()
    """The demand step curve as a PNG."""
    if ctx.charts is None:
        raise RuntimeError("no chart renderer configured")
    title = _plain(t("stats.chart_demand_title", id=idea.id, title=_short(idea.title)), lang)
    axes = (
        _plain(t("stats.axis_price", currency=ctx.rules.currency), lang),
        _plain(t("stats.axis_buyers"), lang),
    )
    return ctx.charts.demand_chart(title, axes, curve.steps, curve.unlimited)


def safe_cell(value: object) -> str:
    """A CSV cell that spreadsheets will not run as a formula (OWASP: prefix with a quote)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def decimal_amount(cents: int | None) -> str:
    """'79.50' for spreadsheets: a dot, two decimals, no currency sign."""
    if cents is None:
        return ""
    return f"{cents // 100}.{cents % 100:02d}"


def export_csv(_plain: PlainText, wave: Wave, rows: Sequence[ExportRow], lang: str) -> bytes:
    """The supplier's sheet: a summary block, a blank line, then one row per pledge.

    Pure and CPU-heavy for a big wave (20,000 rows): /export runs it in a worker thread."""
    confirmed = sum(row.quantity for row in rows if row.status is PledgeStatus.CONFIRMED)
    total = None if wave.final_price_cents is None else wave.final_price_cents * confirmed
    summary: list[tuple[str, object]] = [
        ("stats.csv_wave", f"#{wave.id}"),
        ("stats.csv_title", wave.title),
        ("stats.csv_status", _plain(t(f"stats.wave_status.{wave.status.value}"), lang)),
        ("stats.csv_currency", wave.currency),
        ("stats.csv_final_price", decimal_amount(wave.final_price_cents)),
        ("stats.csv_final_units", "" if wave.final_units is None else wave.final_units),
        ("stats.csv_pledgers", len(rows)),
        ("stats.csv_confirmed_units", confirmed),
        ("stats.csv_confirmed_total", decimal_amount(total)),
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for key, value in summary:
        writer.writerow([safe_cell(_plain(t(key), lang)), safe_cell(value)])
    writer.writerow([])
    columns = ("member", "quantity", "max_price", "status", "pledged_at")
    writer.writerow([safe_cell(_plain(t(f"stats.csv_col_{c}"), lang)) for c in columns])
    statuses = {status: safe_cell(_plain(t(f"pledge_status.{status.value}"), lang))
                for status in PledgeStatus}  # fmt: skip
    for row in rows:
        writer.writerow([
            safe_cell(row.name),
            row.quantity,
            safe_cell(decimal_amount(row.max_price_cents)),
            statuses[row.status],
            row.pledged_at.strftime("%Y-%m-%d %H:%M:%S"),
        ])  # fmt: skip
    return out.getvalue().encode("utf-8-sig")
