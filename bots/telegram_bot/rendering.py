"""Replies to Telegram HTML: escaped text, messages split under 4096, inline keyboards."""

from __future__ import annotations

import html
import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bots.i18n import Markup, has_text, render
from bots.i18n.formatting import DEFAULT_TIMEZONE
from bots.i18n.photos import body_with_photo_note
from core.messages import Button, Reply, t

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 4096  # Telegram counts the text after entity parsing
CAPTION_LIMIT = 1024  # a photo's caption, counted the same way
PLATFORM = "telegram"  # the owner of the photos this adapter can show (telegram:<file id>)
TOAST_LIMIT = 200  # answerCallbackQuery text
CALLBACK_DATA_LIMIT = 64  # bytes
DEEP_LINK_LABEL_KEY = "button.open_private"

HTML = Markup(
    escape=lambda text: html.escape(text, quote=False),
    tags={"<b>": "<b>", "</b>": "</b>", "<i>": "<i>", "</i>": "</i>",
          "<code>": "<code>", "</code>": "</code>"},
)  # fmt: skip

# Rendered text only holds our tags and escaped user text, so this tokenizer sees everything.
_PIECE = re.compile(r"<(/?)([a-z]+)>|&#?\w+;|[\s\S]")


def render_reply(reply: Reply, lang: str, timezone: str = DEFAULT_TIMEZONE) -> str:
    """One Telegram HTML text per reply, paragraphs one per line, dates in the reader's zone."""
    body = body_with_photo_note(reply, PLATFORM)  # a Discord photo is only mentioned
    return "\n".join(render(part, lang, HTML, timezone) for part in body)


def caption_of(text: str) -> str | None:
    """The rendered text as a photo's caption, or None when it is too long for one."""
    chunks = split_html(text, CAPTION_LIMIT)
    return chunks[0] if len(chunks) == 1 else None


def plain_text(reply: Reply, lang: str, limit: int = TOAST_LIMIT) -> str:
    """The first paragraph without markup, short enough for a callback toast."""
    if not reply.body:
        return ""
    text = render(reply.body[0], lang).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _units(text: str) -> int:
    """Telegram measures lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut HTML into messages of at most `limit` visible units, at line ends when possible.

    Tags open at a cut are closed at the end of one part and reopened at the start of the next,
    so every part stays valid HTML; entities and tags are never cut.
    """
    chunks: list[str] = []
    parts: list[tuple[str, int]] = []  # (markup, visible units)
    open_tags: list[str] = []
    size = 0
    line_break: tuple[int, list[str]] | None = None  # last newline in parts, tags open there

    def emit(pieces: list[tuple[str, int]], tags: list[str]) -> None:
        body = "".join(markup for markup, _ in pieces) + "".join(f"</{tag}>" for tag in tags[::-1])
        if html.unescape(re.sub(r"<[^>]*>", "", body)).strip():
            chunks.append(body)

    for match in _PIECE.finditer(text):
        piece = match.group(0)
        units = 0 if match.group(2) else (1 if piece.startswith("&") else _units(piece))
        while size + units > limit and size > 0:
            if line_break is not None:
                index, tags = line_break
                emit(parts[:index], tags)
                parts = [("".join(f"<{tag}>" for tag in tags), 0), *parts[index + 1 :]]
            else:
                emit(parts, open_tags)
                parts = [("".join(f"<{tag}>" for tag in open_tags), 0)]
            size = sum(units for _, units in parts)
            line_break = None
        parts.append((piece, units))
        size += units
        if match.group(2):
            if match.group(1):
                if open_tags and open_tags[-1] == match.group(2):
                    open_tags.pop()
            else:
                open_tags.append(match.group(2))
        elif piece == "\n":
            line_break = (len(parts) - 1, list(open_tags))
    emit(parts, open_tags)
    return chunks


def deep_link(username: str, wave_id: int) -> str:
    """The t.me link that opens the bot in private on a wave's card."""
    return f"https://t.me/{username}?start=wave_{wave_id}"


def _deep_link_label(username: str, lang: str) -> str:
    """Catalogue label when the catalogue has one, else the bot's @name (no language needed)."""
    if has_text(DEEP_LINK_LABEL_KEY):
        return render(t(DEEP_LINK_LABEL_KEY), lang)
    return f"💬 @{username}"


def link_button(button: Button, lang: str, private: bool) -> InlineKeyboardButton:
    """A page opened by the client: a wave page opens as a Mini App where Telegram allows one
    (private chats, an https page), else in the browser."""
    label = render(button.label, lang)
    if button.opens_app and private and button.url.startswith("https://"):
        return InlineKeyboardButton(label, web_app=WebAppInfo(button.url))
    return InlineKeyboardButton(label, url=button.url)


def keyboard(
    reply: Reply, lang: str, link_username: str = "", private: bool = False
) -> InlineKeyboardMarkup | None:
    """Buttons carry their action as callback data; a wave card in a group gets a deep link."""
    rows: list[list[InlineKeyboardButton]] = []
    for row in reply.buttons:
        buttons = []
        for button in row:
            if button.url:  # a checkout or wave page: opened by the client, no callback
                buttons.append(link_button(button, lang, private))
                continue
            if not 1 <= len(button.action.encode("utf-8")) <= CALLBACK_DATA_LIMIT:
                log.warning("dropping a button whose action does not fit: %r", button.action)
                continue
            label = render(button.label, lang) or button.action
            buttons.append(InlineKeyboardButton(label, callback_data=button.action))
        if buttons:
            rows.append(buttons)
    if link_username and reply.card is not None and reply.card[0] == "wave":
        url = deep_link(link_username, reply.card[1])
        rows.append([InlineKeyboardButton(_deep_link_label(link_username, lang), url=url)])
    return InlineKeyboardMarkup(rows) if rows else None
