"""A provider's checkout checked against the database: the invoice payload is only a hint.

A checkout provider (Telegram Payments) sends an invoice carrying `PaymentRequest.reference`,
asks before taking the money (`approve`: refused unless the pledge still awaits payment and the
amount and currency are exactly what is owed now) and reports the money once it moved
(`record`: through `paying.record_in`, idempotent on the charge id, never lost). The wave and
member come from the reference; who pays comes from the platform account, never from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.checkout_ports import PaymentNeeds
from core.errors import DomainError, NotFound
from core.payment_records import PaymentReceipt, ShippingDetails, parse_reference
from core.ports import Actor, Tx
from core.services import paying
from core.services.context import Context, member_of, require_moderator
from core.services.waves import load_wave


async def approve(
    ctx: Context, account: str, reference: str, amount_cents: int, currency: str
) -> None:
    """Say yes to a checkout, or raise the reason to show the payer (nothing is written)."""
    ref = parse_reference(reference)
    if ref is None:
        raise DomainError("error.checkout_unknown")
    async with ctx.db.read() as tx:
        try:
            wave = await load_wave(tx, ref.wave_id)
        except NotFound as error:
            raise DomainError("error.checkout_unknown") from error
        member = await tx.member_for_account(account)
        if member is None or member.id != ref.member_id:
            raise DomainError("error.checkout_not_yours", id=wave.id)
        owed = await paying.payable(ctx, tx, wave, member, account)
    if (owed.amount_cents, owed.currency) != (ref.amount_cents, ref.currency):
        raise DomainError("error.checkout_changed", id=wave.id, amount=owed.amount)
    if (amount_cents, currency) != (owed.amount_cents, owed.currency):
        raise DomainError("error.checkout_mismatch", id=wave.id, amount=owed.amount)


@dataclass(frozen=True)
class Charge:
    """A provider's report that money moved for an invoice we sent."""

    provider: str
    charge_id: str
    payer: Actor  # who paid, as the platform authenticated them
    reference: str
    amount_cents: int
    currency: str
    shipping: ShippingDetails | None = None
    paid_at: datetime | None = None  # the provider's own time of the payment, if it gives one


async def record(ctx: Context, tx: Tx, charge: Charge) -> paying.Recorded | None:
    """Record the money inside the caller's write (once per charge id); None when the reference
    names no wave of ours, which the caller must log loudly (the money is the provider's)."""
    ref = parse_reference(charge.reference)
    if ref is None or await tx.get_wave(ref.wave_id) is None:
        return None
    payer = await member_of(ctx, tx, charge.payer)  # not the payload's member: a forward may pay
    receipt = PaymentReceipt(charge.provider, charge.charge_id, ref.wave_id, payer.id,
                             charge.amount_cents, charge.currency,
                             paying.reported_at(charge.paid_at, ctx.clock.now()),
                             shipping=charge.shipping)  # fmt: skip
    return await paying.record_in(ctx, tx, receipt)


async def needs_of(ctx: Context, wave_id: int) -> PaymentNeeds | None:
    """What the wave's invoices ask for; None when moderators never said (the default applies)."""
    async with ctx.db.read() as tx:
        return await tx.payment_needs(wave_id)


async def set_needs(ctx: Context, actor: Actor, wave_id: int, words: str) -> PaymentNeeds:
    """A moderator says which delivery details the wave's invoices ask the payer for."""
    try:
        needs = PaymentNeeds.parse(words)
    except ValueError as error:
        raise DomainError("error.shipping_words", words=str(error)[:64]) from error
    await require_moderator(ctx, actor)
    async with ctx.db.write() as tx:
        wave = await load_wave(tx, wave_id)
        moderator = await member_of(ctx, tx, actor)
        await tx.set_payment_needs(wave.id, needs, moderator.id, ctx.clock.now())
    return needs
