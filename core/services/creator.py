"""The creator share: a configurable part of each completed wave's revenue — the money it actually
received, not the units confirmed — is credited to the author of the idea it came from (after
merges, the surviving idea's author, since the wave is launched from that idea). The ledger has
one row per wave, written in the transaction that completes the wave and rewritten in each one
that moves its money afterwards (manual marks, late reports), so it is recomputed, never added
to: sweeps repeated after a crash credit nothing twice."""

from __future__ import annotations

from dataclasses import dataclass

from core.messages import T, t
from core.model import Wave, WaveStatus
from core.money import Money
from core.ports import Actor, Tx
from core.services.context import Context, require_moderator
from core.services.stats import decimal_amount
from core.supply_records import CreatorCredit


@dataclass(frozen=True)
class LedgerTotal:
    """What the ledger holds in one currency."""

    amount: Money
    waves: int


def share_of(revenue_cents: int, percent: int) -> int:
    """The author's part in whole cents, rounded down (the community never owes a fraction)."""
    return revenue_cents * percent // 100


async def credit_completed(ctx: Context, tx: Tx, wave: Wave) -> bool:
    """Credit the idea's author with the share of a wave that just completed; True if credited.

    Called in the settling transaction only for a COMPLETED wave. The author reads it in /mine;
    no message is added to the outcome news everyone already receives."""
    return await _credit(ctx, tx, wave)


async def follow_money(ctx: Context, tx: Tx, wave: Wave) -> bool:
    """Money of a completed wave moved after its completion (a /paid for a confirmed pledge, a
    payment made in time and reported late, an /unpaid): the share follows; True if changed."""
    if wave.status is not WaveStatus.COMPLETED:
        return False
    return await _credit(ctx, tx, wave)


async def received_cents(tx: Tx, wave: Wave) -> int:
    """What the wave actually received: its counted live payments in its currency (a voided,
    refunded or uncounted payment is no revenue), i.e. paid units × the final price."""
    paid = await tx.live_payments(wave.id)
    return sum(p.amount_cents for p in paid if p.counted and p.currency == wave.currency)


async def _credit(ctx: Context, tx: Tx, wave: Wave) -> bool:
    """Write the wave's credit as the share of what it received; the percent is the one of the
    first credit (a later configuration change rewrites nothing). No row while nothing is paid."""
    revenue = await received_cents(tx, wave)
    credit = await tx.credit_for_wave(wave.id)
    if credit is not None:
        amount = share_of(revenue, credit.share_percent)
        return await tx.set_creator_revenue(wave.id, revenue, amount)
    percent = ctx.rules.creator_share_percent
    if wave.idea_id is None or revenue <= 0 or percent <= 0:
        return False
    idea = await tx.get_idea(wave.idea_id)
    if idea is None:
        return False
    amount = share_of(revenue, percent)
    return await tx.add_creator_credit(wave.id, idea.author_id, revenue, amount, wave.currency,
                                       percent, ctx.clock.now())  # fmt: skip


def credit_line(credit: CreatorCredit) -> T:
    """'#3 Kettle: 5% of 700 € = 35 €' for /mine."""
    return t("creator.mine_row", id=credit.wave_id, title=credit.wave_title,
             percent=credit.share_percent,
             amount=Money(credit.amount_cents, credit.currency),
             revenue=Money(credit.revenue_cents, credit.currency))  # fmt: skip


async def export_share_line(tx: Tx, wave_id: int) -> T | None:
    """The creator-share line of a wave's order (text), if the wave was credited."""
    credit = await tx.credit_for_wave(wave_id)
    if credit is None:
        return None
    return t("creator.export_line", percent=credit.share_percent,
             amount=Money(credit.amount_cents, credit.currency))  # fmt: skip


async def export_share_row(tx: Tx, wave_id: int) -> tuple[str, object] | None:
    """The same as a row of the order sheet's summary block (core/services/orders.py
    `order_csv`: (catalogue key, value)): the amount as '5.25'."""
    credit = await tx.credit_for_wave(wave_id)
    if credit is None:
        return None
    return "creator.csv_share", decimal_amount(credit.amount_cents)


async def mine(ctx: Context, member_id: int) -> list[CreatorCredit]:
    """A member's own credits."""
    async with ctx.db.read() as tx:
        return await tx.credits_of(member_id)


async def totals(ctx: Context, actor: Actor) -> list[LedgerTotal]:
    """The whole ledger per currency, for /stats."""
    await require_moderator(ctx, actor)
    async with ctx.db.read() as tx:
        rows = await tx.credit_totals()
    return [LedgerTotal(Money(amount, currency), waves) for currency, amount, waves in rows]
