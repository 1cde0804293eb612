"""The adapter's aiohttp transport where it could differ from PTB's httpx one: the token kept
out of errors, redirects, proxy credentials, file names, cancellation (all on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import base64
import re
import traceback

import httpx
import pytest
from aiohttp import web
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bots.telegram_bot.transport import AiohttpRequest
from tests.adapters.test_telegram_transport import TOKEN, ok, server


def told(error: BaseException) -> str:
    """Everything a log line with exc_info would show of an error: its chain and tracebacks."""
    return "".join(traceback.format_exception(error))


async def test_a_timeout_waiting_for_the_pool_never_shows_the_token() -> None:
    held = asyncio.Event()

    async def hold(request: web.Request) -> web.Response:
        held.set()
        await asyncio.sleep(5)
        return ok(True)

    async with server(hold) as url:
        request = AiohttpRequest(connection_pool_size=1)
        await request.initialize()
        busy = asyncio.create_task(request.post(f"{url}{TOKEN}/getUpdates", None))
        try:
            await held.wait()
            with pytest.raises(TimedOut) as caught:  # aiohttp: "Connection timeout to host <url>"
                await request.post(
                    f"{url}{TOKEN}/getMe", None, pool_timeout=0.05, connect_timeout=0.05
                )
            assert TOKEN not in told(caught.value)
        finally:
            busy.cancel()
            await request.shutdown()


async def test_a_redirect_comes_back_to_ptb_as_httpx_returned_it() -> None:
    hops: list[str] = []

    async def moved(request: web.Request) -> web.Response:
        hops.append(request.path)
        raise web.HTTPFound(request.path)  # round and round: aiohttp gave up after 10, URL shown

    async with server(moved) as url:
        request = AiohttpRequest()
        await request.initialize()
        try:
            with pytest.raises(NetworkError) as caught:
                await request.post(f"{url}{TOKEN}/getMe", None)
            assert TOKEN not in told(caught.value)
        finally:
            await request.shutdown()
    assert len(hops) == 1  # not followed: the body is not sent again elsewhere


async def test_a_proxy_with_credentials_in_the_environment_gets_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[str | None] = []

    async def proxy(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Proxy-Authorization"))
        if request.headers.get("Proxy-Authorization") is None:
            return web.Response(status=407, headers={"Proxy-Authenticate": 'Basic realm="p"'})
        return ok(True)

    async with server(proxy) as url:
        for name in ("NO_PROXY", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "https_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("http_proxy", url.removesuffix("/bot").replace("//", "//wave:s%40cret@"))
        request = AiohttpRequest()
        await request.initialize()
        try:
            assert await request.post(f"http://api.telegram.test/bot{TOKEN}/getMe", None) is True
        finally:
            await request.shutdown()
    assert seen == ["Basic " + base64.b64encode(b"wave:s@cret").decode()]


async def test_all_proxy_is_honoured_as_httpx_honoured_it(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    async def proxy(request: web.Request) -> web.Response:
        seen.append(request.host)
        return ok(True)

    async with server(proxy) as url:
        for name in ("NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy", "HTTPS_PROXY"):
            monkeypatch.delenv(name, raising=False)
        for name in ("https_proxy", "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("ALL_PROXY", url.removesuffix("/bot"))
        request = AiohttpRequest()
        await request.initialize()
        try:
            await request.post(f"http://api.telegram.test/bot{TOKEN}/getMe", None)
        finally:
            await request.shutdown()
    assert seen == ["api.telegram.test"]


async def test_a_file_name_goes_as_httpx_wrote_it() -> None:
    bodies: list[bytes] = []

    async def record(request: web.Request) -> web.Response:
        bodies.append(await request.read())
        return ok(True)

    name = 'été "1"\\.csv'
    async with server(record) as url:
        request = AiohttpRequest()
        await request.initialize()
        try:
            upload = InputFile(b"a,b\n", filename=name)
            data = RequestData([RequestParameter.from_input("document", upload)])
            await request.post(f"{url}{TOKEN}/sendDocument", data)
        finally:
            await request.shutdown()
    by_httpx = httpx.Request("POST", url, files={"document": (name, b"a,b\n", "text/csv")})
    httpx_wrote = re.search(rb'filename="[^\r]*', by_httpx.read())
    assert httpx_wrote is not None and httpx_wrote[0] == 'filename="été %221%22\\\\.csv"'.encode()
    assert httpx_wrote[0] in bodies[0]


async def test_a_call_cancelled_mid_answer_leaves_the_pool_usable() -> None:
    started, calls = asyncio.Event(), 0

    async def half(request: web.Request) -> web.StreamResponse:
        nonlocal calls
        calls += 1
        if calls > 1:
            return ok(calls)
        answer = web.StreamResponse()
        await answer.prepare(request)
        await answer.write(b'{"ok": true, "result": ')  # and the rest never comes
        started.set()
        await asyncio.sleep(5)
        return answer

    async with server(half) as url:
        request = AiohttpRequest(connection_pool_size=1)
        await request.initialize()
        try:
            first = asyncio.create_task(request.post(f"{url}{TOKEN}/getMe", None))
            await started.wait()
            first.cancel()
            with pytest.raises(asyncio.CancelledError):
                await first
            assert await request.post(f"{url}{TOKEN}/getMe", None) == 2  # not the half answer
        finally:
            await request.shutdown()
