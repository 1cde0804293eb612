"""The bot's HTTP server: a small route table (health, metrics, payment webhooks) on aiohttp.

Started by `wavebot run` when WAVEBOT_HTTP_PORT is set (app/web.py). Each feature adds its own
`Route`s (the Stripe webhook, later pages); the server itself knows only `/healthz` and
`/metrics`. Counters for `/metrics` are read from callables at scrape time, in Prometheus' text
format, so nothing is kept here but the table.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from aiohttp import web

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Gauge = Callable[[], float]
CLIENT_MAX = 1024 * 1024  # no route takes more than a webhook's body


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
    gauges: dict[str, Gauge] = field(default_factory=dict)  # metric name → current value
    runner: web.AppRunner | None = None
    stopped: asyncio.Event = field(default_factory=asyncio.Event)

    def app(self) -> web.Application:
        """The aiohttp application: the built-in routes, then every added one."""
        app = web.Application(client_max_size=CLIENT_MAX)
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.metrics)
        for route in self.routes:
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
        if self.runner is not None:
            runner, self.runner = self.runner, None
            await runner.cleanup()

    async def healthz(self, _: web.Request) -> web.Response:
        """Up: the process answers (the storage watchdog tells the owners about the disk)."""
        return web.Response(text="ok\n")

    async def metrics(self, _: web.Request) -> web.Response:
        """The gauges in Prometheus' text format."""
        return web.Response(text=prometheus(self.gauges), content_type="text/plain")


def prometheus(gauges: Mapping[str, Gauge]) -> str:
    """One `name value` line per gauge, sorted; a failing gauge is left out, not fatal."""
    lines = []
    for name, read in sorted(gauges.items()):
        try:
            lines.append(f"{name} {read():g}")
        except Exception:
            log.exception("metric %s failed", name)
    return "\n".join(lines) + "\n"
