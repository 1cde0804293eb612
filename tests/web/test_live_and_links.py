"""Pages that update live after a pledge, the rate limit per client, and the link to the wave
page that cards and milestone messages carry on every platform."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient, TestServer

from bots.telegram_bot.rendering import keyboard
from bots.web.guard import RateLimit
from bots.web.pages import PublicSite
from bots.web.server import WebServer
from core.messages import APP, Button, Reply, t
from tests.texts import eur, said
from tests.web.support import open_wave, site_world

PUBLIC = "https://waves.example.org"


async def next_event(stream: aiohttp.StreamReader) -> dict[str, Any]:
    """The data of the next `wave` event of a Server-Sent Events stream (heartbeats skipped)."""
    event: list[str] = []
    while True:
        line = (await asyncio.wait_for(stream.readline(), 10)).decode().rstrip("\n")
        if line:
            event.append(line)
        elif event and event[0] == "event: wave":
            return json.loads(event[1].removeprefix("data: "))
        else:
            event = []


async def test_the_wave_page_feed_follows_committed_pledges(db_url: str) -> None:
    async with site_world(db_url) as site:
        await open_wave(site.world)
        async with aiohttp.ClientSession() as http, http.get(site.base + "/w/1/events") as feed:
            assert feed.content_type == "text/event-stream"
            assert "script-src 'self'" in feed.headers["Content-Security-Policy"]
            first = await next_event(feed.content)
            assert (first["units"], first["percent"]) == (0, 0)
            await site.world.person("alice").say("/join 1 5")
            update = await next_event(feed.content)
            assert (update["units"], update["percent"], update["tier"]) == (5, 10, 0)
            assert update["units_text"] == said("web.units", units=5)
            assert site.site.hub.watching() == 1
        await asyncio.sleep(0.1)
        for _ in range(50):  # the server notices the page left at its next write
            if not site.site.hub.watching():
                break
            await site.world.person(f"late{_}").say("/join 1")
            await asyncio.sleep(0.1)
        assert site.site.hub.watching() == 0


async def test_a_client_over_its_budget_gets_429(db_url: str) -> None:
    async with site_world(db_url) as site:
        strict = PublicSite(site.world.rt.ctx, asyncio.Event(), limit=RateLimit(per_minute=3))
        server = WebServer("127.0.0.1", 0, routes=strict.routes())
        async with TestClient(TestServer(server.app())) as client:
            answers = [(await client.get("/")).status for _ in range(5)]
            assert answers[:3] == [200, 200, 200] and answers[3:] == [429, 429]
            refused = await client.get("/w/1")
            assert refused.headers["Retry-After"] == "10"
            assert refused.headers["X-Content-Type-Options"] == "nosniff"
            assert (await client.get("/healthz")).status == 200  # not a public page
        assert strict.limit.refused == 3


async def test_cards_and_milestones_link_to_the_wave_page(db_url: str) -> None:
    async with site_world(db_url, public_url=PUBLIC) as site:
        owner = site.world.person("owner")
        await owner.say("/subscribe")
        await open_wave(site.world)
        link = f"[{said('button.open_page')}: {PUBLIC}/w/1]"
        assert link in await owner.say("/wave 1")
        await site.world.deliver()
        for name in range(10):
            await site.world.person(f"p{name}").say("/join 1")
        told = "\n".join(await site.world.deliver())
        milestone = told.index(
            said("announce.milestone", count=10, id=1, title="Bamboo toothbrush", price=eur(100))
        )
        assert link in told[milestone:]


def test_telegram_opens_the_page_as_a_mini_app_in_private_only() -> None:
    page = Reply(
        body=(t("plain", text="x"),),
        buttons=((Button(t("button.open_page"), APP + PUBLIC + "/w/1"),),),
    )
    private = keyboard(page, "en", private=True)
    group = keyboard(page, "en", link_username="wavebot")
    assert private is not None and group is not None
    assert private.inline_keyboard[0][0].web_app.url == PUBLIC + "/w/1"
    assert group.inline_keyboard[0][0].url == PUBLIC + "/w/1"
    assert group.inline_keyboard[0][0].web_app is None
    plain_http = Reply(
        body=page.body,
        buttons=((Button(t("button.open_page"), APP + "http://127.0.0.1:8080/w/1"),),),
    )
    local = keyboard(plain_http, "en", private=True)
    assert local is not None and local.inline_keyboard[0][0].url == "http://127.0.0.1:8080/w/1"
