"""The bot's HTTP server, wired from the settings: health, metrics, and the webhooks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.main import Runtime
    from bots.web import WebServer


def web_server(rt: Runtime, adapters: Mapping[str, Any] | None = None) -> WebServer | None:
    """The server when WAVEBOT_HTTP_PORT is set, with every route the settings enable.

    `adapters` maps a platform to its running adapter: /healthz asks each whether it is
    connected, and an adapter with a webhook (Telegram in webhook mode) adds its route."""
    settings = rt.settings
    if settings.http_port is None:
        return None
    from app.metrics import Observatory
    from bots.web import Route, WebServer

    watch = Observatory(rt, adapters or {})
    server = WebServer(settings.http_host, settings.http_port, health=watch.health,
                       exposition=watch.exposition,
                       background=[watch.loop_lag.watch, watch.row_counts.serve])  # fmt: skip
    for adapter in (adapters or {}).values():
        if (webhook := getattr(adapter, "webhook", None)) is not None:
            server.routes.append(Route("POST", webhook.path, webhook.receive))
    from app.site import add_public_site

    add_public_site(rt, server, watch.counters)  # wave pages, live feed, Telegram Mini App
    secret = settings.stripe_webhook_secret.get_secret_value()
    if settings.stripe_enabled and secret:
        from bots.web.stripe_checkout import StripeCheckout
        from bots.web.stripe_webhook import StripeWebhook

        checkout = rt.ctx.payments.default
        if not isinstance(checkout, StripeCheckout):  # the demo's simulated provider wins
            return server
        webhook = StripeWebhook(rt.ctx, secret, checkout)
        server.routes.extend(webhook.routes())
        watch.counters["wavebot_stripe_payments_recorded"] = lambda: webhook.recorded
        watch.counters["wavebot_stripe_webhooks_refused"] = lambda: webhook.refused
    return server
