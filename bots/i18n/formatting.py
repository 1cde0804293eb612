"""Numbers, money, dates and durations the way each locale writes them (CLDR, through Babel)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date, format_time, format_timedelta
from babel.numbers import format_currency, format_decimal

from core.money import Money

DEFAULT_TIMEZONE = "UTC"


@cache
def locale(lang: str) -> Locale:
    """Babel's CLDR data for a language code."""
    return Locale.parse(lang)


@cache
def zone(name: str) -> ZoneInfo:
    """An IANA time zone, UTC when the name is unknown (a reader's setting must never break)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


@lru_cache(maxsize=4096)
def format_number(value: int, lang: str) -> str:
    """A count with the locale's grouping (1,234 / 1 234 with a narrow no-break space); cached,
    as Babel parses the locale's pattern on every call and replies repeat the same counts."""
    return format_decimal(value, locale=locale(lang))


@lru_cache(maxsize=4096)
def format_money(money: Money, lang: str) -> str:
    """An amount per locale (€1,234.50 / 1 234,50 €); whole amounts drop their zero cents.
    Cached: a wave's few tier prices are in every reply, and Babel costs ~100 µs each."""
    amount = Decimal(money.cents) / 100
    if money.cents % 100:
        return format_currency(amount, money.currency, locale=locale(lang))
    pattern = locale(lang).currency_formats["standard"].pattern.split(";")[0]
    whole = pattern.replace("0.00", "0").replace("0,00", "0")
    return format_currency(amount, money.currency, format=whole, locale=locale(lang),
                           currency_digits=False)  # fmt: skip


def format_datetime(value: datetime, lang: str, tz: str) -> str:
    """A date and time in the reader's zone, with its abbreviation (Dec 11, 2026, 3:05 PM CET)."""
    local = value.astimezone(zone(tz))
    pattern = str(locale(lang).datetime_formats["medium"])
    date = format_date(local, "medium", locale=locale(lang))
    time = format_time(local, "short", locale=locale(lang))
    return pattern.replace("{1}", date).replace("{0}", time) + f" {local.tzname()}"


def format_duration(delta: timedelta, lang: str) -> str:
    """A span in its two largest units (3 days 4 hours / 3 jours 4 heures)."""
    seconds = max(0, int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        parts = [("day", days), ("hour", hours)]
    elif hours:
        parts = [("hour", hours), ("minute", minutes)]
    else:
        parts = [("minute", max(minutes, 1 if seconds else 0))]
    shown = [(unit, amount) for unit, amount in parts if amount or len(parts) == 1]
    return " ".join(_unit(amount, unit, lang) for unit, amount in shown)


def _unit(amount: int, unit: str, lang: str) -> str:
    """One unit of a duration, exactly (no rounding to a larger unit)."""
    seconds = {"day": 86400, "hour": 3600, "minute": 60}[unit]
    return format_timedelta(timedelta(seconds=amount * seconds), granularity=unit, threshold=10**9,
                            locale=locale(lang))  # fmt: skip


def format_relative(delta: timedelta, lang: str) -> str:
    """How far a moment is from now, with its direction (in 4 days / dans 4 jours)."""
    return format_timedelta(delta, add_direction=True, locale=locale(lang))
