"""Tiers, clearing and milestones: the arithmetic everyone's price depends on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import DomainError
from core.model import Tier
from core.tiers import (
    Bid,
    clear,
    cleared_counts,
    crossed,
    milestones_for,
    milestones_reached,
    next_tier,
    price_for,
    validate_tiers,
    willing_units,
)

TIERS = (Tier(1, 10000), Tier(50, 9000), Tier(100, 8000), Tier(200, 7000))


def test_price_follows_the_highest_reached_tier() -> None:
    assert price_for(TIERS, 0) == 10000
    assert price_for(TIERS, 49) == 10000
    assert price_for(TIERS, 50) == 9000
    assert price_for(TIERS, 199) == 8000
    assert price_for(TIERS, 5000) == 7000


def test_next_tier_gives_the_gap() -> None:
    assert next_tier(TIERS, 88) == Tier(100, 8000)
    assert next_tier(TIERS, 200) is None


@pytest.mark.parametrize(
    ("tiers", "key"),
    [
        ((), "error.tiers_empty"),
        ((Tier(5, 100),), "error.tiers_first"),
        ((Tier(1, 100), Tier(1, 90)), "error.tiers_units_order"),
        ((Tier(1, 100), Tier(50, 100)), "error.tiers_price_order"),
        ((Tier(1, 100), Tier(50, 110)), "error.tiers_price_order"),
    ],
)
def test_bad_tiers_are_refused_with_a_reason(tiers: tuple[Tier, ...], key: str) -> None:
    with pytest.raises(DomainError) as caught:
        validate_tiers(tiers)
    assert caught.value.key == key


def test_clearing_without_conditions_uses_the_count() -> None:
    bids = [Bid(i, 1, None) for i in range(120)]
    result = clear(TIERS, bids, moq=50)
    assert (result.price, result.units, result.succeeded) == (8000, 120, True)
    assert result.dropped == frozenset()


def test_conditional_pledges_that_drop_out_move_the_tier() -> None:
    # 60 unconditional + 45 who only come in at 80 or less: at 80 € the 105 units qualify.
    bids = [Bid(i, 1, None) for i in range(60)] + [Bid(100 + i, 1, 8000) for i in range(45)]
    result = clear(TIERS, bids, moq=50)
    assert result.price == 8000
    assert result.units == 105


def test_conditional_pledges_that_cannot_reach_their_price_drop_out() -> None:
    # 60 unconditional + 30 who want 80 €: 90 units never reach the 100 tier, so 90 € for 60.
    bids = [Bid(i, 1, None) for i in range(60)] + [Bid(100 + i, 1, 8000) for i in range(30)]
    result = clear(TIERS, bids, moq=50)
    assert result.price == 9000
    assert result.units == 60
    assert len(result.dropped) == 30


def test_failing_moq_is_not_a_success() -> None:
    result = clear(TIERS, [Bid(1, 3, None)], moq=50)
    assert not result.succeeded
    assert result.units == 3


def _brute_force(tiers: tuple[Tier, ...], bids: list[Bid]) -> int:
    """Every price that is a fixed point (its willing units reach exactly that tier); the lowest."""
    stable = []
    for index, tier in enumerate(tiers):
        units = willing_units(bids, tier.unit_price)
        reached = max([i for i, t in enumerate(tiers) if units >= t.min_units] or [0])
        if reached == index:
            stable.append(tier.unit_price)
    return min(stable) if stable else tiers[0].unit_price


bid_lists = st.lists(
    st.builds(
        Bid,
        member_id=st.integers(0, 10_000),
        quantity=st.integers(1, 5),
        max_price_cents=st.one_of(st.none(), st.sampled_from([6500, 7000, 7500, 8000, 9000])),
    ),
    max_size=300,
    unique_by=lambda bid: bid.member_id,
)


@given(bid_lists)
def test_clearing_is_the_cheapest_fixed_point(bids: list[Bid]) -> None:
    result = clear(TIERS, bids, moq=50)
    assert result.price == _brute_force(TIERS, bids)
    assert result.units == willing_units(bids, result.price)
    assert price_for(TIERS, result.units) == result.price or result.units == 0
    assert all(bid.accepts(result.price) for bid in bids if bid.member_id in result.kept)


def test_milestones_include_defaults_tiers_and_moq() -> None:
    marks = milestones_for(TIERS, moq=75, capacity=None)
    for expected in (10, 25, 50, 75, 100, 200, 500, 1000, 2000, 5000):
        assert expected in marks
    assert 1 not in marks


def test_milestones_respect_capacity() -> None:
    assert max(milestones_for(TIERS, moq=50, capacity=300)) == 200


def test_crossed_lists_every_mark_passed_in_one_jump() -> None:
    assert crossed((10, 25, 50), 9, 30) == [10, 25]
    assert crossed((10, 25, 50), 30, 20) == []


@given(bid_lists)
def test_cleared_counts_from_the_conditional_bids_match_a_full_clearing(bids: list[Bid]) -> None:
    # what a crossing join reads (stored counts + conditional pledges) clears as all the bids do
    full = clear(TIERS, bids, moq=50)
    conditional = [bid for bid in bids if bid.max_price_cents is not None]
    units = sum(bid.quantity for bid in bids)
    assert cleared_counts(TIERS, units, len(bids), conditional, moq=50) == (
        full.units,
        len(full.kept),
    )


def test_milestones_reached_are_those_at_or_below_the_count() -> None:
    tiers = (Tier(1, 100), Tier(30, 90), Tier(700, 80))
    for moq, capacity in ((30, None), (40, None), (30, 800), (40, 800)):
        every = milestones_for(tiers, moq, capacity)
        assert every == milestones_for(list(tiers), moq, capacity)  # any sequence, same marks
        for units in (0, 9, 10, 30, 39, 40, 699, 700, 800, 10**6):
            expected = tuple(m for m in every if m <= units)
            assert milestones_reached(tiers, moq, capacity, units) == expected
    assert milestones_for(tiers, 40, 800) != milestones_for(
        tiers, 30, None
    )  # same tuple, not mixed up
