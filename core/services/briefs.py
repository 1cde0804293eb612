"""Demand briefs for makers: approved ideas with their wanters, the demand curve of stated max
prices, the category's abandonment and expected paying share, and questions asked.

Counts and prices only: a brief never names a member (docs/ARCHITECTURE.md, "Suppliers").
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import DomainError
from core.model import Idea, IdeaStatus, Tier
from core.ports import Actor, Tx
from core.services.context import Context
from core.services.ideas import load_idea
from core.services.payments import abandonment_rate, expected_paying
from core.services.stats import DemandCurve, demand_curve
from core.services.suppliers import require_maker_view
from core.services.waves import default_moq

BRIEFS_LISTED = 10
QUESTIONS_SHOWN = 3
READABLE = (IdeaStatus.APPROVED, IdeaStatus.LAUNCHED)


@dataclass(frozen=True)
class Brief:
    """What a maker reads about one idea."""

    idea: Idea
    curve: DemandCurve
    abandonment: float  # the category's rate, with the prior while data is thin
    questions: int
    latest_questions: tuple[str, ...]

    @property
    def paying_share(self) -> int:
        """Expected share of pledgers who pay, as a whole percentage."""
        return round((1 - self.abandonment) * 100)


@dataclass(frozen=True)
class Forecast:
    """What an offer's tiers would reach against the demand curve, one unit per wanter."""

    units: int
    price: int
    paying: int
    moq: int

    @property
    def meets_minimum(self) -> bool:
        """Whether the expected paying units reach the offer's minimum."""
        return self.paying >= self.moq


def forecast(tiers: tuple[Tier, ...], moq: int | None, brief: Brief) -> Forecast:
    """The cheapest tier the wanters willing to pay it can reach (clearing on the curve)."""
    reached, units = tiers[0], brief.curve.buyers_at(tiers[0].unit_price)
    for tier in tiers[1:]:
        buyers = brief.curve.buyers_at(tier.unit_price)
        if buyers >= tier.min_units:
            reached, units = tier, buyers
    paying = expected_paying(units, brief.abandonment)
    return Forecast(units, reached.unit_price, paying, moq or default_moq(tiers))


async def brief_in(tx: Tx, idea: Idea) -> Brief:
    """One idea's brief read inside a transaction."""
    curve = demand_curve(await tx.want_prices(idea.id))
    abandoned, decided = await tx.category_decisions(idea.category)
    asked, latest = await tx.category_questions(idea.category, QUESTIONS_SHOWN)
    return Brief(idea, curve, abandonment_rate(abandoned, decided), asked, tuple(latest))


async def brief(ctx: Context, actor: Actor, idea_id: int) -> Brief:
    """One idea's brief, for suppliers and moderators."""
    await require_maker_view(ctx, actor)
    async with ctx.db.read() as tx:
        idea = await load_idea(tx, idea_id)
        if idea.status not in READABLE:
            raise DomainError("error.brief_not_open", id=idea.id)
        return await brief_in(tx, idea)


async def briefs(ctx: Context, actor: Actor, category: str = "") -> list[Brief]:
    """The most wanted approved ideas (of a category when given), each with its brief."""
    await require_maker_view(ctx, actor)
    async with ctx.db.read() as tx:
        found = await tx.list_ideas((IdeaStatus.APPROVED,), "top", 0, BRIEFS_LISTED, category)
        return [await brief_in(tx, idea) for idea in found]
