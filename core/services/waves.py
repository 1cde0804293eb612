"""Waves: launch, pledge, withdraw, and the lifecycle to the close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from core.errors import DomainError, NotFound
from core.model import IdeaStatus, Pledge, PledgeStatus, Tier, Wave, WaveStatus
from core.ports import Actor, Tx
from core.services import announce as ann
from core.services import backers, offer_news
from core.services.context import Context, member_of, require_moderator
from core.services.ideas import load_idea
from core.services.moderation import refuse_if_banned
from core.tiers import cleared_counts, milestones_reached, validate_tiers
from core.views import page_buttons

MAX_DURATION = timedelta(days=90)
MIN_DURATION = timedelta(minutes=1)
LIVE = (WaveStatus.OPEN,)


@dataclass(frozen=True)
class LaunchPlan:
    """A moderator's launch parameters."""

    idea_id: int
    tiers: tuple[Tier, ...]
    duration: timedelta
    moq: int | None = None
    capacity: int | None = None
    per_member: int = 1
    maker: str = ""  # the supplier whose offer this wave answers (wanters are told)
    offer_id: int | None = None  # that offer (the idea's other open offers are declined)


@dataclass(frozen=True)
class PledgeOutcome:
    """What a join or leave did, for the reply."""

    wave: Wave
    quantity: int
    previous: int
    milestones: tuple[int, ...] = ()


def default_moq(tiers: tuple[Tier, ...]) -> int:
    """Without min=, a wave must at least reach its first discount."""
    return tiers[1].min_units if len(tiers) > 1 else 1


async def load_wave(tx: Tx, wave_id: int) -> Wave:
    """A wave by id, or a clear 'no such wave'."""
    wave = await tx.get_wave(wave_id)
    if wave is None:
        raise NotFound("error.wave_not_found", id=wave_id)
    return wave


def _check_plan(plan: LaunchPlan) -> tuple[Tier, ...]:
    """Refuse launch parameters that make no sense, saying which."""
    tiers = validate_tiers(plan.tiers)
    if not MIN_DURATION <= plan.duration <= MAX_DURATION:
        raise DomainError("error.duration_range", max_days=MAX_DURATION.days)
    if plan.moq is not None and plan.moq < 1:
        raise DomainError("error.option_positive", option="min")
    if plan.per_member < 1:
        raise DomainError("error.option_positive", option="per")
    if plan.capacity is not None and plan.capacity < max(plan.moq or 1, plan.per_member):
        raise DomainError("error.capacity_small")
    return tiers


async def launch(ctx: Context, actor: Actor, plan: LaunchPlan) -> Wave:
    """Open a wave on an approved idea and tell the subscribed chats."""
    tiers = _check_plan(plan)
    await require_moderator(ctx, actor)
    async with ctx.db.write() as tx:
        await tx.lock_idea(plan.idea_id)  # launches of one idea take turns (PostgreSQL)
        idea = await load_idea(tx, plan.idea_id)
        if idea.status is not IdeaStatus.APPROVED:
            raise DomainError("error.idea_not_launchable", id=idea.id, status=idea.status.value)
        member = await member_of(ctx, tx, actor)
        now = ctx.clock.now()
        wave_id = await tx.add_wave(
            idea.id, idea.title, idea.description, idea.category, ctx.rules.currency, tiers,
            plan.moq or default_moq(tiers),
            plan.capacity, plan.per_member, now, now + plan.duration, WaveStatus.OPEN,
            member.id, now,
        )  # fmt: skip
        await tx.set_wave_photo(wave_id, idea.photo)  # the card shows the idea's photo
        await tx.set_idea_status(idea.id, IdeaStatus.LAUNCHED, "", None, now)
        wave = await load_wave(tx, wave_id)
        told = await backers.tell_wanters(ctx, tx, wave, idea.id, member.id, plan.maker)
        await ann.announce_opened(ctx, tx, wave, skip=frozenset(told))
        await offer_news.settle_offers(ctx, tx, idea.id, wave, plan.offer_id)
        return wave


def _check_pledge(wave: Wave, old: Pledge | None, quantity: int, max_price: int | None) -> None:
    """Refuse a pledge the wave's rules do not allow."""
    if wave.status is not WaveStatus.OPEN:
        raise DomainError("error.wave_not_open", id=wave.id, status=wave.status.value)
    if wave.per_member_max == 1 and quantity != 1:
        raise DomainError("error.quantity_one")
    if quantity < 1 or quantity > wave.per_member_max:
        raise DomainError("error.quantity_range", max=wave.per_member_max)
    if max_price is not None and max_price < wave.tiers[-1].unit_price:
        raise DomainError("error.max_below_best", best=wave.money(wave.tiers[-1].unit_price))
    held = old.quantity if old and old.status is PledgeStatus.ACTIVE else 0
    if wave.capacity is not None and wave.units - held + quantity > wave.capacity:
        raise DomainError("error.wave_full", left=max(0, wave.capacity - wave.units + held))


