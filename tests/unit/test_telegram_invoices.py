"""Telegram invoice amounts are exact in every currency's minor units, and payloads are ours."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bots.telegram_bot.invoices import (
    from_telegram,
    invoice_key,
    payload_for,
    reference_of,
    to_telegram,
    trimmed,
    verified,
)
from core.checkout_ports import PaymentNeeds
from core.payment_records import Reference, parse_reference

KEY = invoice_key("123456:TEST-token")


@pytest.mark.parametrize(
    ("cents", "currency", "amount"),
    [(15900, "EUR", 15900), (450000, "JPY", 4500), (123450, "KWD", 1234500), (100, "CLP", 1)],
)
def test_hundredths_become_the_currency_smallest_units(
    cents: int, currency: str, amount: int
) -> None:
    assert to_telegram(cents, currency) == amount
    assert from_telegram(amount, currency) == cents


def test_a_fraction_of_a_yen_cannot_be_invoiced() -> None:
    with pytest.raises(ValueError, match="not a whole JPY amount"):
        to_telegram(4550, "JPY")
    assert from_telegram(12345, "KWD") is None  # 12.345 dinars is not a whole number of cents
    assert from_telegram(100, "XXQ") is None  # not a currency


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["EUR", "KWD", "USD"]))
def test_amounts_round_trip(cents: int, currency: str) -> None:
    assert from_telegram(to_telegram(cents, currency), currency) == cents


def test_only_our_payloads_verify() -> None:
    payload = payload_for("w12m34a15900EUR", KEY)
    assert len(payload.encode()) <= 128
    assert verified(payload, KEY) == "w12m34a15900EUR"
    assert verified(payload.replace("a15900", "a100"), KEY) is None  # the amount was changed
    assert verified(payload, invoice_key("999:other-bot")) is None
    assert verified("w12m34a15900EUR", KEY) is None
    assert verified("w12m34a15900EUR.été", KEY) is None  # non-ASCII: refused, not a TypeError
    assert reference_of(payload) == "w12m34a15900EUR"


def test_references_parse_back_and_nothing_else_does() -> None:
    assert parse_reference("w12m34a15900EUR") == Reference(12, 34, 15900, "EUR")
    for junk in ("", "w1m2a3eur", "w1m2a3EURO", "x1m2a3EUR", "w-1m2a3EUR"):
        assert parse_reference(junk) is None


def test_titles_are_cut_to_telegram_limits() -> None:
    assert (
        trimmed("Wave #1 An extremely long backpack title", 32)
        == "Wave #1 An extremely long backp…"
    )
    assert trimmed("two\nlines", 32) == "two lines"


def test_shipping_needs_are_parsed_strictly() -> None:
    assert PaymentNeeds.parse("phone, name") == PaymentNeeds(name=True, phone=True)
    assert PaymentNeeds.parse("address phone").words == ("phone", "address")
    assert PaymentNeeds.parse("") == PaymentNeeds() == PaymentNeeds.parse("none")
    with pytest.raises(ValueError, match="email"):
        PaymentNeeds.parse("email")
