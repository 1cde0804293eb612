"""Command arguments: every malformed piece gets a specific refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bots.i18n.formatting import format_money
from core.commands.parsing import (
    parse_duration,
    parse_id,
    parse_options,
    parse_tier,
)
from core.errors import DomainError
from core.model import Tier
from core.money import Money, glue_currency, parse_cents


@pytest.mark.parametrize(
    ("text", "cents"),
    [("79", 7900), ("79.5", 7950), ("79,50", 7950), ("79€", 7900), ("€ 12.05", 1205)],
)
def test_prices_are_read_as_people_write_them(text: str, cents: int) -> None:
    assert parse_cents(text) == cents


@pytest.mark.parametrize("text", ["", "abc", "-5", "0", "1e9", "79.555", "NaN", "12;DROP"])
def test_bad_prices_are_refused(text: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_cents(text)
    assert caught.value.key == "error.bad_price"


def test_money_formats_per_locale_from_cldr() -> None:
    assert format_money(Money(7900), "en") == "€79"
    assert format_money(Money(7950), "fr") == "79,50\xa0€"
    assert format_money(Money(123450), "fr") == "1\u202f234,50\xa0€"
    assert format_money(Money(123450), "en") == "€1,234.50"
    assert format_money(Money(123456, "USD"), "en") == "$1,234.56"
    assert format_money(Money(100000), "fr") == "1\u202f000\xa0€"


def test_ids_accept_hash_and_refuse_junk() -> None:
    assert parse_id("#12", "wave") == 12
    for junk in ("0", "x", "12a", "-3", "99999999999"):
        with pytest.raises(DomainError):
            parse_id(junk, "wave")


def test_durations() -> None:
    assert parse_duration("14d") == timedelta(days=14)
    assert parse_duration("12h") == timedelta(hours=12)
    assert parse_duration("2w") == timedelta(weeks=2)
    with pytest.raises(DomainError):
        parse_duration("soon")


def test_tiers_and_options() -> None:
    assert parse_tier("50:89.90") == Tier(50, 8990)
    with pytest.raises(DomainError):
        parse_tier("50-90")
    assert parse_options(["min=50", "cap=500"], ("min", "cap", "per")) == {"min": 50, "cap": 500}
    with pytest.raises(DomainError) as caught:
        parse_options(["max=3"], ("min",))
    assert caught.value.key == "error.bad_option"


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("2 45,50 €", ["2", "45,50€"]),
        ("2 45 €", ["2", "45€"]),
        ("2 € 45", ["2€", "45"]),
        ("€ 45", ["€45"]),
        ("3 2 35 EUR", ["3", "2", "35EUR"]),
        ("2 45,50", ["2", "45,50"]),
        ("€", ["€"]),
    ],
)
def test_a_currency_typed_apart_stays_with_its_amount(typed: str, words: list[str]) -> None:
    assert glue_currency(typed.split()) == words


@pytest.mark.parametrize(("typed", "cents"), [("45,50€", 4550), ("45€", 4500), ("€45", 4500),
                                               ("45,5", 4550), ("45.50EUR", 4550)])  # fmt: skip
def test_french_style_prices_are_read(typed: str, cents: int) -> None:
    assert parse_cents(typed) == cents
