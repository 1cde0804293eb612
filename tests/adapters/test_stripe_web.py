"""The bot's HTTP server as `wavebot run` wires it (health, metrics, the Stripe webhook), Stripe's
secrets kept out of the log, the Checkout link as a Discord link button, and session lifetimes
kept inside Stripe's 30 min … 24 h."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import discord

from app.main import runtime
from app.web import web_server
from bots.discord_bot.buttons import build_view
from bots.web.stripe_checkout import (
    SESSION_MAX,
    SESSION_MIN,
    StripeCheckout,
    last_opening,
    link_key,
    session_expiry,
    sign,
    verified,
)
from config.settings import Settings
from core.clock import FakeClock
from core.messages import LINK, Button, t
from tests.adapters.closing import closed_lamp
from tests.adapters.stripe_support import API_KEY, SECRET, stripe_world
from tests.adapters.test_secrets_in_logs import debug_log
from tests.conftest import ConsoleWorld


async def test_wavebot_run_serves_health_metrics_and_the_webhook(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'w.db'}"
    settings = Settings(database_url=url, http_port=0, http_host="127.0.0.1",
                        stripe_api_key=API_KEY, stripe_webhook_secret=SECRET,
                        stripe_api_base="http://127.0.0.1:9")  # fmt: skip
    async with runtime(settings, clock=FakeClock()) as rt:
        assert isinstance(rt.ctx.payments.default, StripeCheckout)
        server = web_server(rt)
        assert server is not None
        port = await server.start()
        try:
            base = f"http://127.0.0.1:{port}"
            async with aiohttp.ClientSession() as http:
                health = await (await http.get(f"{base}/healthz")).json()
                unsigned = await http.post(f"{base}/stripe/webhook", data=b"{}")
                assert unsigned.status == 400
                metrics = await (await http.get(f"{base}/metrics")).text()
                back = await (await http.get(f"{base}/stripe/done")).text()
        finally:
            await server.close()
    assert health["status"] == "ok"
    assert "wavebot_up 1.0\n" in metrics
    assert "wavebot_stripe_webhooks_refused_total 1.0\n" in metrics
    assert back.startswith("Thank you.")


async def test_no_port_no_server_and_no_key_no_webhook(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'w.db'}"
    async with runtime(Settings(database_url=url)) as rt:
        assert web_server(rt) is None
    async with runtime(Settings(database_url=url, http_port=0)) as rt:
        server = web_server(rt)
        assert server is not None  # health, metrics and the public pages; no Stripe route
        assert not [route for route in server.routes if route.path.startswith("/stripe")]


async def test_stripe_keys_never_reach_the_log(world: ConsoleWorld) -> None:
    secrets = Settings(stripe_api_key=API_KEY, stripe_webhook_secret=SECRET).secret_values()
    assert sorted(secrets) == sorted([API_KEY, SECRET])
    with debug_log(secrets) as log:
        async with stripe_world(world) as sw:
            _, ana, _, _ = await closed_lamp(world, min_units=1)
            await sw.opens(await ana.say("/pay 1"))
            await sw.pays("w1m2a3500EUR")
    text = log.getvalue()
    assert "checkout/sessions" in text  # the client logged its requests
    assert API_KEY not in text and SECRET not in text


def test_the_checkout_link_is_a_discord_link_button() -> None:
    url = "https://checkout.stripe.com/c/pay/cs_test_a1"
    view = build_view(((Button(t("button.stripe_pay", total="35 €"), LINK + url),),), "en")
    assert view is not None
    [item] = view.children
    assert isinstance(item, discord.ui.Button)
    assert item.style is discord.ButtonStyle.link and item.url == url


def test_sessions_last_as_the_window_within_stripes_limits() -> None:
    now = datetime(2026, 3, 1, 10, 40, tzinfo=UTC)
    week = session_expiry(now, now + timedelta(days=7))
    assert week == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # the hour's start + 24 h
    assert session_expiry(now, now + timedelta(hours=3)) == now + timedelta(hours=3)
    due = now + timedelta(minutes=40)
    assert last_opening(due) == now + timedelta(minutes=9)  # no session outlives its window
    closing = session_expiry(last_opening(due) - timedelta(seconds=1), due)  # the last one
    assert closing == due
    for end in (week, closing):
        assert SESSION_MIN <= end - now <= SESSION_MAX
    same_hour = now.replace(minute=5)
    assert session_expiry(same_hour, now + timedelta(days=7)) == week  # idempotent in the hour


def test_a_pay_link_token_is_checked_whatever_its_characters() -> None:
    key = link_key(API_KEY)
    token = sign("w1m2", key)
    assert verified(token, key) == "w1m2"
    flipped = token[:-1] + ("1" if token.endswith("0") else "0")
    for forged in (flipped, "w1m2.été", "w1m2", "é.é", ""):  # non-ASCII: None, not a 500
        assert verified(forged, key) is None
