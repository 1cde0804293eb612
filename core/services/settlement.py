"""The end of a payment window: decide on confirmed units, tell everyone, alert moderators early.

At the end of the window (or as soon as nobody is left to decide) the confirmed units are
compared with the wave's minimum: at or above it the wave is COMPLETED at the close price (one
final price for all, never raised because some withdrew); below it the wave FAILS and the
confirmed members are told they will not be charged. During the window, the moderation chats are
alerted once when the expected count (confirmed + awaiting × (1 − category rate)) falls below
the minimum. The payment window row and the pledge statuses are the truth, so repeated sweeps
and restarts decide and alert only once. See README "End of a wave".
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from core.messages import T, t
from core.model import PaymentWindow, PledgeStatus, Target, Wave, WaveStatus
from core.payment_records import RefundReason
from core.ports import Tx
from core.services import announce as ann
from core.services import creator, refunds
from core.services.context import Context

REMIND_EVERY = timedelta(hours=48)  # undecided pledgers are reminded once per period

if TYPE_CHECKING:
    from core.services.payments import Outlook


async def moderator_targets(ctx: Context, tx: Tx) -> list[Target]:
    """The moderators' audience: every registered moderation chat, in the community language."""
    return await tx.moderator_targets(ctx.rules.default_lang)


def units_of(view: Outlook, status: PledgeStatus) -> int:
    """Units pledged in this status."""
    return view.units.get(status, 0)


def counted_units(ctx: Context, view: Outlook) -> int:
    """What decides the outcome: paid units when a provider takes the money, else confirmed."""
    return view.paid.units if ctx.payments.collects else units_of(view, PledgeStatus.CONFIRMED)


def counts_text(view: Outlook) -> T:
    """Pledgers and units confirmed, awaiting and abandoned (withdrew or expired)."""
    people = view.pledgers
    return t("pay.outlook_counts",
             confirmed=people.get(PledgeStatus.CONFIRMED, 0),
             confirmed_units=units_of(view, PledgeStatus.CONFIRMED),
             awaiting=people.get(PledgeStatus.AWAITING, 0),
             awaiting_units=units_of(view, PledgeStatus.AWAITING),
             abandoned=people.get(PledgeStatus.ABANDONED, 0),
             abandoned_units=units_of(view, PledgeStatus.ABANDONED))  # fmt: skip


def is_short(wave: Wave, view: Outlook) -> bool:
    """The abandonment-aware expected count is below the minimum while some still decide."""
    return units_of(view, PledgeStatus.AWAITING) > 0 and view.expected_units < wave.moq


async def alert_if_short(
    ctx: Context, tx: Tx, wave: Wave, window: PaymentWindow, view: Outlook
) -> int:
    """Tell the moderators once per window that the wave may fail; 1 when an alert was recorded."""
    if window.completed_at is not None or window.alerted_at is not None:
        return 0
    if wave.status is not WaveStatus.SUCCEEDED or not is_short(wave, view):
        return 0
    if not await tx.mark_payment_alerted(wave.id, ctx.clock.now()):
        return 0
    body = (
        t("pay.alert", id=wave.id, title=wave.title, expected=view.expected_units, moq=wave.moq),
        counts_text(view),
        t("pay.alert_hint", deadline=window.due_at, moq=wave.moq, every=REMIND_EVERY),
    )
    await ann.record(ctx, tx, wave.id, "pay:alert", ann.encode(body),
                     await moderator_targets(ctx, tx))  # fmt: skip
    return 1


async def settle(ctx: Context, tx: Tx, wave: Wave, view: Outlook) -> WaveStatus:
    """Decide a succeeded wave on its paid (or confirmed) units, tell every audience, and owe
    every payer of a failed wave their money back; the new status."""
    counted = counted_units(ctx, view)
    status = WaveStatus.COMPLETED if counted >= wave.moq else WaveStatus.FAILED
    await tx.set_wave_status(wave.id, status, ctx.clock.now())
    if status is WaveStatus.COMPLETED:
        await _tell_completed(ctx, tx, wave, view, counted)
        await creator.credit_completed(ctx, tx, wave)
    else:
        await _tell_failed(ctx, tx, wave, view, counted)
        paid = [payment for payment in await tx.live_payments(wave.id) if payment.counted]
        await refunds.owe_back(ctx, tx, wave, paid, RefundReason.FAILED)
    return status


async def _tell_completed(ctx: Context, tx: Tx, wave: Wave, view: Outlook, confirmed: int) -> None:
    """Confirmed members, subscribed chats and moderators hear the wave is complete."""
    price = wave.money(wave.final_price_cents or 0)
    mine = (t("pay.completed", id=wave.id, title=wave.title, units=confirmed, price=price),)
    await _tell_confirmed(ctx, tx, wave, "pay:completed", mine)
    public = (t("announce.completed", id=wave.id, title=wave.title, units=confirmed, price=price),)
    await ann.announce(ctx, tx, wave, "completed", public, ann.Audience.CHATS_ONLY)
    why = (t("pay.mod_completed", id=wave.id, title=wave.title, confirmed=confirmed,
             moq=wave.moq, price=price), counts_text(view))  # fmt: skip
    await ann.record(ctx, tx, wave.id, "pay:mod_completed", ann.encode(why),
                     await moderator_targets(ctx, tx))  # fmt: skip


async def _tell_failed(ctx: Context, tx: Tx, wave: Wave, view: Outlook, confirmed: int) -> None:
    """Confirmed members hear they will not be charged; chats and moderators hear why."""
    params = {"id": wave.id, "title": wave.title, "confirmed": confirmed, "moq": wave.moq}
    await _tell_confirmed(ctx, tx, wave, "pay:failed", (t("pay.failed", **params),))
    public = (t("announce.failed_confirmations", **params),)
    await ann.announce(ctx, tx, wave, "failed", public, ann.Audience.CHATS_ONLY)
    abandoned = units_of(view, PledgeStatus.ABANDONED)
    why = (t("pay.mod_failed", abandoned=abandoned, **params), counts_text(view))
    await ann.record(ctx, tx, wave.id, "pay:mod_failed", ann.encode(why),
                     await moderator_targets(ctx, tx))  # fmt: skip


async def _tell_confirmed(ctx: Context, tx: Tx, wave: Wave, kind: str, body: tuple[T, ...]) -> None:
    """One private message to every member who confirmed."""
    targets = await tx.pledger_targets(wave.id, PledgeStatus.CONFIRMED)
    await ann.record(ctx, tx, wave.id, kind, ann.encode(body), targets)
