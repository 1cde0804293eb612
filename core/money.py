"""Money as integer minor units, so prices never drift through float rounding."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import DomainError

MAX_CENTS = 100_000_000_00
_DIGITS = frozenset("0123456789")
_CURRENCY_WORD = re.compile(r"^([€$£]|eur|usd|gbp)$", re.I)
_AMOUNT = re.compile(
    r"^\s*([€$£]?)\s*([0-9]{1,9})(?:[.,]([0-9]{1,2}))?\s*([€$£]|eur|usd|gbp)?\s*$", re.I
)


@dataclass(frozen=True, order=True)
class Money:
    """An amount in cents with its ISO currency; the only way prices travel through the core."""

    cents: int
    currency: str = "EUR"


def parse_cents(text: str) -> int:
    """Accept what people type (79, 79.5, 79,50, 79€, €79) and refuse anything ambiguous."""
    match = _AMOUNT.match(text)
    if not match:
        raise DomainError("error.bad_price", value=text)
    whole, frac = match.group(2), match.group(3) or "0"
    cents = int(whole) * 100 + int(frac.ljust(2, "0"))
    if cents <= 0 or cents > MAX_CENTS:
        raise DomainError("error.bad_price", value=text)
    return cents


def glue_currency(words: list[str]) -> list[str]:
    """Join a currency written as its own word to its amount (45,50 € → 45,50€, € 45 → €45)."""
    glued: list[str] = []
    for word in words:
        if glued and _joins(glued[-1], word):
            glued[-1] += word
        else:
            glued.append(word)
    return glued


def _joins(before: str, word: str) -> bool:
    """An amount then its currency, or a currency then its amount."""
    if _CURRENCY_WORD.match(word):
        return before[-1:] in _DIGITS
    return bool(_CURRENCY_WORD.match(before)) and word[:1] in _DIGITS


def has_price_marker(text: str) -> bool:
    """Tell '79€' or '79.50' (a price) from a bare '3' (a quantity)."""
    return bool(_AMOUNT.match(text)) and bool(re.search(r"[€$£.,]|eur|usd|gbp", text, re.I))
