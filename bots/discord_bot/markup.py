"""Discord markdown for the core's renderer: user text can neither format nor ping anyone."""

from __future__ import annotations

from datetime import datetime

from discord.utils import escape_markdown, escape_mentions, format_dt

from bots.i18n import PLAIN, Markup, render
from bots.i18n.render import visible
from core.messages import Lines, T

TAGS = {"<b>": "**", "</b>": "**", "<i>": "*", "</i>": "*", "<code>": "`", "</code>": "`"}
CONTENT_MAX = 2000
DESCRIPTION_MAX = 4096
TITLE_MAX = 256
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
LABEL_MAX = 80
CHOICE_MAX = 100


def escape(text: str) -> str:
    """Escape markdown, @everyone/@here/id mentions, and '<' so <@id>, <#id>, <t:…> stay literal."""
    text = "".join(ch for ch in text if ch in "\n\t" or visible(ch))
    return escape_mentions(escape_markdown(text)).replace("<", "\\<")


def timestamp(moment: datetime, style: str) -> str:
    """A Discord timestamp: every viewer sees the moment in their own time zone and language."""
    return format_dt(moment, style)  # type: ignore[arg-type]


DISCORD = Markup(escape=escape, tags=TAGS, moment=timestamp)
# Embed titles and field names are bold already: keep escaping, drop our tags; timestamps do
# not render there, so moments are written out.
HEADING = Markup(escape=escape, tags={})


def to_markdown(text: T | Lines, lang: str) -> str:
    """A catalogue text as Discord markdown."""
    return render(text, lang, DISCORD)


def to_heading(text: T | Lines, lang: str) -> str:
    """A catalogue text for an embed title or field name."""
    return render(text, lang, HEADING)


def to_plain(text: T | Lines, lang: str) -> str:
    """A catalogue text where Discord shows no markdown (labels, footers, choices)."""
    return render(text, lang, PLAIN)


def clip(text: str, limit: int) -> str:
    """Fit a Discord length limit, saying that something was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
