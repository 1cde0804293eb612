"""The Telegram Mini App: Join / Leave / Confirm from the wave page opened inside Telegram.

The only credential is Telegram's `initData`, checked as Telegram documents it (HMAC-SHA256 of
the sorted fields with the key HMAC-SHA256("WebAppData", bot token)) and refused when older
than an hour. The page sends it with each POST (no cookie, so no CSRF), from our own Origin;
the server takes nothing else from the page but the wave id, the verb and a request id, and
acts through the chat's own use cases, exactly once per request id (a retried POST changes
nothing twice).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from bots.i18n import render
from bots.web.guard import check_origin, read_json, secure_error
from core.commands.interpreter import Interpreter
from core.ports import Actor, ChatKind, ChatRef

PLATFORM = "telegram"  # bots.telegram_bot's accounts, without importing that adapter
MAX_AGE = 3600  # seconds: an initData older than this is refused (a leaked one soon expires)
FUTURE_SKEW = 300  # seconds: a clock slightly ahead of ours is tolerated
VERBS = ("join", "leave", "confirm")
REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


class InitDataRefused(Exception):
    """initData that cannot be trusted; `status` is the HTTP answer (401 forged, 403 stale)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class WebAppUser:
    """Who Telegram says opened the Mini App."""

    user_id: int
    name: str
    language: str | None

    def actor(self) -> Actor:
        """The same account the chat adapter uses for this person."""
        return Actor(f"{PLATFORM}:{self.user_id}", self.name, self.language)


def secret_key(bot_token: str) -> bytes:
    """Telegram's key for Web App data: HMAC-SHA256 of the token, keyed with 'WebAppData'."""
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def sign(fields: dict[str, str], bot_token: str) -> str:
    """The hash Telegram puts in initData for these fields (also what tests sign with)."""
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    return hmac.new(secret_key(bot_token), check.encode(), hashlib.sha256).hexdigest()


def verify(init_data: str, bot_token: str, now: float | None = None) -> WebAppUser:
    """The user of a genuine, fresh initData; InitDataRefused otherwise."""
    if not bot_token:
        raise InitDataRefused(401, "no bot token: the Mini App is off")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InitDataRefused(401, "malformed") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataRefused(401, "repeated field")
    given = fields.pop("hash", "")
    # As bytes: compare_digest raises on non-ASCII text, and a forged hash may be anything.
    if not hmac.compare_digest(given.encode(), sign(fields, bot_token).encode()):
        raise InitDataRefused(401, "bad signature")
    try:
        signed_at = int(fields.get("auth_date", ""))
        user = json.loads(fields.get("user", ""))
        user_id = int(user["id"])
    except (ValueError, TypeError, KeyError):
        raise InitDataRefused(401, "no user") from None
    age = (time.time() if now is None else now) - signed_at
    if age > MAX_AGE or age < -FUTURE_SKEW:
        raise InitDataRefused(403, "stale")
    name = " ".join(str(user.get(part) or "") for part in ("first_name", "last_name")).strip()
    language = user.get("language_code")
    return WebAppUser(user_id, name[:64], language if isinstance(language, str) else None)


class MiniApp:
    """The POST route the wave page calls from inside Telegram."""

    def __init__(self, interpreter: Interpreter, bot_token: str, public_url: str) -> None:
        self.interpreter = interpreter
        self.bot_token = bot_token
        self.public_url = public_url
        self.acted = 0
        self.refused = 0

    async def act(self, request: web.Request) -> web.Response:
        """POST /app/w/{wave_id}/{verb} with {"initData": …, "request": …}."""
        check_origin(request, self.public_url)
        verb, wave_id = request.match_info["verb"], request.match_info["wave_id"]
        if verb not in VERBS or not wave_id.isdigit() or len(wave_id) > 12:
            raise secure_error(web.HTTPNotFound)
        body = await read_json(request)
        init_data, request_id = body.get("initData"), body.get("request")
        if not isinstance(init_data, str) or not isinstance(request_id, str):
            raise secure_error(web.HTTPBadRequest)
        if not REQUEST_ID.fullmatch(request_id):
            raise secure_error(web.HTTPBadRequest)
        try:
            user = verify(init_data, self.bot_token)
        except InitDataRefused as refused:
            self.refused += 1
            kind = web.HTTPUnauthorized if refused.status == 401 else web.HTTPForbidden
            raise secure_error(kind) from None
        return web.json_response(await self._run(user, verb, int(wave_id), request_id))

    async def _run(self, user: WebAppUser, verb: str, wave_id: int, request_id: str) -> Any:
        """The chat's button action, once per request id; its answer as text and links."""
        key = f"webapp:{user.user_id}:{request_id}"
        chat = ChatRef(PLATFORM, str(user.user_id), ChatKind.PRIVATE)
        answer = await self.interpreter.action_once(key, user.actor(), chat, f"{verb}:{wave_id}")
        self.acted += 1
        if answer is None:  # the same request again: it was done and answered already
            return {"message": "", "links": [], "repeated": True}
        lines = [
            render(part, answer.lang, tz=answer.timezone)
            for reply in answer.replies
            for part in reply.body
        ]
        links = [{"label": render(button.label, answer.lang), "url": button.url}
                 for reply in answer.replies for row in reply.buttons for button in row
                 if button.url.startswith(("https://", "http://"))]  # fmt: skip
        await self.interpreter.answered(key)
        return {"message": "\n".join(lines), "links": links, "repeated": False}
