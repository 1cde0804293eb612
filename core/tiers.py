"""Price tiers, the clearing fixed point and milestones: the pure arithmetic of a wave."""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from core.errors import DomainError
from core.model import Tier

BASE_MILESTONES = (10, 25, 50, 100, 200, 500)
MAX_TIERS = 12


def validate_tiers(tiers: Sequence[Tier]) -> tuple[Tier, ...]:
    """Enforce min_units strictly increasing from 1 and prices strictly decreasing."""
    if not tiers:
        raise DomainError("error.tiers_empty")
    if len(tiers) > MAX_TIERS:
        raise DomainError("error.tiers_too_many", max=MAX_TIERS)
    if tiers[0].min_units != 1:
        raise DomainError("error.tiers_first", first=tiers[0].min_units)
    for previous, current in itertools.pairwise(tiers):
        if current.min_units <= previous.min_units:
            raise DomainError("error.tiers_units_order", units=current.min_units)
        if current.unit_price >= previous.unit_price:
            raise DomainError("error.tiers_price_order", units=current.min_units)
    return tuple(tiers)


def tier_index_for(tiers: Sequence[Tier], units: int) -> int:
    """Index of the tier that applies with this many units (0 when below every tier)."""
    index = 0
    for i, tier in enumerate(tiers):
        if units >= tier.min_units:
            index = i
    return index


def price_for(tiers: Sequence[Tier], units: int) -> int:
    """The unit price everyone pays at this count."""
    return tiers[tier_index_for(tiers, units)].unit_price


def next_tier(tiers: Sequence[Tier], units: int) -> Tier | None:
    """The next cheaper tier still to reach, if any (the first tier is the base price)."""
    for tier in tiers[1:]:
        if tier.min_units > units:
            return tier
    return None


@dataclass(frozen=True)
class Bid:
    """What clearing needs of a pledge: how many units, up to which price."""

    member_id: int
    quantity: int
    max_price_cents: int | None

    def accepts(self, price: int) -> bool:
        """True when this pledge stays in at that unit price."""
        return self.max_price_cents is None or self.max_price_cents >= price


@dataclass(frozen=True)
class Clearing:
    """The outcome of a close: one price for all, who is in, and whether it succeeds."""

    price: int
    units: int
    tier_index: int
    kept: frozenset[int]
    dropped: frozenset[int]
    succeeded: bool


def willing_units(bids: Iterable[Bid], price: int) -> int:
    """Units of the pledges that accept this price."""
    return sum(bid.quantity for bid in bids if bid.accepts(price))


def clear(tiers: Sequence[Tier], bids: Sequence[Bid], moq: int) -> Clearing:
    """Find the cheapest tier whose own willing pledges reach it; that price is a fixed point.

    At tier k the pledges accepting its price bring U_k units. The chosen k is the cheapest
    with U_k >= min_units_k: those pledges then reach exactly tier k (reaching a cheaper tier j
    would make j qualify too), so no one re-enters or drops out and the price is stable.
    """
    chosen = 0
    for index, tier in enumerate(tiers):
        if willing_units(bids, tier.unit_price) >= tier.min_units:
            chosen = index
    price = tiers[chosen].unit_price
    kept = frozenset(bid.member_id for bid in bids if bid.accepts(price))
    dropped = frozenset(bid.member_id for bid in bids) - kept
    units = willing_units(bids, price)
    return Clearing(price, units, chosen, kept, dropped, succeeded=units >= moq and units > 0)


def cleared_counts(
    tiers: Sequence[Tier], units: int, pledgers: int, conditional: Sequence[Bid], moq: int
) -> tuple[int, int]:
    """Units and pledgers that would buy if the wave closed now (see standing_of)."""
    now = standing_of(tiers, units, pledgers, conditional, moq)
    return now.clearing.units, now.pledgers


def milestones_for(tiers: Sequence[Tier], moq: int, capacity: int | None) -> tuple[int, ...]:
    """Counts worth announcing: 10, 25, 50, 100, 200, 500, 1000, 2000… plus tiers and MOQ."""
    if type(tiers) is tuple:  # a wave's tiers: one tuple per wave shape (tiers_from_json)
        hit = _BY_TIERS.get(id(tiers))
        if hit is not None and hit[0] is tiers and hit[1] == moq and hit[2] == capacity:
            return hit[3]  # without hashing every Tier again, as the lru_cache key would
        marks = _milestones(tiers, moq, capacity)
        if len(_BY_TIERS) >= 256:
            _BY_TIERS.clear()
        _BY_TIERS[id(tiers)] = (tiers, moq, capacity, marks)  # keeps tiers, so its id stays
        return marks
    return _milestones(tuple(tiers), moq, capacity)


def milestones_reached(
    tiers: Sequence[Tier], moq: int, capacity: int | None, units: int
) -> tuple[int, ...]:
    """The milestones at or below this many units, lowest first (every join asks)."""
    marks = milestones_for(tiers, moq, capacity)
    return marks[: bisect.bisect_right(marks, units)]


_BY_TIERS: dict[int, tuple[tuple[Tier, ...], int, int | None, tuple[int, ...]]] = {}


@functools.lru_cache(maxsize=256)
def _milestones(tiers: tuple[Tier, ...], moq: int, capacity: int | None) -> tuple[int, ...]:
    """milestones_for, computed once per wave shape: every join asks."""
    ceiling = max(capacity or 0, moq, tiers[-1].min_units, 1000) * 10
    marks = set(BASE_MILESTONES)
    scale = 1000
    while scale <= ceiling:
        marks.update({scale, scale * 2, scale * 5})
        scale *= 10
    marks.update(tier.min_units for tier in tiers[1:])
    marks.add(moq)
    if capacity is not None:
        marks = {m for m in marks if m <= capacity}
    return tuple(sorted(m for m in marks if m > 1))


def crossed(milestones: Iterable[int], before: int, after: int) -> list[int]:
    """Milestones passed when the count moved from before to after (upward only)."""
    return [m for m in milestones if before < m <= after]


@dataclass(frozen=True)
class Standing:
    """An open wave if it closed now: firm units, conditional units, what clearing gives (its
    price and units; its member sets are not every pledger's, see standing_of), and how many
    pledgers would buy."""

    firm: int
    conditional: int
    clearing: Clearing
    pledgers: int


def standing(tiers: Sequence[Tier], bids: Sequence[Bid], moq: int) -> Standing:
    """Split the active pledges into firm and conditional units and clear them at today's count."""
    firm = sum(bid.quantity for bid in bids if bid.max_price_cents is None)
    conditional = sum(bid.quantity for bid in bids if bid.max_price_cents is not None)
    clearing = clear(tiers, bids, moq)
    return Standing(firm, conditional, clearing, len(clearing.kept))


def standing_of(
    tiers: Sequence[Tier], units: int, pledgers: int, conditional: Sequence[Bid], moq: int
) -> Standing:
    """standing() from a wave's stored counts and its conditional pledges alone: firm pledges
    stay in at any price, so they clear as one bid, and a reply or a milestone check costs the
    same at 10 or 50,000 pledgers (reading every pledge made a flash crowd quadratic)."""
    conditional_units = sum(bid.quantity for bid in conditional)
    firm = Bid(-1, max(units - conditional_units, 0), None)  # -1: no member's id
    clearing = clear(tiers, [firm, *conditional], moq)
    staying = sum(1 for bid in conditional if bid.accepts(clearing.price))
    return Standing(
        firm.quantity, conditional_units, clearing, pledgers - len(conditional) + staying
    )
