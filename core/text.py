"""What members type, made safe to keep and to count: ASCII numbers, no control or bidi tricks."""

from __future__ import annotations

import re
import unicodedata

_ASCII_NUMBER = re.compile(r"[0-9]{1,18}", re.ASCII)
# Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) can leave the rest of a
# message reversed when unclosed; the plain marks LRM/RLM/ALM close nothing and stay.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_KEPT_CONTROLS = frozenset("\n")


def whole_number(text: str) -> int | None:
    """ASCII digits only ('²', '①' and '١' are not numbers here), else None."""
    return int(text) if _ASCII_NUMBER.fullmatch(text) else None


def clean_input(text: str) -> str:
    """Drop control characters (but newlines) and bidi embeddings; tabs become spaces."""
    return "".join(_keep(char) for char in text.replace("\r\n", "\n").replace("\t", " "))


def clean_line(text: str) -> str:
    """A one-line value (a name, a title): cleaned, with line breaks turned into spaces."""
    return " ".join(clean_input(text).split())


def _keep(char: str) -> str:
    """The character itself, or nothing when it is a control or a bidi embedding."""
    if char in _KEPT_CONTROLS:
        return char
    if char in BIDI_CONTROLS or unicodedata.category(char) == "Cc":
        return ""
    return char
