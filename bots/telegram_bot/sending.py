"""The one shared bot, and posting a Reply as one or more Telegram messages."""

from __future__ import annotations

import asyncio
import re

from telegram import InlineKeyboardMarkup, InputFile, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.ext import ExtBot

from bots.i18n.formatting import DEFAULT_TIMEZONE
from bots.telegram_bot.photos import edit_photo_card, send_photo_card
from bots.telegram_bot.rendering import keyboard, render_reply, split_html
from core.messages import Attachment, Reply

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
INTERACTIVE_RETRIES = 3  # 429s an interactive reply sleeps through before giving up


class BotHandle:
    """Polling, replies, deliveries and admin checks share one bot, initialised (getMe) once."""

    def __init__(self, bot: ExtBot[int]) -> None:
        self.bot = bot
        self._username = ""
        self._lock = asyncio.Lock()

    @property
    def username(self) -> str:
        """The bot's @name without '@' ('' until getMe answered)."""
        return self._username

    async def ready(self) -> ExtBot[int]:
        """The initialised bot; the delivery port may be used before the adapter polls."""
        if not self._username:
            async with self._lock:
                if not self._username:
                    await self.bot.initialize()
                    self._username = self.bot.username or ""
        return self.bot


def chat_key(chat_id: str | int) -> int | str:
    """Stored chat ids are strings; the API wants integers (or '@channel')."""
    if isinstance(chat_id, int):
        return chat_id
    return int(chat_id) if re.fullmatch(r"-?[0-9]+", chat_id) else chat_id


def is_private(chat_id: int | str) -> bool:
    """Telegram gives users positive ids; groups and channels are negative or '@name'."""
    return isinstance(chat_id, int) and chat_id > 0


async def post_reply(
    handle: BotHandle,
    chat_id: int | str,
    reply: Reply,
    lang: str,
    *,
    reply_to: int | None = None,
    retries: int = 0,
    timezone: str = DEFAULT_TIMEZONE,
) -> Message | None:
    """Send a reply (split if long), then its files; returns the message carrying the buttons."""
    bot = await handle.ready()
    text = render_reply(reply, lang, timezone)
    chunks = split_html(text)
    link = "" if is_private(chat_id) else handle.username
    markup = keyboard(reply, lang, link, private=is_private(chat_id))
    quoted = (
        ReplyParameters(reply_to, allow_sending_without_reply=True)
        if reply_to is not None
        else None
    )
    last, captioned = await send_photo_card(bot, chat_id, reply, text, markup, quoted, retries)
    if captioned:
        chunks, quoted = [], None  # the caption said it all
    elif last is not None:
        quoted = None  # the text follows its photo
    for index, chunk in enumerate(chunks):
        quote = quoted if index == 0 else None
        last = await bot.send_message(
            chat_id,
            chunk,
            parse_mode=ParseMode.HTML,
            reply_markup=markup if index == len(chunks) - 1 else None,
            link_preview_options=NO_PREVIEW,
            reply_parameters=quote,
            rate_limit_args=retries,
        )
    files = reply.attachments
    for index, attachment in enumerate(files):
        buttons = markup if not chunks and not captioned and index == len(files) - 1 else None
        sent = await _send_file(bot, chat_id, attachment, buttons, retries)
        last = last if chunks or captioned else sent
    return last


async def _send_file(
    bot: ExtBot[int],
    chat_id: int | str,
    attachment: Attachment,
    markup: InlineKeyboardMarkup | None,
    retries: int,
) -> Message:
    """Charts go as photos (shown inline), everything else (CSV exports) as documents."""
    upload = InputFile(attachment.data, filename=attachment.filename)
    if attachment.kind == "image":
        return await bot.send_photo(chat_id, upload, reply_markup=markup, rate_limit_args=retries)
    return await bot.send_document(chat_id, upload, reply_markup=markup, rate_limit_args=retries)


async def edit_reply(
    handle: BotHandle,
    chat_id: int | str,
    message_id: int,
    reply: Reply,
    lang: str,
    timezone: str = DEFAULT_TIMEZONE,
) -> None:
    """Replace a posted message (a live card) with a reply's current text and buttons."""
    bot = await handle.ready()
    text = render_reply(reply, lang, timezone)
    chunks = split_html(text) or ["…"]
    link = "" if is_private(chat_id) else handle.username
    markup = keyboard(reply, lang, link, private=is_private(chat_id))
    if await edit_photo_card(bot, chat_id, message_id, reply, text, markup):
        return  # a captioned photo: editMessageText would be refused
    await bot.edit_message_text(
        chunks[0],
        chat_id=chat_id,
        message_id=message_id,
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
        link_preview_options=NO_PREVIEW,
    )
