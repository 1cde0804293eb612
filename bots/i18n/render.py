"""Turn catalogue texts into a platform's markup, escaping every user string on the way."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bots.i18n.catalogue import plural_param, template
from bots.i18n.formatting import (
    DEFAULT_TIMEZONE,
    format_datetime,
    format_duration,
    format_money,
    format_number,
    format_relative,
)
from core.messages import Lines, Relative, T
from core.money import Money
from core.text import clean_input

FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"
_TAG = re.compile(r"</?(b|i|code)>")
# Integers that name things (wave #1234) are written as typed back, never grouped.
_ID_PARAMS = frozenset({"id", "into", "wave", "question", "code"})
_MARKED_UP: dict[tuple[str, int], tuple[Markup, str]] = {}  # (template, id(markup)) → result
_MARKED_UP_MAX = 4096  # templates × languages × plural forms stay far below


@dataclass(frozen=True)
class Markup:
    """How a platform writes bold/italic/code, escapes untrusted text and shows moments."""

    escape: Callable[[str], str]
    tags: dict[str, str]
    moment: Callable[[datetime, str], str] | None = field(default=None)


def visible(ch: str) -> bool:
    """Printable characters and spaces, including the no-break ones CLDR puts in numbers."""
    return ch.isprintable() or unicodedata.category(ch) == "Zs"


def _plain_escape(text: str) -> str:
    """Console output needs no escaping beyond dropping control characters."""
    if text.isprintable():  # the usual case, checked in C: nothing to drop
        return text
    return "".join(ch for ch in text if ch == "\n" or visible(ch))


PLAIN = Markup(escape=_plain_escape, tags={})


@dataclass(frozen=True)
class _Reader:
    """Who reads: their language and time zone, and the platform's markup."""

    lang: str
    tz: str
    markup: Markup


def render(text: T | Lines, lang: str, markup: Markup = PLAIN, tz: str = DEFAULT_TIMEZONE) -> str:
    """Render a text tree; templates are trusted, parameters are escaped."""
    return _render(text, _Reader(lang, tz, markup))


def render_plain(text: T | Lines, lang: str) -> str:
    """Plain characters for chart labels, CSV cells and stored titles."""
    return render(text, lang)


def _render(text: T | Lines, reader: _Reader) -> str:
    """One node of the tree, in the plural form its count calls for."""
    if isinstance(text, Lines):
        return "\n".join(_render(item, reader) for item in text.items)
    selector = plural_param(text.key, reader.lang)
    count = text.params.get(selector) if selector else None
    if selector is not None and not isinstance(count, int):
        raise KeyError(f"text {text.key!r} needs an integer {selector!r}")
    source = template(text.key, reader.lang, count)
    values = {name: _param(name, value, reader) for name, value in text.params.items()}
    return _marked_up(source, reader.markup).format_map(_Strict(values, text.key))


def _marked_up(source: str, markup: Markup) -> str:
    """_markup_template, remembered: a template and a markup always give the same result, and a
    flash crowd renders the same toast thousands of times."""
    key = (source, id(markup))
    kept = _MARKED_UP.get(key)
    if kept is not None and kept[0] is markup:
        return kept[1]
    if len(_MARKED_UP) >= _MARKED_UP_MAX:
        _MARKED_UP.clear()
    result = _markup_template(source, markup)
    _MARKED_UP[key] = (markup, result)
    return result


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


def _param(name: str, value: Any, reader: _Reader) -> str:
    """Format one parameter according to its type and the reader's locale."""
    if isinstance(value, T | Lines):
        return _render(value, reader)
    if isinstance(value, Money):
        return reader.markup.escape(format_money(value, reader.lang))
    if isinstance(value, datetime):
        return _moment(value, "f", reader) or format_datetime(value, reader.lang, reader.tz)
    if isinstance(value, Relative):
        return _moment(value.at, "R", reader) or format_relative(value.delta, reader.lang)
    if isinstance(value, timedelta):
        return format_duration(value, reader.lang)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value) if name in _ID_PARAMS else format_number(value, reader.lang)
    return reader.markup.escape(neutral(str(value)))


def neutral(text: str) -> str:
    """User text that cannot garble the message around it: no controls, RTL text isolated."""
    text = clean_input(text)
    if text.isascii():  # no right-to-left letter can be in it
        return text
    if any(unicodedata.bidirectional(char) in ("R", "AL") for char in text):
        return FIRST_STRONG_ISOLATE + text + POP_DIRECTIONAL_ISOLATE
    return text


def _moment(value: datetime, style: str, reader: _Reader) -> str | None:
    """The platform's own live timestamp, when it has one (Discord shows each viewer's time)."""
    return reader.markup.moment(value, style) if reader.markup.moment else None


class _Strict(dict[str, str]):
    """Fail loudly on a template that names a parameter the code did not give."""

    def __init__(self, values: dict[str, str], key: str) -> None:
        super().__init__(values)
        self.key = key

    def __missing__(self, name: str) -> str:
        raise KeyError(f"text {self.key!r} needs parameter {name!r}")
