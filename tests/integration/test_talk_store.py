"""Questions, answers, reviews and review requests on a real SQLite file."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from core.clock import FakeClock
from core.model import WaveStatus
from core.ports import Actor, ChatKind, ChatRef
from core.services import community, fulfilment, lifecycle, paying, talk, waves
from core.services.context import Context
from tests.integration.conftest import OWNER, approved_idea, person, plan, refused, rows


async def finished_wave(
    ctx: Context, buyers: list[Actor], confirming: list[Actor], title: str = "Pan #kitchen"
) -> int:
    """A wave that succeeded with these buyers, some of whom confirmed."""
    idea = await approved_idea(ctx, title)
    wave = await waves.launch(ctx, OWNER, plan(idea, (1, 10_000), (2, 9_000)))
    for buyer in buyers:
        await waves.join(ctx, buyer, wave.id)
    closed = await lifecycle.close(ctx, OWNER, wave.id)
    assert closed.status is WaveStatus.SUCCEEDED
    for buyer in confirming:
        await lifecycle.confirm(ctx, buyer, wave.id)
    return wave.id


def deliveries_of(db_path: Path, kind: str) -> set[tuple[str, str]]:
    """Where an announcement of this kind is to be delivered."""
    found = rows(db_path, "SELECT d.platform, d.chat_id FROM deliveries d JOIN announcements a "
                 "ON a.id = d.announcement_id WHERE a.kind = ?", kind)  # fmt: skip
    return {(platform, chat) for platform, chat in found}


async def test_questions_reach_chats_and_opted_in_buyers_answers_reach_the_asker(
    ctx: Context, db_path: Path
) -> None:
    group = ChatRef("telegram", "-100", ChatKind.GROUP, "Kitchen fans")
    await community.subscribe(ctx, OWNER, group, ["kitchen"])
    await community.subscribe(ctx, OWNER, ChatRef("telegram", "-300", ChatKind.GROUP), ["garden"])
    await community.register_modchat(ctx, OWNER, ChatRef("telegram", "-200", ChatKind.GROUP))
    await finished_wave(ctx, [person(1), person(2)], [person(1), person(2)])
    await finished_wave(ctx, [person(4), person(6)], [person(4)], "Rake #garden")
    for helper in (person(1), person(3), person(4)):  # 3 bought nothing, 4 bought garden
        await talk.set_helper(ctx, helper, True)
    assert await talk.is_helper(ctx, person(1)) and not await talk.is_helper(ctx, person(2))

    idea = await approved_idea(ctx, "Kettle #kitchen")
    wave = await waves.launch(ctx, OWNER, plan(idea, (1, 5_000), (10, 4_000)))
    question, _ = await talk.ask(ctx, person(5), wave.id, "  Is it dishwasher safe?  ")
    assert question.text == "Is it dishwasher safe?"
    assert deliveries_of(db_path, f"question:{question.id}") == {
        ("telegram", "-100"), ("telegram", "-200"), ("telegram", "1001")
    }  # fmt: skip

    await talk.set_helper(ctx, person(1), False)
    second, _ = await talk.ask(ctx, person(5), wave.id, "What colour?")
    assert deliveries_of(db_path, f"question:{second.id}") == {
        ("telegram", "-100"), ("telegram", "-200")
    }  # fmt: skip

    await talk.answer(ctx, person(2), question.id, "Yes, top rack.")
    assert deliveries_of(db_path, f"answer:{question.id}") == {("telegram", "1005")}
    (body,) = rows(
        db_path, "SELECT body FROM announcements WHERE kind = ?", f"answer:{question.id}"
    )
    assert "Yes, top rack." in body[0] and "Is it dishwasher safe?" in body[0]
    with refused("error.already_answered"):
        await talk.answer(ctx, person(2), question.id, "Again")
    with refused("error.answer_own"):
        await talk.answer(ctx, person(5), question.id, "Me")
    with refused("error.question_not_found"):
        await talk.answer(ctx, person(2), 999, "Hm")
    with refused("error.answer_empty"):
        await talk.answer(ctx, person(3), question.id, "   ")
    summary = await talk.summary(ctx, wave.id)
    assert (summary.questions, summary.answers, summary.reviews) == (2, 1, 0)


async def test_questions_are_checked_and_limited(ctx: Context) -> None:
    idea = await approved_idea(ctx)
    wave = await waves.launch(ctx, OWNER, plan(idea, (1, 5_000), (10, 4_000)))
    with refused("error.question_empty"):
        await talk.ask(ctx, person(1), wave.id, " ")
    with refused("error.question_long"):
        await talk.ask(ctx, person(1), wave.id, "x" * (talk.QUESTION_MAX + 1))
    with refused("error.wave_not_found"):
        await talk.ask(ctx, person(1), 99, "Hello?")
    for n in range(talk.MAX_QUESTIONS_PER_WAVE):
        await talk.ask(ctx, person(1), wave.id, f"Question {n}")
    with refused("error.too_many_questions"):
        await talk.ask(ctx, person(1), wave.id, "One more")
    await talk.ask(ctx, person(2), wave.id, "Someone else may ask")
    await lifecycle.cancel(ctx, OWNER, wave.id, "")
    with refused("error.question_closed"):
        await talk.ask(ctx, person(2), wave.id, "Too late")


async def test_one_review_per_confirmed_participant_updated_in_place(
    ctx: Context, db_path: Path
) -> None:
    idea = await approved_idea(ctx)
    wave = await waves.launch(ctx, OWNER, plan(idea, (1, 10_000), (2, 9_000)))
    for n in (1, 2, 3):
        await waves.join(ctx, person(n), wave.id)
    with refused("error.review_not_yet"):
        await talk.review(ctx, person(1), wave.id, 5, None)
    await lifecycle.close(ctx, OWNER, wave.id)
    await lifecycle.confirm(ctx, person(1), wave.id)
    await lifecycle.confirm(ctx, person(2), wave.id)
    with refused("error.review_not_participant"):
        await talk.review(ctx, person(3), wave.id, 5, None)  # never confirmed
    with refused("error.review_not_participant"):
        await talk.review(ctx, person(9), wave.id, 5, None)  # never joined
    with refused("error.bad_rating"):
        await talk.review(ctx, person(1), wave.id, 6, None)
    with refused("error.review_long"):
        await talk.review(ctx, person(1), wave.id, 5, "x" * (talk.REVIEW_MAX + 1))

    first = await talk.review(ctx, person(1), wave.id, 5, "Great pan")
    assert first.new and first.summary.reviews == 1
    again = await talk.review(ctx, person(1), wave.id, 3, None)  # a button: keeps the words
    assert not again.new
    other = await talk.review(ctx, person(2), wave.id, 4, "")
    assert (other.summary.reviews, other.summary.rating_total) == (2, 7)
    found = rows(db_path, "SELECT m.display_name, r.rating, r.text FROM reviews r "
                 "JOIN members m ON m.id = r.member_id ORDER BY m.display_name")  # fmt: skip
    assert found == [("Member 1", 3, "Great pan"), ("Member 2", 4, "")]


async def test_review_requests_follow_delivery_once_to_paid_members_who_did_not_review(
    ctx: Context, clock: FakeClock, db_path: Path
) -> None:
    wave_id = await finished_wave(ctx, [person(n) for n in (1, 2, 3, 4, 5)],
                                  [person(n) for n in (1, 2, 3, 4)])  # fmt: skip
    for n in (1, 2, 3):  # 4 confirmed but never paid, 5 never confirmed
        await paying.mark_paid(ctx, OWNER, wave_id, person(n).account)
    await talk.review(ctx, person(3), wave_id, 5, None)
    await community.set_notify(ctx, person(2), False)
    clock.advance(timedelta(days=60))
    assert await talk.ask_reviews(ctx) == 0  # paid long ago, but nothing is delivered yet
    async with ctx.db.write() as tx:
        await tx.set_wave_status(wave_id, WaveStatus.COMPLETED, clock.now())
    assert await talk.ask_reviews(ctx) == 0  # completed is not delivered
    await fulfilment.deliver(ctx, OWNER, wave_id)  # asks in the same commit
    assert await talk.ask_reviews(ctx) == 0  # person 1 only: 2 wants no messages, 3 reviewed
    (kind, body), = rows(db_path, "SELECT kind, body FROM announcements "
                         "WHERE kind LIKE 'review_ask:%'")  # fmt: skip
    assert deliveries_of(db_path, kind) == {("telegram", "1001")}
    buttons = json.loads(body)["buttons"]
    assert [action for _, action in buttons[0]] == [f"rate:{wave_id}:{n}" for n in range(1, 6)]
    await community.set_notify(ctx, person(2), True)
    assert await talk.ask_reviews(ctx) == 1  # the sweep asks whoever delivery did not reach
    assert await talk.ask_reviews(ctx) == 0  # the outbox remembers
