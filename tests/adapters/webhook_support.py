"""A bot in Telegram webhook mode, wired as `wavebot run` wires it (runtime, adapter, HTTP
server), against the fake Bot API; several may share one database, like processes behind a
load balancer. No tests here."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
from sqlalchemy import func, select

from app.main import Runtime, runtime
from app.web import web_server
from app.wiring import build_adapter
from bots.telegram_bot import TelegramAdapter
from bots.telegram_bot.webhook import SECRET_HEADER
from bots.web import WebServer
from config.settings import Settings
from core.clock import FakeClock
from devtools.fakes.telegram_api import FakeTelegramAPI
from devtools.fakes.telegram_models import JSON
from storage.schema import processed_keys
from tests.adapters.test_telegram_harness import FAST
from tests.conftest import UNLIMITED

PATH = "/telegram/hook"


@dataclass
class WebhookBot:
    """One process: its runtime, its Telegram adapter in webhook mode, its HTTP server."""

    rt: Runtime
    adapter: TelegramAdapter
    server: WebServer

    @property
    def url(self) -> str:
        """Where this process takes webhook posts."""
        return f"http://127.0.0.1:{self.server.port}{PATH}"

    async def post(self, update: JSON, secret: str | None) -> int:
        """POST one update as Telegram would (secret None: no header at all); the status."""
        headers = {} if secret is None else {SECRET_HEADER: secret}
        async with (
            aiohttp.ClientSession() as http,
            http.post(self.url, json=update, headers=headers) as response,
        ):
            return response.status

    async def keys_recorded(self) -> int:
        """Update keys in the database."""
        async with self.rt.ctx.db.read() as tx:
            query = select(func.count()).select_from(processed_keys)
            return int((await tx.connection.execute(query)).scalar_one())


@asynccontextmanager
async def webhook_bot(
    api: FakeTelegramAPI, db_url: str, owners: str, secret: str = ""
) -> AsyncIterator[WebhookBot]:
    """Start one bot process in webhook mode; it registers its own URL with the fake."""
    settings = Settings(database_url=db_url, owners=owners, telegram_bot_token=api.token,
                        telegram_api_url=api.base_url, http_port=0, http_host="127.0.0.1",
                        telegram_webhook_url=f"https://bot.example.com{PATH}",
                        telegram_webhook_secret=secret, **UNLIMITED)  # fmt: skip
    async with runtime(settings, clock=FakeClock()) as rt:
        adapter = build_adapter(rt, "telegram")
        adapter.limiter.configure(FAST)
        server = web_server(rt, {"telegram": adapter})
        assert server is not None and adapter.webhook is not None
        await server.start()
        bot = WebhookBot(rt, adapter, server)
        adapter.webhook.url = bot.url  # the proxy's public URL, here the server itself
        task = asyncio.create_task(adapter.run())
        try:
            await asyncio.wait_for(adapter.started.wait(), 10)
            yield bot
        finally:
            adapter.stop()
            await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), 10)
            await server.close()
            await adapter.close()
