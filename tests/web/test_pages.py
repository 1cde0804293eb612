"""The public pages over HTTP (aiohttp's client against the real server): what a visitor sees,
in which language, with which headers, and what an unknown id gives."""

from __future__ import annotations

import re
from typing import Any

import aiohttp
from markupsafe import escape

from tests.texts import eur, said
from tests.web.support import open_wave, site_world

HOSTILE = "<script>alert('x')</script> Lamp"


def shown(key: str, /, *args: str, **params: Any) -> str:
    """A catalogue text as the page's HTML carries it (escaped once)."""
    return str(escape(said(key, *args, **params)))


async def get(base: str, path: str, **headers: str) -> tuple[int, str, dict[str, str]]:
    """Status, body and headers of one GET."""
    async with aiohttp.ClientSession() as http, http.get(base + path, headers=headers) as answer:
        body = (await answer.read()).decode(errors="replace")
        return answer.status, body, dict(answer.headers)


async def test_the_list_and_a_wave_page_show_price_progress_tiers_and_deadline(db_url: str) -> None:
    async with site_world(db_url) as site:
        await open_wave(site.world)
        await site.world.person("alice").say("/join 1 3")

        status, page, _headers = await get(site.base, "/")
        assert status == 200 and 'href="/w/1"' in page
        assert shown("web.price_now", price=eur(100)) in page
        assert '<progress max="100" value="6">' in page  # 3 of the minimum 50

        status, page, _ = await get(site.base, "/w/1")
        assert status == 200
        assert '<h1 id="title">Bamboo toothbrush</h1>' in page
        assert shown("web.units", units=3) in page
        assert shown("wave.gap_next", more=47, price=eur(90)) in page
        assert re.search(r'<tr data-tier="0" class="current">', page)
        assert 'data-tier="1">' in page and 'data-tier="2">' in page
        assert 'id="countdown" data-closes="' in page
        assert "console:alice" not in page and "Alice" not in page  # nobody is named


async def test_unknown_or_private_ids_give_the_404_page(db_url: str) -> None:
    async with site_world(db_url) as site:
        await open_wave(site.world)
        await site.world.person("bob").say("/idea Secret plan #misc")  # pending: not public
        for path in (
            "/w/99",
            "/w/abc",
            "/w/1" + "0" * 20,
            "/i/2",
            "/i/99",
            "/w/99/events",
            "/w/99/preview.png",
            "/static/../pyproject.toml",
            "/static/nope.js",
        ):
            status, page, _headers = await get(site.base, path)
            assert status == 404, path
            assert shown("web.not_found_title") in page, path  # aiohttp's own misses too
        status, page, _ = await get(site.base, "/i/1")
        assert status == 200 and shown("web.idea_wanters", count=0) in page


async def test_every_page_carries_a_strict_content_security_policy(db_url: str) -> None:
    async with site_world(db_url) as site:
        await open_wave(site.world)
        pages = ("/", "/w/1", "/w/404", "/i/1", "/static/wave.js", "/w/1/preview.png")
        for path in (*pages, "/no/such/path", "/healthz"):  # aiohttp's own 404 too
            _, page, headers = await get(site.base, path)
            policy = headers["Content-Security-Policy"]
            assert "script-src 'self'" in policy and "style-src 'self'" in policy
            assert "unsafe-inline" not in policy and "default-src 'none'" in policy
            assert headers["X-Content-Type-Options"] == "nosniff"
            assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
            assert "<script>" not in page and " style=" not in page  # no inline code at all


async def test_a_hostile_title_is_shown_as_text(db_url: str) -> None:
    async with site_world(db_url) as site:
        await open_wave(site.world, HOSTILE)
        for path in ("/", "/w/1", "/i/1"):
            _, page, _ = await get(site.base, path)
            assert "<script>alert" not in page, path
            assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Lamp" in page, path


async def test_french_readers_get_french_pages(db_url: str) -> None:
    async with site_world(db_url) as site:
        await open_wave(site.world)
        _, page, headers = await get(site.base, "/w/1", **{"Accept-Language": "fr-CA,fr;q=0.9"})
        assert headers["Content-Language"] == "fr" and '<html lang="fr"' in page
        assert shown("web.price_now", "fr", price=eur(100)) in page
        _, page, _ = await get(site.base, "/w/1", **{"Accept-Language": "de, en;q=0.5"})
        assert shown("web.price_now", price=eur(100)) in page
        _, page, _ = await get(site.base, "/", **{"Accept-Language": "x;q=oops, fr;q=0.1"})
        assert '<html lang="fr"' in page


async def test_shared_links_get_open_graph_tags_and_a_preview_image(db_url: str) -> None:
    async with site_world(db_url, public_url="https://waves.example.org") as site:
        await open_wave(site.world)
        _, page, _ = await get(site.base, "/w/1")
        assert '<meta property="og:title" content="Bamboo toothbrush">' in page
        assert '<meta property="og:url" content="https://waves.example.org/w/1">' in page
        image = "https://waves.example.org/w/1/preview.png"
        assert f'<meta property="og:image" content="{image}">' in page
        assert '<meta name="twitter:card" content="summary_large_image">' in page
        async with aiohttp.ClientSession() as http, http.get(site.base + "/w/1/preview.png") as r:
            png = await r.read()
            assert r.status == 200 and r.content_type == "image/png"
        assert png.startswith(b"\x89PNG") and png[16:24] == (1200).to_bytes(4) + (630).to_bytes(4)


async def test_an_idea_page_shows_its_wanters_price_range_and_wave(db_url: str) -> None:
    async with site_world(db_url) as site:
        owner = site.world.person("owner")
        await owner.say("/idea Bamboo toothbrush #bathroom")
        await owner.say("/approve 1")
        for name, price in (("ann", "3"), ("ben", "4.50"), ("cat", "")):
            await site.world.person(name).say(f"/want 1 {price}".strip())
        status, page, _ = await get(site.base, "/i/1")
        assert status == 200
        assert shown("web.idea_wanters", count=3) in page
        assert shown("web.idea_range", low=eur(3), high=eur(4.50)) in page
        assert "/w/" not in page  # not launched yet
        await owner.say("/launch 1 1:100 50:90 14d")
        _, page, _ = await get(site.base, "/i/1")
        assert 'href="/w/1"' in page and shown("web.idea_wave", id=1) in page
        _, wave_page, _ = await get(site.base, "/w/1")
        assert '<img src="/w/1/demand.png"' in wave_page
        async with aiohttp.ClientSession() as http, http.get(site.base + "/w/1/demand.png") as r:
            assert r.status == 200 and r.content_type == "image/png"
            assert (await r.read()).startswith(b"\x89PNG")
