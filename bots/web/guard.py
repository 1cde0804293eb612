"""What every public page and Mini App call goes through: security headers, a per-client rate
limit, bounded JSON bodies and an Origin check (docs/ARCHITECTURE.md, "Public pages").
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from aiolimiter import AsyncLimiter

from bots.web.forwarded import Network, budget_key, client_address
from bots.web.server import Handler

# No inline script or style anywhere: every script and stylesheet is a file under /static/.
# Telegram's web clients show a Mini App in a frame, hence their origins in frame-ancestors.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'self' https://web.telegram.org https://*.telegram.org"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
BODY_MAX = 8 * 1024  # initData is about 1 kB; nothing the pages send is bigger
CLIENTS_KEPT = 10_000  # least recently seen clients beyond this forget their budget


def secure(response: web.StreamResponse) -> web.StreamResponse:
    """Add the security headers (before the response is prepared)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


@dataclass
class RateLimit:
    """A leaky bucket per client address (aiolimiter): over it, 429 at once, never a wait.

    The address is the peer's, or the client's as trusted proxies report it; an IPv6 client is
    its /64 (forwarded.py)."""

    per_minute: int = 240  # a page view is 4-5 requests (page, style, script, feed, images)
    trusted: tuple[Network, ...] = ()  # WAVEBOT_WEB_TRUSTED_PROXIES
    clients: OrderedDict[str, AsyncLimiter] = field(default_factory=OrderedDict)
    refused: int = 0

    async def admit(self, request: web.Request) -> None:
        """Take one request from the client's budget, or refuse it with 429."""
        client = budget_key(client_address(request, self.trusted))
        limiter = self.clients.pop(client, None) or AsyncLimiter(self.per_minute, 60)
        self.clients[client] = limiter
        while len(self.clients) > CLIENTS_KEPT:
            self.clients.popitem(last=False)
        if not limiter.has_capacity():
            self.refused += 1
            raise secure_error(web.HTTPTooManyRequests, {"Retry-After": "10"})
        await limiter.acquire()


def secure_error(kind: type[web.HTTPException], headers: dict[str, str] | None = None) -> Any:
    """An HTTP error carrying the security headers too."""
    return kind(headers={**HEADERS, **(headers or {})})


def too_large(limit: int, size: int) -> web.HTTPRequestEntityTooLarge:
    """413 with the security headers."""
    return web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=size, headers=HEADERS)


def guarded(handler: Handler, limit: RateLimit) -> Handler:
    """The handler behind the rate limit, its answer with the security headers."""

    async def guard(request: web.Request) -> web.StreamResponse:
        await limit.admit(request)
        return secure(await handler(request))

    return guard


def expected_origin(request: web.Request, public_url: str) -> str:
    """The page's own origin: the public URL's when set, else the host the request named."""
    if public_url:
        parts = urlsplit(public_url)
        return f"{parts.scheme}://{parts.netloc}"
    return f"{request.scheme}://{request.host}"


def check_origin(request: web.Request, public_url: str) -> None:
    """A state-changing call must come from our own pages (browsers always send Origin)."""
    if request.headers.get("Origin", "") != expected_origin(request, public_url):
        raise secure_error(web.HTTPForbidden)


async def read_json(request: web.Request, limit: int = BODY_MAX) -> dict[str, Any]:
    """A small JSON object body: 413 when too big, 400 when not a JSON object."""
    if request.content_length is not None and request.content_length > limit:
        raise too_large(limit, request.content_length)
    if request.content_type != "application/json":
        raise secure_error(web.HTTPBadRequest)
    body = await request.content.read(limit + 1)
    if len(body) > limit:
        raise too_large(limit, len(body))
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise secure_error(web.HTTPBadRequest) from None
    if not isinstance(data, dict):
        raise secure_error(web.HTTPBadRequest)
    return data
