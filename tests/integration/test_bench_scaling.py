"""`wavebot bench pledges --database-url` on several processes (issue 15): the scaling run
counts every pledge exactly, and the failover run sees a follower take the sweeps over."""

from __future__ import annotations

import pytest

from devtools.bench.scaling import TAKEOVER_LIMIT, pledge_rate, takeover_seconds
from tests.postgres import PostgresServer

pytestmark = [pytest.mark.postgresql_only, pytest.mark.timeout(240)]


@pytest.fixture
def server(backend: str, postgres_server: PostgresServer) -> str:
    """The server's maintenance URL: the benchmark makes and drops its own databases there."""
    return postgres_server.admin.render_as_string(hide_password=False)


async def test_two_processes_share_a_crowd_over_two_waves_and_count_it_exactly(
    server: str,
) -> None:
    rate = await pledge_rate(server, processes=2, pledges=40, spread_over=2)  # checks counts
    assert rate > 0


async def test_a_follower_takes_the_sweeps_over_after_the_leader_is_killed(server: str) -> None:
    assert 0 < await takeover_seconds(server) <= TAKEOVER_LIMIT
