"""Pay at the end: confirmation requests, reminders, withdrawals and abandonment.

At a successful close every kept pledger (AWAITING) is asked in private to confirm (and pay)
at the final price within CONFIRM_WINDOW, with Confirm / Withdraw buttons. A sweep, safe to run
every few minutes, reminds the undecided once per REMIND_EVERY period (the reminder rows in the
database are the truth, so restarts never repeat a period), and at the end of the window (or once
nobody is left to decide) marks the rest ABANDONED and decides the wave on its confirmed units:
COMPLETED at the close price, or FAILED below the minimum (core/services/settlement.py).

Abandonment rate per category, with a prior while data is thin (Beta posterior mean):

    rate = (abandoned + PRIOR_RATE × PRIOR_WEIGHT) / (decided + PRIOR_WEIGHT)

where `decided` counts pledges of the category's waves that were confirmed or abandoned. With no
data the rate is the prior, 15 %; the prior weighs as much as 20 decided pledges, so real data
takes over as it accumulates. The expected paying count shown to moderators is
`confirmed units + awaiting units × (1 − rate)`, which right after the close is
`final units × (1 − rate)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from core.errors import DomainError
from core.messages import Button, T, t, until
from core.model import PaymentWindow, Pledge, PledgeStatus, Wave, WaveStatus
from core.payment_records import PaidTally
from core.ports import Actor, Tx
from core.services import announce as ann
from core.services import settlement
from core.services.context import Context, member_of
from core.services.waves import load_wave

CONFIRM_WINDOW = timedelta(days=7)
REMIND_EVERY = settlement.REMIND_EVERY  # the alert text names the same period
PRIOR_RATE = 0.15
PRIOR_WEIGHT = 20
_UNDECIDED = frozenset({PledgeStatus.ACTIVE, PledgeStatus.WITHDRAWN, PledgeStatus.DROPPED})


@dataclass(frozen=True)
class Outlook:
    """Where a succeeded wave's payments stand, and how many units are expected to be paid."""

    wave: Wave
    rate: float
    decided_in_category: int
    pledgers: dict[PledgeStatus, int]
    units: dict[PledgeStatus, int]
    expected_units: int
    due_at: datetime | None
    paid: PaidTally = field(default_factory=PaidTally)


@dataclass
class SweepReport:
    """What one payment sweep did."""

    reminded: int = 0
    abandoned: int = 0
    completed: int = 0
    failed: int = 0
    alerted: int = 0


def abandonment_rate(
    abandoned: int, decided: int, prior: float = PRIOR_RATE, weight: float = PRIOR_WEIGHT
) -> float:
    """Posterior mean of a Beta(prior × weight, (1 − prior) × weight) after the observed data."""
    if not 0 <= abandoned <= decided:
        raise ValueError("abandoned must be between 0 and decided")
    return (abandoned + prior * weight) / (decided + weight)


def expected_paying(units: int, rate: float) -> int:
    """Units expected to be paid, rounded to the nearest unit (halves up)."""
    return int(units * (1 - rate) + 0.5)


def reminder_round(opened_at: datetime, now: datetime, every: timedelta = REMIND_EVERY) -> int:
    """Which reminder period the clock is in: 0 before the first reminder is due."""
    return max(0, int((now - opened_at) / every))


def percent(rate: float) -> int:
    """A rate as a whole percentage."""
    return int(rate * 100 + 0.5)


def pay_buttons(wave_id: int) -> tuple[tuple[Button, ...], ...]:
    """Confirm / Withdraw, re-checked on the server when pressed."""
    return (
        (Button(t("button.pay"), f"pay:{wave_id}"), Button(t("button.drop"), f"drop:{wave_id}")),
    )


async def request_payment(ctx: Context, tx: Tx, wave: Wave) -> int:
    """At a successful close, inside its transaction: open the window, ask every kept pledger."""
    now = ctx.clock.now()
    due = now + CONFIRM_WINDOW
    await tx.open_payment_window(wave.id, now, due)
    price = wave.money(wave.final_price_cents or 0)
    body = (t("pay.ask", id=wave.id, title=wave.title, price=price),
            t("pay.ask_how", deadline=due))  # fmt: skip
    targets = await tx.awaiting_targets(wave.id)
    return await ann.record(ctx, tx, wave.id, "pay:ask", ann.encode(body, pay_buttons(wave.id)),
                            targets)  # fmt: skip


async def decide(ctx: Context, tx: Tx, wave: Wave, member_id: int, status: PledgeStatus) -> Pledge:
    """Record a pledger's confirmation or withdrawal after a successful close."""
    pledge = await tx.get_pledge(wave.id, member_id)
    if status is PledgeStatus.ABANDONED and wave.status is WaveStatus.OPEN:
        raise DomainError("error.pay_still_open", id=wave.id)
    if pledge is None or pledge.status in _UNDECIDED:
        raise DomainError("error.nothing_to_confirm", id=wave.id)
    if pledge.status is PledgeStatus.CONFIRMED:
        raise DomainError("error.pay_already_confirmed", id=wave.id)
    if pledge.status is PledgeStatus.ABANDONED:
        raise DomainError("error.pay_released", id=wave.id)
    now = ctx.clock.now()
    window = await tx.payment_window(wave.id)
    if window is not None and now >= window.due_at:
        raise DomainError("error.pay_too_late", id=wave.id, deadline=window.due_at)
    await tx.set_pledge_status(wave.id, [member_id], status, now)
    return replace(pledge, status=status, updated_at=now)


