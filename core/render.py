"""Turn catalogue texts into a platform's markup, escaping every user string on the way."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.catalogue import template
from core.messages import Lines, T
from core.money import Money, format_money

_TAG = re.compile(r"</?(b|i|code)>")


@dataclass(frozen=True)
class Markup:
    """How a platform writes bold/italic/code and escapes untrusted text."""

    escape: Callable[[str], str]
    tags: dict[str, str]


def _plain_escape(text: str) -> str:
    """Console output needs no escaping beyond dropping control characters."""
    return "".join(ch for ch in text if ch == "\n" or ch.isprintable())


PLAIN = Markup(escape=_plain_escape, tags={})


def format_datetime(value: datetime, lang: str) -> str:
    """A short UTC date both languages read."""
    if lang == "fr":
        return value.strftime("%d/%m/%Y %H:%M UTC")
    return value.strftime("%Y-%m-%d %H:%M UTC")


def render(text: T | Lines, lang: str, markup: Markup = PLAIN) -> str:
    """Render a text tree; templates are trusted, parameters are escaped."""
    if isinstance(text, Lines):
        return "\n".join(render(item, lang, markup) for item in text.items)
    values = {name: _render_param(value, lang, markup) for name, value in text.params.items()}
    return _markup_template(template(text.key, lang), markup).format_map(_Strict(values, text.key))


def _markup_template(source: str, markup: Markup) -> str:
    """Map our few tags to the platform's and escape the template's literal text (e.g. '<wave>')."""
    out: list[str] = []
    position = 0
    for match in _TAG.finditer(source):
        out.append(markup.escape(source[position : match.start()]))
        out.append(markup.tags.get(match.group(0), ""))
        position = match.end()
    out.append(markup.escape(source[position:]))
    return "".join(out)


def _render_param(value: Any, lang: str, markup: Markup) -> str:
    """Format one parameter according to its type."""
    if isinstance(value, T | Lines):
        return render(value, lang, markup)
    if isinstance(value, Money):
        return markup.escape(format_money(value, lang))
    if isinstance(value, datetime):
        return format_datetime(value, lang)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f" if lang == "fr" else ",")
    return markup.escape(str(value))


class _Strict(dict[str, str]):
    """Fail loudly on a template that names a parameter the code did not give."""

    def __init__(self, values: dict[str, str], key: str) -> None:
        super().__init__(values)
        self.key = key

    def __missing__(self, name: str) -> str:
        raise KeyError(f"text {self.key!r} needs parameter {name!r}")
