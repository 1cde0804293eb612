"""How domain state reads in chat: progress bars, tier tables, the gap to the next tier."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from core.messages import APP, Button, Lines, Reply, T, t, until
from core.model import Idea, Wave, WaveStatus
from core.money import Money
from core.tiers import Standing, next_tier, price_for, tier_index_for

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


def status_text(wave: Wave, now: datetime, due_at: datetime | None = None) -> T:
    """The one state line: deadline while open, payment window, outcome once decided."""
    if wave.status is WaveStatus.OPEN:
        return t("wave.closes", deadline=wave.closes_at, left=until(wave.closes_at, now))
    if wave.status is WaveStatus.SCHEDULED:
        return t("wave.opens", when=wave.opens_at)
    price, units = wave.money(wave.final_price_cents or 0), wave.final_units or 0
    if wave.status is WaveStatus.SUCCEEDED and due_at is not None:
        return t("wave.state_payment", id=wave.id, units=units, price=price, deadline=due_at)
    if wave.status in (WaveStatus.SUCCEEDED, WaveStatus.COMPLETED):
        done = wave.status is WaveStatus.COMPLETED  # pay at end: confirmations are over
        key = "pay.result_completed" if done else "wave.result_success"
        return t(key, price=price, units=units)
    return t("wave.status_" + wave.status.value)


def _price_line(wave: Wave, pledged: int = 0) -> T:
    """The price everyone pays now; an invitation to be first only when nobody pledged at all."""
    price = wave.money(price_for(wave.tiers, wave.units))
    if wave.pledgers:
        return t("wave.card_price", price=price, people=wave.pledgers)
    if pledged:  # only conditional pledges, none of which would buy yet
        return t("wave.card_price_now", price=price)
    return t("wave.card_price_first", price=price)


def first_price(wave: Wave) -> Money:
    """The price before any discount, what a scheduled wave starts at."""
    return wave.money(wave.tiers[0].unit_price)


def cleared(wave: Wave, standing: Standing | None) -> Wave:
    """An open wave as its live numbers read: only the units that would buy if it closed now.

    Conditional pledges whose maximum is below today's clearing price would drop out at the
    close, so the price line, "Now N in", the bar, the gap and the threshold count only the
    cleared units (never more than the close would give); the stored count is every active unit.
    """
    if standing is None or wave.status is not WaveStatus.OPEN:
        return wave
    return replace(wave, units=standing.clearing.units, pledgers=standing.pledgers)


def split_text(standing: Standing, wave: Wave) -> T | None:
    """'12 firm + 5 conditional: 15 would buy at 80 € if it closed now', when any is conditional."""
    if not standing.conditional:
        return None
    clearing = standing.clearing
    return t("wave.card_split", firm=standing.firm, conditional=standing.conditional,
             now=clearing.units, price=wave.money(clearing.price))  # fmt: skip


def limits_text(wave: Wave) -> T | None:
    """'Up to 3 per member · 200 places, 57 left', so nobody discovers the rules by error."""
    per = wave.per_member_max if wave.per_member_max > 1 else None
    if wave.capacity is None:
        return t("wave.limits_per", per=per) if per else None
    left = max(0, wave.capacity - wave.units)  # the capacity counts every active unit
    if per is None:
        return t("wave.limits_capacity", capacity=wave.capacity, left=left)
    return t("wave.limits_both", per=per, capacity=wave.capacity, left=left)


def condition_text(wave: Wave, quantity: int, max_price: int, price: int) -> T:
    """A conditional pledge repeated back, and whether today's price meets it."""
    key = "pledge.condition_met" if price <= max_price else "pledge.condition_unmet"
    return t(key, qty=quantity, max=wave.money(max_price), price=wave.money(price))


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


@dataclass(frozen=True)
class CardFacts:
    """What a card needs besides the wave row: today's clearing and the payment deadline."""

    standing: Standing | None = None
    due_at: datetime | None = None


