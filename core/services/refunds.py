"""Money owed back: refunded by the provider after the commit, or a moderator's task until marked.

A refund row is written in the transaction that decides it (a wave failing on paid units, a
payment that cannot count). Providers that can refund are called by `sweep`, outside any write,
with a key that is the same on every retry, so a crash between the provider's refund and its
record refunds once. Other refunds stay due for the moderators: `/refunds` lists them,
`/refunded` marks one done (docs/ARCHITECTURE.md, "Payments").
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from core.errors import DomainError
from core.messages import T, t
from core.model import Member, Wave
from core.payment_records import Payment, Refund, RefundReason, RefundResult, RefundState
from core.ports import Actor, Tx
from core.services import announce as ann
from core.services.context import Context, require_moderator
from core.services.marks import marking
from core.services.providers import provider_text
from core.services.waves import load_wave

log = logging.getLogger(__name__)
SWEEP_BATCH = 50
LIST_MAX = 30
FAILING_AFTER = 3  # failed attempts of an automatic refund before the moderators are told
CLAIM_FOR = timedelta(minutes=10)  # a sweep's hold on a refund: its provider call, retries and all


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
        due = await tx.list_refunds(
            RefundState.DUE,
            limit=SWEEP_BATCH,
            providers=automatic,
            free_at=ctx.clock.now(),
            fewest_attempts_first=True,
        )
    done = 0
    for refund in due:
        done += await _refund_one(ctx, refund)
    return done


async def _refund_one(ctx: Context, refund: Refund) -> int:
    """Claim one refund in its own commit, then ask its provider; 1 when it was refunded."""
    provider = ctx.payments.named(refund.provider)
    if provider is None or not provider.refunds:
        return 0  # a moderator's task
    now = ctx.clock.now()
    until = now + CLAIM_FOR  # also this sweep's mark on the claim, to release only its own
    payment = await _claim(ctx, refund, now, until)
    if payment is None:
        return 0  # done meanwhile (/refunded), or another sweep is asking for it
    try:
        result = await provider.refund(payment, refund_key(refund))
    except Exception as error:  # a provider outage: retried next sweep, with the same key
        log.warning("refund %s failed: %s", refund.id, type(error).__name__)
        result = None
    return await _record_result(ctx, refund, result, until)


async def _claim(ctx: Context, refund: Refund, now: datetime, until: datetime) -> Payment | None:
    """Hold the refund for this sweep (committed before the provider is asked, so a second
    sweep or a /refunded sees it in flight); its payment, or None when it is not ours to make."""
    async with ctx.db.write() as tx:
        if not await tx.claim_refund(refund.id, now, until):
            return None
        return await tx.get_payment(refund.payment_id)


async def _record_result(
    ctx: Context, refund: Refund, result: RefundResult | None, claimed_until: datetime
) -> int:
    """Mark the refund done and tell the payer, or count the failed attempt and release this
    sweep's claim (not a later sweep's, which took it over once this one's ran out)."""
    async with ctx.db.write() as tx:
        if result is None or not result.done:
            error = result.error if result else "provider error"
            await tx.note_refund_error(refund.id, error, claimed_until)
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
    """A moderator gave a payer's money back by hand: the task is done, the payer told.

    A refund the provider makes itself is not the moderators' to mark until it has failed
    FAILING_AFTER times (they are told then), and never while a sweep is asking for it: either
    would give the money back twice. Once marked it is done, so no sweep asks for it again."""
    async with marking(ctx, actor, wave_id, word) as mark:
        tx, wave, payer = mark.tx, mark.wave, mark.payer
        due = [
            r for r in await tx.list_refunds(RefundState.DUE, wave.id) if r.member_id == payer.id
        ]
        if not due:
            raise DomainError("error.refund_none", member=payer.id, name=payer.display_name,
                              id=wave.id)  # fmt: skip
        now = ctx.clock.now()
        refund = _markable(ctx, due, payer, now)
        if not await tx.finish_refund(refund.id, now, mark.moderator.id, free_at=now):
            await _claimed_meanwhile(ctx, tx, refund, payer, now)
        target = await tx.member_target(payer.id)
        if target is not None:
            body = (t("refund.done", id=wave.id, amount=refund.amount),)
            await ann.record(ctx, tx, wave.id, f"refund:done:{refund.id}", ann.encode(body),
                             [target])  # fmt: skip
        return refund, payer


def _markable(ctx: Context, due: list[Refund], payer: Member, now: datetime) -> Refund:
    """The first refund a moderator may mark done by hand, else why none is."""
    for refund in due:
        if _refusal(ctx, refund, now) is None:
            return refund
    key = _refusal(ctx, due[0], now) or "error.refund_none"
    raise DomainError(key, member=payer.id, name=payer.display_name, id=due[0].wave_id,
                      provider=provider_text(due[0].provider), attempts=FAILING_AFTER)  # fmt: skip


def _refusal(ctx: Context, refund: Refund, now: datetime) -> str | None:
    """Why a moderator may not mark this refund done now (a catalogue key), or None."""
    if refund.in_flight(now):
        return "error.refund_in_flight"
    provider = ctx.payments.named(refund.provider)
    if provider is not None and provider.refunds and refund.attempts < FAILING_AFTER:
        return "error.refund_automatic"
    return None


async def _claimed_meanwhile(
    ctx: Context, tx: Tx, refund: Refund, payer: Member, now: datetime
) -> None:
    """Why a refund read as free could not be marked: since then (another process, committed
    meanwhile) a sweep claimed it, or it was finished. Never marked over a sweep's claim."""
    current = await tx.refund_of(refund.payment_id)
    key = "error.refund_none"
    if current is not None and current.state is RefundState.DUE and current.in_flight(now):
        key = "error.refund_in_flight"
    raise DomainError(key, member=payer.id, name=payer.display_name, id=refund.wave_id,
                      provider=provider_text(refund.provider))  # fmt: skip
