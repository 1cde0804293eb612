"""Pay at the end on a real SQLite file: requests, idempotent reminders, abandonment, outlook."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from core.clock import FakeClock
from core.model import PledgeStatus, WaveStatus
from core.ports import Actor
from core.services import community, lifecycle, payments, waves
from core.services.context import Context
from storage.database import SqlDatabase
from tests.integration.conftest import OWNER, approved_idea, person, plan, refused, rows

HOUR = timedelta(hours=1)


async def succeeded_wave(ctx: Context, buyers: list[Actor], title: str = "Pan #kitchen") -> int:
    """A wave every buyer joined, closed with success."""
    wave = await waves.launch(ctx, OWNER, plan(await approved_idea(ctx, title), (1, 1000), moq=1))
    for buyer in buyers:
        await waves.join(ctx, buyer, wave.id)
    closed = await lifecycle.close(ctx, OWNER, wave.id)
    assert closed.status is WaveStatus.SUCCEEDED
    return wave.id


def sent(db_path: Path, kind: str) -> list[tuple[str, str]]:
    """(chat, kind) of every delivery of announcements of this kind (LIKE pattern)."""
    return rows(
        db_path,
        "SELECT d.chat_id, a.kind FROM deliveries d JOIN announcements a "
        "ON a.id = d.announcement_id WHERE a.kind LIKE ? ORDER BY d.id",
        kind,
    )


async def test_close_asks_every_kept_pledger_with_buttons(ctx: Context, db_path: Path) -> None:
    quiet = person(3)
    await community.set_notify(ctx, quiet, False)  # milestones off; money matters still reach
    wave_id = await succeeded_wave(ctx, [person(1), person(2), quiet])
    assert sorted(sent(db_path, "pay:ask")) == [(str(1000 + n), "pay:ask") for n in (1, 2, 3)]
    [(body,)] = rows(db_path, "SELECT body FROM announcements WHERE kind = 'pay:ask'")
    payload = json.loads(body)
    assert [b[1] for b in payload["buttons"][0]] == [f"pay:{wave_id}", f"drop:{wave_id}"]
    assert rows(db_path, "SELECT due_at FROM payment_windows") == [("2026-01-08 12:00:00.000000",)]


async def test_reminders_once_per_period_even_across_restarts(
    ctx: Context, clock: FakeClock, db_path: Path, db_url: str
) -> None:
    ana, bo, cy = person(1), person(2), person(3)
    wave_id = await succeeded_wave(ctx, [ana, bo, cy])
    clock.advance(47 * HOUR)
    assert (await payments.sweep(ctx)).reminded == 0
    clock.advance(HOUR)
    assert (await payments.sweep(ctx)).reminded == 3
    assert (await payments.sweep(ctx)).reminded == 0
    clock.advance(20 * HOUR)
    assert (await payments.sweep(ctx)).reminded == 0

    restarted = await SqlDatabase.open(db_url)  # a new process: only the database remembers
    try:
        again = Context(db=restarted, clock=clock, owners=ctx.owners)
        assert (await payments.sweep(again)).reminded == 0
    finally:
        await restarted.close()

    await lifecycle.confirm(ctx, ana, wave_id)
    await payments.withdraw(ctx, bo, wave_id)
    clock.advance(28 * HOUR)  # 96 h after the close: second period, only Cy is undecided
    assert (await payments.sweep(ctx)).reminded == 1
    assert sent(db_path, "pay:remind:%") == [
        ("1001", "pay:remind:1"),
        ("1002", "pay:remind:1"),
        ("1003", "pay:remind:1"),
        ("1003", "pay:remind:2"),
    ]

    clock.advance(72 * HOUR)  # 168 h: the window is over
    report = await payments.sweep(ctx)
    assert (report.reminded, report.abandoned, report.completed) == (0, 1, 1)
    assert (await waves.get(ctx, wave_id)).status is WaveStatus.COMPLETED
    assert rows(db_path, "SELECT member_id, status FROM pledges ORDER BY member_id") == [
        (2, PledgeStatus.CONFIRMED.value),
        (3, PledgeStatus.ABANDONED.value),
        (4, PledgeStatus.ABANDONED.value),
    ]
    assert sent(db_path, "pay:expired") == [("1003", "pay:expired")]
    assert (await payments.sweep(ctx)).completed == 0
    with refused("error.pay_released"):
        await lifecycle.confirm(ctx, cy, wave_id)


async def test_after_a_long_downtime_only_the_current_period_is_reminded(
    ctx: Context, clock: FakeClock, db_path: Path
) -> None:
    await succeeded_wave(ctx, [person(1)])
    clock.advance(100 * HOUR)
    assert (await payments.sweep(ctx)).reminded == 1
    assert sent(db_path, "pay:remind:%") == [("1001", "pay:remind:2")]


async def test_decisions_are_checked(ctx: Context, clock: FakeClock) -> None:
    ana, bo = person(1), person(2)
    wave = await waves.launch(ctx, OWNER, plan(await approved_idea(ctx), (1, 1000), moq=1))
    await waves.join(ctx, ana, wave.id)
    with refused("error.nothing_to_confirm"):
        await lifecycle.confirm(ctx, ana, wave.id)
    with refused("error.pay_still_open"):
        await payments.withdraw(ctx, ana, wave.id)
    await waves.join(ctx, bo, wave.id)
    await lifecycle.close(ctx, OWNER, wave.id)
    await lifecycle.confirm(ctx, ana, wave.id)
    with refused("error.pay_already_confirmed"):
        await lifecycle.confirm(ctx, ana, wave.id)
    with refused("error.pay_already_confirmed"):
        await payments.withdraw(ctx, ana, wave.id)
    with refused("error.nothing_to_confirm"):
        await lifecycle.confirm(ctx, person(9), wave.id)
    clock.advance(payments.CONFIRM_WINDOW)  # due, before any sweep ran
    with refused("error.pay_too_late"):
        await lifecycle.confirm(ctx, bo, wave.id)


async def test_a_wave_where_everyone_decided_completes_early(
    ctx: Context, clock: FakeClock
) -> None:
    ana = person(1)
    wave_id = await succeeded_wave(ctx, [ana])
    await lifecycle.confirm(ctx, ana, wave_id)
    clock.advance(timedelta(minutes=5))
    assert (await payments.sweep(ctx)).completed == 1
    assert (await waves.get(ctx, wave_id)).status is WaveStatus.COMPLETED


async def test_outlook_uses_the_category_rate_with_its_prior(ctx: Context) -> None:
    buyers = [person(n) for n in range(1, 5)]
    first = await succeeded_wave(ctx, buyers)
    view = await payments.outlook(ctx, first)
    assert view.rate == 0.15 and view.decided_in_category == 0
    assert view.expected_units == 3  # 4 × 0.85 = 3.4

    await lifecycle.confirm(ctx, buyers[0], first)
    await payments.withdraw(ctx, buyers[1], first)
    view = await payments.outlook(ctx, first)
    assert view.decided_in_category == 2
    assert abs(view.rate - 4 / 22) < 1e-9  # (1 + 3) / (2 + 20)
    assert view.pledgers[PledgeStatus.AWAITING] == 2
    assert view.expected_units == 1 + 2  # confirmed + round(2 × 0.818)

    other = await succeeded_wave(ctx, buyers[:2], "Lamp #garden")
    assert (await payments.outlook(ctx, other)).rate == 0.15  # another category: the prior
