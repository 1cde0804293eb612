"""The delivery port: broadcasts and card edits, with Telegram's errors mapped to outcomes."""

from __future__ import annotations

import logging

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bots.i18n.formatting import DEFAULT_TIMEZONE
from bots.telegram_bot.ratelimit import retry_seconds
from bots.telegram_bot.sending import BotHandle, chat_key, edit_reply, post_reply
from core.lanes import Lane, sending_in
from core.messages import Reply
from core.ports import SendOutcome, SendResult

log = logging.getLogger(__name__)
PLATFORM = "telegram"
_NOT_MODIFIED = "message is not modified"
_CHAT_LOST = ("chat not found", "user not found", "peer_id_invalid")
_MESSAGE_LOST = ("message to edit not found", "message can't be edited", "message_id_invalid")


def outcome_of(error: Exception, *, editing: bool = False) -> SendResult:
    """What the dispatcher should do after a failed call (order matters: BadRequest is a
    NetworkError in PTB)."""
    text = str(error)[:200]
    lowered = text.lower()
    if isinstance(error, RetryAfter):
        return SendResult(SendOutcome.RETRY, retry_after=retry_seconds(error), error=text)
    if isinstance(error, ChatMigrated):
        return SendResult(SendOutcome.MIGRATED, new_chat_id=str(error.new_chat_id), error=text)
    if isinstance(error, Forbidden):
        return SendResult(SendOutcome.GONE, error=text)
    if isinstance(error, BadRequest):
        if editing and _NOT_MODIFIED in lowered:
            return SendResult(SendOutcome.SENT)
        if any(marker in lowered for marker in _CHAT_LOST):
            return SendResult(SendOutcome.GONE, error=text)
        if editing and any(marker in lowered for marker in _MESSAGE_LOST):
            return SendResult(SendOutcome.GONE, error=text)
        return SendResult(SendOutcome.FAILED, error=text)
    if isinstance(error, NetworkError | InvalidToken):
        return SendResult(SendOutcome.RETRY, error=text)
    if isinstance(error, TelegramError):
        return SendResult(SendOutcome.FAILED, error=text)
    return SendResult(SendOutcome.RETRY, error=repr(error)[:200])


class TelegramMessenger:
    """Implements core.ports.Messenger; never raises, every failure becomes a SendResult."""

    platform = PLATFORM

    def __init__(self, handle: BotHandle, timezone: str = DEFAULT_TIMEZONE) -> None:
        self.handle = handle
        self.timezone = timezone  # broadcasts show dates in the community's time zone

    async def send(self, chat_id: str, message: Reply, lang: str) -> SendResult:
        """Post one broadcast; a 429 is reported (not slept through) so the outbox reschedules."""
        try:
            sent = await post_reply(self.handle, chat_key(chat_id), message, lang, retries=0,
                                    timezone=self.timezone)  # fmt: skip
        except Exception as error:
            result = outcome_of(error)
            log.info("send to %s: %s (%s)", chat_id, result.outcome.value, result.error)
            return result
        return SendResult(SendOutcome.SENT, message_id=str(sent.message_id) if sent else "")

    async def edit(self, chat_id: str, message_id: str, message: Reply, lang: str) -> SendResult:
        """Edit a live card in place; 'not modified' counts as done."""
        try:
            with sending_in(Lane.BROADCAST):  # a live card is the chat's, like a broadcast
                await edit_reply(self.handle, chat_key(chat_id), int(message_id), message, lang,
                                 self.timezone)  # fmt: skip
        except Exception as error:
            result = outcome_of(error, editing=True)
            if result.outcome is not SendOutcome.SENT:
                log.info("edit %s/%s: %s (%s)", chat_id, message_id, result.outcome.value,
                         result.error)  # fmt: skip
            return result
        return SendResult(SendOutcome.SENT, message_id=message_id)
