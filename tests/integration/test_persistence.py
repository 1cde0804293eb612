"""What a use case commits is on disk: it survives closing and reopening the file."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError

from core.clock import FakeClock
from core.model import IdeaStatus, PledgeStatus, WaveStatus
from core.services import community, ideas, waves
from core.services.context import Context
from storage.database import SqlDatabase
from tests.integration.conftest import OWNER, approved_idea, person, plan


async def test_data_survives_reopen(db: SqlDatabase, db_url: str, clock: FakeClock) -> None:
    ctx = Context(db=db, clock=clock, owners=frozenset({OWNER.account}))
    idea_id = await approved_idea(ctx)
    await ideas.want(ctx, person(1), idea_id, 4_200)
    wave = await waves.launch(ctx, OWNER, plan(idea_id, (1, 5_000), (2, 4_000)))
    await waves.join(ctx, person(1), wave.id, 1, 4_500)
    await community.set_lang(ctx, person(1), "fr")
    await db.close()

    reopened = await SqlDatabase.open(db_url, migrate=True)
    try:
        again = Context(db=reopened, clock=clock, owners=frozenset({OWNER.account}))
        stored = await waves.get(again, wave.id)
        assert stored == replace(wave, units=1, pledgers=1)
        idea, prices = await ideas.get(again, idea_id)
        assert (idea.status, prices) == (IdeaStatus.LAUNCHED, [4_200])
        mine = await community.overview(again, person(1))
        assert mine.member.lang == "fr"
        ((pledge, _),) = mine.pledges
        assert (pledge.status, pledge.max_price_cents) == (PledgeStatus.ACTIVE, 4_500)
        assert stored.status is WaveStatus.OPEN
    finally:
        await reopened.close()


async def test_datetimes_come_back_aware_utc(db: SqlDatabase) -> None:
    paris = datetime(2026, 3, 1, 10, 30, 15, 123456, tzinfo=timezone(timedelta(hours=1)))
    async with db.write() as tx:
        member = await tx.create_member("telegram:9", "Tz", None, paris)
        idea_id = await tx.add_idea("Clock", "", "general", member.id, paris)
    async with db.read() as tx:
        idea = await tx.get_idea(idea_id)
    assert idea is not None
    assert idea.created_at == paris and idea.created_at.utcoffset() == timedelta(0)
    assert idea.created_at.tzinfo is UTC


async def test_naive_datetimes_are_refused(db: SqlDatabase) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        async with db.write() as tx:
            await tx.create_member("telegram:9", "Naive", None, datetime(2026, 1, 1))
