"""The Telegram adapter: PTB for the API and handler routing, our own confirmed polling."""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    PreCheckoutQueryHandler,
    filters,
)

from bots.telegram_bot.admins import TelegramAdminCheck
from bots.telegram_bot.backlog import ChatBacklog
from bots.telegram_bot.checkout import CheckoutHandlers
from bots.telegram_bot.invoices import TelegramPaymentProvider, invoice_key
from bots.telegram_bot.menu import publish_menu
from bots.telegram_bot.messenger import TelegramMessenger
from bots.telegram_bot.polling import Backoff, Poller
from bots.telegram_bot.ratelimit import Limits, SendLimiter
from bots.telegram_bot.replies import ReplySender
from bots.telegram_bot.sending import BotHandle
from bots.telegram_bot.transport import AiohttpRequest
from bots.telegram_bot.updates import UpdateHandlers
from bots.telegram_bot.webhook import InFlight, WebhookReceiver, derived_secret
from core.checkout_ports import PaymentNeeds
from core.commands.interpreter import Interpreter
from core.commands.registry import REGISTRY

log = logging.getLogger(__name__)
DEFAULT_API_URL = "https://api.telegram.org/bot"
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
BACKLOG_GRACE_SECONDS = 3.0  # at stop, replies owed to chats at their limit get this long


def file_url_for(base_url: str) -> str | None:
    """'https://host/bot' → 'https://host/file/bot' (PTB wants both for self-hosted servers)."""
    return base_url[: -len("/bot")] + "/file/bot" if base_url.endswith("/bot") else None


def _transport(seconds: float) -> AiohttpRequest:
    """Bot API calls over aiohttp (transport.py says why); read, write, connect and pool
    timeouts `seconds`, uploads PTB's 20 s."""
    return AiohttpRequest(256, seconds, seconds, seconds, seconds)


