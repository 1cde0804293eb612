"""Fake Discord API (REST + gateway) on 127.0.0.1 so adapter tests run the real discord.py offline.

Point discord.py at it with `discord.http.Route.BASE = api.api_url` and
`discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(api.gateway_url)`.
"""

from __future__ import annotations

import fnmatch
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

from devtools.fakes.discord_driver import DiscordDriver
from devtools.fakes.discord_gateway import GatewayHub
from devtools.fakes.discord_interactions import (
    Interactions,
)
from devtools.fakes.discord_messages import DiscordError, json_response
from devtools.fakes.discord_models import (
    FakeUser,
)
from devtools.fakes.discord_ratelimit import Decision, RateLimiter, bucket_hash
from devtools.fakes.discord_rest import RestRoutes
from devtools.fakes.discord_state import DiscordState

log = logging.getLogger(__name__)

ERROR_MESSAGES = {
    10003: "Unknown Channel",
    10004: "Unknown Guild",
    10007: "Unknown Member",
    10008: "Unknown Message",
    10062: "Unknown interaction",
    40060: "Interaction has already been acknowledged.",
    50001: "Missing Access",
    50007: "Cannot send messages to this user",
    50013: "Missing Permissions",
}


@dataclass
class RecordedRequest:
    """One REST request as the fake saw it (path relative to the API base)."""

    method: str
    path: str
    route: str
    status: int
    at: float
    scope: str | None = None  # X-RateLimit-Scope of a 429 ("user", "global")


@dataclass
class Fault:
    """A canned answer for the next `times` requests matching method + fnmatch path pattern."""

    method: str
    pattern: str
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1


