"""The catalogue: every language complete, same placeholders, real plurals, escaped user input."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime, timedelta

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from bots.i18n import LANGUAGES, Markup, keys, plural_param, render, template
from bots.i18n.catalogue import LOCALES
from core.commands import interpreter as _interpreter  # noqa: F401  (registers the commands)
from core.commands.registry import REGISTRY
from core.messages import t
from core.model import Tier, Wave, WaveStatus
from core.views import wave_card

HTML = Markup(
    escape=lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
    tags={"<b>": "<b>", "</b>": "</b>", "<i>": "<i>", "</i>": "</i>"},
)
COUNTS = (0, 1, 2, 1000)


def _catalog(lang: str):  # type: ignore[no-untyped-def]
    with (LOCALES / f"{lang}.po").open("rb") as source:
        return read_po(source, locale=lang)


def _forms(lang: str) -> dict[str, tuple[str, ...]]:
    """Every key with all its translated forms."""
    found = {}
    for message in _catalog(lang):
        if message.id:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            found[key] = message.string if isinstance(message.string, tuple) else (message.string,)
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_a_file_and_the_same_keys() -> None:
    reference = set(_forms("en"))
    assert len(reference) > 300
    for lang in LANGUAGES:
        assert set(_forms(lang)) == reference, lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_form_is_translated_with_the_reference_placeholders(lang: str) -> None:
    english = _forms("en")
    for key, forms in _forms(lang).items():
        expected = set().union(*(_fields(form) for form in english[key]))
        for form in forms:
            assert form.strip(), (lang, key)
            assert _fields(form) == expected, (lang, key, form)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_entries_follow_the_languages_cldr_rule(lang: str) -> None:
    catalog = _catalog(lang)
    assert catalog.num_plurals == {"en": 2, "fr": 3}[lang]
    for message in catalog:
        if message.id and isinstance(message.id, tuple):
            assert len(message.string) == catalog.num_plurals, message.id


def _sample(key: str, count: int) -> dict[str, object]:
    """Parameters for a text: the plural one gets the count, numbers elsewhere get 7."""
    params: dict[str, object] = {}
    for name in set().union(*(_fields(form) for form in _forms("en")[key])):
        params[name] = 7 if name not in ("title", "name", "text") else "x"
    params[plural_param(key) or "_"] = count
    return params


PLURALS = sorted(key for key in keys() if plural_param(key))


def test_count_bearing_texts_are_plural() -> None:
    reported = {"mod.queue_header", "idea.card_median", "idea.wanted", "wave.card_price"}
    reported |= {"error.link_unknown", "stats.category_row", "demo.crowd_done"}
    assert reported <= set(PLURALS)


CLDR_ORDER = {"en": ("one", "other"), "fr": ("one", "many", "other")}


@pytest.mark.parametrize("key", PLURALS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_plural_text_renders_at_0_1_2_and_1000(key: str, lang: str) -> None:
    forms = _forms(lang)[key]
    for count in COUNTS:
        category = Locale.parse(lang).plural_form(count)
        assert template(key, lang, count) == forms[CLDR_ORDER[lang].index(category)]
        shown = render(t(key, **_sample(key, count)), lang)
        assert format_decimal(count, locale=lang) in shown


@pytest.mark.parametrize(
    ("key", "count", "lang", "expected"),
    [
        ("mod.queue_header", 1, "en", "🛡 1 idea waits for moderation:"),
        ("mod.queue_header", 0, "fr", "🛡 0 idée attend une modération :"),
        ("stats.category_row", 1, "fr", "#c : 1 vague"),
        ("error.link_unknown", 1, "fr", "(encore 1 essai cette heure-ci)"),
    ],
)
def test_the_reported_texts_are_grammatical(key: str, count: int, lang: str, expected: str) -> None:
    params = _sample(key, count) | {"category": "c"}
    assert expected in render(t(key, **params), lang)


def test_every_command_has_help_and_a_usage_line_in_both_languages() -> None:
    assert {"idea", "join", "launch", "approve", "subscribe"} <= set(REGISTRY)
    for spec in REGISTRY.values():
        assert spec.help_key in keys(), spec.name
        for lang in LANGUAGES:
            assert render(spec.usage, lang).startswith(f"/{spec.name}"), spec.name


def test_user_text_is_escaped_and_template_text_too() -> None:
    out = render(t("idea.proposed", id=1, title="<b>x</b> & co", category="a"), "en", HTML)
    assert "&lt;b&gt;x&lt;/b&gt; &amp; co" in out
    assert out.count("<b>") == 1
    usage = render(REGISTRY["join"].usage, "en", HTML)
    assert "&lt;wave&gt;" in usage and "<wave>" not in usage


def test_ids_are_written_as_typed_and_counts_grouped() -> None:
    out = render(t("demo.crowd_done", joined=12345, id=12345), "en")
    assert out == "👥 12,345 simulated members joined wave #12345."


def _card(lang: str, tz: str = "UTC") -> str:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    tiers = (Tier(1, 10000), Tier(50, 9000), Tier(100, 8000))
    wave = Wave(3, 1, "Kettle", "", "kitchen", "EUR", tiers, 50, None, 1, now,
                now + timedelta(days=2), WaveStatus.OPEN, 1, units=88, pledgers=88)  # fmt: skip
    return "\n".join(render(part, lang, HTML, tz) for part in wave_card(wave, now).body)


def test_wave_card_renders_bar_gap_tiers_and_deadline() -> None:
    text = _card("en")
    assert "▰▰▰▰▰▰▰▰▱▱ 88/100" in text
    assert "12 more and everyone pays €80" in text
    assert "👉 from 50: €90" in text
    assert "Closes Jan 3, 2026, 12:00\u202fAM UTC (in 2 days)" in text
    french = _card("fr", "Europe/Paris")
    assert "Encore 12 et tout le monde paie 80\xa0€" in french
    assert re.search(r"Clôture le 3 janv\. 2026, 01:00 CET \(dans 2 jours\)", french)
