"""Answers to a member: in the chat, or in private when the reply is personal."""

from __future__ import annotations

import logging

from telegram import Chat, Message, User
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError

from bots.telegram_bot.messenger import PLATFORM
from bots.telegram_bot.sending import INTERACTIVE_RETRIES, BotHandle, post_reply
from core.commands.interpreter import Answer
from core.messages import Reply
from core.services import cards
from core.services.context import Context

log = logging.getLogger(__name__)


class ReplySender:
    """Sends an Answer's replies where they belong and registers wave cards posted in groups."""

    def __init__(self, handle: BotHandle, ctx: Context) -> None:
        self.handle = handle
        self.ctx = ctx

    async def deliver(
        self, answer: Answer, chat: Chat, user: User | None, reply_to: int | None
    ) -> None:
        """Each reply becomes one message (or a few, if long); failures are logged, not raised."""
        in_private = chat.type == ChatType.PRIVATE
        # Personal answers use the member's time zone; what a group reads, the community's.
        mine, community = answer.timezone, self.ctx.rules.timezone
        for reply in answer.replies:
            try:
                dm = user if reply.private and not in_private else None
                if dm is not None and await self._to_private(reply, answer.lang, dm, mine):
                    continue
                quote = None if in_private else reply_to
                zone = mine if in_private else community
                sent = await self._post(chat.id, reply, answer.lang, quote, zone)
                if sent is not None and not in_private:
                    await self._register_card(reply, sent, answer.lang)
            except Forbidden as error:
                log.info("chat %s refused our reply: %s", chat.id, error)
                return  # the bot was removed from this chat: nothing more can be said here
            except TelegramError as error:
                log.warning("reply in chat %s failed: %s", chat.id, error)

    async def _to_private(self, reply: Reply, lang: str, user: User, timezone: str) -> bool:
        """Personal replies go to the user's private chat; False if they never started the bot."""
        try:
            await self._post(user.id, reply, lang, None, timezone)
        except (Forbidden, BadRequest) as error:
            log.info("cannot reach %s in private (%s); answering in the group", user.id, error)
            return False
        return True

    async def _post(
        self, chat_id: int, reply: Reply, lang: str, reply_to: int | None, timezone: str
    ) -> Message | None:
        """Send with a few 429 retries: the member is waiting for this answer."""
        return await post_reply(self.handle, chat_id, reply, lang, reply_to=reply_to,
                                retries=INTERACTIVE_RETRIES, timezone=timezone)  # fmt: skip

    async def _register_card(self, reply: Reply, sent: Message, lang: str) -> None:
        """A wave card posted in a group or channel is kept current by the core's card sweep."""
        if reply.card is None or reply.card[0] != "wave":
            return
        try:
            await cards.register(self.ctx, PLATFORM, str(sent.chat_id), str(sent.message_id),
                                 reply.card[1], lang)  # fmt: skip
        except Exception:
            log.exception("could not register card of wave %s", reply.card[1])
