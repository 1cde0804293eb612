"""Abandonment rate with its prior, the expected paying count and reminder periods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.services.payments import (
    PRIOR_RATE,
    PRIOR_WEIGHT,
    abandonment_rate,
    expected_paying,
    percent,
    reminder_round,
)


def test_without_data_the_rate_is_the_prior() -> None:
    assert abandonment_rate(0, 0) == pytest.approx(PRIOR_RATE) == pytest.approx(0.15)
    assert PRIOR_WEIGHT == 20


def test_the_prior_weighs_like_twenty_pledges() -> None:
    # (abandoned + 0.15 × 20) / (decided + 20)
    assert abandonment_rate(10, 20) == pytest.approx(13 / 40)
    assert abandonment_rate(0, 20) == pytest.approx(3 / 40)
    assert abandonment_rate(1, 2) == pytest.approx(4 / 22)


def test_real_data_takes_over_as_it_accumulates() -> None:
    assert abandonment_rate(500, 1000) == pytest.approx(503 / 1020)  # ≈ 0.493
    assert abandonment_rate(0, 10_000) < 0.001


def test_impossible_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        abandonment_rate(3, 2)
    with pytest.raises(ValueError):
        abandonment_rate(-1, 2)


def test_expected_paying_rounds_to_the_nearest_unit() -> None:
    assert expected_paying(100, 0.15) == 85
    assert expected_paying(3, 0.15) == 3  # 2.55 → 3
    assert expected_paying(3, 4 / 22) == 2  # 2.45 → 2
    assert expected_paying(0, 0.15) == 0
    assert percent(4 / 22) == 18
    assert percent(0.15) == 15


def test_reminder_periods_every_48_hours() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    hours = [0, 47, 48, 95, 96, 143, 144, 167]
    assert [reminder_round(start, start + timedelta(hours=h)) for h in hours] == [
        0, 0, 1, 1, 2, 2, 3, 3,
    ]  # fmt: skip
    assert reminder_round(start, start - timedelta(hours=1)) == 0