class FakeDiscordAPI(DiscordDriver):
    """Serves Discord's REST API and gateway from one aiohttp server; tests drive and inspect it."""

    def __init__(
        self,
        token: str = "fake-discord-token",
        *,
        rate_limits: bool = False,
        global_limit: int = 50,
        channel_limit: tuple[int, float] = (5, 5.0),
        heartbeat_interval: float = 41.25,
        response_deadline: float = 3.0,
        followup_ttl: float = 900.0,
        allowed_intents: int | None = None,
        bot_name: str = "wavebot",
        host: str = "127.0.0.1",
        api_version: int = 10,
    ) -> None:
        self.token = token
        self.host = host
        self.prefix = f"/api/v{api_version}"
        self.state = DiscordState(bot_name=bot_name)
        self.limiter = RateLimiter(
            enabled=rate_limits, global_limit=global_limit, message_limit=channel_limit
        )
        self.gateway = GatewayHub(
            self.state,
            token=token,
            heartbeat_interval=heartbeat_interval,
            allowed_intents=allowed_intents,
            url=lambda: self.gateway_url,
        )
        self.interactions = Interactions(
            self.state, deadline=response_deadline, followup_ttl=followup_ttl
        )
        self.rest = RestRoutes(
            self.state,
            gateway_url=lambda: self.gateway_url,
            app_flags=self.gateway.application_flags,
        )
        self.limit_violations = 0
        self.requests: list[RecordedRequest] = []
        self.server_errors: list[BaseException] = []
        self._faults: list[Fault] = []
        self._runner: web.AppRunner | None = None
        self._port = 0

    # ------------------------------------------------------------------ lifecycle
    async def __aenter__(self) -> FakeDiscordAPI:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def start(self) -> None:
        """Listen on an ephemeral 127.0.0.1 port."""
        app = web.Application(middlewares=[self._middleware], client_max_size=32 * 1024 * 1024)
        self.rest.register(app, self.prefix)
        self.interactions.register(app, self.prefix)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._attachment)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, 0).start()
        self._port = int(self._runner.addresses[0][1])
        self.state.base_url = f"http://{self.host}:{self._port}"

    async def close(self) -> None:
        """Close gateway connections and stop the server."""
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def api_url(self) -> str:
        """Value for DISCORD_API_URL / discord.http.Route.BASE."""
        return f"http://{self.host}:{self._port}{self.prefix}"

    @property
    def gateway_url(self) -> str:
        """What GET /gateway/bot answers (and READY's resume_gateway_url)."""
        return f"ws://{self.host}:{self._port}/gateway"

    @property
    def application_id(self) -> int:
        """The bot application's id (interaction webhooks use it)."""
        return self.state.application_id

    @property
    def bot_user(self) -> FakeUser:
        """The bot's own user."""
        return self.state.bot_user

    @property
    def bot_user_id(self) -> int:
        """The bot's user id."""
        return self.state.bot_user.id

    # ------------------------------------------------------------------ HTTP plumbing
    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Any]
    ) -> web.StreamResponse:
        """Auth, injected faults, rate limits, Discord JSON errors and the request log."""
        if not request.path.startswith(self.prefix + "/"):
            return await handler(request)  # type: ignore[no-any-return]
        rel = request.path[len(self.prefix) :]
        resource = request.match_info.route.resource
        template = resource.canonical[len(self.prefix) :] if resource is not None else rel
        response = await self._serve(request, handler, rel, template)
        response.headers["Via"] = "1.1 google"  # discord.py treats a 429 without Via as Cloudflare
        self.requests.append(
            RecordedRequest(
                request.method,
                rel,
                template,
                response.status,
                time.monotonic(),
                response.headers.get("X-RateLimit-Scope") if response.status == 429 else None,
            )
        )
        return response

    async def _serve(
        self, request: web.Request, handler: Callable[[web.Request], Any], rel: str, template: str
    ) -> web.StreamResponse:
        """Apply the checks in Discord's order and run the handler."""
        if request.match_info.route.resource is None:
            status = getattr(request.match_info.http_exception, "status", 404)
            reason = "Method Not Allowed" if status == 405 else "Not Found"
            return json_response({"message": f"{status}: {reason}", "code": 0}, status)
        open_route = template.startswith(("/interactions/", "/webhooks/"))
        if not open_route and request.headers.get("Authorization") != f"Bot {self.token}":
            return json_response({"message": "401: Unauthorized", "code": 0}, 401)
        fault = self._take_fault(request.method, rel)
        if fault is not None:
            canned = json_response(fault.body, fault.status)
            canned.headers.update(fault.headers)
            return canned
        params = dict(request.match_info)
        decision = self.limiter.check(request.method, template, params, global_exempt=open_route)
        if not decision.allowed:
            self.limit_violations += 1
            return _too_many(decision)
        try:
            response: web.StreamResponse = await handler(request)
        except DiscordError as exc:
            response = exc.response()
        except web.HTTPException:
            raise
        except Exception as exc:  # a fake bug: keep it visible to tests
            log.exception("fake Discord handler failed")
            self.server_errors.append(exc)
            response = json_response({"message": "500: Internal Server Error", "code": 0}, 500)
        response.headers.update(decision.headers)
        return response

    def _take_fault(self, method: str, rel: str) -> Fault | None:
        """Pop one matching injected fault, if any."""
        for fault in self._faults:
            if fault.method == method.upper() and fnmatch.fnmatchcase(rel, fault.pattern):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    async def _attachment(self, request: web.Request) -> web.Response:
        """Serve uploaded bytes at the attachment URL (Attachment.read() works)."""
        file = self.state.files_by_attachment.get(int(request.match_info["attachment_id"]))
        if file is None:
            raise web.HTTPNotFound()
        return web.Response(body=file.data, content_type=file.content_type)

    # ------------------------------------------------------------------ fault injection
    def fail_next(
        self,
        method: str,
        path: str,
        status: int,
        code: int = 0,
        message: str | None = None,
        *,
        times: int = 1,
    ) -> None:
        """Answer the next `times` matching requests (path is an fnmatch pattern) with an error."""
        text = message or ERROR_MESSAGES.get(code) or f"{status}: error"
        body = {"message": text, "code": code}
        self._faults.append(Fault(method.upper(), path, status, body, times=times))

    def rate_limit_next(
        self,
        method: str,
        path: str,
        retry_after: float = 0.05,
        *,
        is_global: bool = False,
        times: int = 1,
    ) -> None:
        """Answer the next matching requests with a real-looking 429 (not a limit violation)."""
        headers = {
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Bucket": bucket_hash(f"{method} {path}"),
            "X-RateLimit-Scope": "global" if is_global else "user",
            "Retry-After": str(math.ceil(retry_after)),
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        body = {"message": "You are being rate limited.", "retry_after": retry_after}
        body["global"] = is_global
        self._faults.append(Fault(method.upper(), path, 429, body, headers, times))


def _too_many(decision: Decision) -> web.Response:
    """The 429 Discord sends when a bucket or the global limit is exhausted."""
    body = {
        "message": "You are being rate limited.",
        "retry_after": decision.retry_after,
        "global": decision.is_global,
    }
    response = json_response(body, 429)
    response.headers.update(decision.headers)
    return response
