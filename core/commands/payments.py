"""Pay at the end: confirm or withdraw after a successful close, reminders, abandonment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from core.commands.params import WAVE, Param, WaveId
from core.commands.parsing import parse_id
from core.commands.paying import confirm_or_pay
from core.commands.registry import Request, action, command
from core.commands.usage import say_private
from core.messages import Button, Reply, T, t
from core.model import Pledge, PledgeStatus, Wave, WaveStatus
from core.services import payments, settlement
from core.services.context import Context, is_moderator

THE_WAVE = Param("wave", WaveId)
_DECIDING = (WaveStatus.SUCCEEDED, WaveStatus.COMPLETED, WaveStatus.FAILED)


@command("withdraw", THE_WAVE)
async def withdraw(req: Request) -> list[Reply]:
    """Give up one's place after a successful close (recorded as abandoned)."""
    return await _withdraw(req, req.arg(THE_WAVE))


@action("drop")
async def drop(req: Request) -> list[Reply]:
    """The Withdraw button of a payment request."""
    return await _withdraw(req, parse_id(req.args, WAVE))


async def _withdraw(req: Request, wave_id: int) -> list[Reply]:
    """Withdraw and say so."""
    wave, _ = await payments.withdraw(req.ctx, req.actor, wave_id)
    return say_private(t("pay.withdrawn", id=wave.id, title=wave.title))


@action("pay")
async def pay(req: Request) -> list[Reply]:
    """The Confirm button of a payment request: the same as /confirm (which leads to /pay)."""
    return [replace(reply, private=True)
            for reply in await confirm_or_pay(req, parse_id(req.args, WAVE))]  # fmt: skip


async def mine_section(
    ctx: Context, pledges: Sequence[tuple[Pledge, Wave]]
) -> tuple[dict[int, T], tuple[tuple[Button, ...], ...]]:
    """/mine: for each pledge to confirm, its line (amount, deadline) and Confirm/Withdraw."""
    waiting = [(p, w) for p, w in pledges if p.status is PledgeStatus.AWAITING]
    if not waiting:
        return {}, ()
    due = await payments.due_dates(ctx, [w.id for _, w in waiting])
    lines = {w.id: payments.due_line(w, p, due.get(w.id)) for p, w in waiting}
    buttons = tuple(
        (Button(t("button.pay_id", id=w.id), f"pay:{w.id}"),
         Button(t("button.drop_id", id=w.id), f"drop:{w.id}"))
        for _, w in waiting[:5]
    )  # fmt: skip
    return lines, buttons


async def moderator_outlook(req: Request, wave: Wave) -> list[Reply]:
    """For moderators, during and after the payment window: counts, expectation and outcome."""
    if wave.status not in _DECIDING:
        return []
    if not await is_moderator(req.ctx, req.actor):
        return []
    view = await payments.outlook(req.ctx, wave.id)
    if view.due_at is None:  # failed at clearing: no payment window to report on
        return []
    final, price = wave.final_units or 0, wave.money(wave.final_price_cents or 0)
    dropped = PledgeStatus.DROPPED
    body = [
        t("pay.outlook_head", id=wave.id, units=final, price=price),
        settlement.counts_text(view),
        t("pay.outlook_paid", paid=view.paid.payers, paid_units=view.paid.units),
        t("pay.outlook_dropped", dropped=view.pledgers.get(dropped, 0),
          dropped_units=view.units.get(dropped, 0)),
        t("pay.outlook_rate", category=wave.category, rate=payments.percent(view.rate),
          prior=payments.percent(payments.PRIOR_RATE), weight=payments.PRIOR_WEIGHT,
          decided=view.decided_in_category),
        t("pay.outlook_expected", expected=view.expected_units, units=final),
        t("pay.outlook_minimum", moq=wave.moq),
        *_window_lines(req.ctx, wave, view),
    ]  # fmt: skip
    return [Reply(body=tuple(body), private=True)]


def _window_lines(ctx: Context, wave: Wave, view: payments.Outlook) -> list[T]:
    """While open: the due date (and a warning when short); once decided: the outcome."""
    confirmed = settlement.counted_units(ctx, view)
    if wave.status is WaveStatus.SUCCEEDED and view.due_at is not None:
        lines = [t("pay.outlook_due", deadline=view.due_at)]
        if settlement.is_short(wave, view):
            lines.append(t("pay.outlook_short"))
        return lines
    done = wave.status is WaveStatus.COMPLETED
    key = "pay.outlook_outcome_completed" if done else "pay.outlook_outcome_failed"
    outcome = t(key, confirmed=confirmed, moq=wave.moq)
    return [t("pay.outlook_closed"), outcome]
