"""The bot's HTTP server: a small route table (health, metrics, webhooks) on aiohttp.

Started by `wavebot run` when WAVEBOT_HTTP_PORT is set (app/web.py). Each feature adds its own
`Route`s (the Telegram and Stripe webhooks, the pages) and middlewares (the pages' 404 and 405
for any address: bots/web/errors.py); the server itself knows only `/healthz`
and `/metrics`, whose content the composition root supplies (app/metrics.py): a health check
that says 200 or 503 with a JSON body, and the Prometheus exposition of the official client.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Middleware
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bots.metrics import REGISTRY

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HealthCheck = Callable[[], Awaitable[tuple[bool, dict[str, Any]]]]
Exposition = Callable[[], Awaitable[bytes]]
Background = Callable[[], Coroutine[Any, Any, None]]
CLIENT_MAX = 1024 * 1024  # no route takes more than a webhook's body


async def _healthy() -> tuple[bool, dict[str, Any]]:
    """Without a health check wired: the process answers."""
    return True, {}


async def _adapters_only() -> bytes:
    """Without an exposition wired: what the adapters count."""
    return generate_latest(REGISTRY)


@dataclass(frozen=True)
class Route:
    """One entry of the route table: method, path, handler."""

    method: str
    path: str
    handler: Handler


@dataclass
class WebServer:
    """The route table served on one host and port until shut down."""

    host: str
    port: int
    routes: list[Route] = field(default_factory=list)
    health: HealthCheck = _healthy
    exposition: Exposition = _adapters_only
    background: list[Background] = field(default_factory=list)  # run while serving
    middlewares: list[Middleware] = field(default_factory=list)  # e.g. the site's error pages
    runner: web.AppRunner | None = None
    stopped: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def app(self) -> web.Application:
        """The aiohttp application: the built-in routes, then every added one."""
        app = web.Application(client_max_size=CLIENT_MAX, middlewares=self.middlewares)
        app.on_response_prepare.append(_with_security_headers)
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.metrics)
        for route in self.routes:
            if route.method == "GET":  # and HEAD, as HTTP wants (monitors, link checkers)
                app.router.add_get(route.path, route.handler)
            else:
                app.router.add_route(route.method, route.path, route.handler)
        return app

    async def start(self) -> int:
        """Listen; the port actually bound (0 asks the system for a free one)."""
        self.runner = web.AppRunner(self.app(), access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.host, self.port)
        await site.start()
        server = site._server  # aiohttp exposes the bound sockets only there
        sockets = getattr(server, "sockets", None) or ()
        self.port = sockets[0].getsockname()[1] if sockets else self.port
        self._tasks = [asyncio.create_task(work()) for work in self.background]
        log.info("http server on %s:%s", self.host, self.port)
        return self.port

    async def run(self) -> None:
        """Serve until shutdown (the adapters' run/shutdown contract)."""
        if self.runner is None:
            await self.start()
        try:
            await self.stopped.wait()
        finally:
            await self.close()

    async def shutdown(self) -> None:
        """Stop serving; run() returns."""
        self.stopped.set()

    async def close(self) -> None:
        """Close the listening socket and the connections (live pages end their streams)."""
        self.stopped.set()
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self.runner is not None:
            runner, self.runner = self.runner, None
            await runner.cleanup()

    async def healthz(self, _: web.Request) -> web.Response:
        """200 when the database answers, the adapters are connected and the outbox keeps up;
        else 503, with what is wrong in the JSON body."""
        healthy, report = await self.health()
        body = json.dumps({"status": "ok" if healthy else "failing", **report}, sort_keys=True)
        return web.Response(
            text=body + "\n", status=200 if healthy else 503, content_type="application/json"
        )

    async def metrics(self, _: web.Request) -> web.Response:
        """Prometheus' text exposition (prometheus_client)."""
        body = await self.exposition()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def _with_security_headers(_: web.Request, response: web.StreamResponse) -> None:
    """Every answer carries the security headers, aiohttp's own 404s and 405s included."""
    from bots.web.guard import secure  # guard builds on this module's Handler

    secure(response)
