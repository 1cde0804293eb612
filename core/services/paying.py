"""Paying at the end: what /pay shows, recording a payment once, and the moderators' manual marks.

Every payment, whoever reports it (a moderator's /paid, the simulated button, a provider's
webhook), goes through `record_in`: idempotent on (provider, charge id), and never lost — one
that cannot count (window over, already paid, wrong amount or currency) is recorded with a
refund owed (core/services/refunds.py). A counted payment confirms the pledge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.errors import DomainError
from core.fulfilment_ports import FulfilmentStatus
from core.messages import Reply, t
from core.model import Member, PaymentWindow, Pledge, PledgeStatus, Wave, WaveStatus
from core.payment_records import (
    MANUAL,
    Payment,
    PaymentReceipt,
    PaymentRequest,
    RefundReason,
    parse_reference,
)
from core.ports import Actor, Tx
from core.services import announce as ann
from core.services import creator, providers, refunds
from core.services.context import Context, member_of, require_moderator
from core.services.marks import marking
from core.services.waves import load_wave

PAYABLE = (PledgeStatus.AWAITING, PledgeStatus.CONFIRMED)
# A provider's clock is not ours: a payment it dates this soon after the deadline was started
# (pre-checkout answered, Checkout Session open) before the deadline by our own clock.
PAY_SKEW = timedelta(minutes=1)
COMMUNITY = 0  # the scope of the community-wide payment instructions
INSTRUCTIONS_MAX = 1000


@dataclass(frozen=True)
class Recorded:
    """A payment as recorded: whether this report created it, and why it is owed back if so."""

    payment: Payment
    new: bool
    owed_back: RefundReason | None


async def pay(ctx: Context, actor: Actor, wave_id: int) -> Reply:
    """What /pay shows: the provider's prompt for what this member owes (writes nothing)."""
    async with ctx.db.read() as tx:
        wave = await load_wave(tx, wave_id)
        member = await tx.member_for_account(actor.account)
        request = await payable(ctx, tx, wave, member, actor.account)
    return await ctx.payments.for_account(actor.account).prompt(request)


async def payable(
    ctx: Context, tx: Tx, wave: Wave, member: Member | None, account: str
) -> PaymentRequest:
    """The request for a pledge that can be paid now, or the reason it cannot."""
    if wave.status in (WaveStatus.SCHEDULED, WaveStatus.OPEN, WaveStatus.CLOSED):
        raise DomainError("error.pay_not_yet", id=wave.id)
    pledge = await tx.get_pledge(wave.id, member.id) if member else None
    if member is None or pledge is None or pledge.status not in PAYABLE:
        raise DomainError("error.nothing_to_pay", id=wave.id)
    window = await tx.payment_window(wave.id)
    now = ctx.clock.now()
    open_ = window is not None and window.completed_at is None and now < window.due_at
    if wave.status is not WaveStatus.SUCCEEDED or window is None or not open_:
        raise DomainError("error.pay_window_closed", id=wave.id)
    if await counted_payments(tx, wave.id, member.id):
        raise DomainError("error.pay_already_paid", id=wave.id)
    text = await tx.payment_instructions(wave.id) or await tx.payment_instructions(COMMUNITY)
    return PaymentRequest(wave.id, member.id, account, wave.title, pledge.quantity,
                          wave.final_price_cents or 0, wave.currency, window.due_at,
                          text or "")  # fmt: skip


async def check(ctx: Context, reference: str, amount_cents: int, currency: str) -> PaymentRequest:
    """Before a provider takes money (Telegram's pre-checkout, a checkout about to open): the
    reference names a pledge that awaits payment now, for exactly this amount and currency."""
    ref = parse_reference(reference)
    if ref is None:
        raise DomainError("error.pay_changed")
    async with ctx.db.read() as tx:
        wave = await load_wave(tx, ref.wave_id)
        member = await tx.get_member(ref.member_id)
        request = await payable(ctx, tx, wave, member, "")
    exact = (request.amount_cents, request.currency) == (amount_cents, currency)
    if not exact or (ref.amount_cents, ref.currency) != (amount_cents, currency):
        raise DomainError("error.pay_changed")
    return request


async def counted_payments(tx: Tx, wave_id: int, member_id: int) -> list[Payment]:
    """The member's live payments that count toward the wave."""
    return [p for p in await tx.live_payments(wave_id, member_id) if p.counted]


