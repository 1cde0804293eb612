"""Announcements go through the outbox in the same transaction as the change that caused them."""

from __future__ import annotations

from core.messages import T, t, to_json
from core.model import Wave
from core.ports import Target, Tx
from core.services.context import Context
from core.tiers import price_for
from core.views import gap_text, progress_text


async def announce(
    ctx: Context, tx: Tx, wave: Wave, kind: str, body: tuple[T, ...], participants: bool = True
) -> int:
    """Record one announcement and a delivery per subscribed chat and opted-in participant."""
    targets: list[Target] = list(await tx.subscribed_targets(wave.category))
    if participants:
        targets += await tx.participant_targets(wave.id)
    unique = list({(target.platform, target.chat_id): target for target in targets}.values())
    payload = {"body": [to_json(part) for part in body], "wave": wave.id}
    announcement = await tx.add_announcement(wave.id, kind, payload, unique, ctx.clock.now())
    if unique:
        ctx.wakeup.deliveries_pending()
    return announcement


def milestone_body(wave: Wave, milestone: int, new_tier: bool, moq: bool) -> tuple[T, ...]:
    """'Already 100 in X! Everyone pays 80 € now.' with tier and threshold news, bar and gap."""
    price = wave.money(price_for(wave.tiers, wave.units))
    body = [t("announce.milestone", count=milestone, id=wave.id, title=wave.title, price=price)]
    if new_tier:
        body.append(t("announce.tier", price=price))
    if moq:
        body.append(t("announce.moq", moq=wave.moq))
    return (*body, progress_text(wave), gap_text(wave))


def opened_body(wave: Wave) -> tuple[T, ...]:
    """A new wave is open."""
    price = wave.money(wave.tiers[0].unit_price)
    best = wave.money(wave.tiers[-1].unit_price)
    return (
        t("announce.opened", id=wave.id, title=wave.title, category=wave.category),
        t("announce.opened_prices", price=price, best=best, deadline=wave.closes_at),
    )