Part = Callable[[Wave, Wave, CardFacts], "T | None"]  # (stored wave, live wave, facts)

_PARTS: dict[str, Part] = {
    "start_price": lambda w, live, f: t("wave.card_price_from", price=first_price(w)),
    "price": lambda w, live, f: _price_line(live, w.pledgers),
    "split": lambda w, live, f: split_text(f.standing, w) if f.standing else None,
    "progress": lambda w, live, f: progress_text(live),
    "gap": lambda w, live, f: gap_text(live),
    "tiers": lambda w, live, f: t("wave.card_tiers", table=tier_table(live)),
    "moq": lambda w, live, f: moq_text(live),
    "limits": lambda w, live, f: limits_text(w),
}

# One rendering rule per state: the card parts shown, in this order, between the title (and
# description) and the state line (status_text), followed by the Q&A and rating lines. Live
# numbers (price, bar, gap, threshold) only while the count can move; the rules of joining only
# before the close; the tier table, marking the settled tier, once a price is final; buttons
# (wave_buttons) only while open. A closed wave never shows a gap nor "minimum reached".
CARD_PARTS: dict[WaveStatus, tuple[str, ...]] = {
    WaveStatus.SCHEDULED: ("start_price", "tiers", "moq", "limits"),
    WaveStatus.OPEN: ("price", "split", "progress", "gap", "tiers", "moq", "limits"),
    WaveStatus.CLOSED: (),
    WaveStatus.SUCCEEDED: ("tiers",),
    WaveStatus.COMPLETED: ("tiers",),
    WaveStatus.FAILED: (),
    WaveStatus.CANCELLED: (),
}


def settled(wave: Wave) -> Wave:
    """A decided wave read at its final count (the tier table marks the final tier)."""
    if wave.status in (WaveStatus.SUCCEEDED, WaveStatus.COMPLETED):
        return replace(wave, units=wave.final_units or 0)
    return wave


def page_buttons(link: str) -> tuple[tuple[Button, ...], ...]:
    """The row that opens a wave's public page (a Mini App in Telegram), when there is one."""
    return ((Button(t("button.open_page"), APP + link),),) if link else ()


def wave_card(
    wave: Wave,
    now: datetime,
    talk: TalkSummary | None = None,
    facts: CardFacts | None = None,
    link: str = "",
) -> Reply:
    """The full card, with the parts its state shows (CARD_PARTS), Q&A/rating and buttons;
    `link` is the wave's public page (a row of its own)."""
    facts = facts or CardFacts()
    live = settled(cleared(wave, facts.standing))
    parts = (_PARTS[name](wave, live, facts) for name in CARD_PARTS[wave.status])
    body: tuple[T, ...] = (
        t("wave.card_title", id=wave.id, title=wave.title, category=wave.category),
        *(part for part in parts if part is not None),
        status_text(wave, now, facts.due_at),
        *(talk_texts(talk) if talk else ()),
    )
    if wave.description:
        body = (body[0], t("plain", text=wave.description), *body[1:])
    buttons = wave_buttons(wave) + page_buttons(link)
    return Reply(body=body, buttons=buttons, card=("wave", wave.id), photo=wave.photo)


def wave_line(
    wave: Wave, now: datetime, standing: Standing | None = None, due_at: datetime | None = None
) -> T:
    """One line of /waves or a digest: live numbers while open, else the opening or the outcome."""
    if wave.status is WaveStatus.SCHEDULED:
        return t("wave.list_row_scheduled", id=wave.id, title=wave.title, when=wave.opens_at,
                 price=first_price(wave))  # fmt: skip
    if wave.status is not WaveStatus.OPEN:
        return t("digest.result_row", id=wave.id, title=wave.title,
                 status=status_text(wave, now, due_at))  # fmt: skip
    live = cleared(wave, standing)
    return t(
        "wave.list_row",
        id=wave.id,
        title=wave.title,
        units=live.units,
        price=wave.money(price_for(live.tiers, live.units)),
        gap=gap_text(live),
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
