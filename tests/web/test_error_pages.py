"""Any address the site does not serve gets the site's own pages: the translated 404 for an
unknown path (not only for an unknown id), a translated 405 for a method a route does not take,
both with the security headers and behind the rate limit."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp.test_utils import TestClient, TestServer
from markupsafe import escape

from bots.web.guard import RateLimit
from bots.web.pages import PublicSite
from bots.web.server import WebServer
from tests.texts import said
from tests.web.support import open_wave, site_world

UNKNOWN = ("/nope", "/waves/abc/x", "/w/1/nope", "/i", "/static", "/pyproject.toml")


def shown(key: str, lang: str = "en") -> str:
    """A catalogue text as the page's HTML carries it (escaped once)."""
    return str(escape(said(key, lang)))


async def ask(base: str, method: str, path: str, **headers: str) -> tuple[int, str, dict[str, str]]:
    """Status, body and headers of one request."""
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, base + path, headers=headers) as answer,
    ):
        return answer.status, (await answer.read()).decode(errors="replace"), dict(answer.headers)


def assert_secure(headers: dict[str, str]) -> None:
    """The headers every answer carries."""
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


async def test_an_unknown_path_gets_the_translated_404_page(db_url: str) -> None:
    async with site_world(db_url) as site:
        await open_wave(site.world)
        for path in UNKNOWN:
            status, page, headers = await ask(site.base, "GET", path)
            assert status == 404, path
            assert "404: Not Found" not in page, path
            assert shown("web.not_found_title") in page and '<html lang="en"' in page, path
            assert headers["Content-Type"].startswith("text/html"), path
            assert_secure(headers)
        french = {"Accept-Language": "fr-FR,fr;q=0.9"}
        status, page, headers = await ask(site.base, "GET", "/nope", **french)
        assert status == 404 and headers["Content-Language"] == "fr"
        assert shown("web.not_found_title", "fr") in page and '<html lang="fr"' in page


async def test_a_wrong_method_gets_the_translated_405_page(db_url: str) -> None:
    async with site_world(db_url) as site:
        await open_wave(site.world)
        for method, path in (("POST", "/w/1"), ("DELETE", "/"), ("PUT", "/healthz")):
            status, page, headers = await ask(site.base, method, path)
            assert status == 405, (method, path)
            assert shown("web.method_not_allowed_title") in page, (method, path)
            assert "GET" in headers["Allow"].split(","), (method, path)
            assert_secure(headers)
        status, page, _ = await ask(site.base, "POST", "/", **{"Accept-Language": "fr"})
        assert status == 405 and shown("web.method_not_allowed", "fr") in page
        status, page, headers = await ask(site.base, "GET", "/app/w/1/join")  # Mini App: POST
        assert status == 405 and headers["Allow"] == "POST"


async def test_head_is_answered_wherever_get_is(db_url: str) -> None:
    """HTTP wants HEAD wherever GET is (link checkers, uptime monitors and crawlers ask it): a
    page's HEAD is the page's status and headers, not a 405."""
    async with site_world(db_url) as site:
        await open_wave(site.world)
        for path in ("/", "/w/1", "/i/1", "/w/1/preview.png", "/healthz"):
            status, body, headers = await ask(site.base, "HEAD", path)
            assert status == 200 and body == "", path
            assert_secure(headers)
        status, _, _ = await ask(site.base, "HEAD", "/w/999")
        assert status == 404
        status, _, headers = await ask(site.base, "POST", "/w/1")
        assert status == 405 and set(headers["Allow"].split(",")) == {"GET", "HEAD"}


async def test_unknown_paths_count_against_the_rate_limit(db_url: str) -> None:
    async with site_world(db_url) as site:
        strict = PublicSite(site.world.rt.ctx, asyncio.Event(), limit=RateLimit(per_minute=3))
        server = WebServer("127.0.0.1", 0, routes=strict.routes())
        server.middlewares.append(strict.middleware())
        async with TestClient(TestServer(server.app())) as client:
            answers = [(await client.get(f"/nope/{n}")).status for n in range(5)]
            assert answers == [404, 404, 404, 429, 429]
        assert strict.limit.refused == 2