class TelegramAdapter:
    """Runs inside the shared loop; exposes the delivery port and the admin check for wiring."""

    def __init__(
        self,
        interpreter: Interpreter,
        token: str,
        base_url: str = DEFAULT_API_URL,
        *,
        poll_timeout: int = 30,
        concurrency: int = 16,
        limits: Limits | None = None,
        admin_cache_seconds: float = 30.0,
        request_timeout: float = 10.0,
        payment_token: str = "",
        payment_needs: PaymentNeeds | None = None,
        webhook_url: str = "",
        webhook_secret: str = "",
        in_flight: InFlight | None = None,
    ) -> None:
        self.interpreter = interpreter
        self.limiter = SendLimiter(limits)
        builder = (
            ApplicationBuilder()
            .token(token)
            .base_url(base_url)
            .rate_limiter(self.limiter)
            .request(_transport(request_timeout))
            .get_updates_request(AiohttpRequest(connection_pool_size=1))  # PTB's own defaults
            .updater(None)
        )
        if file_url := file_url_for(base_url):
            builder = builder.base_file_url(file_url)
        self.application: Application = builder.build()  # type: ignore[type-arg]
        self.handle = BotHandle(self.application.bot)
        self.messenger = TelegramMessenger(self.handle, interpreter.ctx.rules.timezone)
        self.admin_check = TelegramAdminCheck(self.handle, ttl=admin_cache_seconds)
        sender = ReplySender(self.handle, interpreter.ctx)
        self.backlog = ChatBacklog(self.limiter.chat_wait)
        self.handlers = UpdateHandlers(interpreter, self.handle, sender, self.backlog)
        key = invoice_key(token)
        self.checkout = CheckoutHandlers(interpreter, sender, key)
        # Telegram Payments when a provider token is set (BotFather → Payments); else none here.
        self.payment_provider: TelegramPaymentProvider | None = None
        if payment_token:
            self.payment_provider = TelegramPaymentProvider(
                self.handle, interpreter.ctx, payment_token, key, payment_needs
            )
        self.poller = Poller(self.application.bot, self.application.process_update,
                             timeout=poll_timeout, concurrency=concurrency)  # fmt: skip
        # Webhook mode (webhook.py) when a public URL is given: no getUpdates at all.
        self.webhook: WebhookReceiver | None = None
        if webhook_url:
            secret = webhook_secret or derived_secret(token)
            self.webhook = WebhookReceiver(self.application.bot, self.application.process_update,
                                           webhook_url, secret, in_flight)  # fmt: skip
        self._stopping = asyncio.Event()
        self.started = asyncio.Event()
        self._register_handlers()

    @property
    def username(self) -> str:
        """The bot's username once getMe answered."""
        return self.handle.username

    def _register_handlers(self) -> None:
        """Known commands (also /cmd@us), other commands, photos captioned /cmd, button presses,
        and Telegram Payments' pre-checkout questions and payments."""
        known = [*REGISTRY, *self.interpreter.aliases]
        names = sorted(name for name in known if _COMMAND_NAME.fullmatch(name))
        only_messages = filters.UpdateType.MESSAGE
        self.application.add_handler(
            CommandHandler(names, self.handlers.on_command, filters=only_messages)
        )
        self.application.add_handler(
            MessageHandler(filters.COMMAND & only_messages, self.handlers.on_command)
        )
        captioned = filters.PHOTO & filters.CaptionRegex(r"^/") & only_messages
        self.application.add_handler(MessageHandler(captioned, self.handlers.on_command))
        self.application.add_handler(CallbackQueryHandler(self.handlers.on_callback))
        self.application.add_handler(PreCheckoutQueryHandler(self.checkout.on_pre_checkout))
        paid = filters.SUCCESSFUL_PAYMENT & only_messages
        self.application.add_handler(MessageHandler(paid, self.checkout.on_successful_payment))
        self.application.add_error_handler(self._on_error)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A handler crashed: log it; the update is still confirmed (no poison loop)."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("update %s failed", update_id, exc_info=context.error)

    async def _connect(self, backoff: Backoff | None = None) -> None:
        """getMe until it answers: the network may be down when the process starts."""
        backoff = backoff or Backoff()
        while True:
            try:
                await self.handle.ready()
                return
            except InvalidToken:
                raise
            except NetworkError as error:
                wait = backoff.take()
                log.warning("Telegram unreachable (%s); retrying in %.0f s", error, wait)
                await asyncio.sleep(wait)

    @property
    def connected(self) -> bool:
        """Taking updates (polling, or the webhook registered) — for /healthz."""
        return self.started.is_set()

    async def run(self) -> None:
        """Start PTB, publish the menu, then poll (or serve the webhook) until stop()."""
        await self._connect()
        self._stopping.clear()
        async with self.application:
            await publish_menu(self.application.bot, self.interpreter.ctx.rules.default_lang)
            await self.application.start()
            try:
                await self._take_updates()
            finally:
                self.started.clear()
                if self.webhook is not None:
                    await self.webhook.drain(BACKLOG_GRACE_SECONDS)
                await self.backlog.drain(BACKLOG_GRACE_SECONDS)
                await self.application.stop()

    async def _take_updates(self) -> None:
        """Long-poll, or register the webhook and wait: its updates come through the server."""
        if self.webhook is None:
            self.started.set()
            log.info("telegram bot @%s is polling", self.username)
            await self.poller.run()
            return
        await self.webhook.register()
        self.started.set()
        log.info("telegram bot @%s takes updates at its webhook", self.username)
        await self._stopping.wait()

    async def close(self) -> None:
        """Release the HTTP connections if the delivery port was used without run()."""
        if not self.application.running:
            await self.application.bot.shutdown()

    async def shutdown(self) -> None:
        """Graceful stop for the composition root: the batch in hand finishes and is confirmed."""
        self.stop()

    def stop(self) -> None:
        """Ask run() to return after the batch in hand is processed and confirmed."""
        self._stopping.set()
        self.poller.stop()