async def simulate(ctx: Context, actor: Actor, wave_id: int) -> Recorded:
    """The simulated provider's button: pay what /pay showed, at once (one charge per pledge)."""
    if ctx.payments.for_account(actor.account).name != providers.SimulatedProvider.name:
        raise DomainError("error.pay_not_simulated")
    async with ctx.db.write() as tx:
        wave = await load_wave(tx, wave_id)
        member = await member_of(ctx, tx, actor)
        request = await payable(ctx, tx, wave, member, actor.account)
        receipt = PaymentReceipt(providers.SimulatedProvider.name, providers.charge_id(request),
                                 wave.id, member.id, request.amount_cents, request.currency,
                                 ctx.clock.now())  # fmt: skip
        return await record_in(ctx, tx, receipt)


async def record(ctx: Context, receipt: PaymentReceipt) -> Recorded:
    """A provider reports money that arrived: recorded once, whatever the number of reports."""
    async with ctx.db.write() as tx:
        return await record_in(ctx, tx, receipt)


async def record_in(ctx: Context, tx: Tx, receipt: PaymentReceipt) -> Recorded:
    """Record a payment inside a transaction; a known charge id changes nothing."""
    known = await tx.payment_by_charge(receipt.provider, receipt.charge_id)
    if known is not None:
        owed = await tx.refund_of(known.id)
        return Recorded(known, False, owed.reason if owed else None)
    wave = await load_wave(tx, receipt.wave_id)
    pledge = await tx.get_pledge(wave.id, receipt.member_id)
    reason = await why_not_counted(ctx, tx, wave, pledge, receipt)
    quantity = pledge.quantity if pledge else 0
    payment, created = await tx.record_payment(receipt, quantity, counted=reason is None)
    if not created:  # a concurrent report of this charge committed after the lookup above
        owed = await tx.refund_of(payment.id)
        return Recorded(payment, False, owed.reason if owed else None)
    if receipt.shipping is not None:
        await tx.save_shipping(payment.id, receipt.shipping, ctx.clock.now())
    if reason is not None:
        await refunds.flag_stray(ctx, tx, wave, payment, reason)
        return Recorded(payment, True, reason)
    if pledge is not None and pledge.status is not PledgeStatus.CONFIRMED:  # awaiting, expired
        await tx.set_pledge_status(wave.id, [pledge.member_id], PledgeStatus.CONFIRMED,
                                   ctx.clock.now())  # fmt: skip
    await tx.mark_cards_dirty(wave.id)
    await _tell_paid(ctx, tx, wave, payment)
    await creator.follow_money(ctx, tx, wave)  # paid after the completion: the share follows
    return Recorded(payment, True, None)


async def why_not_counted(
    ctx: Context, tx: Tx, wave: Wave, pledge: Pledge | None, receipt: PaymentReceipt
) -> RefundReason | None:
    """None when the payment counts toward the wave, else why it is owed back.

    Judged by when the member paid (`receipt.paid_at`: the provider's own time, see
    `reported_at`), not when the report reached us: a payment made before the deadline counts
    even when its webhook or update arrives after the window closed, as long as the wave did
    not fail nor its goods leave meanwhile (docs/ARCHITECTURE.md, "Payments")."""
    window = await tx.payment_window(wave.id)
    if pledge is None or not _payable_then(pledge, window):
        return RefundReason.LATE
    owed = (wave.final_price_cents or 0) * pledge.quantity
    if receipt.amount_cents != owed or receipt.currency != wave.currency:
        return RefundReason.MISMATCH
    if await counted_payments(tx, wave.id, pledge.member_id):
        return RefundReason.DUPLICATE
    if wave.status is WaveStatus.COMPLETED and pledge.status is PledgeStatus.CONFIRMED:
        return None  # confirmed in time, paid (or marked) after the completion
    skew = PAY_SKEW if receipt.recorded_by is None else timedelta(0)  # a mark: our own clock
    if window is None or not in_time(receipt.paid_at, window, skew):
        return RefundReason.LATE
    if wave.status is WaveStatus.SUCCEEDED:
        return None
    if wave.status is WaveStatus.COMPLETED:  # decided before this report arrived
        return RefundReason.LATE if await _goods_sent(tx, wave) else None
    return RefundReason.FAILED if wave.status is WaveStatus.FAILED else RefundReason.LATE


async def _goods_sent(tx: Tx, wave: Wave) -> bool:
    """The wave's goods left (shipped or delivered) without this member's units: a payment
    reported only now, though made in time, buys nothing and goes back."""
    return (await tx.fulfilment(wave.id)).status is not FulfilmentStatus.PAID


def _payable_then(pledge: Pledge, window: PaymentWindow | None) -> bool:
    """The pledge awaited payment, or was released only because the window ended (not by the
    member's own choice), so a payment made before the end may still count."""
    if pledge.status in PAYABLE:
        return True
    expired = window is not None and pledge.updated_at >= window.due_at
    return pledge.status is PledgeStatus.ABANDONED and expired


