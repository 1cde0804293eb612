"""The catalogue: both languages, same placeholders, valid markup, escaped user input."""

from __future__ import annotations

import re
import string

import pytest

from core.catalogue import CATALOGUE
from core.commands import interpreter as _interpreter  # noqa: F401  (registers the commands)
from core.commands.registry import REGISTRY
from core.messages import t
from core.model import Tier, Wave, WaveStatus
from core.render import Markup, render
from core.views import wave_card

HTML = Markup(
    escape=lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
    tags={"<b>": "<b>", "</b>": "</b>", "<i>": "<i>", "</i>": "</i>"},
)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_text_has_both_languages_with_the_same_placeholders(key: str) -> None:
    english, french = CATALOGUE[key]
    assert english.strip() and french.strip()
    assert _fields(english) == _fields(french)


def test_every_command_has_help_and_usage() -> None:
    assert {"idea", "join", "launch", "approve", "subscribe"} <= set(REGISTRY)
    for spec in REGISTRY.values():
        assert spec.help_key in CATALOGUE, spec.name
        assert spec.usage_key in CATALOGUE, spec.name


def test_user_text_is_escaped_and_template_text_too() -> None:
    out = render(t("idea.proposed", id=1, title="<b>x</b> & co", category="a"), "en", HTML)
    assert "&lt;b&gt;x&lt;/b&gt; &amp; co" in out
    assert out.count("<b>") == 1
    usage = render(t("usage.join"), "en", HTML)
    assert "&lt;wave&gt;" in usage and "<wave>" not in usage


def test_wave_card_renders_bar_gap_and_tiers() -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 1, 1, tzinfo=UTC)
    tiers = (Tier(1, 10000), Tier(50, 9000), Tier(100, 8000))
    wave = Wave(3, 1, "Kettle", "", "kitchen", "EUR", tiers, 50, None, 1, now,
                now + timedelta(days=2), WaveStatus.OPEN, 1, units=88, pledgers=88)  # fmt: skip
    text = "\n".join(render(part, "en", HTML) for part in wave_card(wave, now).body)
    assert "▰▰▰▰▰▰▰▰▱▱ 88/100" in text
    assert "12 more and everyone pays 80 €" in text
    assert "👉 from 50: 90 €" in text
    assert re.search(r"Closes .* \(in 2 d 0 h\)", text)
    french = "\n".join(render(part, "fr", HTML) for part in wave_card(wave, now).body)
    assert "Encore 12 et tout le monde paie 80 €" in french
