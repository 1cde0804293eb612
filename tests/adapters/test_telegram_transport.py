"""The adapter's aiohttp transport under PTB: parameters, uploads, timeouts and network errors
arrive as they did through PTB's httpx transport (all on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.error import BadRequest, NetworkError, TimedOut

from bots.telegram_bot.transport import AiohttpRequest
from devtools.fakes.telegram_api import FakeTelegramAPI
from tests.adapters.test_telegram_harness import chatroom

TOKEN = "123:TRANSPORT"


@asynccontextmanager
async def server(handler: Any) -> AsyncIterator[str]:
    """A one-route HTTP server on 127.0.0.1; yields its Bot API base URL."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}/bot"
    finally:
        await runner.cleanup()


def ok(result: object) -> web.Response:
    """A Bot API success."""
    return web.json_response({"ok": True, "result": result})


async def test_parameters_go_as_the_bot_api_expects_and_results_come_back() -> None:
    async with FakeTelegramAPI(TOKEN, bot_username="wave_bot") as api:
        chat = api.add_chat("supergroup", "Buyers")
        request = AiohttpRequest()
        async with Bot(TOKEN, base_url=api.base_url, request=request) as bot:
            assert bot.username == "wave_bot"  # getMe, no parameters
            sent = await bot.send_message(chat.id, "Héllo &amp; <b>bye</b> ✅", parse_mode="HTML")
        assert api.messages(chat)[-1].plain_text == sent.text == "Héllo & bye ✅"


async def test_an_upload_is_sent_as_multipart_with_its_file() -> None:
    async with FakeTelegramAPI(TOKEN, bot_username="wave_bot") as api:
        chat = api.add_chat("supergroup", "Buyers")
        png = b"\x89PNG\r\n\x1a\n" + bytes(64)
        async with Bot(TOKEN, base_url=api.base_url, request=AiohttpRequest()) as bot:
            await bot.send_photo(chat.id, InputFile(png, filename="card.png"), caption="Card")
        assert api.requests["sendPhoto"] == 1
        photo = api.messages(chat)[-1]
        assert photo.text == "Card"
        assert photo.file is not None and photo.file.data == png  # the bytes arrived whole


async def test_an_api_error_is_ptbs_own_error() -> None:
    async def refuse(request: web.Request) -> web.Response:
        body = {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
        return web.json_response(body, status=400)

    async with server(refuse) as url:
        request = AiohttpRequest()
        await request.initialize()
        try:
            with pytest.raises(BadRequest, match=r"(?i)chat not found"):
                await request.post(f"{url}{TOKEN}/sendMessage", None)
        finally:
            await request.shutdown()


async def test_a_slow_answer_times_out_as_timed_out() -> None:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return ok(True)

    async with server(slow) as url:
        request = AiohttpRequest(read_timeout=0.2)
        await request.initialize()
        try:
            with pytest.raises(TimedOut):
                await request.post(f"{url}{TOKEN}/getMe", None)
            with pytest.raises(TimedOut):  # a caller's own read timeout wins
                await AiohttpRequest.post(request, f"{url}{TOKEN}/getMe", None, read_timeout=0.1)
        finally:
            await request.shutdown()


async def test_nobody_listening_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as caught:
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe", None)
        assert not isinstance(caught.value, TimedOut)
    finally:
        await request.shutdown()


async def test_it_opens_again_after_a_shutdown_and_refuses_before_it_is_opened() -> None:
    calls: list[dict[str, str]] = []

    async def record(request: web.Request) -> web.Response:
        calls.append(dict(await request.post()))  # type: ignore[arg-type]
        return ok([])

    async with server(record) as url:
        request = AiohttpRequest()
        with pytest.raises(RuntimeError, match="not initialized"):
            await request.do_request(f"{url}{TOKEN}/getUpdates", "POST")
        for _ in range(2):
            await request.initialize()
            await request.post(f"{url}{TOKEN}/getUpdates", None)
            await request.shutdown()
    assert calls == [{}, {}]


async def test_the_adapter_talks_through_aiohttp(tmp_path: Path) -> None:
    async with chatroom(tmp_path) as tg:
        bot = tg.adapter.application.bot
        assert isinstance(bot.request, AiohttpRequest)  # replies, answers, deliveries
        assert isinstance(bot._request[0], AiohttpRequest)  # getUpdates
        dm = tg.private(tg.owner)
        await tg.say(dm, tg.owner, "/idea Kettle #kitchen")
        assert tg.api.messages(dm)


async def test_a_proxy_from_the_environment_is_used_as_httpx_used_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[str] = []

    async def proxy(request: web.Request) -> web.Response:
        seen.append(f"{request.host} {request.path}")
        return ok(True)

    async with server(proxy) as url:
        for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", url.removesuffix("/bot"))
        request = AiohttpRequest()
        await request.initialize()
        try:
            for _ in range(2):  # the second call takes the proxy it looked up the first time
                await request.post(f"http://api.telegram.test/bot{TOKEN}/getMe", None)
        finally:
            await request.shutdown()
    assert seen == [f"api.telegram.test /bot{TOKEN}/getMe"] * 2
