"""The end of a payment window on a real SQLite file: decided on confirmations, alerts once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from core.clock import FakeClock
from core.model import PledgeStatus, WaveStatus
from core.ports import Actor, ChatKind, ChatRef
from core.services import community, lifecycle, payments, waves
from core.services.context import Context
from storage.database import SqlDatabase
from tests.integration.conftest import OWNER, approved_idea, person, plan, rows

GROUP = ChatRef("telegram", "-100", ChatKind.GROUP, "Buyers")
MODS = ChatRef("telegram", "-200", ChatKind.GROUP, "Moderators")


async def wave_in_window(ctx: Context, buyers: list[Actor], moq: int) -> int:
    """A subscribed group, a moderation chat, and a wave every buyer joined, closed with success."""
    await community.subscribe(ctx, OWNER, GROUP, [])
    await community.register_modchat(ctx, OWNER, MODS)
    idea = await approved_idea(ctx, "Pan #kitchen")
    wave = await waves.launch(ctx, OWNER, plan(idea, (1, 10000), (3, 8000), moq=moq))
    for buyer in buyers:
        await waves.join(ctx, buyer, wave.id)
    closed = await lifecycle.close(ctx, OWNER, wave.id)
    assert closed.status is WaveStatus.SUCCEEDED
    return wave.id


def sent(db_path: Path) -> list[tuple[str, str]]:
    """(chat, kind) of every delivery recorded after the close (requests and replies left out)."""
    return rows(
        db_path,
        "SELECT d.chat_id, a.kind FROM deliveries d JOIN announcements a "
        "ON a.id = d.announcement_id WHERE a.kind NOT IN ('opened', 'closed', 'pay:ask') "
        "AND a.kind NOT LIKE 'milestone%' ORDER BY d.id",
    )


async def test_the_issue_case_fails_on_confirmations_and_tells_everyone(
    ctx: Context, clock: FakeClock, db_path: Path, db_url: str
) -> None:
    buyers = [person(n) for n in range(1, 6)]  # 5 pledged, minimum 3, one confirms
    wave_id = await wave_in_window(ctx, buyers, moq=3)
    await lifecycle.confirm(ctx, buyers[0], wave_id)
    clock.advance(payments.CONFIRM_WINDOW)
    report = await payments.sweep(ctx)
    assert (report.abandoned, report.completed, report.failed) == (4, 0, 1)

    wave = await waves.get(ctx, wave_id)
    assert wave.status is WaveStatus.FAILED
    assert (wave.final_units, wave.final_price_cents) == (5, 8000)  # the close is kept as history
    assert sent(db_path) == [
        *[(str(1000 + n), "pay:expired") for n in range(2, 6)],
        ("1001", "pay:failed"),
        ("-100", "failed"),
        ("-200", "pay:mod_failed"),
    ]
    assert not rows(db_path, "SELECT 1 FROM announcements WHERE kind LIKE '%completed%'")

    assert (await payments.sweep(ctx)).failed == 0  # decided once
    restarted = await SqlDatabase.open(db_url)  # a new process: only the database remembers
    try:
        again = await payments.sweep(Context(db=restarted, clock=clock, owners=ctx.owners))
    finally:
        await restarted.close()
    assert (again.failed, again.completed, again.abandoned) == (0, 0, 0)
    assert len(sent(db_path)) == 7


async def test_enough_confirmations_complete_at_the_close_price(
    ctx: Context, clock: FakeClock, db_path: Path
) -> None:
    ana, bo, cy = person(1), person(2), person(3)
    wave_id = await wave_in_window(ctx, [ana, bo, cy], moq=2)
    await lifecycle.confirm(ctx, ana, wave_id)
    await lifecycle.confirm(ctx, bo, wave_id)
    clock.advance(payments.CONFIRM_WINDOW)
    report = await payments.sweep(ctx)
    assert (report.abandoned, report.completed, report.failed) == (1, 1, 0)

    wave = await waves.get(ctx, wave_id)
    assert wave.status is WaveStatus.COMPLETED
    assert wave.final_price_cents == 8000  # 2 paying units would cost 100 €: the price holds
    assert sent(db_path) == [
        ("1003", "pay:expired"),
        ("1001", "pay:completed"),
        ("1002", "pay:completed"),
        ("-100", "completed"),
        ("-200", "pay:mod_completed"),
    ]


async def test_everybody_decided_means_an_early_decision(
    ctx: Context, clock: FakeClock, db_path: Path
) -> None:
    ana, bo = person(1), person(2)
    wave_id = await wave_in_window(ctx, [ana, bo], moq=2)
    await lifecycle.confirm(ctx, ana, wave_id)
    await payments.withdraw(ctx, bo, wave_id)
    clock.advance(timedelta(minutes=5))  # long before the due date
    report = await payments.sweep(ctx)
    assert (report.completed, report.failed) == (0, 1)
    assert (await waves.get(ctx, wave_id)).status is WaveStatus.FAILED
    assert sent(db_path) == [("1001", "pay:failed"), ("-100", "failed"), ("-200", "pay:mod_failed")]


async def test_moderators_alerted_once_when_the_expected_count_falls_short(
    ctx: Context, clock: FakeClock, db_path: Path
) -> None:
    buyers = [person(n) for n in range(1, 5)]
    wave_id = await wave_in_window(ctx, buyers, moq=3)
    assert (await payments.sweep(ctx)).alerted == 0  # 4 × 0.85 = 3.4 → 3 expected: enough
    await payments.withdraw(ctx, buyers[0], wave_id)  # rate 4/21: 3 × 0.81 → 2 expected
    assert sent(db_path) == [("-200", "pay:alert")]
    [(alerted_at,)] = rows(db_path, "SELECT alerted_at FROM payment_windows")
    assert alerted_at is not None

    await payments.withdraw(ctx, buyers[1], wave_id)  # still short: no second alert
    for hours in (1, 48, 96):
        clock.advance(timedelta(hours=hours))
        assert (await payments.sweep(ctx)).alerted == 0
    assert [kind for _, kind in sent(db_path)].count("pay:alert") == 1


async def test_a_wave_short_from_the_start_is_alerted_by_the_sweep(
    ctx: Context, db_path: Path
) -> None:
    wave_id = await wave_in_window(ctx, [person(n) for n in range(1, 6)], moq=5)
    view = await payments.outlook(ctx, wave_id)
    assert (view.expected_units, view.wave.moq) == (4, 5)  # 5 × 0.85 = 4.25
    assert (await payments.sweep(ctx)).alerted == 1
    assert (await payments.sweep(ctx)).alerted == 0
    assert sent(db_path) == [("-200", "pay:alert")]


async def test_no_alert_while_the_expected_count_stays_above_the_minimum(
    ctx: Context, clock: FakeClock, db_path: Path
) -> None:
    buyers = [person(n) for n in range(1, 5)]
    wave_id = await wave_in_window(ctx, buyers, moq=2)
    await payments.withdraw(ctx, buyers[0], wave_id)
    await lifecycle.confirm(ctx, buyers[1], wave_id)
    for _ in range(4):
        clock.advance(timedelta(hours=48))
        assert (await payments.sweep(ctx)).alerted == 0
    assert "pay:alert" not in [kind for _, kind in sent(db_path)]
    assert rows(db_path, "SELECT alerted_at FROM payment_windows") == [(None,)]
    statuses = rows(db_path, "SELECT status FROM pledges ORDER BY member_id")
    assert statuses == [
        (PledgeStatus.ABANDONED.value,),
        (PledgeStatus.CONFIRMED.value,),
        (PledgeStatus.ABANDONED.value,),
        (PledgeStatus.ABANDONED.value,),
    ]
    assert (await waves.get(ctx, wave_id)).status is WaveStatus.FAILED  # 1 confirmed of 2
