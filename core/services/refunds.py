"""Money owed back: refunded by the provider after the commit, or a moderator's task until marked.

A refund row is written in the transaction that decides it (a wave failing on paid units, a
payment that cannot count). Providers that can refund are called by `sweep`, outside any write,
with a key that is the same on every retry, so a crash between the provider's refund and its
record refunds once. Other refunds stay due for the moderators: `/refunds` lists them,
`/refunded` marks one done (docs/ARCHITECTURE.md, "Payments").
"""

from __future__ import annotations

import logging

from core.errors import DomainError
from core.messages import T, t
from core.model import Member, Wave
from core.payment_records import Payment, Refund, RefundReason, RefundResult, RefundState
from core.ports import Actor, Tx
from core.services import announce as ann
from core.services.context import Context, require_moderator
from core.services.marks import marking
from core.services.waves import load_wave

log = logging.getLogger(__name__)
SWEEP_BATCH = 50
LIST_MAX = 30
FAILING_AFTER = 3  # failed attempts of an automatic refund before the moderators are told


def refund_key(refund: Refund) -> str:
    """The provider's idempotency key of one refund: the same on every retry."""
    return f"wavebot-refund-{refund.id}"


async def owe_back(
    ctx: Context, tx: Tx, wave: Wave, paid: list[Payment], reason: RefundReason
) -> int:
    """One refund per payment, each payer told how; moderators told of hand-made refunds."""
    tasks = 0
    for payment in paid:
        refund = await tx.add_refund(payment.id, reason, ctx.clock.now())
        if refund is not None:
            tasks += int(not await tell_payer(ctx, tx, wave, payment, reason))
    if tasks:
        body = (t("refund.mod_tasks", id=wave.id, title=wave.title, count=tasks),)
        await ann.record(ctx, tx, wave.id, "refund:tasks", ann.encode(body),
                         await tx.moderator_targets(ctx.rules.default_lang))  # fmt: skip
    return tasks


async def tell_payer(
    ctx: Context, tx: Tx, wave: Wave, payment: Payment, reason: RefundReason
) -> bool:
    """The payer hears their money comes back and how; True when the provider refunds it."""
    provider = ctx.payments.named(payment.provider)
    automatic = provider is not None and provider.refunds
    how = "refund.auto" if automatic else "refund.by_hand"
    body = (t(f"refund.why_{reason.value}", id=wave.id, title=wave.title),
            t(how, amount=payment.amount))  # fmt: skip
    target = await tx.member_target(payment.member_id)
    if target is not None:
        await ann.record(ctx, tx, wave.id, f"refund:{payment.id}", ann.encode(body), [target])
    return automatic


async def flag_stray(
    ctx: Context, tx: Tx, wave: Wave, payment: Payment, reason: RefundReason
) -> None:
    """A payment that cannot count: owed back, the payer told, the moderators told."""
    await tx.add_refund(payment.id, reason, ctx.clock.now())
    automatic = await tell_payer(ctx, tx, wave, payment, reason)
    body: tuple[T, ...] = (
        t("refund.mod_stray", id=wave.id, title=wave.title, member=payment.member_id,
          amount=payment.amount, why=t(f"refund.reason_{reason.value}")),
        t("refund.mod_auto", id=wave.id) if automatic
        else t("refund.mod_by_hand", id=wave.id, member=payment.member_id),
    )  # fmt: skip
    await ann.record(ctx, tx, wave.id, f"refund:stray:{payment.id}", ann.encode(body),
                     await tx.moderator_targets(ctx.rules.default_lang))  # fmt: skip


async def sweep(ctx: Context) -> int:
    """Ask the providers that can refund to give due refunds back; how many were done."""
    automatic = ctx.payments.refunding()
    if not automatic:
        return 0
    async with ctx.db.read() as tx:  # moderators' tasks never crowd out the automatic ones
        due = await tx.list_refunds(RefundState.DUE, limit=SWEEP_BATCH, providers=automatic)
        pairs = [(refund, await tx.get_payment(refund.payment_id)) for refund in due]
    done = 0
    for refund, payment in pairs:
        provider = ctx.payments.named(refund.provider)
        if payment is None or provider is None or not provider.refunds:
            continue  # a moderator's task
        try:
            result = await provider.refund(payment, refund_key(refund))
        except Exception as error:  # a provider outage: retried next sweep, with the same key
            log.warning("refund %s failed: %s", refund.id, type(error).__name__)
            result = None
        done += await _record_result(ctx, refund, result)
    return done


async def _record_result(ctx: Context, refund: Refund, result: RefundResult | None) -> int:
    """Mark the refund done and tell the payer, or count the failed attempt."""
    async with ctx.db.write() as tx:
        if result is None or not result.done:
            error = result.error if result else "provider error"
            await tx.note_refund_error(refund.id, error)
            if refund.attempts + 1 == FAILING_AFTER:
                await _tell_failing(ctx, tx, refund, error)
            return 0
        if not await tx.finish_refund(refund.id, ctx.clock.now(), None, result.provider_refund_id):
            return 0
        target = await tx.member_target(refund.member_id)
        if target is not None:
            body = (t("refund.done", id=refund.wave_id, amount=refund.amount),)
            await ann.record(ctx, tx, refund.wave_id, f"refund:done:{refund.id}",
                             ann.encode(body), [target])  # fmt: skip
        return 1


async def _tell_failing(ctx: Context, tx: Tx, refund: Refund, error: str) -> None:
    """An automatic refund keeps failing: the moderators see it as a task (still retried)."""
    body = (t("refund.mod_failing", id=refund.wave_id, amount=refund.amount,
              member=refund.member_id, error=error[:120]),)  # fmt: skip
    await ann.record(ctx, tx, refund.wave_id, f"refund:failing:{refund.id}", ann.encode(body),
                     await tx.moderator_targets(ctx.rules.default_lang))  # fmt: skip


async def due_refunds(ctx: Context, actor: Actor, wave_id: int | None) -> list[Refund]:
    """The refunds still owed (of one wave, or all): the moderators' list."""
    await require_moderator(ctx, actor)
    async with ctx.db.read() as tx:
        if wave_id is not None:
            await load_wave(tx, wave_id)
        return await tx.list_refunds(RefundState.DUE, wave_id, limit=LIST_MAX)


async def mark_refunded(
    ctx: Context, actor: Actor, wave_id: int, word: str
) -> tuple[Refund, Member]:
    """A moderator gave a payer's money back by hand: the task is done, the payer told."""
    async with marking(ctx, actor, wave_id, word) as mark:
        tx, wave, payer = mark.tx, mark.wave, mark.payer
        due = [
            r for r in await tx.list_refunds(RefundState.DUE, wave.id) if r.member_id == payer.id
        ]
        if not due:
            raise DomainError("error.refund_none", member=payer.id, name=payer.display_name,
                              id=wave.id)  # fmt: skip
        refund = due[0]
        await tx.finish_refund(refund.id, ctx.clock.now(), mark.moderator.id)
        target = await tx.member_target(payer.id)
        if target is not None:
            body = (t("refund.done", id=wave.id, amount=refund.amount),)
            await ann.record(ctx, tx, wave.id, f"refund:done:{refund.id}", ann.encode(body),
                             [target])  # fmt: skip
        return refund, payer
