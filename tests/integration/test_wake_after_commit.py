"""Wake-ups wait for the commit: a dispatcher or expander woken inside the transaction would read
(on another connection) before the rows exist, find nothing and sleep until the next tick."""

from __future__ import annotations

import pytest

from core.ports import ChatKind, ChatRef
from core.services import community, waves
from core.services.context import Context
from storage.backends import AnyDatabase
from tests.integration.conftest import OWNER, approved_idea, person, plan, query

GROUP = ChatRef("telegram", "-100", ChatKind.GROUP, "Buyers")
DUE = "SELECT COUNT(*) FROM deliveries WHERE status = 'pending'"


class VisibilityWakeup:
    """Records, at each wake-up, whether the caller was still inside its write."""

    def __init__(self, db: AnyDatabase) -> None:
        self.db = db
        self.told: list[tuple[str, bool]] = []

    def deliveries_pending(self) -> None:
        """The dispatcher would claim now."""
        self.told.append(("deliveries", self.db.writing_here()))

    def fanout_pending(self) -> None:
        """The expander would read the announcement now."""
        self.told.append(("fanout", self.db.writing_here()))


async def test_a_milestone_wakes_the_dispatcher_and_the_expander_only_after_its_commit(
    ctx: Context, db: AnyDatabase
) -> None:
    wakeup = VisibilityWakeup(db)
    ctx.wakeup = wakeup
    await community.subscribe(ctx, OWNER, GROUP, [])
    wave = await waves.launch(ctx, OWNER, plan(await approved_idea(ctx), (1, 900), (2, 800)))
    await waves.join(ctx, person(1), wave.id)
    crossed = await waves.join(ctx, person(2), wave.id)
    assert crossed.milestones == (2,)
    assert ("fanout", False) in wakeup.told
    assert wakeup.told.count(("deliveries", False)) >= 2  # the opening and the milestone
    assert all(not inside for _, inside in wakeup.told)
    assert (await query(db, DUE))[0][0] >= 2  # and what they were told about is there


async def test_a_rolled_back_write_wakes_nobody_and_a_nested_one_waits_for_the_outer_commit(
    db: AnyDatabase,
) -> None:
    told: list[str] = []
    with pytest.raises(RuntimeError):
        async with db.write():
            db.after_commit(lambda: told.append("rolled back"))
            raise RuntimeError("the body failed")
    async with db.write():
        async with db.write():
            db.after_commit(lambda: told.append("nested"))
        assert told == []  # the inner block is only a savepoint of the outer write
    assert told == ["nested"]
    db.after_commit(lambda: told.append("outside"))  # no write: at once
    assert told == ["nested", "outside"]