async def join(
    ctx: Context, actor: Actor, wave_id: int, quantity: int = 1, max_price: int | None = None
) -> PledgeOutcome:
    """Pledge (or change a pledge) and announce what the new count crosses, in one commit."""
    async with ctx.db.write() as tx:
        wave = await tx.get_wave(wave_id)  # load_wave's check, without its coroutine
        if wave is None:
            raise NotFound("error.wave_not_found", id=wave_id)
        now = ctx.clock.now()
        if wave.status is WaveStatus.OPEN and now >= wave.closes_at:
            raise DomainError("error.wave_deadline_passed", id=wave.id)
        member = await member_of(ctx, tx, actor, now)
        refuse_if_banned(member, "join")
        old = await tx.get_pledge(wave_id, member.id)
        _check_pledge(wave, old, quantity, max_price)
        active = old is not None and old.status is PledgeStatus.ACTIVE
        held = old.quantity if old is not None and active else 0
        created = old.created_at if old is not None and active else now
        pledge = Pledge(wave_id, member.id, quantity, max_price, PledgeStatus.ACTIVE, created, now)
        await tx.save_pledge(pledge)
        after = wave.with_counts(wave.units - held + quantity, wave.pledgers + (0 if held else 1))
        await tx.set_wave_counts(wave_id, after.units, after.pledgers)
        await tx.mark_cards_dirty(wave_id)
        await tx.record_pledge_event(wave_id, member.id, "join", quantity, after.units, now)
        reached = await _announce_progress(ctx, tx, wave, after)
        return PledgeOutcome(after, quantity, held, reached)


async def _announce_progress(ctx: Context, tx: Tx, before: Wave, after: Wave) -> tuple[int, ...]:
    """Milestones once per wave ever, when the units that would buy reach them, with tier and
    threshold news. A milestone passed only by conditional units waits for the buying count."""
    if after.units <= before.units:
        return ()
    marks = milestones_reached(after.tiers, after.moq, after.capacity, after.units)
    if not marks:
        return ()
    done = await tx.announced_milestones(after.id)
    waiting = [m for m in marks if m not in done]
    if not waiting:
        return ()
    # Only units that would buy if the wave closed now count (conditional ones may drop out).
    conditional = await tx.conditional_bids(after.id)
    counts = cleared_counts(after.tiers, after.units, after.pledgers, conditional, after.moq)
    after = after.with_counts(*counts)
    fresh = tuple(m for m in waiting if m <= after.units)
    if not fresh:
        return ()
    for milestone in fresh:
        await tx.mark_milestone(after.id, milestone, ctx.clock.now())
    top = max(fresh)
    thresholds = {tier.min_units for tier in after.tiers[1:]}
    new_tier = any(m in thresholds for m in fresh)  # each price drop is a milestone, told once
    body = ann.milestone_body(after, top, new_tier=new_tier, moq=after.moq in fresh)
    share = page_buttons(ctx.rules.page_url("w", after.id))
    await ann.announce(ctx, tx, after, f"milestone:{top}", body, buttons=share)
    return fresh


async def leave(ctx: Context, actor: Actor, wave_id: int) -> PledgeOutcome:
    """Withdraw a pledge while the wave is open."""
    async with ctx.db.write() as tx:
        wave = await load_wave(tx, wave_id)
        if wave.status is not WaveStatus.OPEN:
            raise DomainError("error.wave_not_open", id=wave.id, status=wave.status.value)
        member = await member_of(ctx, tx, actor)
        old = await tx.get_pledge(wave_id, member.id)
        if old is None or old.status is not PledgeStatus.ACTIVE:
            raise DomainError("error.no_pledge", id=wave_id)
        now = ctx.clock.now()
        await tx.set_pledge_status(wave_id, [member.id], PledgeStatus.WITHDRAWN, now)
        after = wave.with_counts(wave.units - old.quantity, wave.pledgers - 1)
        await tx.set_wave_counts(wave_id, after.units, after.pledgers)
        await tx.mark_cards_dirty(wave_id)
        await tx.record_pledge_event(wave_id, member.id, "leave", old.quantity, after.units, now)
        return PledgeOutcome(after, 0, old.quantity)


async def get(ctx: Context, wave_id: int) -> Wave:
    """A wave for display."""
    async with ctx.db.read() as tx:
        return await load_wave(tx, wave_id)


async def open_waves(ctx: Context, limit: int = 25) -> list[Wave]:
    """Open waves, soonest deadline first."""
    async with ctx.db.read() as tx:
        return await tx.list_waves(LIVE, limit)
