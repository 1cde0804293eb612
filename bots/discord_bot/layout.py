"""How a core Reply looks on Discord: text, or an embed for cards, plus persistent buttons."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import discord

from bots.discord_bot.buttons import build_view
from bots.discord_bot.markup import (
    CONTENT_MAX,
    DESCRIPTION_MAX,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    FOOTER_MAX,
    TITLE_MAX,
    clip,
    to_heading,
    to_markdown,
    to_plain,
)
from bots.i18n.photos import body_with_photo_note
from core.messages import Attachment, Reply, T, photo_on

PLATFORM = "discord"
NO_MENTIONS = discord.AllowedMentions.none()
CARD_COLOUR = discord.Colour.teal()
# Parts of a card that read better as an embed field or footer than in the description.
FIELD_KEYS = ("wave.card_tiers",)
FOOTER_KEYS = (
    "wave.closes",
    "wave.opens",
    "wave.result_success",
    "wave.status_",
    "wave.state_",
    "pay.result_completed",
)  # the card's one state line
TIME_PARAMS = ("deadline", "when")


@dataclass
class Outgoing:
    """One Discord message: content and/or embeds, the buttons' view, attached files."""

    content: str = ""
    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    attachments: tuple[Attachment, ...] = ()

    def send_kwargs(self) -> dict[str, Any]:
        """Arguments for channel.send / response.send_message / followup.send."""
        kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
        if self.content:
            kwargs["content"] = self.content
        if self.embeds:
            kwargs["embeds"] = self.embeds
        if self.view is not None:
            kwargs["view"] = self.view
        if self.attachments:  # discord.File is read once: fresh ones for every send
            kwargs["files"] = [
                discord.File(io.BytesIO(a.data), filename=a.filename) for a in self.attachments
            ]
        return kwargs

    def edit_kwargs(self) -> dict[str, Any]:
        """Arguments for an edit: everything replaced, absent parts cleared."""
        return {
            "content": self.content or None,
            "embeds": self.embeds,
            "view": self.view,
            "allowed_mentions": NO_MENTIONS,
        }


def outgoing(reply: Reply, lang: str) -> Outgoing:
    """Lay a reply out: cards become embeds, long texts move into an embed description."""
    out = Outgoing(view=build_view(reply.buttons, lang), attachments=reply.attachments)
    body = body_with_photo_note(reply, PLATFORM)  # a Telegram photo is only mentioned
    text = "\n".join(to_markdown(part, lang) for part in body)
    if (reply.card is not None or photo_on(reply, PLATFORM)) and body:  # an image needs an embed
        out.embeds = [card_embed(body, lang)]
    elif len(text) <= CONTENT_MAX:
        out.content = text or ("" if reply.attachments else "…")
    else:
        out.embeds = [discord.Embed(description=clip(text, DESCRIPTION_MAX), colour=CARD_COLOUR)]
    image = next((a for a in reply.attachments if a.kind == "image"), None)
    if image is not None and out.embeds:
        out.embeds[0].set_image(url=f"attachment://{image.filename}")
    elif (photo := photo_on(reply, PLATFORM)) and out.embeds:
        out.embeds[0].set_image(url=photo)  # the attachment's CDN URL, checked by the core
    return out


def card_embed(body: tuple[T, ...], lang: str) -> discord.Embed:
    """Title from the first part, tiers as a field, the deadline or outcome as the footer."""
    head, *rest = body
    embed = discord.Embed(title=clip(to_heading(head, lang), TITLE_MAX), colour=CARD_COLOUR)
    lines: list[str] = []
    for part in rest:
        if part.key in FIELD_KEYS:
            name = to_heading(part, lang).partition("\n")[0] or "—"
            value = to_markdown(part, lang).partition("\n")[2].strip("\n") or "—"
            embed.add_field(
                name=clip(name, FIELD_NAME_MAX), value=clip(value, FIELD_VALUE_MAX), inline=False
            )
        elif part.key.startswith(FOOTER_KEYS):
            embed.set_footer(text=clip(to_plain(part, lang), FOOTER_MAX))
            moment = next((part.params[p] for p in TIME_PARAMS if p in part.params), None)
            if isinstance(moment, datetime):
                embed.timestamp = moment
        else:
            lines.append(to_markdown(part, lang))
    embed.description = clip("\n".join(lines), DESCRIPTION_MAX) or None
    return embed
