"""The input rules every command shares: ASCII numbers only, no controls or bidi embeddings."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bots.i18n.catalogue import template
from bots.i18n.render import (
    FIRST_STRONG_ISOLATE,
    PLAIN,
    POP_DIRECTIONAL_ISOLATE,
    _markup_template,
    _plain_escape,
    neutral,
    render,
    visible,
)
from bots.telegram_bot.rendering import HTML
from core.messages import t
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


def _clean_input_per_character(text: str) -> str:
    """The reference: clean_input as it was written before its one-regex pass."""
    kept = (
        c
        for c in text.replace("\r\n", "\n").replace("\t", " ")
        if c == "\n" or (c not in BIDI_CONTROLS and unicodedata.category(c) != "Cc")
    )
    return "".join(kept)


_EDGES = st.sampled_from(["\n", "\r", "\r\n", "\t", "\x00", "\x1f", "\x7f", "\x85", "\x9f",
                          "\xa0", "\u202a", "\u202e", "\u2066", "\u2069", "\u200e", "a", "é",
                          "ק", "\u202f"])  # fmt: skip


@given(st.lists(st.one_of(st.text(), _EDGES)).map("".join))
def test_cleaning_in_one_pass_drops_what_the_per_character_loop_dropped(text: str) -> None:
    assert clean_input(text) == _clean_input_per_character(text)


@given(st.lists(st.one_of(st.text(), _EDGES)).map("".join))
def test_shown_text_is_what_the_per_character_rules_give(text: str) -> None:
    assert _plain_escape(text) == "".join(c for c in text if c == "\n" or visible(c))
    cleaned = _clean_input_per_character(text)
    rtl = any(unicodedata.bidirectional(c) in ("R", "AL") for c in cleaned)
    isolated = FIRST_STRONG_ISOLATE + cleaned + POP_DIRECTIONAL_ISOLATE
    assert neutral(text) == (isolated if rtl else cleaned)


def test_a_remembered_template_is_the_one_each_markup_gives() -> None:
    proposed = t("idea.proposed", id=7, title="<Kettle> & co", category="kitchen")
    for markup in (PLAIN, HTML, PLAIN, HTML):  # the second round comes from the memory
        source = template("idea.proposed", "en", None)
        expected = _markup_template(source, markup).format(
            id=7, title=markup.escape("<Kettle> & co"), category="kitchen"
        )
        assert render(proposed, "en", markup) == expected
    assert "<b>&lt;Kettle&gt; &amp; co</b>" in render(proposed, "en", HTML)
    assert "“<Kettle> & co”" in render(proposed, "en", PLAIN)
