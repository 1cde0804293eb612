"""Every wave state renders truthfully on every platform: what each card shows and never shows.

One rendering rule per state (core.views.CARD_PARTS); here each state × renderer × language is
checked against it: the lines that must appear (rendered by that platform's markup) and the
lines that must not (the "minimum reached" of a cancelled wave, the "to go" of a failed one, the
gap and Join buttons of any closed wave).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bots.console.session import render_reply as console_reply
from bots.discord_bot.layout import FOOTER_KEYS, outgoing
from bots.discord_bot.markup import to_markdown, to_plain
from bots.i18n import PLAIN, is_plural, render, template
from bots.telegram_bot.rendering import HTML, keyboard
from bots.telegram_bot.rendering import render_reply as telegram_reply
from core.messages import Reply, T, t
from core.model import Tier, Wave, WaveStatus
from core.tiers import Bid, standing
from core.views import CardFacts, limits_text, wave_card, wave_line
from tests.texts import eur, said, text

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DUE = NOW + timedelta(days=7)
TIERS = (Tier(1, 10000), Tier(5, 9000), Tier(10, 8000))
BASE = Wave(4, 1, "Kettle", "", "kitchen", "EUR", TIERS, 5, 200, 3, NOW - timedelta(days=1),
            NOW + timedelta(days=2), WaveStatus.OPEN, 1)  # fmt: skip
# Open: 3 firm units and 2 only up to 85 €, which would drop out at today's 100 €.
BIDS = (Bid(1, 3, None), Bid(2, 2, 8500))
WAVES = {
    WaveStatus.SCHEDULED: replace(BASE, status=WaveStatus.SCHEDULED,
                                  opens_at=NOW + timedelta(days=1)),
    WaveStatus.OPEN: replace(BASE, units=5, pledgers=2),
    WaveStatus.CLOSED: replace(BASE, status=WaveStatus.CLOSED, units=5, pledgers=2),
    WaveStatus.SUCCEEDED: replace(BASE, status=WaveStatus.SUCCEEDED, units=6, pledgers=3,
                                  final_price_cents=9000, final_units=6),
    WaveStatus.COMPLETED: replace(BASE, status=WaveStatus.COMPLETED, units=6, pledgers=3,
                                  final_price_cents=9000, final_units=6),
    WaveStatus.FAILED: replace(BASE, status=WaveStatus.FAILED, units=3, pledgers=2,
                               final_price_cents=10000, final_units=2),
    WaveStatus.CANCELLED: replace(BASE, status=WaveStatus.CANCELLED, units=7, pledgers=3),
}  # fmt: skip
FACTS = {
    WaveStatus.OPEN: CardFacts(standing=standing(TIERS, BIDS, 5)),
    WaveStatus.SUCCEEDED: CardFacts(due_at=DUE),
}
LIMITS = text("wave.limits_both", per=3, capacity=200, left=195)  # 5 of 200 pledged


def tier_rows(current: int) -> list[T]:
    """The tier rows, the current one marked."""
    rows = []
    for index, tier in enumerate(TIERS):
        key = "wave.tier_row_current" if index == current else "wave.tier_row"
        rows.append(text(key, units=tier.min_units, price=eur(tier.unit_price / 100)))
    return rows


SHOWS: dict[WaveStatus, list[T]] = {
    WaveStatus.SCHEDULED: [
        text("wave.card_price_from", price=eur(100)),
        *tier_rows(0),
        text("wave.moq_missing", moq=5, more=5),
        text("wave.limits_both", per=3, capacity=200, left=200),
        text("wave.opens", when=WAVES[WaveStatus.SCHEDULED].opens_at),
    ],
    WaveStatus.OPEN: [
        text("wave.card_price", price=eur(100), people=1),
        text("wave.card_split", firm=3, conditional=2, now=3, price=eur(100)),
        text("wave.progress", bar="▰▰▰▰▰▰▱▱▱▱", units=3, goal=5),
        text("wave.gap_next", more=2, price=eur(90)),
        *tier_rows(0),
        text("wave.moq_missing", moq=5, more=2),
        LIMITS,
    ],
    WaveStatus.CLOSED: [text("wave.status_closed")],
    WaveStatus.SUCCEEDED: [
        *tier_rows(1),
        text("wave.state_payment", id=4, units=6, price=eur(90), deadline=DUE),
    ],
    WaveStatus.COMPLETED: [*tier_rows(1), text("pay.result_completed", units=6, price=eur(90))],
    WaveStatus.FAILED: [text("wave.status_failed")],
    WaveStatus.CANCELLED: [text("wave.status_cancelled")],
}
LIVE_KEYS = ("wave.moq_reached", "wave.moq_missing", "wave.gap_next", "wave.gap_lowest",
             "wave.card_price", "wave.card_price_first", "wave.limits_both")  # fmt: skip
NEVER: dict[WaveStatus, tuple[str, ...]] = {
    WaveStatus.SCHEDULED: ("wave.card_price", "wave.gap_next", "wave.moq_reached", "wave.closes"),
    WaveStatus.OPEN: ("wave.moq_reached", "wave.card_price_from", "wave.status_cancelled"),
    WaveStatus.CLOSED: LIVE_KEYS,
    WaveStatus.SUCCEEDED: (*LIVE_KEYS, "wave.closes"),
    WaveStatus.COMPLETED: (*LIVE_KEYS, "wave.state_payment"),
    WaveStatus.FAILED: (*LIVE_KEYS, "wave.tier_row_current"),
    WaveStatus.CANCELLED: (*LIVE_KEYS, "wave.tier_row_current"),
}


def fragment(key: str, lang: str) -> str:
    """The longest literal piece of a text's template: what it shows whatever the parameters."""
    form = template(key, lang, 2 if is_plural(key, lang) else None)
    pieces = re.split(r"\{\w+\}|</?\w+>", form)
    return max(pieces, key=len).strip()


