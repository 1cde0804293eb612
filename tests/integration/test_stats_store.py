"""Stats read models on a real SQLite file: funnel, categories, series, demand, export."""

from __future__ import annotations

from datetime import timedelta

from core.clock import FakeClock
from core.model import IdeaStatus, PledgeStatus, WaveStatus
from core.services import ideas, lifecycle, stats, waves
from core.services.context import Context
from tests.integration.conftest import OWNER, approved_idea, person, plan, refused


async def test_funnel_and_categories_with_success_and_abandonment(
    ctx: Context, clock: FakeClock
) -> None:
    kitchen = await approved_idea(ctx, "Pan #kitchen")
    garden = await approved_idea(ctx, "Rake #garden")
    lid = await approved_idea(ctx, "Lid #kitchen")
    await approved_idea(ctx, "Spoon #kitchen")  # approved, never launched
    rejected = await ideas.propose(ctx, person(1), "Spam")
    await ideas.reject(ctx, OWNER, rejected.id, "no")
    await ideas.propose(ctx, person(2), "Pending thing")

    pan = await waves.launch(ctx, OWNER, plan(kitchen, (1, 10_000), (3, 9_000)))
    for n in (1, 2, 3, 4):
        await waves.join(ctx, person(n), pan.id)
    await lifecycle.close(ctx, OWNER, pan.id)
    await lifecycle.confirm(ctx, person(1), pan.id)
    await lifecycle.confirm(ctx, person(2), pan.id)
    async with ctx.db.write() as tx:  # what the end of the payment window does to person 4
        member = await tx.member_for_account(person(4).account)
        assert member is not None
        await tx.set_pledge_status(pan.id, [member.id], PledgeStatus.ABANDONED, clock.now())
    rake = await waves.launch(ctx, OWNER, plan(garden, (1, 10_000), (5, 9_000)))
    await lifecycle.close(ctx, OWNER, rake.id)  # nobody joined: failed
    lid_wave = await waves.launch(ctx, OWNER, plan(lid, (1, 10_000), (2, 9_000)))
    for n in (5, 6):
        await waves.join(ctx, person(n), lid_wave.id)
    await lifecycle.close(ctx, OWNER, lid_wave.id)
    await lifecycle.confirm(ctx, person(5), lid_wave.id)
    async with ctx.db.write() as tx:
        await tx.set_wave_status(lid_wave.id, WaveStatus.COMPLETED, clock.now())

    with refused("error.not_moderator"):
        await stats.overview(ctx, person(1))
    funnel, categories = await stats.overview(ctx, OWNER)
    assert (funnel.proposed, funnel.approved, funnel.launched) == (6, 4, 3)
    assert (funnel.succeeded, funnel.completed) == (2, 1)
    by_name = {row.category: row for row in categories}
    assert list(by_name) == ["garden", "kitchen"]
    assert (by_name["garden"].waves, by_name["garden"].success_rate) == (1, 0)
    assert by_name["garden"].abandonment_rate is None
    kitchen_row = by_name["kitchen"]
    assert (kitchen_row.waves, kitchen_row.decided, kitchen_row.succeeded) == (2, 2, 2)
    # pan: 2 confirmed, 1 abandoned, 1 still to confirm (not counted); lid: 1 confirmed
    assert (kitchen_row.confirmed, kitchen_row.abandoned) == (3, 1)
    assert kitchen_row.abandonment_rate == 25


async def test_units_series_export_and_demand(ctx: Context, clock: FakeClock) -> None:
    idea = await approved_idea(ctx, "Pan #kitchen")
    for n, price in ((1, 8_000), (2, None), (3, 9_500)):
        await ideas.want(ctx, person(n), idea, price)
    found, curve = await stats.idea_demand(ctx, OWNER, idea)
    assert found.status is IdeaStatus.APPROVED
    assert curve.steps == ((8_000, 3), (9_500, 2)) and curve.unlimited == 1

    wave = await waves.launch(ctx, OWNER, plan(idea, (1, 10_000), (2, 9_000), per_member=3))
    opened = clock.now()
    clock.advance(timedelta(hours=1))
    await waves.join(ctx, person(1), wave.id, 2)
    clock.advance(timedelta(hours=1))
    await waves.join(ctx, person(2), wave.id, 1, 9_500)
    clock.advance(timedelta(hours=1))
    await waves.leave(ctx, person(1), wave.id)
    clock.advance(timedelta(hours=1))
    await waves.join(ctx, person(3), wave.id, 3)
    clock.advance(timedelta(hours=2))

    with refused("error.not_moderator"):
        await stats.wave_series(ctx, person(1), wave.id)
    series = await stats.wave_series(ctx, OWNER, wave.id)
    assert series.events == 4
    assert [units for _, units in series.points] == [0, 2, 3, 1, 4, 4]
    assert series.points[0][0] == opened and series.points[-1][0] == clock.now()
    with refused("error.wave_not_found"):
        await stats.wave_series(ctx, OWNER, 99)

    _, rows = await stats.export_rows(ctx, OWNER, wave.id)
    assert [(r.name, r.quantity, r.max_price_cents, r.status) for r in rows] == [
        ("Member 2", 1, 9_500, PledgeStatus.ACTIVE),
        ("Member 3", 3, None, PledgeStatus.ACTIVE),
    ]  # the withdrawn pledge of member 1 is left out
    with refused("error.not_moderator"):
        await stats.export_rows(ctx, person(2), wave.id)
