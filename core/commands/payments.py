"""Pay at the end: confirm or withdraw after a successful close, reminders, abandonment."""

from __future__ import annotations

from collections.abc import Sequence

from core.commands.params import WAVE, Param, WaveId
from core.commands.parsing import parse_id
from core.commands.registry import Request, action, command
from core.commands.usage import say_private
from core.messages import Button, Reply, T, t
from core.model import Pledge, PledgeStatus, Wave, WaveStatus
from core.services import lifecycle, payments
from core.services.context import Context, is_moderator

THE_WAVE = Param("wave", WaveId)


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
    """The Confirm button of a payment request: the same as /confirm."""
    wave = await lifecycle.confirm(req.ctx, req.actor, parse_id(req.args, WAVE))
    price = wave.money(wave.final_price_cents or 0)
    return say_private(t("pledge.confirmed", id=wave.id, title=wave.title, price=price))


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
    """For moderators looking at a succeeded wave: payments so far and the expected count."""
    if wave.status not in (WaveStatus.SUCCEEDED, WaveStatus.COMPLETED):
        return []
    if not await is_moderator(req.ctx, req.actor):
        return []
    view = await payments.outlook(req.ctx, wave.id)
    final, price = wave.final_units or 0, wave.money(wave.final_price_cents or 0)
    body = [
        t("pay.outlook_head", id=wave.id, units=final, price=price),
        t("pay.outlook_counts",
          confirmed=view.pledgers.get(PledgeStatus.CONFIRMED, 0),
          confirmed_units=view.units.get(PledgeStatus.CONFIRMED, 0),
          awaiting=view.pledgers.get(PledgeStatus.AWAITING, 0),
          awaiting_units=view.units.get(PledgeStatus.AWAITING, 0),
          abandoned=view.pledgers.get(PledgeStatus.ABANDONED, 0),
          abandoned_units=view.units.get(PledgeStatus.ABANDONED, 0)),
        t("pay.outlook_rate", category=wave.category, rate=payments.percent(view.rate),
          prior=payments.percent(payments.PRIOR_RATE), weight=payments.PRIOR_WEIGHT,
          decided=view.decided_in_category),
        t("pay.outlook_expected", expected=view.expected_units, units=final),
    ]  # fmt: skip
    if wave.status is WaveStatus.SUCCEEDED and view.due_at is not None:
        body.append(t("pay.outlook_due", deadline=view.due_at))
    else:
        body.append(t("pay.outlook_closed"))
    return [Reply(body=tuple(body), private=True)]
