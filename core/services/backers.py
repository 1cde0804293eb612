"""Backers are told: an idea's author of its moderation, its wanters when it becomes a wave."""

from __future__ import annotations

from core.messages import Button, T, t
from core.model import Idea, Target, Wave
from core.ports import Tx
from core.services import announce as ann
from core.services.context import Context
from core.tiers import price_for
from core.views import status_text


async def tell_author(ctx: Context, tx: Tx, idea: Idea, moderator_id: int, body: T) -> None:
    """The author hears a moderation decision in private, in the decision's transaction; not
    when they moderated their own idea (their reply says it) or turned news off."""
    if idea.author_id == moderator_id:
        return
    target = await tx.news_target(idea.author_id)
    if target is not None:
        kind = f"idea_news:{idea.id}"
        await ann.record(ctx, tx, None, kind, ann.encode((body,)), [target])


def approved_notice(idea: Idea) -> T:
    """'Your idea #3 is approved: members can now say they want it.'"""
    return t("notice.approved", id=idea.id, title=idea.title)


def rejected_notice(idea: Idea, reason: str) -> T:
    """The reason when there is one, else a sentence saying none was given."""
    if reason.strip():
        return t("notice.rejected", id=idea.id, title=idea.title, reason=reason.strip())
    return t("notice.rejected_no_reason", id=idea.id, title=idea.title)


def merged_notice(idea: Idea, into: Idea) -> T:
    """Which idea it joined, and that its supporters now count there."""
    return t("notice.merged", id=idea.id, title=idea.title, into=into.id, into_title=into.title)


def price_comparison(wave: Wave, max_cents: int) -> T:
    """A wanter's stated limit against the price now and the tier that would meet it."""
    now = price_for(wave.tiers, wave.units)
    limit = wave.money(max_cents)
    if max_cents >= now:
        return t("notice.max_within", max=limit, price=wave.money(now))
    reaching = next((tier for tier in wave.tiers if tier.unit_price <= max_cents), None)
    if reaching is None:
        best = wave.money(wave.tiers[-1].unit_price)
        return t("notice.max_above_best", max=limit, price=wave.money(now), best=best)
    return t("notice.max_later", max=limit, price=wave.money(now),
             target=wave.money(reaching.unit_price), units=reaching.min_units)  # fmt: skip


def launch_notice(
    ctx: Context, wave: Wave, max_cents: int | None, maker: str = ""
) -> dict[str, object]:
    """The wanter's message: the wave, which maker answered, its price against their limit,
    deadline, Join / View."""
    price = wave.money(price_for(wave.tiers, wave.units))
    body = [t("notice.launched", id=wave.id, title=wave.title, price=price)]
    if maker:
        body.append(t("notice.maker", maker=maker))
    if max_cents is not None:
        body.append(price_comparison(wave, max_cents))
    body.append(status_text(wave, ctx.clock.now()))
    buttons = ((Button(t("button.join"), f"join:{wave.id}"),
                Button(t("button.view"), f"wave:{wave.id}")),)  # fmt: skip
    return ann.encode(tuple(body), buttons)


async def tell_wanters(
    ctx: Context, tx: Tx, wave: Wave, idea_id: int, launcher: int, maker: str = ""
) -> set[int]:
    """One private message per wanter of the idea (merged ideas' wanters included, as merging
    moved their wants), except the launching moderator; returns the members told."""
    told: set[int] = set()
    for target, max_cents in await tx.wanter_targets(idea_id):
        member = target.member_id
        if member is None or member == launcher or member in told:
            continue
        await _record_one(ctx, tx, wave, target, launch_notice(ctx, wave, max_cents, maker))
        told.add(member)
    return told


async def tell_newcomers(
    ctx: Context, tx: Tx, wave: Wave, wanters: list[tuple[Target, int | None]], skip: set[int]
) -> int:
    """Wanters carried by a merge into an idea already running as a wave hear of it too."""
    told = 0
    for target, max_cents in wanters:
        if target.member_id is None or target.member_id in skip:
            continue
        await _record_one(ctx, tx, wave, target, launch_notice(ctx, wave, max_cents))
        skip.add(target.member_id)
        told += 1
    return told


async def _record_one(ctx: Context, tx: Tx, wave: Wave, target: Target, payload: object) -> None:
    """Each wanter's message is their own announcement: the price comparison is personal."""
    await ann.record(ctx, tx, wave.id, f"wanted:{target.member_id}", payload, [target])
