"""The fake Bot API's webhooks behave like Telegram's: setWebhook makes getUpdates a conflict and
starts posting updates (with the secret header) to the URL, a non-2xx answer is retried and
reported by getWebhookInfo, deleteWebhook stops the posts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from aiohttp import web

from devtools.fakes.telegram_api import FakeTelegramAPI
from devtools.fakes.telegram_webhook import SECRET_HEADER

TOKEN = "777:fake-webhook-TEST"


@asynccontextmanager
async def receiver(statuses: list[int]) -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """A webhook endpoint answering the given statuses in turn (then 200); what it received."""
    received: list[dict[str, Any]] = []

    async def take(request: web.Request) -> web.Response:
        received.append({"secret": request.headers.get(SECRET_HEADER), **await request.json()})
        return web.Response(status=statuses.pop(0) if statuses else 200)

    app = web.Application()
    app.router.add_post("/hook", take)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/hook", received
    finally:
        await runner.cleanup()


async def call(api: FakeTelegramAPI, method: str, **params: Any) -> dict[str, Any]:
    """One Bot API call over HTTP, as a client makes it."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{api.base_url}{api.token}/{method}", json=params) as response,
    ):
        body: dict[str, Any] = await response.json()
        return body


async def test_updates_are_posted_retried_and_reported(monkeypatch: Any) -> None:
    monkeypatch.setattr(FakeTelegramAPI, "retry_seconds", 0.05)
    async with FakeTelegramAPI(TOKEN) as api, receiver([500]) as (url, received):
        assert (await call(api, "setWebhook", url=url, secret_token="s3cret"))["result"] is True
        conflict = await call(api, "getUpdates")
        assert conflict["error_code"] == 409

        user = api.add_user("Ann")
        update = api.push_message(api.private_chat(user), user, "/start")
        await api.wait_for_confirmed(update, 5)

        assert [r["update_id"] for r in received] == [update["update_id"]] * 2  # 500, then 200
        assert {r["secret"] for r in received} == {"s3cret"}
        info = (await call(api, "getWebhookInfo"))["result"]
        assert info["url"] == url and info["pending_update_count"] == 0
        assert info["last_error_message"] == "Wrong response from the webhook: 500"

        assert (await call(api, "deleteWebhook"))["result"] is True
        later = api.push_message(api.private_chat(user), user, "/help")
        polled = await call(api, "getUpdates", timeout=0)  # polling again: the update waits
        assert [u["update_id"] for u in polled["result"]] == [later["update_id"]]
        assert len(received) == 2 and api.webhook_posts == 2  # and was never posted
