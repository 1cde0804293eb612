"""The personal newsletter is sent once per member per period, whatever the restarts: the send
row and the message commit together (both backends)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.main import runtime
from config.settings import Settings
from core.clock import FakeClock
from core.model import Tier
from core.ports import Actor
from core.services import ideas, newsletter, waves
from core.services.newsletter import period_of
from core.services.waves import LaunchPlan
from storage.schema import announcements, deliveries

OWNER = Actor("console:owner", "Owner")


async def _newsletters(db_url: str) -> list[str]:
    """The chat of every newsletter delivery recorded so far, sorted."""
    stmt = (
        select(deliveries.c.chat_id)
        .join(announcements, announcements.c.id == deliveries.c.announcement_id)
        .where(announcements.c.kind.like("newsletter:%"))
    )
    settings = Settings(database_url=db_url, owners="console:owner")
    async with runtime(settings) as rt, rt.ctx.db.read() as tx:
        return sorted(str(row.chat_id) for row in await tx.connection.execute(stmt))


async def test_once_per_member_per_period_across_a_restart(db_url: str) -> None:
    settings = Settings(database_url=db_url, owners="console:owner", newsletter_days=15)
    clock = FakeClock()
    ana, bo = Actor("console:ana", "Ana"), Actor("console:bo", "Bo")
    async with runtime(settings, clock=clock) as rt:
        idea = await ideas.propose(rt.ctx, OWNER, "Kettle #kitchen")
        await ideas.approve(rt.ctx, OWNER, idea.id)
        await waves.launch(rt.ctx, OWNER, LaunchPlan(idea.id, (Tier(1, 3000), Tier(10, 2500)),
                                                     timedelta(days=60)))  # fmt: skip
        await newsletter.set_newsletter(rt.ctx, ana, True)
        await newsletter.set_newsletter(rt.ctx, bo, False)  # bo opted out
        assert await newsletter.send_due(rt.ctx) == 0  # newcomers: nothing before a period
        clock.advance(timedelta(days=15))
        first = await newsletter.send_due(rt.ctx)
        assert first == 2  # the owner and ana see the open wave they have not joined
        assert await newsletter.send_due(rt.ctx) == 0
    async with runtime(settings, clock=clock) as rt:  # a restart within the period
        assert await newsletter.send_due(rt.ctx) == 0
        clock.advance(timedelta(days=15))
        assert period_of(clock.now(), 15) == period_of(clock.now() - timedelta(days=15), 15) + 1
        assert await newsletter.send_due(rt.ctx) == 2  # the next period
        await newsletter.set_newsletter(rt.ctx, bo, True)
        assert await newsletter.send_due(rt.ctx) == 1  # bo, back in, gets this period's
        assert await newsletter.is_on(rt.ctx, Actor("console:ghost", "Ghost"))  # the default
        assert await newsletter.is_on(rt.ctx, bo)
    assert await _newsletters(db_url) == ["ana", "ana", "bo", "owner", "owner"]
