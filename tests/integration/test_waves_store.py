"""Waves, pledges, milestones and clearing through the core's use cases on a real SQLite file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from core.clock import FakeClock
from core.model import PledgeStatus, Tier, WaveStatus
from core.services import community, lifecycle, waves
from core.services.context import Context
from tests.integration.conftest import OWNER, approved_idea, person, plan, refused, rows


async def test_launch_join_leave_join_again(ctx: Context, clock: FakeClock, db_path: Path) -> None:
    idea_id = await approved_idea(ctx)
    wave = await waves.launch(ctx, OWNER, plan(idea_id, (1, 10_000), (3, 9_000), per_member=2))
    assert (wave.status, wave.units, wave.moq, wave.per_member_max) == (WaveStatus.OPEN, 0, 3, 2)
    assert wave.tiers == (Tier(1, 10_000), Tier(3, 9_000))
    assert wave.closes_at - wave.opens_at == timedelta(days=7)
    assert wave.closes_at.tzinfo is not None

    joined = await waves.join(ctx, person(1), wave.id, 2)
    assert (joined.wave.units, joined.wave.pledgers, joined.previous) == (2, 1, 0)
    changed = await waves.join(ctx, person(1), wave.id, 1)  # change, not a second pledge
    assert (changed.wave.units, changed.wave.pledgers, changed.previous) == (1, 1, 2)

    clock.advance(timedelta(minutes=5))
    left = await waves.leave(ctx, person(1), wave.id)
    assert (left.wave.units, left.wave.pledgers) == (0, 0)
    with refused("error.no_pledge"):
        await waves.leave(ctx, person(1), wave.id)
    mine = await community.overview(ctx, person(1))
    assert mine.pledges == []  # withdrawn pledges are left out

    clock.advance(timedelta(minutes=5))
    again = await waves.join(ctx, person(1), wave.id, 1, 9_500)
    assert (again.wave.units, again.wave.pledgers, again.previous) == (1, 1, 0)
    stored = await waves.get(ctx, wave.id)
    assert (stored.units, stored.pledgers) == (1, 1)
    (pledge, pledged_wave), *_ = (await community.overview(ctx, person(1))).pledges
    assert (pledge.status, pledge.quantity, pledge.max_price_cents) == (
        PledgeStatus.ACTIVE,
        1,
        9_500,
    )
    assert pledge.created_at == clock.now()  # a re-join starts a new pledge
    assert pledged_wave.id == wave.id
    events = rows(db_path, "SELECT kind, quantity, units_after FROM pledge_events ORDER BY id")
    assert events == [("join", 2, 2), ("join", 1, 1), ("leave", 1, 0), ("join", 1, 1)]


async def test_capacity_is_enforced(ctx: Context) -> None:
    idea_id = await approved_idea(ctx)
    wave = await waves.launch(ctx, OWNER, plan(idea_id, (1, 5_000), capacity=2, per_member=2))
    await waves.join(ctx, person(1), wave.id, 2)
    with refused("error.wave_full"):
        await waves.join(ctx, person(2), wave.id, 1)
    await waves.join(ctx, person(1), wave.id, 1)  # lowering one's own pledge frees a unit
    await waves.join(ctx, person(2), wave.id, 1)
    assert (await waves.get(ctx, wave.id)).units == 2


async def test_milestones_are_announced_once_ever(ctx: Context, db_path: Path) -> None:
    idea_id = await approved_idea(ctx)
    wave = await waves.launch(ctx, OWNER, plan(idea_id, (1, 1_000), (2, 900), (3, 800), moq=2))
    await waves.join(ctx, person(1), wave.id)
    first = await waves.join(ctx, person(2), wave.id)
    assert first.milestones == (2,)
    await waves.leave(ctx, person(2), wave.id)
    again = await waves.join(ctx, person(2), wave.id)
    assert again.milestones == ()
    third = await waves.join(ctx, person(3), wave.id)
    assert third.milestones == (3,)
    async with ctx.db.write() as tx:
        await tx.mark_milestone(wave.id, 2, FakeClock().now())  # a repeat mark is a no-op
    async with ctx.db.read() as tx:
        assert await tx.announced_milestones(wave.id) == {2, 3}
    kinds = [k for (k,) in rows(db_path, "SELECT kind FROM announcements ORDER BY id")]
    assert kinds == ["opened", "milestone:2", "milestone:3"]
    assert rows(db_path, "SELECT COUNT(*) FROM milestones") == [(2,)]


async def test_close_clears_conditional_pledges(ctx: Context, clock: FakeClock) -> None:
    idea_id = await approved_idea(ctx)
    tiers = ((1, 10_000), (4, 9_000), (6, 8_000))
    wave = await waves.launch(ctx, OWNER, plan(idea_id, *tiers, moq=3))
    for n in (1, 2, 3):
        await waves.join(ctx, person(n), wave.id)
    for n in (4, 5):  # only in if the price falls to 80.00: it never does without them
        await waves.join(ctx, person(n), wave.id, 1, 8_000)
    async with ctx.db.read() as tx:
        bids = await tx.active_bids(wave.id)
    assert [(b.quantity, b.max_price_cents) for b in bids] == [(1, None)] * 3 + [(1, 8_000)] * 2
    clock.advance(timedelta(hours=1))
    closed = await lifecycle.close(ctx, OWNER, wave.id)
    assert closed.status is WaveStatus.SUCCEEDED
    assert (closed.final_price_cents, closed.final_units) == (10_000, 3)
    async with ctx.db.read() as tx:
        statuses = {}
        for n in range(1, 6):
            member = await tx.member_for_account(person(n).account)
            assert member is not None
            pledge = await tx.get_pledge(wave.id, member.id)
            assert pledge is not None
            statuses[n] = pledge.status
        assert await tx.active_bids(wave.id) == []
    assert statuses == {
        1: PledgeStatus.AWAITING,
        2: PledgeStatus.AWAITING,
        3: PledgeStatus.AWAITING,
        4: PledgeStatus.DROPPED,
        5: PledgeStatus.DROPPED,
    }
    with refused("error.wave_not_open"):
        await waves.join(ctx, person(6), wave.id)
    await lifecycle.confirm(ctx, person(1), wave.id)
    with refused("error.nothing_to_confirm"):
        await lifecycle.confirm(ctx, person(4), wave.id)
    mine = await community.overview(ctx, person(1))
    assert [p.status for p, _ in mine.pledges] == [PledgeStatus.CONFIRMED]


async def test_sweep_opens_and_closes_due_waves(ctx: Context, clock: FakeClock) -> None:
    idea_id = await approved_idea(ctx)
    short = await waves.launch(ctx, OWNER, plan(idea_id, (1, 500), duration=timedelta(hours=1)))
    await waves.join(ctx, person(1), short.id)
    start = clock.now()
    async with ctx.db.write() as tx:
        owner = await tx.member_for_account(OWNER.account)
        assert owner is not None
        later = await tx.add_wave(
            None, "Later", "", "kitchen", "EUR", (Tier(1, 700),), 1, None, 1,
            start + timedelta(hours=2), start + timedelta(hours=5), WaveStatus.SCHEDULED,
            owner.id, start,
        )  # fmt: skip
    assert await lifecycle.sweep_due(ctx) == []

    clock.advance(timedelta(hours=1))  # exactly the deadline: due
    assert await lifecycle.sweep_due(ctx) == [short.id]
    closed = await waves.get(ctx, short.id)
    assert (closed.status, closed.final_units) == (WaveStatus.SUCCEEDED, 1)
    assert await lifecycle.sweep_due(ctx) == []

    clock.advance(timedelta(hours=1))
    assert await lifecycle.sweep_due(ctx) == [later]
    assert [w.id for w in await waves.open_waves(ctx)] == [later]
    clock.advance(timedelta(hours=3))
    assert await lifecycle.sweep_due(ctx) == [later]
    assert (await waves.get(ctx, later)).status is WaveStatus.FAILED  # nobody joined


async def test_extend_cancel_and_list_order(ctx: Context, db_path: Path) -> None:
    first = await waves.launch(ctx, OWNER, plan(await approved_idea(ctx, "Alpha"), (1, 100)))
    second = await waves.launch(
        ctx, OWNER, plan(await approved_idea(ctx, "Bravo"), (1, 100), duration=timedelta(days=2))
    )
    assert [w.id for w in await waves.open_waves(ctx)] == [second.id, first.id]
    extended = await lifecycle.extend(ctx, OWNER, second.id, timedelta(days=10))
    assert extended.closes_at == second.closes_at + timedelta(days=10)
    assert [w.id for w in await waves.open_waves(ctx)] == [first.id, second.id]
    cancelled = await lifecycle.cancel(ctx, OWNER, first.id, "supplier gone")
    assert cancelled.status is WaveStatus.CANCELLED
    assert [w.id for w in await waves.open_waves(ctx)] == [second.id]
    closed_at = rows(db_path, "SELECT closed_at FROM waves WHERE id = ?", first.id)
    assert closed_at[0][0] is not None
