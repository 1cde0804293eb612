"""What makers and authors read: /stats categories (price sensitivity, CSV for suppliers), the
creator share in /mine and /stats, and the personal newsletter switch (/newsletter on|off)."""

from __future__ import annotations

import asyncio

from core.commands.params import OnOff, Param
from core.commands.registry import Request, command, without_args
from core.commands.usage import say_private
from core.messages import Attachment, Lines, Reply, T, t
from core.services import community, creator, maker_stats, newsletter, suppliers
from core.services.maker_stats import CategoryRow
from core.services.stats import rate_text

SWITCH = Param("state", OnOff, required=False)


def category_line(row: CategoryRow) -> T:
    """One category: stated prices against launch prices, conversions, abandonment."""
    return t("makers.row", category=row.category, median=rate_text(row.median_ratio),
             stated=row.stated, wanters=row.wanters, pledged=rate_text(row.wanter_to_pledger),
             pledgers=row.pledgers, paid=rate_text(row.pledger_to_payer),
             abandonment=rate_text(row.abandonment))  # fmt: skip


async def categories(req: Request) -> list[Reply]:
    """/stats categories: the table, and for a supplier the same figures as a CSV sheet."""
    rows = await maker_stats.categories(req.ctx, req.actor)
    if not rows:
        return say_private(t("makers.header"), t("makers.none"))
    body = (t("makers.header"), t("lines", lines=Lines(tuple(category_line(r) for r in rows))))
    if not await suppliers.is_supplier(req.ctx, req.actor):
        return [Reply(body=body, private=True)]
    _, lang = await community.identify(req.ctx, req.actor)
    data = await asyncio.to_thread(maker_stats.categories_csv, req.ctx.plain_text(), rows, lang)
    sheet = Attachment("categories.csv", data, "document")
    return [Reply(body=(*body, t("makers.exported")), private=True, attachments=(sheet,))]


async def ledger_lines(req: Request) -> list[T]:
    """/stats: what the creator ledger holds (moderators only, checked by the service)."""
    totals = await creator.totals(req.ctx, req.actor)
    rows = tuple(t("creator.stats_row", amount=total.amount, waves=total.waves)
                 for total in totals)  # fmt: skip
    if not rows:
        return [t("creator.stats_header", percent=req.ctx.rules.creator_share_percent),
                t("creator.stats_none")]  # fmt: skip
    return [t("creator.stats_header", percent=req.ctx.rules.creator_share_percent),
            t("lines", lines=Lines(rows))]  # fmt: skip


async def mine_lines(req: Request, member_id: int) -> list[T]:
    """/mine: the creator share the member earned, one line per completed wave."""
    credits = await creator.mine(req.ctx, member_id)
    if not credits:
        return []
    rows = Lines(tuple(creator.credit_line(credit) for credit in credits))
    return [t("creator.mine_header"), t("lines", lines=rows)]


@command("newsletter", SWITCH, reads_only=without_args)
async def switch_newsletter(req: Request) -> list[Reply]:
    """/newsletter on|off: the personal digest every few days, in private."""
    state = req.maybe(SWITCH)
    if state is None:
        on = await newsletter.is_on(req.ctx, req.actor)
    else:
        await newsletter.set_newsletter(req.ctx, req.actor, state)
        on = state
    key = "newsletter.is_on" if on else "newsletter.is_off"
    return say_private(t(key, days=req.ctx.rules.newsletter_days))
