"""The input rules every command shares: ASCII numbers only, no controls or bidi embeddings."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bots.i18n.render import FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE, neutral
from core.text import BIDI_CONTROLS, clean_input, clean_line, whole_number


def test_only_ascii_digits_are_numbers() -> None:
    assert whole_number("42") == 42
    assert whole_number("007") == 7
    for text in ("²", "①", "١٢", "５", "⅕", "-1", "+1", "1.5", " 1", "", "1e3"):
        assert whole_number(text) is None, text


@given(st.text())
def test_any_text_is_a_number_or_none_never_a_crash(text: str) -> None:
    number = whole_number(text)
    assert number is None or (text.isascii() and str(number) == text.lstrip("0").rjust(1, "0"))


@given(st.text())
def test_cleaned_input_keeps_no_control_or_embedding(text: str) -> None:
    cleaned = clean_input(text)
    assert not any(char in BIDI_CONTROLS for char in cleaned)
    assert all(c == "\n" or unicodedata.category(c) != "Cc" for c in cleaned)
    assert "\n" not in clean_line(text)


def test_cleaning_keeps_what_people_mean() -> None:
    assert clean_input("Tea\tcup\r\nline two") == "Tea cup\nline two"
    assert clean_input("👩\u200d👩\u200d👧 family") == "👩\u200d👩\u200d👧 family"  # ZWJ stays
    assert clean_line("  Bamboo \n brush\u202e ") == "Bamboo brush"


def test_right_to_left_text_is_isolated_when_shown() -> None:
    assert neutral("Kettle") == "Kettle"
    assert neutral("קומקום") == FIRST_STRONG_ISOLATE + "קומקום" + POP_DIRECTIONAL_ISOLATE
    assert neutral("x\u202ey") == "xy"