Shown = Callable[[Reply, str], str]
Expected = Callable[[T, str], str]


def console_shown(reply: Reply, lang: str) -> str:
    labels = [render(b.label, lang, PLAIN) for row in reply.buttons for b in row]
    return console_reply(reply, lang) + "\n" + " ".join(labels)


def telegram_shown(reply: Reply, lang: str) -> str:
    markup = keyboard(reply, lang)
    labels = [b.text for row in markup.inline_keyboard for b in row] if markup else []
    return telegram_reply(reply, lang) + "\n" + " ".join(labels)


def discord_shown(reply: Reply, lang: str) -> str:
    out = outgoing(reply, lang)
    embed = out.embeds[0]
    parts = [embed.title or "", embed.description or "", embed.footer.text or ""]
    parts += [f"{field.name}\n{field.value}" for field in embed.fields]
    labels = [item.item.label for item in out.view.children] if out.view else []  # type: ignore[attr-defined]
    return "\n".join(parts) + "\n" + " ".join(labels)


def discord_expected(part: T, lang: str) -> str:
    """A footer line is plain text on Discord; everything else markdown."""
    return to_plain(part, lang) if part.key.startswith(FOOTER_KEYS) else to_markdown(part, lang)


RENDERERS: dict[str, tuple[Shown, Expected]] = {
    "console": (console_shown, lambda part, lang: render(part, lang, PLAIN)),
    "telegram": (telegram_shown, lambda part, lang: render(part, lang, HTML)),
    "discord": (discord_shown, discord_expected),
}


def card_of(status: WaveStatus) -> Reply:
    return wave_card(WAVES[status], NOW, facts=FACTS.get(status))


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("platform", list(RENDERERS))
@pytest.mark.parametrize("status", list(WaveStatus))
async def test_each_state_shows_its_lines_and_nothing_untrue(
    status: WaveStatus, platform: str, lang: str
) -> None:
    shown, expected = RENDERERS[platform]
    card = shown(card_of(status), lang)
    for part in SHOWS[status]:
        assert expected(part, lang) in card, (part.key, card)
    for key in NEVER[status]:
        assert fragment(key, lang) not in card, (key, card)
    join = render(t("button.join"), lang)
    assert (join in card) is (status is WaveStatus.OPEN)


def test_the_rules_cover_every_state_with_a_title_and_one_state_line() -> None:
    state_keys = ("wave.closes", "wave.opens", "wave.state_", "wave.status_", "pay.result_")
    for status in WaveStatus:
        body = card_of(status).body
        assert body[0].key == "wave.card_title"
        assert [p.key for p in body if p.key.startswith(state_keys)] == [body[-1].key], status


def test_a_cancelled_wave_past_its_minimum_never_says_it_will_happen() -> None:
    english = console_shown(card_of(WaveStatus.CANCELLED), "en")
    assert "Minimum" not in english and "it will happen" not in english
    assert english.splitlines()[-1] == "🚫 Cancelled."


def test_a_failed_wave_says_nothing_of_what_is_still_to_go() -> None:
    for lang, words in (("en", "to go"), ("fr", "encore")):
        assert words not in console_shown(card_of(WaveStatus.FAILED), lang)


def test_limits_line_shows_only_what_is_set() -> None:
    assert limits_text(replace(BASE, capacity=None, per_member_max=1)) is None
    per_only = limits_text(replace(BASE, capacity=None))
    assert per_only is not None and render(per_only, "en") == "Up to 3 per member."
    capacity_only = limits_text(replace(BASE, per_member_max=1, units=199))
    assert capacity_only is not None
    assert render(capacity_only, "en") == "200 places in all, 1 left."
    assert render(capacity_only, "fr") == "200 places en tout, 1 restante."
    both = render(LIMITS, "fr")
    assert both == "Jusqu'à 3 par membre · 200 places en tout, 195 restantes."
    assert render(LIMITS, "en") == "Up to 3 per member · 200 places in all, 195 left."


def test_list_rows_tell_opening_live_count_and_outcome() -> None:
    scheduled = WAVES[WaveStatus.SCHEDULED]
    row = render(wave_line(scheduled, NOW), "fr")
    assert row == said("wave.list_row_scheduled", "fr", id=4, title="Kettle",
                       when=scheduled.opens_at, price=eur(100))  # fmt: skip
    live = render(wave_line(WAVES[WaveStatus.OPEN], NOW, FACTS[WaveStatus.OPEN].standing), "en")
    assert live.startswith("#4 Kettle: 3 in, €100 now. 2 more and everyone pays €90.")
    failed = render(wave_line(WAVES[WaveStatus.FAILED], NOW), "en")
    status = said("wave.status_failed")
    assert failed == said("digest.result_row", id=4, title="Kettle", status=status)
    paying = render(wave_line(WAVES[WaveStatus.SUCCEEDED], NOW, due_at=DUE), "en")
    assert said("wave.state_payment", id=4, units=6, price=eur(90), deadline=DUE) in paying


def test_only_conditional_pledges_do_not_invite_to_be_first() -> None:
    wave = replace(BASE, units=2, pledgers=1)
    facts = CardFacts(standing=standing(TIERS, (Bid(2, 2, 8500),), 5))
    for lang in ("en", "fr"):
        card = console_shown(wave_card(wave, NOW, facts=facts), lang)
        assert said("wave.card_price_now", lang, price=eur(100)) in card
        assert fragment("wave.card_price_first", lang) not in card
        split = said("wave.card_split", lang, firm=0, conditional=2, now=0, price=eur(100))
        assert split in card
