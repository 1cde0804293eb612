"""/healthz and /metrics: the database answers a real SELECT 1, the adapters say whether they are
connected, the outbox's lag is measured, and the figures come out in Prometheus' format (the
official client) — through aiohttp's test client and from a running `wavebot run`."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import create_async_engine

from app.main import Runtime, run_bots, runtime
from app.web import web_server
from bots.metrics import set_leader
from config.settings import Settings
from core.clock import FakeClock
from core.messages import t, to_json
from core.model import Target
from devtools.fakes.telegram_api import FakeTelegramAPI
from storage.postgres import PgDatabase


class Adapter:
    """Stands for a platform adapter: only whether it is connected matters to /healthz."""

    def __init__(self, connected: bool) -> None:
        self.connected = connected


@pytest.fixture
async def rt(db_url: str) -> AsyncIterator[Runtime]:
    """A wired runtime on this test's database, with the HTTP server enabled."""
    async with runtime(Settings(database_url=db_url, http_port=0), clock=FakeClock()) as rt:
        yield rt


async def client_for(rt: Runtime, **adapters: Any) -> TestClient[Any, Any]:
    """aiohttp's test client on the server `wavebot run` would build."""
    server = web_server(rt, adapters)
    assert server is not None
    client: TestClient[Any, Any] = TestClient(TestServer(server.app()))
    await client.start_server()
    return client


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition, parsed by prometheus_client's own parser."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def late_delivery(rt: Runtime, minutes: int) -> None:
    """A chat broadcast that became due `minutes` ago and was not sent."""
    now = rt.ctx.clock.now()
    body = to_json(t("health.storage_back"))
    async with rt.ctx.db.write() as tx:
        await tx.add_announcement(None, "test", body, [Target("telegram", "-5", "en")],
                                  now - timedelta(minutes=minutes))  # fmt: skip


async def test_healthy_is_200_with_what_was_checked(rt: Runtime) -> None:
    client = await client_for(rt, telegram=Adapter(True))
    try:
        response = await client.get("/healthz")
        assert response.status == 200
        assert await response.json() == {
            "status": "ok",
            "database": {"reachable": True},
            "adapters": {"telegram": True},
            "dispatcher_lag_seconds": 0.0,
        }
    finally:
        await client.close()


async def test_a_disconnected_adapter_or_a_late_outbox_is_503(rt: Runtime) -> None:
    client = await client_for(rt, telegram=Adapter(True), discord=Adapter(False))
    try:
        response = await client.get("/healthz")
        assert response.status == 503
        assert (await response.json())["adapters"] == {"discord": False, "telegram": True}
    finally:
        await client.close()

    await late_delivery(rt, minutes=10)  # beyond WAVEBOT_HEALTH_MAX_LAG_SECONDS (300)
    client = await client_for(rt, telegram=Adapter(True))
    try:
        response = await client.get("/healthz")
        report = await response.json()
        assert response.status == 503
        assert report["status"] == "failing"
        assert report["dispatcher_lag_seconds"] == 600.0
    finally:
        await client.close()


async def test_an_unreachable_database_is_503_with_the_reason(rt: Runtime) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    engine = create_async_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/wave")
    unreachable = dataclasses.replace(rt, db=PgDatabase(engine))
    client = await client_for(unreachable, telegram=Adapter(True))
    try:
        response = await client.get("/healthz")
        report = await response.json()
        assert response.status == 503
        assert report["database"]["reachable"] is False
        assert report["database"]["detail"]
        metrics = samples(await (await client.get("/metrics")).text())
        assert metrics[("wavebot_database_up", ())] == 0.0
    finally:
        await client.close()
        await engine.dispose()


async def test_metrics_count_rows_by_status_lag_and_leader(rt: Runtime) -> None:
    await late_delivery(rt, minutes=2)
    set_leader("host-a:41", True)
    client = await client_for(rt, telegram=Adapter(True))
    try:
        response = await client.get("/metrics")
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=")
        metrics = samples(await response.text())
    finally:
        await client.close()
    assert metrics[("wavebot_up", ())] == 1.0
    assert metrics[("wavebot_database_up", ())] == 1.0
    assert metrics[("wavebot_adapter_connected", (("platform", "telegram"),))] == 1.0
    assert metrics[("wavebot_deliveries", (("lane", "broadcast"), ("status", "pending")))] == 1
    assert metrics[("wavebot_dispatcher_lag_seconds", ())] == 120.0
    assert metrics[("wavebot_leader", (("process", "host-a:41"),))] == 1.0
    assert ("wavebot_event_loop_lag_seconds", ()) in metrics
    assert ("process_resident_memory_bytes", ()) in metrics


def free_port() -> int:
    """A port to give WAVEBOT_HTTP_PORT (the server needs it before the test can ask)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_running_bot_serves_health_and_counts_its_updates(tmp_path: Path) -> None:
    port = free_port()
    async with FakeTelegramAPI("424242:health-TEST") as api:
        user = api.add_user("Ann")
        settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
                            telegram_bot_token=api.token, telegram_api_url=api.base_url,
                            http_port=port, http_host="127.0.0.1")  # fmt: skip
        bot = asyncio.create_task(run_bots(settings))
        try:
            update = api.push_message(api.private_chat(user), user, "/help")
            await api.wait_for_confirmed(update, 20)
            async with aiohttp.ClientSession() as http:
                health = await http.get(f"http://127.0.0.1:{port}/healthz")
                report = await health.json()
                exposition = await (await http.get(f"http://127.0.0.1:{port}/metrics")).text()
        finally:
            bot.cancel()
            await asyncio.gather(bot, return_exceptions=True)
    assert health.status == 200, report
    assert report["adapters"] == {"telegram": True}
    handled = ("wavebot_updates_handled_total", (("platform", "telegram"), ("via", "polling")))
    assert samples(exposition)[handled] >= 1
