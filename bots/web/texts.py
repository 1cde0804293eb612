"""The pages' texts: the bot's .po catalogue rendered as HTML, in the reader's language.

Templates are Jinja2 with autoescape on; catalogue texts come in through `text(key, **params)`,
whose template is trusted and whose parameters are HTML-escaped by the renderer (as Telegram's
HTML is), so user input is escaped exactly once whichever way it reaches the page.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from typing import Any

from babel import Locale, UnknownLocaleError, negotiate_locale
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup as Safe

from bots.i18n import LANGUAGES, Markup, render
from bots.i18n.formatting import format_datetime, format_money, format_number
from core.messages import T, t
from core.money import Money

HTML = Markup(
    escape=lambda text: html.escape(text, quote=True),
    tags={"<b>": "<strong>", "</b>": "</strong>", "<i>": "<em>", "</i>": "</em>",
          "<code>": "<code>", "</code>": "</code>"},
)  # fmt: skip
ACCEPT_MAX = 20  # languages read from one Accept-Language header


def page_lang(accept_language: str, default: str) -> str:
    """The reader's language among ours, from Accept-Language (q-values respected)."""
    wanted: list[tuple[float, int, str]] = []
    for index, item in enumerate(accept_language.split(",")[:ACCEPT_MAX]):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and quality > 0:
            wanted.append((-quality, index, tag.replace("-", "_")))
    preferred = [tag for _, _, tag in sorted(wanted)]
    found = negotiate_locale(preferred, list(LANGUAGES), sep="_")
    if found is None:  # "fr_CA" negotiates to nothing against "fr": try the bare language
        bare = [tag.split("_")[0].lower() for tag in preferred]
        found = next((code for code in bare if code in LANGUAGES), None)
    return found or default


def direction(lang: str) -> str:
    """'ltr' or 'rtl' for the page's dir attribute."""
    try:
        order = Locale.parse(lang).character_order
    except (UnknownLocaleError, ValueError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


class Reader:
    """Renders catalogue texts, money, numbers and moments for one page in one language."""

    def __init__(self, lang: str, tz: str) -> None:
        self.lang = lang
        self.tz = tz

    def text(self, key: str, **params: Any) -> Safe:
        """A catalogue text as safe HTML (its parameters escaped)."""
        return self.tree(t(key, **params))

    def tree(self, text: T) -> Safe:
        """A text tree the core built, as safe HTML."""
        return Safe(render(text, self.lang, HTML, self.tz))

    def plain(self, key: str, **params: Any) -> str:
        """A catalogue text without markup, for attributes and image captions (Jinja escapes)."""
        return render(t(key, **params), self.lang, tz=self.tz)

    def plain_tree(self, text: T) -> str:
        """A text tree the core built, without markup."""
        return render(text, self.lang, tz=self.tz)

    def money(self, money: Money) -> str:
        """Money in the reader's locale."""
        return format_money(money, self.lang)

    def number(self, value: int) -> str:
        """A count in the reader's locale."""
        return format_number(value, self.lang)

    def moment(self, value: datetime) -> str:
        """A date and time in the community's time zone."""
        return format_datetime(value, self.lang, self.tz)

    def globals(self) -> dict[str, Callable[..., Any] | str]:
        """What templates call."""
        return {"text": self.text, "tree": self.tree, "plain": self.plain, "money": self.money,
                "number": self.number, "moment": self.moment, "lang": self.lang,
                "dir": direction(self.lang)}  # fmt: skip


def environment() -> Environment:
    """Jinja2 with autoescape on every template, templates shipped in the package."""
    return Environment(
        loader=PackageLoader("bots.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
