"""Pure parts of the supplier side: launch words naming an offer, offer options, the forecast of
an offer on the demand curve, the creator share's rounding, newsletter periods, maker rows."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from core.commands.binder import bind
from core.commands.params import Misfit, OfferChoice
from core.commands.registry import REGISTRY
from core.commands.supply import make_offer
from core.commands.waves import launch
from core.errors import DomainError
from core.model import Idea, IdeaStatus, Tier
from core.services.briefs import Brief, forecast
from core.services.creator import share_of
from core.services.maker_stats import median_of, row_of
from core.services.newsletter import period_of
from core.services.stats import demand_curve
from core.supply_records import CategoryConversion

assert make_offer and launch  # the commands are registered by importing their modules


def test_launch_takes_typed_tiers_or_one_offer() -> None:
    params = REGISTRY["launch"].params
    assert bind(params, "12 offer=3 14d")["tiers"] == OfferChoice(3)
    assert bind(params, "12 1:100 50:90 14d min=50")["tiers"] == (Tier(1, 10000), Tier(50, 9000))
    with pytest.raises(Misfit):
        bind(params, "12 offer=3 1:100 14d")
    with pytest.raises(DomainError):
        bind(params, "12 offer=x 14d")


def test_offer_words_tiers_options_and_a_note() -> None:
    params = REGISTRY["offer"].params
    values = bind(params, "4 1:40 3:35 min=2 cap=90 lead=3w made in: Lyon")
    assert values["tiers"] == (Tier(1, 4000), Tier(3, 3500))
    assert values["options"] == {"min": 2, "cap": 90, "lead": timedelta(weeks=3)}
    assert values["note"] == "made in: Lyon"  # a colon in the note is no tier
    assert "options" not in bind(params, "4 1:40 hand made")
    with pytest.raises(DomainError):
        bind(params, "4 1:40 min=many")


def _brief(prices: list[int | None], abandonment: float = 0.15) -> Brief:
    idea = Idea(1, "Lamp", "", "office", 1, IdeaStatus.APPROVED, datetime(2026, 1, 1, tzinfo=UTC))
    return Brief(idea, demand_curve(prices), abandonment, 0, ())


def test_an_offer_reaches_the_cheapest_tier_its_wanters_can_fill() -> None:
    brief = _brief([4500, 3800, None])  # at 40: two buyers; at 35: three
    reached = forecast((Tier(1, 4000), Tier(3, 3500)), 2, brief)
    assert (reached.units, reached.price, reached.paying) == (3, 3500, 3)
    assert reached.meets_minimum
    short = forecast((Tier(1, 5000), Tier(10, 3000)), None, brief)
    assert (short.units, short.price, short.moq, short.meets_minimum) == (1, 5000, 10, False)
    nobody = forecast((Tier(1, 5000),), None, _brief([]))
    assert (nobody.units, nobody.paying) == (0, 0)


def test_the_creator_share_rounds_down_to_whole_cents() -> None:
    assert share_of(10500, 5) == 525
    assert share_of(999, 5) == 49
    assert share_of(10500, 0) == 0


def test_newsletter_periods_follow_the_clock_whatever_the_restarts() -> None:
    start = datetime(2020, 1, 1, tzinfo=UTC)  # the epoch periods count from
    first = period_of(start, 15)
    assert period_of(start + timedelta(days=14, hours=23), 15) == first
    assert period_of(start + timedelta(days=15), 15) == first + 1
    assert period_of(start + timedelta(days=30), 15) == first + 2


def test_a_category_row_is_whole_percentages_or_no_data() -> None:
    row = row_of(CategoryConversion("office", ((95, 1), (112, 1)), 3, 2, 2, 1))
    assert (row.median_ratio, row.stated, row.wanter_to_pledger, row.pledger_to_payer,
            row.abandonment) == (104, 2, 67, 50, 50)  # fmt: skip
    empty = row_of(CategoryConversion("garden", (), 0, 0, 0, 0))
    assert (empty.median_ratio, empty.wanter_to_pledger, empty.abandonment) == (None, None, None)


@pytest.mark.parametrize(
    "values",
    [[104], [95, 112], [95, 95, 112], [1, 2, 3, 4], [7, 8], [10, 10, 10, 11], [3, 5, 5, 5, 9, 9]],
)
def test_the_median_of_counted_ratios_is_the_median_of_the_ratios(values: list[int]) -> None:
    counts = tuple(sorted(Counter(values).items()))
    assert median_of(counts) == round(statistics.median(values))  # .5 rounds as before
    assert median_of(()) is None