async def withdraw(ctx: Context, actor: Actor, wave_id: int) -> tuple[Wave, Pledge]:
    """Give up one's place after a successful close: recorded as abandoned."""
    async with ctx.db.write() as tx:
        wave = await load_wave(tx, wave_id)
        member = await member_of(ctx, tx, actor)
        pledge = await decide(ctx, tx, wave, member.id, PledgeStatus.ABANDONED)
        await tx.mark_cards_dirty(wave.id)
        window = await tx.payment_window(wave.id)
        if window is not None:  # a withdrawal may be what makes the wave fall short
            await settlement.alert_if_short(ctx, tx, wave, window, await standing(tx, wave))
        return wave, pledge


async def sweep(ctx: Context) -> SweepReport:
    """Alert, remind once per period, abandon and decide at the end of the window; idempotent."""
    now = ctx.clock.now()
    report = SweepReport()
    async with ctx.db.write() as tx:
        for window in await tx.open_payment_windows():
            wave = await load_wave(tx, window.wave_id)
            waiting = await tx.awaiting_members(wave.id)
            if now >= window.due_at or not waiting or wave.status is not WaveStatus.SUCCEEDED:
                await _finish(ctx, tx, wave, waiting, report)
                continue
            view = await standing(tx, wave, window.due_at)
            report.alerted += await settlement.alert_if_short(ctx, tx, wave, window, view)
            period = reminder_round(window.opened_at, now)
            if period >= 1:
                report.reminded += await _remind(ctx, tx, wave, window, period)
    return report


async def _remind(ctx: Context, tx: Tx, wave: Wave, window: PaymentWindow, period: int) -> int:
    """One reminder for this period to whoever is undecided and was not reminded in it yet."""
    targets = await tx.awaiting_targets(wave.id, unreminded_round=period)
    if not targets:
        return 0
    now = ctx.clock.now()
    await tx.mark_reminded(wave.id, [target.member_id or 0 for target in targets], period, now)
    price = wave.money(wave.final_price_cents or 0)
    body = (t("pay.reminder", id=wave.id, title=wave.title, price=price, deadline=window.due_at,
              left=until(window.due_at, now)),)  # fmt: skip
    payload = ann.encode(body, pay_buttons(wave.id))
    await ann.record(ctx, tx, wave.id, f"pay:remind:{period}", payload, targets)
    return len(targets)


async def _finish(
    ctx: Context, tx: Tx, wave: Wave, waiting: list[int], report: SweepReport
) -> None:
    """The window is over: the undecided abandon, the wave is decided, everyone is told."""
    now = ctx.clock.now()
    if waiting:
        targets = await tx.awaiting_targets(wave.id)
        await tx.set_pledge_status(wave.id, waiting, PledgeStatus.ABANDONED, now)
        body = (t("pay.expired", id=wave.id, title=wave.title),)
        await ann.record(ctx, tx, wave.id, "pay:expired", ann.encode(body), targets)
        report.abandoned += len(waiting)
    if wave.status is WaveStatus.SUCCEEDED:
        decided = await settlement.settle(ctx, tx, wave, await standing(tx, wave))
        report.completed += int(decided is WaveStatus.COMPLETED)
        report.failed += int(decided is WaveStatus.FAILED)
    await tx.close_payment_window(wave.id, now)
    await tx.mark_cards_dirty(wave.id)


async def outlook(ctx: Context, wave_id: int) -> Outlook:
    """Confirmed, awaiting and abandoned so far, the category's rate and the expected units."""
    async with ctx.db.read() as tx:
        wave = await load_wave(tx, wave_id)
        window = await tx.payment_window(wave.id)
        return await standing(tx, wave, window.due_at if window else None)


async def standing(tx: Tx, wave: Wave, due_at: datetime | None = None) -> Outlook:
    """The outlook read inside a transaction: tallies, the category's rate, the expected units."""
    tally = await tx.pledge_tally(wave.id)
    abandoned, decided = await tx.category_decisions(wave.category)
    rate = abandonment_rate(abandoned, decided)
    pledgers = {status: count for status, (count, _) in tally.items()}
    units = {status: amount for status, (_, amount) in tally.items()}
    confirmed = units.get(PledgeStatus.CONFIRMED, 0)
    expected = confirmed + expected_paying(units.get(PledgeStatus.AWAITING, 0), rate)
    return Outlook(
        wave, rate, decided, pledgers, units, expected, due_at, await tx.paid_tally(wave.id)
    )


async def due_dates(ctx: Context, wave_ids: Iterable[int]) -> dict[int, datetime]:
    """When confirmation closes for each of these waves (those with an open window)."""
    found: dict[int, datetime] = {}
    async with ctx.db.read() as tx:
        for wave_id in set(wave_ids):
            window = await tx.payment_window(wave_id)
            if window is not None:
                found[wave_id] = window.due_at
    return found


def due_line(wave: Wave, pledge: Pledge, due_at: datetime | None) -> T:
    """One /mine line of what the member must confirm: quantity, price, total and deadline."""
    price = wave.final_price_cents or 0
    total = wave.money(price * pledge.quantity)
    if due_at is None:
        return t("pay.mine_row_open", id=wave.id, title=wave.title, qty=pledge.quantity,
                 price=wave.money(price), total=total)  # fmt: skip
    return t("pay.mine_row", id=wave.id, title=wave.title, qty=pledge.quantity,
             price=wave.money(price), total=total, deadline=due_at)  # fmt: skip
