"""Moderator rights come from Telegram at the moment of the action (getChatMember, ~30 s cache)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden, TelegramError

from bots.telegram_bot.sending import BotHandle, chat_key

log = logging.getLogger(__name__)
ADMIN_STATUSES = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR})


class TelegramAdminCheck:
    """Implements core.ports.AdminCheck: creator/administrator of the chat → True."""

    def __init__(
        self,
        handle: BotHandle,
        ttl: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.handle = handle
        self.ttl = ttl
        self.clock = clock
        self._cache: dict[tuple[str, str], tuple[float, bool]] = {}

    async def is_admin(self, chat_id: str, user_id: str) -> bool:
        """Ask Telegram (or a recent answer); any doubt (error, unknown user) means no."""
        key = (chat_id, user_id)
        now = self.clock()
        cached = self._cache.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            bot = await self.handle.ready()
            member = await bot.get_chat_member(chat_key(chat_id), int(user_id))
        except (Forbidden, BadRequest) as error:
            log.info("cannot check %s in %s: %s", user_id, chat_id, error)
            answer = False  # the bot left the chat or the user is unknown: a stable "no"
        except (TelegramError, ValueError) as error:
            log.warning("admin check of %s in %s failed: %s", user_id, chat_id, error)
            return False  # transient: do not remember
        else:
            answer = member.status in ADMIN_STATUSES
        if len(self._cache) > 10_000:
            self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
        self._cache[key] = (now + self.ttl, answer)
        return answer
