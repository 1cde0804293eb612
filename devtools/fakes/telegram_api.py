"""A fake Telegram Bot API on 127.0.0.1, so adapter tests and benchmarks run offline with PTB.

Usage::

    async with FakeTelegramAPI(token="123:ABC") as api:
        app = ApplicationBuilder().token(api.token).base_url(api.base_url)
            .base_file_url(api.file_base_url).build()
        chat = api.add_chat("supergroup", "Buyers"); user = api.add_user("Ann")
        api.push_message(chat, user, "/start")
        [reply] = await api.wait_for_messages(chat, 1)

Layers: TelegramWorld (telegram_state.py: state, driving, inspection, waiting) ← TelegramMethods
(telegram_methods.py: chat and message methods) ← TelegramPayments (telegram_payments.py:
invoices, pre-checkout, a user paying) ← TelegramWebhooks (telegram_webhook.py: setWebhook and
posting updates to it) ← FakeTelegramAPI (HTTP server, long polling, faults, limits).
Markdown parse modes are accepted but not parsed; allowed_updates is ignored.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import itertools
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any, Self

from aiohttp import BodyPartReader, web

from devtools.fakes.telegram_methods import UploadedFile
from devtools.fakes.telegram_models import JSON, ApiError, bad_request, retry_after_error
from devtools.fakes.telegram_webhook import TelegramWebhooks

Handler = Callable[[JSON], Awaitable[Any]]
_REQUEST: contextvars.ContextVar[web.Request] = contextvars.ContextVar("fake_telegram_request")
_JSON_FIELDS = {"reply_markup", "commands", "scope", "entities", "caption_entities",
                "allowed_updates", "reply_parameters", "link_preview_options", "prices",
                "suggested_tip_amounts"}  # fmt: skip
_INT_FIELDS = {"offset", "limit", "timeout", "message_id", "user_id", "reply_to_message_id",
               "cache_time", "message_thread_id", "max_tip_amount"}  # fmt: skip
_BOOL_FIELDS = {"show_alert", "disable_notification", "protect_content", "drop_pending_updates",
                "allow_sending_without_reply", "ok", "need_name", "need_phone_number",
                "need_email", "need_shipping_address", "is_flexible",
                "send_phone_number_to_provider", "send_email_to_provider"}  # fmt: skip
_HTML_PAGE = ("<html>\r\n<head><title>{0}</title></head>\r\n<body>\r\n<center><h1>{0}</h1>"
              "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")  # fmt: skip


def _coerce(key: str, value: Any) -> Any:
    """Form bodies carry strings (JSON-encoded for objects); give handlers JSON-body types."""
    if not isinstance(value, str):
        return value
    try:
        if key == "chat_id":
            return int(value) if re.fullmatch(r"-?\d+", value) else value
        if key in _INT_FIELDS:
            return int(value) if re.fullmatch(r"-?\d+", value) else int(float(value))
        if key in _BOOL_FIELDS:
            return value.lower() in ("true", "1")
        if key in _JSON_FIELDS:
            return json.loads(value)
    except ValueError as exc:
        what = "reply keyboard markup" if key == "reply_markup" else key
        raise bad_request(f"can't parse {what} JSON object") from exc
    return value


def _error_response(err: ApiError) -> web.Response:
    """Render an error like Telegram: JSON, or an nginx HTML page for gateway failures."""
    if err.html:
        page = _HTML_PAGE.format(f"{err.code} {err.description}")
        return web.Response(status=err.code, text=page, content_type="text/html")
    return web.json_response(err.body(), status=err.code)


class FakeTelegramAPI(TelegramWebhooks):
    """The fake Bot API server; see TelegramWorld for the driving and inspection methods."""

    def __init__(
        self, token: str = "123456:TEST-token", *, host: str = "127.0.0.1", port: int = 0,
        **world: Any,
    ) -> None:  # fmt: skip
        super().__init__(token, **world)
        self.host, self.port = host, port
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()
        self._poll_generation = 0
        self._methods: dict[str, tuple[str, Handler]] = {
            name[3:].lower(): (name[3:], getattr(self, name))
            for name in dir(self)
            if name.startswith("_m_")
        }

    @property
    def base_url(self) -> str:
        """Pass to PTB's base_url (PTB appends the token and '/method')."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def file_base_url(self) -> str:
        """Pass to PTB's base_file_url (downloads of files the bot uploaded)."""
        return f"http://{self.host}:{self.port}/file/bot"

    async def start(self) -> None:
        """Bind an ephemeral port on 127.0.0.1 and serve."""
        self._closing.clear()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Release long polls and delayed answers, then close the server."""
        self._closing.set()
        self._stop_posting()
        self._wake_polls()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ----- HTTP plumbing ------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        """Route /bot<token>/<method> and /file/bot<token>/<path>."""
        parts = request.path.split("/")
        if len(parts) >= 4 and parts[1] == "file":
            return self._serve_file(parts[2], parts[-1])
        if len(parts) != 3 or not parts[1].startswith("bot"):
            return _error_response(ApiError(404, "Not Found"))
        if parts[1][3:] != self.token:
            return _error_response(ApiError(401, "Unauthorized"))
        if (entry := self._methods.get(parts[2].lower())) is None:
            return _error_response(ApiError(404, "Not Found"))
        name, handler = entry
        self.requests[name] += 1
        _REQUEST.set(request)  # each aiohttp request runs in its own task, hence its own context
        try:
            params = await self._read_params(request)
            result = await self._dispatch(name, handler, params)
        except ApiError as err:
            return _error_response(err)
        finally:
            self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _read_params(self, request: web.Request) -> JSON:
        """Accept query strings, JSON, urlencoded and multipart bodies, like the real API."""
        raw: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json" and request.body_exists:
            body = await request.json()
            if not isinstance(body, dict):
                raise bad_request("request body must be a JSON object")
            raw.update(body)
        elif request.content_type == "multipart/form-data":
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader) or not part.name:
                    continue
                if part.filename:
                    data = bytes(await part.read())
                    raw[part.name] = UploadedFile(
                        part.filename, data, part.headers.get("Content-Type")
                    )
                else:
                    raw[part.name] = await part.text()
        elif request.body_exists:
            raw.update(await request.post())
        return {key: _coerce(key, value) for key, value in raw.items()}

    async def _dispatch(self, name: str, handler: Handler, params: JSON) -> Any:
        """Apply injected faults and rate limits, then run the method."""
        chat_id = params.get("chat_id")
        fault = next((f for f in self._injected if f.matches(name, chat_id)), None)
        if fault is not None:
            fault.hits += 1
            fault.times = None if fault.times is None else fault.times - 1
            if fault.kind in ("slow", "timeout"):
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closing.wait(), fault.delay)
            if fault.kind != "slow":
                raise fault.to_error(self.chats.get(chat_id) if isinstance(chat_id, int) else None)
        limiter = self.limiter
        if limiter and name.lower() in limiter.limits.counted_methods and isinstance(chat_id, int):
            chat = self.chats.get(chat_id)
            if chat is not None and (wait := limiter.check(chat.id, chat.is_group)) is not None:
                raise retry_after_error(wait)
        return await handler(params)

    def _serve_file(self, token_part: str, file_id: str) -> web.Response:
        """Download endpoint for files the bot uploaded (file_path is 'documents/<file_id>')."""
        if token_part != f"bot{self.token}":
            return _error_response(ApiError(401, "Unauthorized"))
        if (stored := self.files.get(file_id)) is None:
            return _error_response(ApiError(404, "Not Found"))
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    # ----- Bot API methods (the part after _m_ is the method name) ------------------------

    async def _m_getMe(self, p: JSON) -> JSON:
        """PTB calls this at start to learn the bot username used for /cmd@bot."""
        return {**self.bot.to_api(), "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False,
                "has_main_web_app": False}  # fmt: skip

    async def _m_logOut(self, p: JSON) -> bool:
        """Accepted and ignored: nothing to log out from."""
        return True

    async def _m_close(self, p: JSON) -> bool:
        """Accepted and ignored: nothing to close."""
        return True

    async def _m_getUpdates(self, p: JSON) -> list[JSON]:
        """Long polling: confirm below offset, answer as soon as updates exist or on timeout."""
        if self.webhook and self.webhook.get("url"):
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")  # fmt: skip
        self._confirm(p.get("offset"))
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_polls()  # an older poll still waiting is terminated with 409, like Telegram
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0, int(p.get("timeout") or 0))
        while not self._updates and not self._closing.is_set():
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._updates_changed.wait(), remaining)
            if generation != self._poll_generation:
                transport = _REQUEST.get().transport
                self.conflicts += transport is not None and not transport.is_closing()
                raise ApiError(409, "Conflict: terminated by other getUpdates request; make "
                                    "sure that only one bot instance is running")  # fmt: skip
        return list(itertools.islice(self._updates, limit))
