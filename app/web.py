"""The bot's HTTP server, wired from the settings: health, metrics, and the Stripe webhook."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.main import Runtime
    from bots.web import WebServer


def web_server(rt: Runtime) -> WebServer | None:
    """The server when WAVEBOT_HTTP_PORT is set, with every route the settings enable."""
    settings = rt.settings
    if settings.http_port is None:
        return None
    from bots.web import WebServer

    server = WebServer(settings.http_host, settings.http_port)
    server.gauges["wavebot_up"] = lambda: 1.0
    from app.site import add_public_site

    add_public_site(rt, server)  # the wave pages, their live feed, the Telegram Mini App
    secret = settings.stripe_webhook_secret.get_secret_value()
    if settings.stripe_enabled and secret:
        from bots.web.stripe_checkout import StripeCheckout
        from bots.web.stripe_webhook import StripeWebhook

        checkout = rt.ctx.payments.default
        if not isinstance(checkout, StripeCheckout):  # the demo's simulated provider wins
            return server
        webhook = StripeWebhook(rt.ctx, secret, checkout)
        server.routes.extend(webhook.routes())
        server.gauges["wavebot_stripe_payments_recorded_total"] = lambda: webhook.recorded
        server.gauges["wavebot_stripe_webhooks_refused_total"] = lambda: webhook.refused
    return server
