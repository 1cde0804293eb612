"""/relaunch: a failed or cancelled wave gets another chance, and its backers are invited."""

from __future__ import annotations

from datetime import timedelta

from core.errors import DomainError
from core.messages import Button, t
from core.model import Wave, WaveStatus
from core.ports import Actor, Tx
from core.services import announce as ann
from core.services.context import Context, member_of, require_moderator
from core.services.waves import MAX_DURATION, MIN_DURATION, load_wave

RETRYABLE = (WaveStatus.FAILED, WaveStatus.CANCELLED)


async def relaunch(ctx: Context, actor: Actor, wave_id: int, duration: timedelta | None) -> Wave:
    """Open a copy of the wave (same tiers, minimum, capacity, limit), announced like a launch."""
    await require_moderator(ctx, actor)
    async with ctx.db.write() as tx:
        old = await load_wave(tx, wave_id)
        if old.status not in RETRYABLE:
            raise DomainError("error.relaunch_state", id=old.id, status=old.status.value)
        again = await tx.relaunch_of(old.id)
        if again is not None:
            raise DomainError("error.relaunched_already", id=old.id, again=again)
        length = duration or old.closes_at - old.opens_at
        if not MIN_DURATION <= length <= MAX_DURATION:
            raise DomainError("error.duration_range", max_days=MAX_DURATION.days)
        member = await member_of(ctx, tx, actor)
        now = ctx.clock.now()
        new_id = await tx.add_wave(
            old.idea_id, old.title, old.description, old.category, old.currency, old.tiers,
            old.moq, old.capacity, old.per_member_max, now, now + length, WaveStatus.OPEN,
            member.id, now,
        )  # fmt: skip
        await tx.set_wave_origin(new_id, old.id, old.photo)
        wave = await load_wave(tx, new_id)
        await ann.announce_opened(ctx, tx, wave)
        await _invite_backers(ctx, tx, old, wave, member.id)
        return wave


async def _invite_backers(ctx: Context, tx: Tx, old: Wave, wave: Wave, launcher: int) -> None:
    """A private invitation with a Join button to each former pledger not already alerted (nor
    the moderator relaunching it)."""
    alerted = {target.member_id for target in await tx.follower_targets(wave.category)}
    alerted.add(launcher)
    targets = [target for target in await tx.former_pledger_targets(old.id)
               if target.member_id not in alerted]  # fmt: skip
    body = (t("announce.relaunched", id=wave.id, old=old.id, title=wave.title,
              deadline=wave.closes_at),)  # fmt: skip
    buttons = ((Button(t("button.join"), f"join:{wave.id}"),),)
    await ann.record(ctx, tx, wave.id, "relaunched", ann.encode(body, buttons), targets)
