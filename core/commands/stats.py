"""Data for decisions: /stats (funnel, abandonment, demand curve, charts) and /export."""

from __future__ import annotations

import asyncio
from itertools import pairwise

from core.commands import makers
from core.commands.params import CATEGORIES, IDEA, Choice, Param, Target, WaveId
from core.commands.registry import Request, command
from core.messages import Attachment, Lines, Reply, T, t
from core.model import percent
from core.money import Money
from core.services import community, orders
from core.services import stats as st

TARGET = Param("target", Target, required=False)
THE_WAVE = Param("wave", WaveId)
WHAT = Param("what", Choice("order"), required=False)


# Not a moderator command as a whole: suppliers read /stats categories; every other view's
# service requires a moderator at the moment of the action.
@command("stats", TARGET, reads_only=True, listed="moderators")
async def stats(req: Request) -> list[Reply]:
    """/stats: funnel and categories; /stats <wave>: units chart; /stats idea <id>: demand;
    /stats categories: price sensitivity for makers."""
    target = req.maybe(TARGET)
    if target is None:
        return await _overview(req)
    if target.what == CATEGORIES:
        return await makers.categories(req)
    if target.what == IDEA:
        return await _demand(req, target.id)
    return await _wave(req, target.id)


async def _overview(req: Request) -> list[Reply]:
    """The funnel with each step's share of the previous one, then one line per category."""
    funnel, categories = await st.overview(req.ctx, req.actor)
    steps = (("proposed", funnel.proposed), ("approved", funnel.approved),
             ("launched", funnel.launched), ("succeeded", funnel.succeeded),
             ("completed", funnel.completed))  # fmt: skip
    rows = [t("stats.funnel_proposed", count=funnel.proposed)]
    for (_, before), (name, count) in pairwise(steps):
        rows.append(t(f"stats.funnel_{name}", count=count,
                      rate=st.rate_text(percent(count, before))))  # fmt: skip
    body: list[T] = [t("stats.funnel_header"), t("lines", lines=Lines(tuple(rows)))]
    body.append(t("stats.categories_header"))
    if not categories:
        body.append(t("stats.no_waves"))
    else:
        lines = tuple(
            t("stats.category_row", category=c.category, waves=c.waves,
              success=st.rate_text(c.success_rate), succeeded=c.succeeded, decided=c.decided,
              abandonment=st.rate_text(c.abandonment_rate), abandoned=c.abandoned,
              settled=c.confirmed + c.abandoned)
            for c in categories
        )  # fmt: skip
        body.append(t("lines", lines=Lines(lines)))
    body += await makers.ledger_lines(req)
    return [Reply(body=tuple(body), private=True)]


async def _wave(req: Request, wave_id: int) -> list[Reply]:
    """Units over time against the tiers, as a PNG chart."""
    series = await st.wave_series(req.ctx, req.actor, wave_id)
    wave = series.wave
    summary = t("stats.wave_summary", id=wave.id, title=wave.title, units=wave.units,
                people=wave.pledgers, events=series.events)  # fmt: skip
    if req.ctx.charts is None:
        return [Reply(body=(summary, t("stats.no_charts")), private=True)]
    _, lang = await community.identify(req.ctx, req.actor)
    png = await asyncio.to_thread(st.units_chart, req.ctx, wave, series.points, lang)
    chart = Attachment(f"wave-{wave.id}-units.png", png, "image")
    return [Reply(body=(summary,), private=True, attachments=(chart,))]


async def _demand(req: Request, idea_id: int) -> list[Reply]:
    """The demand curve from the supporters' stated max prices: a table and a step chart."""
    idea, curve = await st.idea_demand(req.ctx, req.actor, idea_id)
    currency = req.ctx.rules.currency
    header = t("stats.demand_header", id=idea.id, title=idea.title, wants=idea.wants,
               unlimited=curve.unlimited)  # fmt: skip
    if not curve.steps:
        return [Reply(body=(header, t("stats.demand_none", id=idea.id)), private=True)]
    rows = tuple(
        t("stats.demand_row", price=Money(price, currency), buyers=buyers,
          revenue=Money(price * buyers, currency))
        for price, buyers in st.sample_steps(curve)
    )  # fmt: skip
    body: list[T] = [header, t("lines", lines=Lines(rows))]
    best = curve.best()
    if best is not None:
        price, buyers = best
        body.append(t("stats.demand_best", price=Money(price, currency), buyers=buyers,
                      revenue=Money(price * buyers, currency)))  # fmt: skip
    if req.ctx.charts is None:
        return [Reply(body=(*body, t("stats.no_charts")), private=True)]
    _, lang = await community.identify(req.ctx, req.actor)
    png = await asyncio.to_thread(st.demand_chart, req.ctx, idea, curve, lang)
    chart = Attachment(f"idea-{idea.id}-demand.png", png, "image")
    return [Reply(body=tuple(body), private=True, attachments=(chart,))]


@command("export", THE_WAVE, WHAT, moderator=True, reads_only=True)
async def export(req: Request) -> list[Reply]:
    """The wave's pledges as a CSV for the supplier; rows read on the loop, sheet built off it.
    '/export <wave> order': the supplier's order, paid units with shipping details (private)."""
    if req.maybe(WHAT) == "order":
        return await _order(req)
    wave, rows = await st.export_rows(req.ctx, req.actor, req.arg(THE_WAVE))
    _, lang = await community.identify(req.ctx, req.actor)
    data = await asyncio.to_thread(st.export_csv, req.ctx.plain_text(), wave, rows, lang)
    sheet = Attachment(f"wave-{wave.id}.csv", data, "document")
    body = t("stats.exported", id=wave.id, title=wave.title, rows=len(rows))
    return [Reply(body=(body,), private=True, attachments=(sheet,))]


async def _order(req: Request) -> list[Reply]:
    """The supplier's order: paid units per member, names and addresses where collected."""
    wave, lines, extra = await orders.order(req.ctx, req.actor, req.chat, req.arg(THE_WAVE))
    _, lang = await community.identify(req.ctx, req.actor)
    plain = req.ctx.plain_text()
    data = await asyncio.to_thread(orders.order_csv, plain, wave, lines, lang, extra)
    sheet = Attachment(f"wave-{wave.id}-order.csv", data, "document")
    units = sum(line.quantity for line in lines)
    body = t("order.exported", id=wave.id, title=wave.title, members=len(lines), units=units)
    return [Reply(body=(body,), private=True, attachments=(sheet,))]
