"""How a member's pledge reads in /mine, truthfully for every state of its wave."""

from __future__ import annotations

from core.messages import T, t
from core.model import Pledge, PledgeStatus, Wave, WaveStatus
from core.tiers import Standing

SETTLED = (WaveStatus.SUCCEEDED, WaveStatus.COMPLETED)


def pledge_state(pledge: Pledge, wave: Wave, now: Standing | None) -> T:
    """The pledge's status told with its wave's: cancelled and failed waves charge nobody."""
    if wave.status is WaveStatus.CANCELLED:
        return t("pledge_state.cancelled")
    if wave.status is WaveStatus.FAILED and pledge.status is not PledgeStatus.ABANDONED:
        return t("pledge_state.failed")  # an abandoned pledge keeps its own word
    if pledge.status is PledgeStatus.ACTIVE:
        return _active(pledge, wave, now)
    if pledge.status is PledgeStatus.DROPPED and wave.status in SETTLED:
        return _priced_out(pledge, wave)
    return t(f"pledge_status.{pledge.status.value}")


def _active(pledge: Pledge, wave: Wave, now: Standing | None) -> T:
    """Pledged; a conditional pledge says whether today's price meets its maximum."""
    if wave.status is WaveStatus.CLOSED:
        return t("pledge_state.closing")
    if pledge.max_price_cents is None or now is None:
        return t("pledge_status.active")
    price = now.clearing.price
    key = "pledge_state.condition_met" if price <= pledge.max_price_cents else (
        "pledge_state.condition_unmet")  # fmt: skip
    return t(key, max=wave.money(pledge.max_price_cents), price=wave.money(price))


def _priced_out(pledge: Pledge, wave: Wave) -> T:
    """Dropped by clearing: the settled price was above the pledge's maximum."""
    if pledge.max_price_cents is None or wave.final_price_cents is None:
        return t("pledge_state.not_charged")
    return t("pledge_state.priced_out", price=wave.money(wave.final_price_cents),
             max=wave.money(pledge.max_price_cents))  # fmt: skip
