"""A console world paying through Stripe Checkout: the real `stripe` client against the fake
Stripe API, and the bot's HTTP server (with the webhook) on 127.0.0.1."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp

from bots.web import WebServer
from bots.web.stripe_checkout import StripeCheckout, link_key, stripe_client
from bots.web.stripe_webhook import StripeWebhook
from core.services.providers import PaymentDesk
from devtools.fakes.stripe_api import FakeStripeAPI
from tests.adapters.inbox import Inbox, inbox_of
from tests.conftest import ConsoleWorld

API_KEY = "sk_test_wavebot_51Hsecret"
SECRET = "whsec_test_wavebot_secret"


@dataclass
class StripeWorld:
    """The world, the fake Stripe, the provider, and where the webhook listens."""

    world: ConsoleWorld
    api: FakeStripeAPI
    provider: StripeCheckout
    webhook: StripeWebhook
    server: WebServer
    inbox: Inbox

    @property
    def webhook_url(self) -> str:
        """The bot's webhook endpoint, as configured in Stripe's dashboard."""
        return f"http://127.0.0.1:{self.server.port}/stripe/webhook"

    async def opens(self, reply: str) -> tuple[int, str]:
        """The member opens the pay link of a /pay reply: the status, and where it leads."""
        found = re.search(r"http://127\.0\.0\.1:\d+/stripe/pay/\S+", reply)
        assert found is not None, reply
        async with aiohttp.ClientSession() as http:
            answer = await http.get(found.group(0).rstrip("]"), allow_redirects=False)
            return answer.status, answer.headers.get("Location") or await answer.text()

    async def pays(self, reference: str, **changes: object) -> int:
        """The member completes the newest session of a pledge on Stripe's page."""
        session = self.api.session_for(reference)
        return await self.api.pay(session["id"], self.webhook_url, SECRET, **changes)


@asynccontextmanager
async def stripe_world(
    world: ConsoleWorld, countries: tuple[str, ...] = ()
) -> AsyncIterator[StripeWorld]:
    """Stripe Checkout for every account; the HTTP server on a free port."""
    async with FakeStripeAPI(API_KEY, now=world.clock.now) as api:
        client, http = stripe_client(API_KEY, api.base_url, retries=0)
        provider = StripeCheckout(client, world.clock, "", countries, http, link_key(API_KEY))
        world.rt.ctx.payments = PaymentDesk(default=provider)
        webhook = StripeWebhook(world.rt.ctx, SECRET, provider)
        server = WebServer("127.0.0.1", 0, routes=webhook.routes())
        provider.public_url = f"http://127.0.0.1:{await server.start()}"
        try:
            yield StripeWorld(world, api, provider, webhook, server, inbox_of(world))
        finally:
            await server.close()
            await provider.aclose()