def in_time(paid_at: datetime, window: PaymentWindow, skew: timedelta = PAY_SKEW) -> bool:
    """Paid before the window's end, give or take a provider's clock (`skew`)."""
    return paid_at < window.due_at + skew


def reported_at(provider_time: datetime | None, now: datetime) -> datetime:
    """When a payment was made, by the provider's own clock (Telegram's message date, Stripe's
    event time), but never later than our now: a time ahead of ours is clock skew, not news."""
    return now if provider_time is None else min(provider_time, now)


async def _tell_paid(ctx: Context, tx: Tx, wave: Wave, payment: Payment) -> None:
    """The payer hears, in private, that the payment is recorded."""
    target = await tx.member_target(payment.member_id)
    if target is not None:
        body = (t("pay.paid_notice", id=wave.id, title=wave.title, amount=payment.amount),)
        await ann.record(ctx, tx, wave.id, f"pay:paid:{payment.id}", ann.encode(body), [target])


async def mark_paid(ctx: Context, actor: Actor, wave_id: int, word: str) -> tuple[Member, Recorded]:
    """A moderator records a manual payment (transfer, cash) for a member's pledge."""
    async with marking(ctx, actor, wave_id, word) as mark:
        tx, wave, payer = mark.tx, mark.wave, mark.payer
        pledge = await _pledge_to_mark(tx, wave, payer)
        if await counted_payments(tx, wave.id, payer.id):
            raise DomainError("error.paid_already", member=payer.id, name=payer.display_name,
                              id=wave.id)  # fmt: skip
        number = await tx.count_payments(wave.id, payer.id, MANUAL) + 1
        receipt = PaymentReceipt(MANUAL, f"manual-w{wave.id}m{payer.id}-{number}", wave.id,
                                 payer.id, (wave.final_price_cents or 0) * pledge.quantity,
                                 wave.currency, ctx.clock.now(), mark.moderator.id)  # fmt: skip
        return payer, await record_in(ctx, tx, receipt)


async def _pledge_to_mark(tx: Tx, wave: Wave, payer: Member) -> Pledge:
    """The pledge a moderator may mark paid, or a clear refusal."""
    if wave.status in (WaveStatus.SCHEDULED, WaveStatus.OPEN, WaveStatus.CLOSED):
        raise DomainError("error.pay_not_yet", id=wave.id)
    pledge = await tx.get_pledge(wave.id, payer.id)
    if pledge is None or pledge.status not in (*PAYABLE, PledgeStatus.ABANDONED):
        raise DomainError("error.paid_no_pledge", member=payer.id, name=payer.display_name,
                          id=wave.id)  # fmt: skip
    return pledge


async def mark_unpaid(
    ctx: Context, actor: Actor, wave_id: int, word: str
) -> tuple[Member, Payment]:
    """A moderator takes back a manual mark made by mistake; the pledge awaits payment again."""
    async with marking(ctx, actor, wave_id, word) as mark:
        tx, wave, payer = mark.tx, mark.wave, mark.payer
        paid = await counted_payments(tx, wave.id, payer.id)
        if not paid:
            raise DomainError("error.unpaid_none", member=payer.id, name=payer.display_name,
                              id=wave.id)  # fmt: skip
        payment = paid[0]
        if payment.provider != MANUAL:
            raise DomainError(
                "error.unpaid_provider",
                id=wave.id,
                provider=providers.provider_text(payment.provider),
            )
        now = ctx.clock.now()
        await tx.void_payment(payment.id, mark.moderator.id, now)
        window = await tx.payment_window(wave.id)
        if wave.status is WaveStatus.SUCCEEDED and window and window.completed_at is None:
            await tx.set_pledge_status(wave.id, [payer.id], PledgeStatus.AWAITING, now)
        await tx.mark_cards_dirty(wave.id)
        await creator.follow_money(ctx, tx, wave)  # a mark taken back: no longer revenue
        return payer, payment


async def set_instructions(ctx: Context, actor: Actor, text: str) -> None:
    """A moderator writes how the community collects (shown by /pay with the manual provider)."""
    await require_moderator(ctx, actor)
    async with ctx.db.write() as tx:
        moderator = await member_of(ctx, tx, actor)
        await tx.set_payment_instructions(COMMUNITY, text[:INSTRUCTIONS_MAX], moderator.id,
                                          ctx.clock.now())  # fmt: skip


async def instructions(ctx: Context, actor: Actor) -> str | None:
    """The community's collection instructions, for moderators to read back."""
    await require_moderator(ctx, actor)
    async with ctx.db.read() as tx:
        return await tx.payment_instructions(COMMUNITY)
