"""Public pages: the open waves, a wave, an idea; rendered on the server (Jinja2, autoescaped).

Counts, prices, tiers and anonymous talk only: no member is named on a public page. Every
answer carries the security headers and passes the per-client rate limit (bots/web/guard.py).
docs/ARCHITECTURE.md, "Public pages".
"""

from __future__ import annotations

import asyncio
import importlib.resources
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Middleware

from bots.web.errors import error_page, error_pages
from bots.web.guard import RateLimit, guarded
from bots.web.live import LiveHub
from bots.web.miniapp import MiniApp
from bots.web.numbers import current_tier, deadline_text, live_numbers, percent
from bots.web.preview import Preview, Previews
from bots.web.server import Route
from bots.web.texts import Reader, environment, page_lang
from core.errors import NotFound
from core.model import Wave
from core.money import Money
from core.services import public, stats
from core.services.context import Context
from core.views import status_text, talk_texts

STATIC = {"site.css": "text/css", "wave.js": "text/javascript"}
ID_DIGITS = 12


class PublicSite:
    """The pages, their live feed, their preview images and the Mini App's action route."""

    def __init__(
        self,
        ctx: Context,
        stopped: asyncio.Event,
        mini_app: MiniApp | None = None,
        limit: RateLimit | None = None,
    ) -> None:
        self.ctx = ctx
        self.mini_app = mini_app
        self.limit = limit or RateLimit()
        self.hub = LiveHub(lambda ids: public.live_waves(ctx, ids), stopped)
        self.previews = Previews()
        self.charts: dict[tuple[int, str], bytes] = {}
        self.templates = environment()

    def routes(self) -> list[Route]:
        """What the server adds to its table, each behind the guard."""
        table: list[tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]] = [
            ("GET", "/", self.waves),
            ("GET", "/w/{wave_id}", self.wave),
            ("GET", "/w/{wave_id}/events", self.events),
            ("GET", "/w/{wave_id}/preview.png", self.preview),
            ("GET", "/w/{wave_id}/demand.png", self.demand),
            ("GET", "/i/{idea_id}", self.idea),
            ("GET", "/static/{name}", self.static),
        ]
        if self.mini_app is not None:
            table.append(("POST", "/app/w/{wave_id}/{verb}", self.mini_app.act))
        return [
            Route(method, path, guarded(handler, self.limit)) for method, path, handler in table
        ]

    def middleware(self) -> Middleware:
        """The site's 404 and 405 pages for every address the routes do not serve."""
        return error_pages(self.page, self.limit)

    def reader(self, request: web.Request) -> Reader:
        """The reader's language (Accept-Language) and the community's time zone."""
        header = request.headers.get("Accept-Language", "")
        return Reader(page_lang(header, self.ctx.rules.default_lang), self.ctx.rules.timezone)

    def page(
        self, request: web.Request, name: str, status: int = 200, **values: Any
    ) -> web.Response:
        """A template rendered in the reader's language."""
        reader = self.reader(request)
        template = self.templates.get_template(name)
        body = template.render(**reader.globals(), base=self.base_url(request), **values)
        response = web.Response(text=body, content_type="text/html", status=status)
        response.headers["Content-Language"] = reader.lang
        return response

    def base_url(self, request: web.Request) -> str:
        """Absolute addresses for shared links: the public URL, else the host asked."""
        public_url = self.ctx.rules.public_url.rstrip("/")
        return public_url or f"{request.scheme}://{request.host}"

    def not_found(self, request: web.Request) -> web.Response:
        """The 404 page (the guard adds the security headers, as to every page)."""
        return error_page(self.page, request, 404)

    async def waves(self, request: web.Request) -> web.Response:
        """The open (then scheduled) waves with bar, price, next tier and deadline."""
        found = await public.listed_waves(self.ctx)
        reader, now = self.reader(request), self.ctx.clock.now()
        rows = [{"wave": wave, "live": live_numbers(wave, reader), "percent": percent(wave),
                 "state": reader.tree(status_text(wave, now))} for wave in found]  # fmt: skip
        return self.page(request, "list.html", rows=rows)

    async def wave(self, request: web.Request) -> web.Response:
        """A wave's page (or the 404 page)."""
        wave_id = _id(request, "wave_id")
        try:
            found = await public.wave_page(self.ctx, wave_id)
        except NotFound:
            return self.not_found(request)
        reader, now = self.reader(request), self.ctx.clock.now()
        return self.page(request, "wave.html", **self.wave_values(found, reader, now))

    def wave_values(self, found: public.WavePage, reader: Reader, now: datetime) -> dict[str, Any]:
        """What the wave template shows, for any state of the wave."""
        live = found.live
        return {
            "found": found,
            "wave": found.wave,
            "live": live,
            "numbers": live_numbers(live, reader),
            "current": current_tier(live),
            "state": reader.tree(status_text(found.wave, now, found.facts.due_at)),
            "deadline": deadline_text(found.wave, reader, now),
            "talk": [reader.tree(line) for line in talk_texts(found.talk)],
            "app": self.mini_app is not None,
            "now": now,
        }

    async def events(self, request: web.Request) -> web.StreamResponse:
        """The wave's numbers as Server-Sent Events, each time they change."""
        wave_id = _id(request, "wave_id")
        found = await public.live_waves(self.ctx, [wave_id])
        if wave_id not in found:
            return self.not_found(request)
        reader = self.reader(request)
        return await self.hub.stream(request, found[wave_id], lambda w: live_numbers(w, reader))

    async def preview(self, request: web.Request) -> web.Response:
        """The Open Graph picture: title, price now, progress."""
        wave_id = _id(request, "wave_id")
        found = await public.live_waves(self.ctx, [wave_id])
        if wave_id not in found:
            return self.not_found(request)
        png = await self.previews.render(self.picture(found[wave_id], self.reader(request)))
        return _png(png)

    def picture(self, wave: Wave, reader: Reader) -> Preview:
        """What the preview says, in the reader's language."""
        numbers = live_numbers(wave, reader)
        progress = reader.plain("web.preview_progress", units=wave.units, goal=numbers["goal"])
        footer = reader.plain("web.preview_footer", id=wave.id)
        return Preview(wave.title, numbers["price_text"], progress, numbers["percent"] / 100,
                       footer)  # fmt: skip

    async def demand(self, request: web.Request) -> web.Response:
        """The demand curve of the wave's idea (its wanters' stated prices) as a PNG."""
        wave_id = _id(request, "wave_id")
        try:
            found = await public.wave_page(self.ctx, wave_id)
            idea_id = found.wave.idea_id
            if found.demand is None or idea_id is None or self.ctx.charts is None:
                raise NotFound("error.wave_not_found", id=wave_id)
            origin = await public.idea_page(self.ctx, idea_id)
        except NotFound:
            return self.not_found(request)
        lang = self.reader(request).lang
        idea, curve = origin.idea, origin.demand
        key = (wave_id, f"{lang}:{curve}")
        if key not in self.charts:
            png = await asyncio.to_thread(stats.demand_chart, self.ctx, idea, curve, lang)
            self.charts = {key: png, **dict(list(self.charts.items())[:63])}
        return _png(self.charts[key])

    async def idea(self, request: web.Request) -> web.Response:
        """An idea's page: wanters and the range of prices they stated."""
        idea_id = _id(request, "idea_id")
        try:
            found = await public.idea_page(self.ctx, idea_id)
        except NotFound:
            return self.not_found(request)
        prices = [Money(price, self.ctx.rules.currency) for price, _ in found.demand.steps]
        low, high = (prices[0], prices[-1]) if prices else (None, None)
        return self.page(request, "idea.html", idea=found.idea, wanters=found.demand.total,
                         low=low, high=high, waves=found.waves)  # fmt: skip

    async def static(self, request: web.Request) -> web.Response:
        """The stylesheet and the script (files of the package, never user input)."""
        name = request.match_info["name"]
        if name not in STATIC:
            return self.not_found(request)
        body = importlib.resources.files("bots.web").joinpath("static", name).read_bytes()
        response = web.Response(body=body, content_type=STATIC[name])
        response.headers["Cache-Control"] = "public, max-age=300"
        return response


def _id(request: web.Request, name: str) -> int:
    """A numeric id from the path; anything else is a 404 (as an unknown id is)."""
    text = request.match_info[name]
    return int(text) if text.isdigit() and len(text) <= ID_DIGITS else 0


def _png(png: bytes) -> web.Response:
    """An image answer, cacheable briefly (the numbers move)."""
    response = web.Response(body=png, content_type="image/png")
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
