"""The wave card's Q&A and rating lines, when a caller passes the wave's talk summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bots.i18n import render
from core.model import Tier, Wave, WaveStatus
from core.views import TalkSummary, wave_card

NOW = datetime(2026, 1, 1, tzinfo=UTC)
WAVE = Wave(3, 1, "Kettle", "", "kitchen", "EUR", (Tier(1, 10000), Tier(50, 9000)), 50, None, 1,
            NOW, NOW + timedelta(days=2), WaveStatus.SUCCEEDED, 1, units=60, pledgers=60,
            final_price_cents=9000, final_units=60)  # fmt: skip


def text(summary: TalkSummary | None, lang: str) -> str:
    return "\n".join(render(part, lang) for part in wave_card(WAVE, NOW, summary).body)


def test_card_shows_questions_and_the_average_rating_in_both_languages() -> None:
    summary = TalkSummary(questions=2, answers=1, reviews=3, rating_total=13)
    english, french = text(summary, "en"), text(summary, "fr")
    assert "💬 Questions: 2 · answers: 1" in english
    assert "⭐ 4.3/5 (reviews: 3)" in english
    assert "💬 Questions : 2 · réponses : 1" in french
    assert "⭐ 4,3/5 (avis : 3)" in french


def test_card_says_nothing_without_questions_or_reviews() -> None:
    assert text(None, "en") == text(TalkSummary(), "en")
    assert "⭐" not in text(TalkSummary(questions=1), "en")
    assert "💬" not in text(TalkSummary(reviews=1, rating_total=5), "en")
