"""Parsing of command arguments, with a specific error for every malformed piece."""

from __future__ import annotations

import re
from datetime import timedelta

from core.errors import DomainError
from core.model import Tier
from core.money import parse_cents
from core.text import whole_number

_ID = re.compile(r"^#?([0-9]{1,9})$")
_DURATION = re.compile(r"^([0-9]{1,4})\s*(m|min|h|d|j|w)$", re.I)
_TIER = re.compile(r"^([0-9]{1,7}):(.+)$")
_UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "j": 86400, "w": 604800}
MAX_QUANTITY = 1000


_NAMED_IDS = frozenset({"wave", "idea", "question"})


def parse_id(text: str, what: str) -> int:
    """'12' or '#12' → 12; anything else says which id was expected, in the reader's language."""
    match = _ID.match(text.strip())
    if not match or int(match.group(1)) == 0:
        key = f"error.bad_id.{what}" if what in _NAMED_IDS else "error.bad_id"
        raise DomainError(key, value=text)
    return int(match.group(1))


def parse_duration(text: str) -> timedelta:
    """'14d', '12h', '30m', '2w' → a duration."""
    match = _DURATION.match(text.strip())
    if not match or int(match.group(1)) == 0:
        raise DomainError("error.bad_duration", value=text)
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2).lower()])


def parse_tier(text: str) -> Tier:
    """'50:90' → from 50 units, 90 each."""
    match = _TIER.match(text.strip())
    if not match:
        raise DomainError("error.bad_tier", value=text)
    try:
        return Tier(int(match.group(1)), parse_cents(match.group(2)))
    except DomainError as error:
        raise DomainError("error.bad_tier", value=text) from error


def parse_quantity(text: str, maximum: int = MAX_QUANTITY) -> int:
    """A positive whole number of units."""
    number = whole_number(text)
    if number is None or not 1 <= number <= maximum:
        raise DomainError("error.bad_quantity", value=text, max=maximum)
    return number


def parse_options(words: list[str], allowed: tuple[str, ...]) -> dict[str, int]:
    """'min=50 cap=500' → {'min': 50, 'cap': 500}; unknown names and non-numbers are refused."""
    options: dict[str, int] = {}
    for word in words:
        name, _, value = word.partition("=")
        if name not in allowed:
            raise DomainError("error.bad_option", value=word, allowed=", ".join(allowed))
        number = whole_number(value)
        if number is None or number > 10_000_000:
            raise DomainError("error.bad_option_value", option=name, value=value)
        options[name] = number
    return options
