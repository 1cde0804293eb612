"""Cards with a photo on Telegram: the photo carries the card as its caption when it fits."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Message, PhotoSize, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ExtBot

from bots.telegram_bot.rendering import CAPTION_LIMIT, PLATFORM, caption_of, split_html
from core.messages import Reply, photo_on

log = logging.getLogger(__name__)
_NO_CAPTION = "no caption"  # editMessageCaption on a text message (the photo went separately)


def largest(sizes: tuple[PhotoSize, ...]) -> str:
    """'telegram:<file id>' of the biggest size Telegram offers ('' when there is no photo)."""
    if not sizes:
        return ""
    return f"{PLATFORM}:{max(sizes, key=lambda size: size.width * size.height).file_id}"


async def send_photo_card(
    bot: ExtBot[int],
    chat_id: int | str,
    reply: Reply,
    text: str,
    markup: InlineKeyboardMarkup | None,
    quote: ReplyParameters | None,
    retries: int,
) -> tuple[Message | None, bool]:
    """Send the reply's photo, captioned with the text when it fits; True when that said it all.

    A longer text goes after the photo as usual; a photo Telegram refuses is skipped (logged).
    """
    file_id = photo_on(reply, PLATFORM)
    if not file_id:
        return None, False
    caption = caption_of(text)
    try:
        sent = await bot.send_photo(
            chat_id,
            file_id,
            caption=caption,
            parse_mode=ParseMode.HTML if caption else None,
            reply_markup=markup if caption else None,
            reply_parameters=quote,
            rate_limit_args=retries,
        )
    except BadRequest as error:
        log.info("photo %s not sent to %s: %s", file_id, chat_id, error)
        return None, False
    return sent, caption is not None


async def edit_photo_card(
    bot: ExtBot[int],
    chat_id: int | str,
    message_id: int,
    reply: Reply,
    text: str,
    markup: InlineKeyboardMarkup | None,
) -> bool:
    """Edit a captioned card's caption; False when the card is a text message after its photo."""
    if not photo_on(reply, PLATFORM):
        return False
    caption = (split_html(text, CAPTION_LIMIT) or ["…"])[0]  # grown past a caption: its start
    try:
        await bot.edit_message_caption(chat_id=chat_id, message_id=message_id, caption=caption,
                                       parse_mode=ParseMode.HTML, reply_markup=markup)  # fmt: skip
    except BadRequest as error:
        if _NO_CAPTION in str(error).lower():
            return False
        raise
    return True
