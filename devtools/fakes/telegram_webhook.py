"""Webhooks in the fake Bot API: setWebhook / deleteWebhook / getWebhookInfo, and delivery.

Like Telegram: once a webhook is set, getUpdates answers 409, and each pending update is POSTed
as JSON to the URL, with the secret in `X-Telegram-Bot-Api-Secret-Token` when one was given.
An update is forgotten (confirmed) only on a 2xx answer; any other answer or a network error is
kept as `last_error_message` and the same update is posted again after `retry_seconds`. Updates
go out one at a time, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

import aiohttp

from devtools.fakes.telegram_models import JSON, bad_request
from devtools.fakes.telegram_payments import TelegramPayments

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramWebhooks(TelegramPayments):
    """The webhook methods and the task that posts pending updates to the webhook URL."""

    retry_seconds = 0.2  # Telegram waits longer; tests want the retry soon
    post_timeout = 30.0

    def __init__(self, token: str, **world: object) -> None:
        super().__init__(token, **world)  # type: ignore[arg-type]
        self.webhook_posts = 0  # every POST made, answered or not
        self.webhook_errors: list[str] = []
        self._webhook_task: asyncio.Task[None] | None = None

    async def _m_setWebhook(self, p: JSON) -> bool:
        """Record the URL and secret, and start posting pending updates to it."""
        url = str(p.get("url") or "")
        if not url:
            return await self._m_deleteWebhook(p)
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: an HTTPS URL must be provided for webhook")
        self.webhook = {k: v for k, v in p.items() if isinstance(v, (str, int, bool, list))}
        self._start_posting()
        return True

    async def _m_deleteWebhook(self, p: JSON) -> bool:
        """PTB calls this before polling; drop_pending_updates confirms everything."""
        self.webhook = None
        self._stop_posting()
        if p.get("drop_pending_updates"):
            self._confirm(self._next_update_id)
        return True

    async def _m_getWebhookInfo(self, p: JSON) -> JSON:
        """The recorded webhook, the pending update count and the last delivery error."""
        hook = self.webhook or {}
        info: JSON = {
            "url": hook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
            "max_connections": int(hook.get("max_connections") or 40),
        }
        if hook.get("allowed_updates"):
            info["allowed_updates"] = hook["allowed_updates"]
        if self.webhook_errors:
            info["last_error_date"] = int(time.time())
            info["last_error_message"] = self.webhook_errors[-1]
        return info

    def _start_posting(self) -> None:
        """One delivery task per server (a new setWebhook changes where it posts)."""
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(self._post_pending())

    def _stop_posting(self) -> None:
        """Stop delivering (deleteWebhook, server stop)."""
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            self._webhook_task = None

    async def _post_pending(self) -> None:
        """Post the oldest pending update until answered 2xx, then the next, while hooked."""
        async with aiohttp.ClientSession() as http:
            while self.webhook:
                if not self._updates:
                    changed = self._updates_changed
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(changed.wait(), 1.0)
                    continue
                update = self._updates[0]
                if await self._post(http, update):
                    self._confirm(int(update["update_id"]) + 1)
                else:
                    await asyncio.sleep(self.retry_seconds)
                self._notify()

    async def _post(self, http: aiohttp.ClientSession, update: JSON) -> bool:
        """One POST of one update; True when the bot answered 2xx."""
        hook = self.webhook or {}
        headers = {SECRET_HEADER: str(hook["secret_token"])} if hook.get("secret_token") else {}
        self.webhook_posts += 1
        try:
            timeout = aiohttp.ClientTimeout(total=self.post_timeout)
            async with http.post(
                str(hook["url"]), json=update, headers=headers, timeout=timeout
            ) as response:
                if 200 <= response.status < 300:
                    return True
                self.webhook_errors.append(f"Wrong response from the webhook: {response.status}")
        except (aiohttp.ClientError, TimeoutError) as error:
            self.webhook_errors.append(f"Connection failed: {type(error).__name__}")
        return False
