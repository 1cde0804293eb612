"""Data for decisions: /stats (funnel, abandonment, demand curve, charts) and /export."""

from __future__ import annotations

import asyncio
from itertools import pairwise

from core.commands.parsing import parse_id
from core.commands.registry import Param, Request, command
from core.commands.usage import IDEA, WAVE, need, usage_error
from core.messages import Attachment, Lines, Reply, T, t
from core.model import percent
from core.money import Money
from core.services import community
from core.services import stats as st


@command("stats", Param("target", required=False, rest=True), moderator=True)
async def stats(req: Request) -> list[Reply]:
    """/stats: funnel and categories; /stats <wave>: units chart; /stats idea <id>: demand."""
    words = [word.lower() for word in req.words]
    if not words:
        return await _overview(req)
    if words[0] == "idea" and len(words) == 2:
        return await _demand(req, parse_id(words[1], IDEA))
    if words[0] == "wave" and len(words) == 2:
        return await _wave(req, parse_id(words[1], WAVE))
    if len(words) == 1:
        return await _wave(req, parse_id(words[0], WAVE))
    raise usage_error("stats")


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


@command("export", Param("wave", "int", autocomplete=WAVE), moderator=True)
async def export(req: Request) -> list[Reply]:
    """The wave's pledges as a CSV for the supplier."""
    need(req.words, 1, 1, "export")
    wave, rows = await st.export_rows(req.ctx, req.actor, parse_id(req.words[0], WAVE))
    _, lang = await community.identify(req.ctx, req.actor)
    data = st.export_csv(req.ctx.plain_text(), wave, rows, lang)
    sheet = Attachment(f"wave-{wave.id}.csv", data, "document")
    body = t("stats.exported", id=wave.id, title=wave.title, rows=len(rows))
    return [Reply(body=(body,), private=True, attachments=(sheet,))]
