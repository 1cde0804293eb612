"""Ideas and wants through the core's use cases on a real SQLite file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from core.clock import FakeClock
from core.model import IdeaStatus
from core.services import community, ideas
from core.services.context import Context
from tests.integration.conftest import OWNER, approved_idea, person, refused, rows


async def test_propose_approve_want_and_browse(ctx: Context, clock: FakeClock) -> None:
    idea = await ideas.propose(ctx, person(1), "Folding kayak #outdoor\nFits in a backpack")
    assert (idea.status, idea.category, idea.wants) == (IdeaStatus.PENDING, "outdoor", 0)
    assert idea.description == "Fits in a backpack"
    assert idea.created_at == clock.now() and idea.created_at.tzinfo is not None
    approved = await ideas.approve(ctx, OWNER, idea.id)
    assert approved.status is IdeaStatus.APPROVED

    assert await ideas.want(ctx, person(2), idea.id, None) is True
    assert await ideas.want(ctx, person(3), idea.id, 12_000) is True
    assert await ideas.want(ctx, person(3), idea.id, 9_000) is False  # updates, no second vote
    found, prices = await ideas.get(ctx, idea.id)
    assert found.wants == 2
    assert sorted(prices, key=lambda p: p or 0) == [None, 9_000]

    await ideas.unwant(ctx, person(2), idea.id)
    with refused("error.no_want"):
        await ideas.unwant(ctx, person(2), idea.id)
    assert (await ideas.get(ctx, idea.id))[0].wants == 1


async def test_pending_limit_counts_only_pending(ctx: Context) -> None:
    author = person(7)
    first = await ideas.propose(ctx, author, "One")
    await ideas.propose(ctx, author, "Two")
    await ideas.propose(ctx, author, "Three")
    with refused("error.too_many_pending"):
        await ideas.propose(ctx, author, "Four")
    await ideas.approve(ctx, OWNER, first.id)
    fourth = await ideas.propose(ctx, author, "Four")
    assert fourth.status is IdeaStatus.PENDING


async def test_merge_carries_wants_without_double_votes(ctx: Context, db_path: Path) -> None:
    source = await approved_idea(ctx, "Cast iron pan #kitchen")
    target = await approved_idea(ctx, "Cast-iron skillet #kitchen")
    for n in (1, 2, 3):
        await ideas.want(ctx, person(n), source, None)
    for n in (3, 4):
        await ideas.want(ctx, person(n), target, 5_000)

    merged_into, moved = await ideas.merge(ctx, OWNER, source, target)
    assert moved == 2  # person 3 already wanted the target: one vote kept, not two
    assert merged_into.id == target and merged_into.wants == 4
    old, old_prices = await ideas.get(ctx, source)
    assert (old.status, old.merged_into, old.wants, old_prices) == (
        IdeaStatus.MERGED,
        target,
        0,
        [],
    )
    per_member = rows(db_path, "SELECT member_id, COUNT(*) FROM wants GROUP BY member_id")
    assert all(count == 1 for _, count in per_member) and len(per_member) == 4
    with refused("error.idea_merged"):
        await ideas.want(ctx, person(9), source, None)


async def test_list_orders_and_paging(ctx: Context, clock: FakeClock) -> None:
    ids = []
    for title in ("Alpha", "Beta", "Gamma"):
        ids.append(await approved_idea(ctx, title))
        clock.advance(timedelta(minutes=1))
    alpha, beta, gamma = ids
    await ideas.want(ctx, person(1), alpha, None)
    await ideas.want(ctx, person(2), alpha, None)
    await ideas.want(ctx, person(1), beta, None)
    rejected = await ideas.propose(ctx, person(5), "Delta")
    await ideas.reject(ctx, OWNER, rejected.id, "duplicate")

    top, pages = await ideas.browse(ctx, ideas.VISIBLE, "top", 1)
    assert [i.id for i in top] == [alpha, beta, gamma] and pages == 1
    assert [i.wants for i in top] == [2, 1, 0]
    new, _ = await ideas.browse(ctx, ideas.VISIBLE, "new", 1)
    assert [i.id for i in new] == [gamma, beta, alpha]

    ctx.rules.page_size = 2
    page2, pages = await ideas.browse(ctx, ideas.VISIBLE, "new", 2)
    assert pages == 2 and [i.id for i in page2] == [alpha]

    async with ctx.db.read() as tx:
        with pytest.raises(ValueError):
            await tx.list_ideas(ideas.VISIBLE, "random", 0, 10)
        gone = await tx.get_idea(rejected.id)
    assert gone is not None and (gone.status, gone.reason) == (IdeaStatus.REJECTED, "duplicate")


async def test_overview_lists_my_ideas_newest_first(ctx: Context, clock: FakeClock) -> None:
    me = person(4)
    first = await ideas.propose(ctx, me, "Older")
    clock.advance(timedelta(seconds=1))
    second = await ideas.propose(ctx, me, "Newer")
    await ideas.propose(ctx, person(5), "Not mine")
    mine = await community.overview(ctx, me)
    assert [i.id for i in mine.ideas] == [second.id, first.id]
    assert mine.pledges == []
