"""The bot's HTTP side: a small aiohttp server (health, metrics) and Stripe Checkout's webhook."""

from bots.web.server import Route, WebServer

__all__ = ["Route", "WebServer"]
