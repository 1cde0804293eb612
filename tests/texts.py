"""What the bot says, rendered from the catalogues: tests compare against these, not copied wording.

``said("pledge.now", units=2, price=eur(100))`` is the English plain rendering a console user
reads; ``said("pledge.now", "fr", ...)`` the French one. The language is positional so that texts
with a ``lang`` parameter (``settings.lang_set``) stay writable, and a parameter the template does
not use is an error, so a misspelt one (or ``lang="fr"`` given by keyword) cannot pass unnoticed.
"""

from __future__ import annotations

import re
from typing import Any

from bots.discord_bot.markup import DISCORD
from bots.i18n import PLAIN, Markup, render, template
from bots.i18n.catalogue import is_plural
from bots.telegram_bot.rendering import HTML
from core.messages import T, t
from core.money import Money

_FIELD = re.compile(r"\{(\w+)\}")


def eur(amount: float) -> Money:
    """An amount in euros as the core carries it (eur(79.5) is 7950 cents)."""
    return Money(round(amount * 100))


def text(key: str, /, **params: Any) -> T:
    """A catalogue text, refusing parameters its templates never name."""
    named = {
        name
        for lang in ("en", "fr")
        for count in ((1, 2, 5) if is_plural(key, lang) else (None,))
        for name in _FIELD.findall(template(key, lang, count))
    }
    unused = set(params) - named
    if unused:
        raise TypeError(f"text {key!r} has no parameter {sorted(unused)}")
    return t(key, **params)


def said_with(markup: Markup, key: str, lang: str = "en", /, **params: Any) -> str:
    """The text in a platform's markup (Discord embed titles use their own, for instance)."""
    return render(text(key, **params), lang, markup)


def said(key: str, lang: str = "en", /, **params: Any) -> str:
    """The text as the console (plain) shows it in a language."""
    return said_with(PLAIN, key, lang, **params)


def said_html(key: str, lang: str = "en", /, **params: Any) -> str:
    """The text as Telegram receives it (HTML)."""
    return said_with(HTML, key, lang, **params)


def said_markdown(key: str, lang: str = "en", /, **params: Any) -> str:
    """The text as Discord receives it (markdown, live timestamps)."""
    return said_with(DISCORD, key, lang, **params)


def rendered(value: T, lang: str = "en", markup: Markup = PLAIN) -> str:
    """A text built elsewhere (nested texts as parameters), rendered for a reader."""
    return render(value, lang, markup)


def console(shown: str) -> str:
    """A multi-line text as it appears in a console transcript (continuation lines indented)."""
    return shown.replace("\n", "\n     ")
