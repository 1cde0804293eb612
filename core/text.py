"""What members type, made safe to keep and to count: ASCII numbers, no control or bidi tricks."""

from __future__ import annotations

import re

_ASCII_NUMBER = re.compile(r"[0-9]{1,18}", re.ASCII)
# Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) can leave the rest of a
# message reversed when unclosed; the plain marks LRM/RLM/ALM close nothing and stay.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def whole_number(text: str) -> int | None:
    """ASCII digits only ('²', '①' and '١' are not numbers here), else None."""
    return int(text) if _ASCII_NUMBER.fullmatch(text) else None


# What clean_input drops: Unicode's Cc (exactly U+0000–U+001F and U+007F–U+009F) but the
# newline, and the bidi embeddings: one C-level pass instead of a Python call per character
# (every press cleans its payload and the presser's name).
_DROPPED = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_input(text: str) -> str:
    """Drop control characters (but newlines) and bidi embeddings; tabs become spaces."""
    return _DROPPED.sub("", text.replace("\r\n", "\n").replace("\t", " "))


def clean_line(text: str) -> str:
    """A one-line value (a name, a title): cleaned, with line breaks turned into spaces."""
    return " ".join(clean_input(text).split())
