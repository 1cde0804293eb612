"""How domain state reads in chat: progress bars, tier tables, the gap to the next tier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.messages import Button, Lines, Reply, T, t, until
from core.model import Idea, Wave, WaveStatus
from core.tiers import next_tier, price_for, tier_index_for

BAR_CELLS = 10


def progress_bar(units: int, goal: int, cells: int = BAR_CELLS) -> str:
    """▰▰▰▱▱ style bar; full once the goal is reached."""
    goal = max(goal, 1)
    filled = min(cells, units * cells // goal)
    return "▰" * filled + "▱" * (cells - filled)


def goal_of(wave: Wave) -> int:
    """What the bar measures against: the next tier, else the MOQ, else the last tier."""
    upcoming = next_tier(wave.tiers, wave.units)
    if wave.units < wave.moq:
        return wave.moq
    return upcoming.min_units if upcoming else max(wave.units, wave.tiers[-1].min_units)


def gap_text(wave: Wave) -> T:
    """'12 more and everyone pays 79 €', or that the lowest price is reached."""
    upcoming = next_tier(wave.tiers, wave.units)
    if upcoming is None:
        return t("wave.gap_lowest", price=wave.money(price_for(wave.tiers, wave.units)))
    return t(
        "wave.gap_next",
        more=upcoming.min_units - wave.units,
        price=wave.money(upcoming.unit_price),
    )


def progress_text(wave: Wave) -> T:
    """The bar with its numbers."""
    goal = goal_of(wave)
    return t("wave.progress", bar=progress_bar(wave.units, goal), units=wave.units, goal=goal)


def tier_table(wave: Wave) -> Lines:
    """One line per tier, the current one marked."""
    current = tier_index_for(wave.tiers, wave.units)
    rows = []
    for index, tier in enumerate(wave.tiers):
        key = "wave.tier_row_current" if index == current else "wave.tier_row"
        rows.append(t(key, units=tier.min_units, price=wave.money(tier.unit_price)))
    return Lines(tuple(rows))


def moq_text(wave: Wave) -> T:
    """Whether the wave already will happen."""
    if wave.units >= wave.moq:
        return t("wave.moq_reached", moq=wave.moq)
    return t("wave.moq_missing", moq=wave.moq, more=wave.moq - wave.units)


def wave_buttons(wave: Wave) -> tuple[tuple[Button, ...], ...]:
    """Join / leave buttons while the wave is open."""
    if wave.status is not WaveStatus.OPEN:
        return ()
    row = [
        Button(t("button.join"), f"join:{wave.id}"),
        Button(t("button.leave"), f"leave:{wave.id}"),
    ]
    if wave.per_member_max > 1:
        row.insert(1, Button(t("button.join_more"), f"more:{wave.id}"))
    return (tuple(row),)


def status_text(wave: Wave, now: datetime) -> T:
    """Deadline while open, outcome once closed."""
    if wave.status is WaveStatus.OPEN:
        return t("wave.closes", deadline=wave.closes_at, left=until(wave.closes_at, now))
    if wave.status is WaveStatus.SCHEDULED:
        return t("wave.opens", when=wave.opens_at)
    if wave.status in (WaveStatus.SUCCEEDED, WaveStatus.COMPLETED):
        price = wave.money(wave.final_price_cents or 0)
        done = wave.status is WaveStatus.COMPLETED  # pay at end: confirmations are over
        key = "pay.result_completed" if done else "wave.result_success"
        return t(key, price=price, units=wave.final_units or 0)
    return t("wave.status_" + wave.status.value)


def _price_line(wave: Wave) -> T:
    """The price everyone pays now, or an invitation to be first."""
    price = wave.money(price_for(wave.tiers, wave.units))
    if wave.pledgers == 0:
        return t("wave.card_price_first", price=price)
    return t("wave.card_price", price=price, people=wave.pledgers)


@dataclass(frozen=True)
class TalkSummary:
    """What a wave's card says about its questions, answers and reviews."""

    questions: int = 0
    answers: int = 0
    reviews: int = 0
    rating_total: int = 0


def talk_texts(talk: TalkSummary) -> tuple[T, ...]:
    """'💬 Questions: 3 · answers: 5' and '⭐ 4.3/5 (reviews: 12)', each when there are some."""
    lines: list[T] = []
    if talk.questions:
        lines.append(t("talk.card_questions", questions=talk.questions, answers=talk.answers))
    if talk.reviews:
        tenths = (talk.rating_total * 20 + talk.reviews) // (talk.reviews * 2)  # half up
        lines.append(t("talk.card_rating", whole=tenths // 10, tenth=tenths % 10,
                       count=talk.reviews))  # fmt: skip
    return tuple(lines)


def wave_card(wave: Wave, now: datetime, talk: TalkSummary | None = None) -> Reply:
    """The full card: title, price, bar, gap, tiers, threshold, deadline, Q&A/rating, buttons."""
    body: tuple[T, ...] = (
        t("wave.card_title", id=wave.id, title=wave.title, category=wave.category),
        _price_line(wave),
        progress_text(wave),
        gap_text(wave),
        t("wave.card_tiers", table=tier_table(wave)),
        moq_text(wave),
        status_text(wave, now),
        *(talk_texts(talk) if talk else ()),
    )
    if wave.description:
        body = (body[0], t("plain", text=wave.description), *body[1:])
    return Reply(body=body, buttons=wave_buttons(wave), card=("wave", wave.id), photo=wave.photo)


def wave_line(wave: Wave, now: datetime) -> T:
    """One line of /waves."""
    return t(
        "wave.list_row",
        id=wave.id,
        title=wave.title,
        units=wave.units,
        price=wave.money(price_for(wave.tiers, wave.units)),
        gap=gap_text(wave),
        left=until(wave.closes_at, now),
    )


def idea_line(idea: Idea) -> T:
    """One line of /ideas or /pending, with every #tag."""
    return t("idea.list_row_tags", id=idea.id, title=idea.title, tags=tags_text(idea),
             wants=idea.wants)  # fmt: skip


def idea_title(idea: Idea) -> T:
    """The first line of an idea's card, with every #tag."""
    return t("idea.card_title_tags", id=idea.id, title=idea.title, tags=tags_text(idea))


def tags_text(idea: Idea) -> T:
    """'#kitchen #coffee': the category first, then the other tags typed."""
    tags = idea.tags if idea.category in idea.tags else (idea.category, *idea.tags)
    text = t("idea.tag", tag=tags[0])
    for tag in tags[1:]:
        text = t("idea.tag_next", before=text, tag=tag)
    return text
