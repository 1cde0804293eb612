"""Telegram updates to interpreter calls: typed commands and inline-button presses."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Chat, Message, Update, User
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bots.telegram_bot.backlog import ChatBacklog
from bots.telegram_bot.messenger import PLATFORM
from bots.telegram_bot.photos import largest
from bots.telegram_bot.rendering import plain_text
from bots.telegram_bot.replies import ReplySender
from bots.telegram_bot.sending import BotHandle
from core.commands.interpreter import Answer, Interpreter
from core.commands.registry import REGISTRY
from core.ports import Actor, ChatKind, ChatRef

log = logging.getLogger(__name__)
TOAST_ONLY_MAX = 10_000  # compare untruncated: a cut toast must also be sent as a message
_KINDS: dict[str, ChatKind] = {
    ChatType.PRIVATE: ChatKind.PRIVATE,
    ChatType.GROUP: ChatKind.GROUP,
    ChatType.SUPERGROUP: ChatKind.GROUP,
    ChatType.CHANNEL: ChatKind.CHANNEL,
}


def actor_of(user: User) -> Actor:
    """The account the core knows this Telegram user by."""
    return Actor(f"{PLATFORM}:{user.id}", user.full_name, user.language_code)


def chat_of(chat: Chat) -> ChatRef:
    """Where the update happened, in the core's terms."""
    kind = _KINDS.get(chat.type, ChatKind.GROUP)
    return ChatRef(PLATFORM, str(chat.id), kind, chat.title or chat.full_name or "")


def update_key(update: Update) -> str:
    """The idempotency key of a Telegram update."""
    return f"{PLATFORM}:{update.update_id}"


def is_toast(answer: Answer) -> bool:
    """A lone one-line personal reply (refusals, 'stale button') fits a callback toast."""
    if len(answer.replies) != 1:
        return False
    reply = answer.replies[0]
    return reply.private and len(reply.body) == 1 and not reply.buttons and reply.card is None


def photo_of(message: Message) -> str:
    """The photo sent with the command (captioned), or the one the command replies to."""
    replied = message.reply_to_message
    return largest(message.photo) or (largest(replied.photo) if replied is not None else "")


class UpdateHandlers:
    """The PTB callbacks; rights and state are always re-checked by the core, never trusted.

    Each update is handled exactly once (`Interpreter.text_once` / `action_once`): an effect
    commits with the update's key; a read-only command runs outside the writer.
    """

    def __init__(
        self, interpreter: Interpreter, handle: BotHandle, sender: ReplySender, backlog: ChatBacklog
    ) -> None:
        self.interpreter = interpreter
        self.handle = handle
        self.sender = sender
        self.backlog = backlog

    async def answered(self, update: Update) -> None:
        """The answer is out: a redelivery of this update will not send it again."""
        await self.interpreter.answered(update_key(update))

    def command_text(self, message: Message) -> str | None:
        """'/cmd@us args' → '/cmd args' (a photo's caption too); None when meant for another bot."""
        text = (message.text or message.caption or "").strip()
        head, sep, rest = text.partition(" ")
        head, newline, more = head.partition("\n")
        name, _, addressee = head[1:].partition("@")
        if addressee and addressee.lower() != self.handle.username.lower():
            return None
        in_group = message.chat.type != ChatType.PRIVATE
        if in_group and not addressee and name.lower() not in REGISTRY:
            return None  # probably another bot's command: only answer unknowns addressed to us
        return "/" + name + newline + more + sep + rest

    async def on_command(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """A typed command, in private or in a group (also /cmd@botname)."""
        message, user = update.message, update.effective_user
        if message is None or user is None or user.is_bot:
            return  # channel posts and anonymous admins cannot be told apart from each other
        text = self.command_text(message)
        if text is None:
            return
        actor, chat = actor_of(user), chat_of(message.chat)
        key, photo = update_key(update), photo_of(message)
        answer = await self.interpreter.text_once(key, actor, chat, text, photo)
        if answer is not None:
            await self._send_or_owe(update, answer, message.chat, user, message.message_id)

    async def on_callback(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """A button press: always answered, so the client stops its spinner."""
        query = update.callback_query
        if query is None:
            return
        message = query.message  # None for presses under inline-mode messages
        where = message.chat if message is not None else None
        actor = actor_of(query.from_user)
        chat = chat_of(where) if where is not None else ChatRef(PLATFORM, str(query.from_user.id))
        key = update_key(update)
        answer = await self.interpreter.action_once(key, actor, chat, query.data or "")
        if answer is None or not answer.replies:
            await self._answer(query, "")
            if answer is not None:
                await self.answered(update)
            return
        await self._reply_to_press(update, query, answer)

    async def _reply_to_press(self, update: Update, query: CallbackQuery, answer: Answer) -> None:
        """The toast, and the full answer where a toast is not enough."""
        message = query.message
        where = message.chat if message is not None else None
        first = answer.replies[0]
        toast = plain_text(first, answer.lang)
        await self._answer(query, toast)
        if is_toast(answer) and toast == plain_text(first, answer.lang, limit=TOAST_ONLY_MAX):
            await self.answered(update)
            return  # the toast said it all (a refusal, a stale button, a "slow down")
        if (
            where is not None
            and where.type != ChatType.PRIVATE
            and all(reply.private for reply in answer.replies)
        ):
            # A personal answer to a press in a group: the toast confirms and the live card shows
            # the count. A DM per press would spend the bot's global 30 msg/s on a flash crowd
            # and hold back the broadcasts everyone is waiting for.
            await self.answered(update)
            return
        target = where or Chat(query.from_user.id, ChatType.PRIVATE)  # inline mode: in private
        reply_to = message.message_id if message is not None else None
        await self._send_or_owe(update, answer, target, query.from_user, reply_to)

    async def _send_or_owe(
        self, update: Update, answer: Answer, chat: Chat, user: User | None, reply_to: int | None
    ) -> None:
        """Send the answer now, or owe it to a chat at its send limit (or still owed replies),
        so this update does not hold a slot other chats need; confirmed once sent (§7)."""

        async def send() -> None:
            await self.sender.deliver(answer, chat, user, reply_to)
            await self.answered(update)

        chats = [chat.id]
        if user is not None and chat.type != ChatType.PRIVATE:
            chats += [user.id] if any(reply.private for reply in answer.replies) else []
        if self.backlog.must_wait(chats):
            self.backlog.add(chat.id, send, urgent=answer.urgent)
        else:
            await send()

    async def _answer(self, query: CallbackQuery, text: str) -> None:
        """answerCallbackQuery; a press answered too late only loses its toast."""
        try:
            await query.answer(text or None)
        except TelegramError as error:
            log.info("could not answer callback %s: %s", query.id, error)
