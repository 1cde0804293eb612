"""Leader election (issue 15): one process holds a role; when it stops or its session dies,
another takes it; a leader that cannot prove its session steps down at once."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from core.leadership import Sole
from storage.leadership import PgLeases, leases_for, lock_key
from storage.urls import normalise_url


def _plain(url: str) -> str:
    return make_url(normalise_url(url)).set(drivername="postgresql").render_as_string(False)


async def _terminate_leaders(url: str) -> int:
    """What a server restart or a cut network does to the election session: it ends."""
    conn = await asyncpg.connect(_plain(url))
    try:
        sql = (
            "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
            "WHERE application_name = 'wavebot-leader' AND datname = current_database()"
        )
        return int(await conn.fetchval(sql))
    finally:
        await conn.close()


def test_role_names_make_distinct_stable_keys() -> None:
    assert lock_key("sweeps") == lock_key("sweeps")
    roles = ("sweeps", "dispatch:telegram", "dispatch:discord")
    assert len({lock_key(role) for role in roles}) == 3
    assert -(2**63) <= lock_key("sweeps") < 2**63


@pytest.mark.sqlite_only
async def test_on_sqlite_the_one_process_always_leads(db_url: str) -> None:
    assert leases_for(db_url) is None  # the file lock keeps every other process out
    assert await Sole("sweeps").lead()


@pytest.mark.postgresql_only
async def test_one_leads_the_other_follows_until_the_leader_stops(db_url: str) -> None:
    first, second = PgLeases(db_url, retry_seconds=0), PgLeases(db_url, retry_seconds=0)
    try:
        assert await first.role("sweeps").lead()
        assert not await second.role("sweeps").lead()
        assert await first.role("sweeps").lead()  # still held: asked again, still true
        assert await second.role("dispatch:telegram").lead()  # another role, another key
        assert not await first.role("dispatch:telegram").lead()
        await first.close()  # a graceful stop: the session ends, the locks go with it
        assert not first.role("sweeps").held
        assert await second.role("sweeps").lead()
    finally:
        await first.close()
        await second.close()


@pytest.mark.postgresql_only
async def test_a_leader_whose_session_died_steps_down_and_another_takes_over(
    db_url: str,
) -> None:
    first, second = PgLeases(db_url, retry_seconds=0), PgLeases(db_url, retry_seconds=0)
    try:
        assert await first.role("sweeps").lead()
        assert not await second.role("sweeps").lead()
        assert await _terminate_leaders(db_url) == 2
        assert not await first.role("sweeps").lead()  # its check failed: it stops at once
        assert await second.role("sweeps").lead()  # reconnects and finds the lock free
        assert not await first.role("sweeps").lead()  # reconnected too, but now a follower
    finally:
        await first.close()
        await second.close()


@pytest.mark.postgresql_only
async def test_a_follower_asks_at_most_every_retry_interval(db_url: str) -> None:
    leader, follower = PgLeases(db_url, retry_seconds=0), PgLeases(db_url, retry_seconds=3600)
    try:
        assert await leader.role("sweeps").lead()
        assert not await follower.role("sweeps").lead()
        await leader.close()
        assert not await follower.role("sweeps").lead()  # not before its next attempt is due
    finally:
        await leader.close()
        await follower.close()
