"""The public pages on the HTTP server: wired for `wavebot run` (app/web.py) and the demo."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bots.web.guard import RateLimit
from bots.web.miniapp import MiniApp
from bots.web.pages import PublicSite

if TYPE_CHECKING:
    from app.main import Runtime
    from bots.web import WebServer

DEMO_HOST = "127.0.0.1"  # the demo's pages are for this machine's browser only


def add_public_site(
    rt: Runtime, server: WebServer, counters: dict[str, Callable[[], float]] | None = None
) -> PublicSite:
    """Pages, live feed and (with a Telegram token) the Mini App route, fed by every commit;
    their counters join /metrics when given."""
    token = rt.settings.telegram_bot_token.get_secret_value()
    public_url = rt.ctx.rules.public_url
    mini_app = MiniApp(rt.interpreter, token, public_url) if token else None
    limit = RateLimit(trusted=rt.settings.trusted_proxies)  # the client behind a proxy
    site = PublicSite(rt.ctx, server.stopped, mini_app, limit)
    server.routes.extend(site.routes())
    server.middlewares.append(site.middleware())
    previous = rt.db.on_saved

    def saved() -> None:
        """After each commit: the storage watch, then the live pages."""
        if previous is not None:
            previous()
        site.hub.committed()

    rt.db.on_saved = saved
    if counters is not None:
        counters["wavebot_web_live_updates_sent"] = lambda: float(site.hub.sent)
        counters["wavebot_web_rate_limited"] = lambda: float(site.limit.refused)
        if mini_app is not None:
            counters["wavebot_miniapp_refused"] = lambda: float(mini_app.refused)
    return site


async def start_demo_site(rt: Runtime) -> WebServer:
    """`wavebot demo`'s pages on 127.0.0.1 (WAVEBOT_HTTP_PORT, else a free port); cards and
    milestones then link to them."""
    from bots.web import WebServer

    server = WebServer(DEMO_HOST, rt.settings.http_port or 0)
    add_public_site(rt, server)
    try:
        port = await server.start()
    except OSError:  # the port is taken (another demo?): any free one will do
        await server.close()
        server.port, server.runner = 0, None
        server.stopped.clear()
        port = await server.start()
    rt.ctx.rules.public_url = rt.settings.public_url or f"http://{DEMO_HOST}:{port}"
    return server
