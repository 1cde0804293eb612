"""Webhook mode: Telegram posts each update to the bot's own HTTP server instead of being polled.

Any process behind the load balancer may receive any update. The `X-Telegram-Bot-Api-Secret-Token`
header is compared in constant time with our secret; a missing or wrong one is answered 403 and
nothing is recorded. An accepted update goes through the same handlers as polling
(`Application.process_update`), so its key (`telegram:<update_id>`) makes a redelivery — to this
process or another one sharing the database — harmless. The 200 goes back only once the update
was processed: until then Telegram keeps it and delivers it again. While one process handles an
update it holds it (`InFlight`, a PostgreSQL advisory lock): a copy posted to another process
meanwhile is answered 503, so Telegram posts it again once the first is done, and the kept
answer is never sent twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import ExtBot

from bots import metrics
from bots.telegram_bot.polling import ALLOWED_UPDATES
from bots.telegram_bot.updates import update_key

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
Process = Callable[[Update], Awaitable[None]]


class InFlight(Protocol):
    """Who handles an update now, across processes (storage/inflight.py implements it)."""

    async def hold(self, key: str) -> bool: ...
    async def release(self, key: str) -> None: ...
    async def close(self) -> None: ...


class Alone:
    """Without a shared lock: every copy is handled (the update key still stops a second
    effect); what tests and a single process without a database lock use."""

    async def hold(self, key: str) -> bool:
        """Always free."""
        return True

    async def release(self, key: str) -> None:
        """Nothing held."""

    async def close(self) -> None:
        """Nothing to close."""


def derived_secret(token: str) -> str:
    """A secret every process computes alike from the bot token (hex fits Telegram's alphabet)."""
    return hmac.new(token.encode(), b"wavebot telegram webhook", hashlib.sha256).hexdigest()


class WebhookReceiver:
    """The route Telegram posts to, and the setWebhook call that points Telegram at it."""

    def __init__(
        self, bot: ExtBot[int], process: Process, url: str, secret: str,
        in_flight: InFlight | None = None,
    ) -> None:  # fmt: skip
        self.bot = bot
        self.process = process
        self.url = url
        self.secret = secret
        self.in_flight: InFlight = in_flight or Alone()
        self.accepting = False
        self._in_hand = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def path(self) -> str:
        """The route on our server: the path of the public URL (the proxy passes it through)."""
        return urlsplit(self.url).path

    async def register(self) -> None:
        """Point Telegram at the URL (idempotent: every process sets the same URL and secret).

        No deleteWebhook on stop: the other processes go on serving it."""
        await self.bot.set_webhook(
            self.url, secret_token=self.secret, allowed_updates=list(ALLOWED_UPDATES)
        )
        self.accepting = True

    async def receive(self, request: web.Request) -> web.Response:
        """One update: refuse a wrong secret, else process it and only then answer 200."""
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            metrics.WEBHOOK_REFUSED.labels("telegram").inc()
            return web.Response(status=403, text="forbidden\n")
        if not self.accepting:  # stopping: Telegram retries, another process takes it
            return web.Response(status=503, text="stopping\n")
        try:
            update = Update.de_json(json.loads(await request.read()), self.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="not an update\n")
        key = update_key(update)
        if not await self.in_flight.hold(key):  # another process is on it: ask again later
            return web.Response(status=503, text="in hand elsewhere\n")
        self._in_hand += 1
        self._idle.clear()
        try:
            metrics.updates_handled("telegram", "webhook")
            await self.process(update)
        finally:
            await self.in_flight.release(key)
            self._in_hand -= 1
            if not self._in_hand:
                self._idle.set()
        return web.Response(text="ok\n")

    async def drain(self, grace: float) -> None:
        """Take no new update; let those in hand finish (at most `grace` seconds)."""
        self.accepting = False
        try:
            await asyncio.wait_for(self._idle.wait(), grace)
        except TimeoutError:
            log.warning("%d webhook updates still in hand at stop", self._in_hand)
        await self.in_flight.close()
