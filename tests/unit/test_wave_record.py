"""Wave.with_counts, the join's copy of a wave, gives exactly what dataclasses.replace gives."""

from __future__ import annotations

import dataclasses
from dataclasses import FrozenInstanceError, replace
from datetime import UTC, datetime, timedelta

import pytest

from core.model import Tier, Wave, WaveStatus

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
TIERS = (Tier(1, 10000), Tier(5, 9000))
WAVE = Wave(4, 1, "Kettle", "Hot", "kitchen", "EUR", TIERS, 5, 200, 3, NOW,
            NOW + timedelta(days=2), WaveStatus.OPEN, 1, 7, 6, None, None, "tg:x", 2)  # fmt: skip


def test_with_counts_is_replace_of_the_counts() -> None:
    after = WAVE.with_counts(9, 8)
    assert after == replace(WAVE, units=9, pledgers=8)
    assert dataclasses.asdict(after) == {**dataclasses.asdict(WAVE), "units": 9, "pledgers": 8}
    assert hash(after) == hash(replace(WAVE, units=9, pledgers=8))
    assert (WAVE.units, WAVE.pledgers) == (7, 6)  # the original is left as it was


def test_with_counts_stays_frozen() -> None:
    with pytest.raises(FrozenInstanceError):
        WAVE.with_counts(1, 1).units = 2  # type: ignore[misc]
