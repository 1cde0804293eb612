"""A full disk (issue 12, point 10): members hear that nothing changed, the owners are alerted
once per outage, the log gets one line a minute instead of tracebacks, and all recovers by itself.

SQLite's own page limit (PRAGMA max_page_count on the writer connection) makes the database full
for real: the writes fail inside SQLite with SQLITE_FULL, exactly as on a full disk.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from tests.conftest import ConsoleWorld, Person
from tests.texts import eur, said

CANNOT_SAVE = said("error.cannot_save")


async def _limit_pages(world: ConsoleWorld, extra: int | None) -> None:
    """Cap the database at its current size (+ extra pages), or lift the cap (None)."""
    async with world.rt.db.write() as tx:
        pages = (await tx.connection.exec_driver_sql("PRAGMA page_count")).scalar_one()
        limit = 1_073_741_823 if extra is None else pages + extra
        await tx.connection.exec_driver_sql(f"PRAGMA max_page_count = {limit}")


def _told(world: ConsoleWorld, key: str) -> int:
    """How many messages in the owner's console chat carry this text."""
    return sum(said(key) in line for line in world.broadcasts)


async def _fill_until_full(world: ConsoleWorld) -> tuple[list[Person], Person]:
    """Members join until one cannot be saved; returns those saved and the one refused."""
    saved: list[Person] = []
    for index in range(2000):
        member = world.person(f"m{index}")
        reply = await member.say("/join 1")
        if CANNOT_SAVE in reply:
            return saved, member
        assert said("pledge.joined", id=1, title="Kettle", qty=1) in reply
        saved.append(member)
    raise AssertionError("the database never filled up")


@pytest.mark.sqlite_only  # fills a SQLite page limit; PostgreSQL disk-full is not simulated here
async def test_full_storage_is_told_plainly_and_recovers(
    world: ConsoleWorld, caplog: pytest.LogCaptureFixture
) -> None:
    owner = world.person("owner")
    await owner.say("/idea Kettle #kitchen")
    await owner.say("/approve 1")
    await owner.say("/launch 1 1:100 50:90 7d")
    await world.deliver()
    await _limit_pages(world, extra=2)
    caplog.set_level(logging.INFO)

    saved, refused = await _fill_until_full(world)
    for _ in range(30):  # everyone keeps trying for a while
        assert CANNOT_SAVE in await refused.say("/join 1")
        world.clock.advance(timedelta(seconds=5))
    await world.rt.ctx.storage.settle()

    # nothing changed (read, not asked: the full file may have no room for the asker's member row,
    # now that a crossing pledge writes a few rows and the file fills to the last page)
    async with world.rt.db.read() as tx:
        assert await tx.member_for_account(refused.session.actor.account) is None
    card = await world.person("reader").say("/wave 1")
    price = eur(90 if len(saved) >= 50 else 100)
    assert said("wave.card_price", price=price, people=len(saved)) in card
    assert _told(world, "health.storage_down") == 1  # the owners, once
    failures = [r for r in caplog.records if "cannot save" in r.getMessage()]
    assert 2 <= len(failures) <= 4  # 31 failures over 150 s: one line a minute, no tracebacks
    assert not [r for r in caplog.records if r.exc_info]

    await _limit_pages(world, extra=None)  # space is back
    world.clock.advance(timedelta(minutes=1))
    assert said("pledge.joined", id=1, title="Kettle", qty=1) in await refused.say("/join 1")
    await world.rt.ctx.storage.settle()
    assert _told(world, "health.storage_back") == 1
    assert not world.rt.ctx.storage.down
