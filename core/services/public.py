"""What the public web pages read: waves and ideas anyone may see, counts and prices only.

Nothing here names a member: pages show counts, prices, tiers and anonymous talk. Ideas are
public once approved (pending or rejected ones stay among the moderators).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.errors import NotFound
from core.model import Idea, IdeaStatus, PublicQuestion, PublicReview, Wave, WaveStatus
from core.ports import Actor
from core.services.context import Context, member_of
from core.services.ideas import load_idea
from core.services.standing import facts_in, standings_in
from core.services.stats import DemandCurve, demand_curve
from core.services.waves import load_wave
from core.views import CardFacts, TalkSummary, cleared, settled

LISTED = (WaveStatus.OPEN, WaveStatus.SCHEDULED)
PUBLIC_IDEAS = (IdeaStatus.APPROVED, IdeaStatus.LAUNCHED)
TALK_SHOWN = 20
LIST_SHOWN = 50


@dataclass(frozen=True)
class WavePage:
    """A wave as its public page shows it."""

    wave: Wave  # as stored
    live: Wave  # the numbers that would buy now (open), or the final ones (decided)
    facts: CardFacts
    talk: TalkSummary
    questions: list[PublicQuestion]
    reviews: list[PublicReview]
    demand: DemandCurve | None  # the idea's wanters' stated prices, when it came from one


def _live(wave: Wave, facts: CardFacts) -> Wave:
    """Open: what clearing today would keep; decided: the final count; else as stored."""
    return settled(cleared(wave, facts.standing))


async def wave_page(ctx: Context, wave_id: int) -> WavePage:
    """Everything a wave's page shows, in one snapshot; NotFound for an unknown id."""
    async with ctx.db.read() as tx:
        wave = await load_wave(tx, wave_id)
        facts = await facts_in(tx, wave)
        talk = TalkSummary(*await tx.talk_counts(wave_id))
        questions = await tx.answered_questions(wave_id, TALK_SHOWN)
        reviews = await tx.public_reviews(wave_id, TALK_SHOWN)
        prices = await tx.want_prices(wave.idea_id) if wave.idea_id is not None else None
    demand = demand_curve(prices) if prices else None
    return WavePage(wave, _live(wave, facts), facts, talk, questions, reviews, demand)


async def listed_waves(ctx: Context) -> list[Wave]:
    """Open waves (live numbers, soonest deadline first), then the scheduled ones."""
    async with ctx.db.read() as tx:
        found = await tx.list_waves(LISTED, LIST_SHOWN)
        clearing = await standings_in(tx, found)
    live = [cleared(wave, clearing.get(wave.id)) for wave in found]
    return sorted(live, key=lambda w: (w.status is not WaveStatus.OPEN, w.closes_at, w.id))


async def live_waves(ctx: Context, wave_ids: Iterable[int]) -> dict[int, Wave]:
    """The live numbers of these waves (unknown ids left out), for pages updating in place."""
    found: dict[int, Wave] = {}
    async with ctx.db.read() as tx:
        for wave_id in wave_ids:
            wave = await tx.get_wave(wave_id)
            if wave is not None:
                found[wave_id] = _live(wave, await facts_in(tx, wave))
    return found


@dataclass(frozen=True)
class IdeaPage:
    """A public idea as its page shows it."""

    idea: Idea
    demand: DemandCurve  # its wanters' stated prices
    waves: list[Wave]  # the open or scheduled waves launched from it


async def idea_page(ctx: Context, idea_id: int) -> IdeaPage:
    """A public idea, its wanters' price curve and its running waves; NotFound unless approved
    or launched."""
    async with ctx.db.read() as tx:
        idea = await load_idea(tx, idea_id)
        if idea.status not in PUBLIC_IDEAS:
            raise NotFound("error.idea_not_found", id=idea_id)
        curve = demand_curve(await tx.want_prices(idea_id))
        running = [w for w in await tx.list_waves(LISTED, LIST_SHOWN) if w.idea_id == idea_id]
    return IdeaPage(idea, curve, running)


async def set_review_name(ctx: Context, actor: Actor, on: bool) -> None:
    """Show the member's name next to their reviews on public pages, or not (the default)."""
    async with ctx.db.write() as tx:
        member = await member_of(ctx, tx, actor)
        await tx.set_review_name(member.id, on)
