"""Paying at the end: /pay, the simulated pay button, manual marks, refunds and instructions."""

from __future__ import annotations

from core.commands.params import WAVE, Param, Text, WaveId, Word
from core.commands.parsing import parse_id
from core.commands.registry import Request, action, command, without_args
from core.commands.usage import say_private
from core.messages import Reply, T, t
from core.payment_records import Refund
from core.services import lifecycle, paying, refunds
from core.services.providers import provider_text

THE_WAVE = Param("wave", WaveId)
SOME_WAVE = Param("wave", WaveId, required=False)
MEMBER = Param("member", Word, label_key="usage.member")
TEXT = Param("text", Text, required=False)


async def confirm_or_pay(req: Request, wave_id: int) -> list[Reply]:
    """The Confirm button and /confirm: pay through the member's provider; with manual
    collection, record the confirmation and say how the community collects."""
    if req.ctx.payments.for_account(req.actor.account).collects:
        return [await paying.pay(req.ctx, req.actor, wave_id)]
    wave = await lifecycle.confirm(req.ctx, req.actor, wave_id)
    price = wave.money(wave.final_price_cents or 0)
    confirmed = Reply(body=(t("pledge.confirmed", id=wave.id, title=wave.title, price=price),))
    return [confirmed, await paying.pay(req.ctx, req.actor, wave_id)]


@command("pay", THE_WAVE, reads_only=True)
async def pay(req: Request) -> list[Reply]:
    """What I owe for a wave and how to pay it (an invoice, a link, or the community's way)."""
    return [await paying.pay(req.ctx, req.actor, req.arg(THE_WAVE))]


@action("simpay")
async def simulated_pay(req: Request) -> list[Reply]:
    """The simulated provider's pay button (demo): the payment is recorded at once."""
    recorded = await paying.simulate(req.ctx, req.actor, parse_id(req.args, WAVE))
    payment = recorded.payment
    return say_private(t("pay.simulated_done", id=payment.wave_id, amount=payment.amount))


@command("paid", THE_WAVE, MEMBER, moderator=True)
async def paid(req: Request) -> list[Reply]:
    """Mark a member's pledge paid (bank transfer, cash); the member is told in private."""
    payer, recorded = await paying.mark_paid(req.ctx, req.actor, req.arg(THE_WAVE),
                                             req.arg(MEMBER))  # fmt: skip
    payment = recorded.payment
    names = {"member": payer.id, "name": payer.display_name, "id": payment.wave_id}
    if recorded.owed_back is None:
        return say_private(t("paid.marked", amount=payment.amount, **names))
    why = t(f"refund.reason_{recorded.owed_back.value}")
    return say_private(t("paid.marked_stray", amount=payment.amount, why=why, **names),
                       t("paid.refund_task", id=payment.wave_id))  # fmt: skip


@command("unpaid", THE_WAVE, MEMBER, moderator=True)
async def unpaid(req: Request) -> list[Reply]:
    """Take back a /paid mark made by mistake; the pledge awaits payment again."""
    payer, payment = await paying.mark_unpaid(req.ctx, req.actor, req.arg(THE_WAVE),
                                              req.arg(MEMBER))  # fmt: skip
    return say_private(t("paid.unmarked", member=payer.id, name=payer.display_name,
                         id=payment.wave_id, amount=payment.amount))  # fmt: skip


@command("refunds", SOME_WAVE, moderator=True, reads_only=True)
async def refunds_due(req: Request) -> list[Reply]:
    """Refunds still owed to payers, of one wave or of all."""
    wave_id = req.maybe(SOME_WAVE)
    due = await refunds.due_refunds(req.ctx, req.actor, wave_id)
    if not due:
        return [Reply(body=(t("refunds.none"),), private=True)]
    head = t("refunds.head", count=len(due))
    return [Reply(body=(head, *(refund_row(refund) for refund in due)), private=True)]


def refund_row(refund: Refund) -> T:
    """One owed refund: wave, member, amount, why, and how it is being made."""
    why = t(f"refund.reason_{refund.reason.value}")
    if refund.attempts:
        return t("refunds.row_failing", id=refund.wave_id, member=refund.member_id,
                 amount=refund.amount, why=why, attempts=refund.attempts)  # fmt: skip
    return t("refunds.row", id=refund.wave_id, member=refund.member_id, amount=refund.amount,
             why=why, provider=provider_text(refund.provider))  # fmt: skip


@command("refunded", THE_WAVE, MEMBER, moderator=True)
async def refunded(req: Request) -> list[Reply]:
    """Mark a payer's refund done (given back by hand); the payer is told."""
    refund, payer = await refunds.mark_refunded(req.ctx, req.actor, req.arg(THE_WAVE),
                                                req.arg(MEMBER))  # fmt: skip
    return say_private(t("refunded.done", member=payer.id, name=payer.display_name,
                         id=refund.wave_id, amount=refund.amount))  # fmt: skip


@command("payhow", TEXT, moderator=True, reads_only=without_args)
async def payhow(req: Request) -> list[Reply]:
    """Say how the community collects (IBAN, cash at the meetup…): /pay shows it to members."""
    text = (req.maybe(TEXT) or "").strip()
    if not text:
        current = await paying.instructions(req.ctx, req.actor)
        shown = t("payhow.current", text=current) if current else t("payhow.unset")
        return [Reply(body=(shown,), private=True)]
    await paying.set_instructions(req.ctx, req.actor, text)
    return [Reply(body=(t("payhow.set"), t("pay.manual_how", text=text[:paying.INSTRUCTIONS_MAX])),
                  private=True)]  # fmt: skip
