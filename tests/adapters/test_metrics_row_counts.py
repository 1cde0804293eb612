"""/metrics does not count rows at every scrape: the counts (whole-table scans) are read once,
then again in the background when a scrape finds them older than the maximum age; the age shown
says how old they are. The figures still come from the database, so every process agrees."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app import metrics as app_metrics
from app.main import Runtime
from app.metrics import Observatory
from app.web import web_server
from storage.probes import Counts
from tests.adapters.test_health_metrics import late_delivery, rt, samples

__all__ = ["rt"]  # the fixture, shared with the health tests
PENDING_BROADCASTS = ("wavebot_deliveries", (("lane", "broadcast"), ("status", "pending")))
AGE = ("wavebot_row_counts_age_seconds", ())


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def scraped(rt: Runtime) -> AsyncIterator[tuple[TestClient[Any, Any], Observatory]]:
    """A test client on `wavebot run`'s server and its Observatory (whose clock we move)."""
    server = web_server(rt, {})
    assert server is not None
    watch = server.exposition.__self__  # type: ignore[attr-defined]
    assert isinstance(watch, Observatory)
    client: TestClient[Any, Any] = TestClient(TestServer(server.app()))
    await client.start_server()
    try:
        yield client, watch
    finally:
        await client.close()


async def scrape(client: TestClient[Any, Any]) -> dict[tuple[str, Any], float]:
    """One /metrics, parsed."""
    return samples(await (await client.get("/metrics")).text())


async def test_scrapes_within_the_max_age_read_the_rows_once(
    rt: Runtime, scraped: tuple[TestClient[Any, Any], Observatory], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, watch = scraped
    reads: list[int] = []
    counting = app_metrics.row_counts

    async def counted(db: Any) -> Counts:
        reads.append(1)
        return await counting(db)

    monkeypatch.setattr(app_metrics, "row_counts", counted)
    clock = Clock()
    watch.row_counts.clock = clock
    await late_delivery(rt, minutes=1)

    first = await scrape(client)
    assert first[PENDING_BROADCASTS] == 1 and first[AGE] == 0.0 and len(reads) == 1
    await late_delivery(rt, minutes=2)  # a second one, not counted until the next read
    clock.now += 10
    second = await scrape(client)
    assert len(reads) == 1 and second[PENDING_BROADCASTS] == 1 and second[AGE] == 10.0
    assert second[("wavebot_dispatcher_lag_seconds", ())] == 120.0  # cheap figures: every time

    reader = asyncio.create_task(watch.row_counts.serve())  # what the HTTP server runs
    try:
        clock.now += app_metrics.ROW_COUNTS_MAX_AGE
        stale = await scrape(client)  # answered at once with what it has, asks for a read
        assert stale[PENDING_BROADCASTS] == 1
        for _ in range(200):
            if watch.row_counts.reads == 2:  # read and kept
                break
            await asyncio.sleep(0.01)
        fresh = await scrape(client)
        assert len(reads) == 2 and fresh[PENDING_BROADCASTS] == 2 and fresh[AGE] == 0.0
    finally:
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)


async def test_a_failed_read_keeps_the_counts_shown(
    rt: Runtime, scraped: tuple[TestClient[Any, Any], Observatory]
) -> None:
    client, watch = scraped
    await late_delivery(rt, minutes=1)
    assert (await scrape(client))[PENDING_BROADCASTS] == 1

    async def broken() -> Counts:
        raise OSError("connection lost")

    watch.row_counts.read = broken
    watch.row_counts.read_at -= app_metrics.ROW_COUNTS_MAX_AGE
    await watch.row_counts.refresh()
    assert (await scrape(client))[PENDING_BROADCASTS] == 1


async def test_while_the_database_is_down_the_last_counts_show_their_true_age(
    rt: Runtime, scraped: tuple[TestClient[Any, Any], Observatory], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, watch = scraped
    clock = Clock()
    watch.row_counts.clock = clock
    await late_delivery(rt, minutes=1)
    assert (await scrape(client))[AGE] == 0.0

    async def down(_db: Any) -> str:
        return "no answer within 2 s"

    monkeypatch.setattr(app_metrics, "database_problem", down)
    clock.now += 45
    shown = await scrape(client)
    assert shown[("wavebot_database_up", ())] == 0.0
    assert shown[AGE] == 45.0 and shown[PENDING_BROADCASTS] == 1  # not fresh zeros


async def test_counts_never_read_are_infinitely_old(
    rt: Runtime, scraped: tuple[TestClient[Any, Any], Observatory]
) -> None:
    client, watch = scraped

    async def broken() -> Counts:
        raise OSError("connection lost")

    watch.row_counts.read = broken
    shown = await scrape(client)  # the first read fails: nothing to show, and no age
    assert shown[AGE] == float("inf") and PENDING_BROADCASTS not in shown
