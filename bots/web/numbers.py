"""A wave's live numbers as the pages show them: the same in the HTML, the live feed and the
preview image, so what a page first shows and what updates it always agree."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bots.web.texts import Reader
from core.messages import until
from core.model import Wave, WaveStatus
from core.tiers import next_tier, price_for, tier_index_for
from core.views import gap_text, goal_of, moq_text


def percent(wave: Wave) -> int:
    """How full the bar is, 0 … 100, against the next goal (the MOQ, then each tier)."""
    goal = max(goal_of(wave), 1)
    return min(100, wave.units * 100 // goal)


def current_tier(wave: Wave) -> int:
    """The index of the tier today's count buys at."""
    return tier_index_for(wave.tiers, wave.units)


def live_numbers(wave: Wave, reader: Reader) -> dict[str, Any]:
    """What the page updates in place: counts, bar, price, gap (plain text, set as text)."""
    price = wave.money(price_for(wave.tiers, wave.units))
    upcoming = next_tier(wave.tiers, wave.units)
    is_open = wave.status is WaveStatus.OPEN
    return {
        "id": wave.id,
        "units": wave.units,
        "goal": goal_of(wave),
        "percent": percent(wave),
        "tier": current_tier(wave),
        "status": wave.status.value,
        "units_text": reader.plain("web.units", units=wave.units, people=wave.pledgers),
        "price_text": reader.plain("web.price_now", price=price),
        "gap_text": reader.plain_tree(gap_text(wave)) if is_open else "",
        "next_text": reader.money(wave.money(upcoming.unit_price)) if upcoming else "",
        "moq_text": reader.plain_tree(moq_text(wave)) if is_open else "",
    }


def deadline_text(wave: Wave, reader: Reader, now: datetime) -> str:
    """'Closes on … (in 3 days)' while open, else ''."""
    if wave.status is not WaveStatus.OPEN:
        return ""
    return reader.plain("wave.closes", deadline=wave.closes_at, left=until(wave.closes_at, now))
