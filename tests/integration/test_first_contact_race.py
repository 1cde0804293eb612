"""Two processes meet a new person at the same moment (issue 15: several processes on
PostgreSQL): both updates go through, and the person is one member, not an error and an orphan."""

from __future__ import annotations

import asyncio
import contextvars

import pytest

from core.clock import FakeClock
from storage.backends import AnyDatabase
from tests.integration.conftest import query

pytestmark = pytest.mark.postgresql_only


async def test_a_new_account_met_twice_at_once_becomes_one_member(
    db: AnyDatabase, clock: FakeClock
) -> None:
    first_inserted = asyncio.Event()

    async def first() -> int:
        async with db.write() as tx:  # inserted, not yet committed, while the other arrives
            member = await tx.create_member("telegram:77", "Zoé", None, clock.now())
            first_inserted.set()
            await asyncio.sleep(0.2)
            return member.id

    async def second() -> int:
        await first_inserted.wait()
        async with db.write() as tx:  # waits for the first's commit on the account's key
            member = await tx.create_member("telegram:77", "Zoé", None, clock.now())
            return member.id

    # Tasks of their own, as two processes' transactions would be (no shared write).
    tasks = [asyncio.create_task(f(), context=contextvars.Context()) for f in (first, second)]
    ids = await asyncio.gather(*tasks)
    assert ids[0] == ids[1]
    assert await query(db, "SELECT count(*) FROM members WHERE display_name = 'Zoé'") == [(1,)]
    assert await query(db, "SELECT count(*) FROM accounts WHERE account = 'telegram:77'") == [(1,)]
