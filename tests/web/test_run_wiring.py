"""`wavebot run` wires the pages into its HTTP server: the list answers, the Mini App route
exists only with a Telegram token, the live and refusal counters are in /metrics."""

from __future__ import annotations

import socket
from pathlib import Path

import aiohttp

from app.main import runtime
from app.site import start_demo_site
from app.web import web_server
from config.settings import Settings
from core.clock import FakeClock
from tests.web.support import TOKEN


async def test_wavebot_run_serves_the_pages_and_counts_them(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'w.db'}"
    settings = Settings(
        database_url=url,
        http_port=0,
        http_host="127.0.0.1",
        telegram_bot_token=TOKEN,
        public_url="https://waves.example.org",
    )
    async with runtime(settings, clock=FakeClock()) as rt:
        assert rt.ctx.rules.page_url("w", 3) == "https://waves.example.org/w/3"
        server = web_server(rt)
        assert server is not None
        assert any(route.path == "/app/w/{wave_id}/{verb}" for route in server.routes)
        port = await server.start()
        try:
            async with aiohttp.ClientSession() as http:
                listed = await http.get(f"http://127.0.0.1:{port}/")
                assert listed.status == 200 and "text/html" in listed.headers["Content-Type"]
                metrics = await (await http.get(f"http://127.0.0.1:{port}/metrics")).text()
        finally:
            await server.close()
    assert "wavebot_web_live_updates_sent_total 0.0\n" in metrics
    assert "wavebot_miniapp_refused_total 0.0\n" in metrics
    assert "wavebot_web_rate_limited_total 0.0\n" in metrics


async def test_without_a_telegram_token_there_is_no_mini_app_route(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'w.db'}"
    async with runtime(Settings(database_url=url, http_port=0), clock=FakeClock()) as rt:
        server = web_server(rt)
        assert server is not None
        assert not [route for route in server.routes if route.path.startswith("/app/")]
        assert any(route.path == "/w/{wave_id}" for route in server.routes)


async def test_the_demo_takes_a_free_port_when_its_port_is_busy(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        url = f"sqlite+aiosqlite:///{tmp_path / 'w.db'}"
        async with runtime(Settings(database_url=url, http_port=busy), clock=FakeClock()) as rt:
            server = await start_demo_site(rt)
            try:
                assert server.port != busy
                assert rt.ctx.rules.public_url == f"http://127.0.0.1:{server.port}"
                async with aiohttp.ClientSession() as http:
                    assert (await http.get(rt.ctx.rules.public_url + "/")).status == 200
            finally:
                await server.close()
