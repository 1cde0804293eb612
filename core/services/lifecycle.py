"""Closing, cancelling and extending waves, by a moderator or by the clock."""

from __future__ import annotations

from datetime import timedelta

from core.errors import DomainError
from core.messages import T, t
from core.model import PledgeStatus, Wave, WaveStatus
from core.ports import Actor, Tx
from core.services import announce as ann
from core.services import payments
from core.services.context import Context, member_of, require_moderator
from core.services.waves import MAX_DURATION, load_wave
from core.tiers import Bid, clear


async def close(ctx: Context, actor: Actor, wave_id: int) -> Wave:
    """Close now, by a moderator."""
    await require_moderator(ctx, actor)
    async with ctx.db.write() as tx:
        return await _close(ctx, tx, await load_wave(tx, wave_id))


async def _close(ctx: Context, tx: Tx, wave: Wave) -> Wave:
    """Clear the wave: one final price, kept and dropped pledges, success against the MOQ."""
    if wave.status is not WaveStatus.OPEN:
        raise DomainError("error.wave_not_open", id=wave.id, status=wave.status.value)
    now = ctx.clock.now()
    bids = await tx.active_bids(wave.id)
    result = clear(wave.tiers, bids, wave.moq)
    status = WaveStatus.SUCCEEDED if result.succeeded else WaveStatus.FAILED
    kept_status = PledgeStatus.AWAITING if result.succeeded else PledgeStatus.DROPPED
    await tx.set_pledge_status(wave.id, sorted(result.kept), kept_status, now)
    await tx.set_pledge_status(wave.id, sorted(result.dropped), PledgeStatus.DROPPED, now)
    await tx.set_wave_status(wave.id, status, now, result.price, result.units)
    await tx.mark_cards_dirty(wave.id)
    closed = await load_wave(tx, wave.id)
    body: tuple[T, ...]
    if result.succeeded:
        body = (
            t("announce.closed_success", id=wave.id, title=wave.title, units=result.units,
              price=wave.money(result.price)),
            t("announce.confirm_hint", id=wave.id),
        )  # fmt: skip
    else:
        body = (t("announce.closed_failed", id=wave.id, title=wave.title, units=result.units,
                  moq=wave.moq),)  # fmt: skip
    await ann.announce(ctx, tx, closed, "closed", body)
    if result.succeeded:
        await payments.request_payment(ctx, tx, closed)
        await tell_priced_out(ctx, tx, closed, [b for b in bids if b.member_id in result.dropped])
    return closed


async def tell_priced_out(ctx: Context, tx: Tx, wave: Wave, dropped: list[Bid]) -> None:
    """Each pledge the clearing dropped hears why, in private, and that nobody charges it."""
    price = wave.money(wave.final_price_cents or 0)
    maxima = {bid.member_id: bid.max_price_cents for bid in dropped}
    for target in await tx.pledger_targets(wave.id, PledgeStatus.DROPPED):
        most = maxima.get(target.member_id or 0)
        if most is None:
            continue
        body = (t("pledge.dropped_notice", id=wave.id, title=wave.title, price=price,
                  max=wave.money(most)),)  # fmt: skip
        await ann.record(ctx, tx, wave.id, "dropped", ann.encode(body), [target])


async def cancel(ctx: Context, actor: Actor, wave_id: int, reason: str) -> Wave:
    """Stop a wave for good; nobody pays."""
    await require_moderator(ctx, actor)
    async with ctx.db.write() as tx:
        wave = await load_wave(tx, wave_id)
        if wave.status not in (WaveStatus.OPEN, WaveStatus.SCHEDULED):
            raise DomainError("error.wave_not_open", id=wave.id, status=wave.status.value)
        now = ctx.clock.now()
        await tx.set_wave_status(wave.id, WaveStatus.CANCELLED, now)
        await tx.mark_cards_dirty(wave.id)
        cancelled = await load_wave(tx, wave.id)
        body = (t("announce.cancelled", id=wave.id, title=wave.title, reason=reason or "—"),)
        await ann.announce(ctx, tx, cancelled, "cancelled", body)
        return cancelled


async def extend(ctx: Context, actor: Actor, wave_id: int, delta: timedelta) -> Wave:
    """Push the deadline back, within the longest allowed duration."""
    await require_moderator(ctx, actor)
    async with ctx.db.write() as tx:
        wave = await load_wave(tx, wave_id)
        if wave.status is not WaveStatus.OPEN:
            raise DomainError("error.wave_not_open", id=wave.id, status=wave.status.value)
        deadline = wave.closes_at + delta
        if deadline - wave.opens_at > MAX_DURATION:
            raise DomainError("error.duration_range", max_days=MAX_DURATION.days)
        await tx.set_wave_deadline(wave.id, deadline)
        await tx.mark_cards_dirty(wave.id)
        return await load_wave(tx, wave.id)


async def confirm(ctx: Context, actor: Actor, wave_id: int) -> Wave:
    """A pledger confirms (pays) after a successful close."""
    async with ctx.db.write() as tx:
        wave = await load_wave(tx, wave_id)
        member = await member_of(ctx, tx, actor)
        await payments.decide(ctx, tx, wave, member.id, PledgeStatus.CONFIRMED)
        return wave


async def sweep_due(ctx: Context) -> list[int]:
    """Open scheduled waves and close the ones past their deadline; safe to run any time."""
    now = ctx.clock.now()
    changed: list[int] = []
    async with ctx.db.write() as tx:
        for wave_id in await tx.waves_due(WaveStatus.SCHEDULED, "opens_at", now):
            await tx.set_wave_status(wave_id, WaveStatus.OPEN, now)
            wave = await load_wave(tx, wave_id)
            await ann.announce_opened(ctx, tx, wave)
            changed.append(wave_id)
        for wave_id in await tx.waves_due(WaveStatus.OPEN, "closes_at", now):
            await _close(ctx, tx, await load_wave(tx, wave_id))
            changed.append(wave_id)
    return changed
