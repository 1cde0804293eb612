"""Fulfilment of a completed wave: moderators mark it shipped (with a tracking text) and
delivered; each paid member is told in private through the outbox, and delivery starts the
review requests (docs/ARCHITECTURE.md, "Fulfilment").

Who may mark a wave is decided here, at the moment of the action: moderators, and the supplier
whose chosen offer the wave came from (`suppliers.supplies_wave`). The right is asked outside
any write (§7).
"""

from __future__ import annotations

from dataclasses import replace

from core.errors import DomainError, Forbidden
from core.fulfilment_ports import Fulfilment, FulfilmentStatus
from core.messages import T, t
from core.model import Wave, WaveStatus
from core.ports import Actor, Tx
from core.services import announce as ann
from core.services import suppliers, talk
from core.services.context import Context, is_moderator, member_of
from core.services.waves import load_wave

TRACKING_MAX = 300


async def require_fulfiller(ctx: Context, actor: Actor, wave_id: int) -> None:
    """Moderators, or the supplier of this very wave; else refused."""
    if await is_moderator(ctx, actor) or await suppliers.supplies_wave(ctx, actor, wave_id):
        return
    raise Forbidden("error.not_moderator")


async def state(ctx: Context, wave_id: int) -> Fulfilment:
    """The wave's fulfilment as stored (PAID when never marked)."""
    async with ctx.db.read() as tx:
        return await tx.fulfilment(wave_id)


async def ship(ctx: Context, actor: Actor, wave_id: int, tracking: str) -> tuple[Wave, Fulfilment]:
    """Mark a completed wave shipped, or change its tracking text; paid members are told."""
    await require_fulfiller(ctx, actor, wave_id)  # rights before the options are read
    tracking = tracking.strip()
    if len(tracking) > TRACKING_MAX:
        raise DomainError("error.tracking_long", max=TRACKING_MAX, length=len(tracking))
    async with ctx.db.write() as tx:
        wave, now = await _completed(tx, wave_id), ctx.clock.now()
        current = await tx.fulfilment(wave.id)
        if current.status is FulfilmentStatus.DELIVERED:
            raise DomainError("error.already_delivered", id=wave.id)
        shipped = replace(current, status=FulfilmentStatus.SHIPPED, tracking=tracking,
                          shipped_at=current.shipped_at or now)  # fmt: skip
        await _save(ctx, tx, actor, shipped)
        await _tell_paid(ctx, tx, wave, "fulfilment:shipped", _shipped_notice(wave, tracking))
        return wave, shipped


async def deliver(ctx: Context, actor: Actor, wave_id: int) -> tuple[Wave, Fulfilment]:
    """Mark a completed wave delivered (shipped too, if it was not); paid members are told and
    asked for a review (the review sweep asks whoever this batch did not reach)."""
    await require_fulfiller(ctx, actor, wave_id)
    async with ctx.db.write() as tx:
        wave, now = await _completed(tx, wave_id), ctx.clock.now()
        current = await tx.fulfilment(wave.id)
        if current.status is FulfilmentStatus.DELIVERED:
            raise DomainError("error.already_delivered", id=wave.id)
        done = replace(current, status=FulfilmentStatus.DELIVERED,
                       shipped_at=current.shipped_at or now, delivered_at=now)  # fmt: skip
        await _save(ctx, tx, actor, done)
        body = (t("fulfilment.delivered_notice", id=wave.id, title=wave.title),)
        await _tell_paid(ctx, tx, wave, "fulfilment:delivered", body)
        await talk.ask_reviews_in(ctx, tx)
        return wave, done


async def _completed(tx: Tx, wave_id: int) -> Wave:
    """The wave, refused unless its payment window ended with success."""
    wave = await load_wave(tx, wave_id)
    if wave.status is not WaveStatus.COMPLETED:
        status = t(f"stats.wave_status.{wave.status.value}")
        raise DomainError("error.fulfil_not_completed", id=wave.id, status=status)
    return wave


async def _save(ctx: Context, tx: Tx, actor: Actor, new: Fulfilment) -> None:
    """Store the new state, with who marked it, and refresh the wave's cards."""
    by = await member_of(ctx, tx, actor)
    await tx.save_fulfilment(new, by.id, ctx.clock.now())
    await tx.mark_cards_dirty(new.wave_id)


def _shipped_notice(wave: Wave, tracking: str) -> tuple[T, ...]:
    """'Wave #1 is on its way', with the tracking text when there is one."""
    head = t("fulfilment.shipped_notice", id=wave.id, title=wave.title)
    return (head, t("fulfilment.tracking", tracking=tracking)) if tracking else (head,)


async def _tell_paid(ctx: Context, tx: Tx, wave: Wave, kind: str, body: tuple[T, ...]) -> None:
    """One private message to each paid member, in the same commit as the change."""
    targets = await tx.paid_targets(wave.id)
    if targets:
        await ann.record(ctx, tx, wave.id, kind, ann.encode(body), targets)


def status_text(fulfilment: Fulfilment, with_tracking: bool) -> T:
    """The /wave line: paid (awaiting shipment), shipped on …, or delivered on …."""
    if fulfilment.status is FulfilmentStatus.DELIVERED:
        return t("fulfilment.state_delivered", at=fulfilment.delivered_at)
    if fulfilment.status is FulfilmentStatus.PAID:
        return t("fulfilment.state_paid")
    if with_tracking and fulfilment.tracking:
        return t("fulfilment.state_shipped_tracking", at=fulfilment.shipped_at,
                 tracking=fulfilment.tracking)  # fmt: skip
    return t("fulfilment.state_shipped", at=fulfilment.shipped_at)
