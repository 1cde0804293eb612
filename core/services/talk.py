"""Talk before and after a wave: questions routed to who can answer, answers back to the asker,
reviews from confirmed participants, and the idea machine."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from core.errors import DomainError, NotFound
from core.inspire import Spark, draw
from core.messages import Button, PlainText, t
from core.model import Idea, PledgeStatus, Question, Target, Wave, WaveStatus
from core.ports import Actor, Tx
from core.services import announce as ann
from core.services import ideas
from core.services.context import Context, member_of
from core.services.moderation import refuse_if_banned
from core.services.waves import load_wave
from core.views import TalkSummary

QUESTION_MAX = 500
ANSWER_MAX = 1000
REVIEW_MAX = 1000
MAX_QUESTIONS_PER_WAVE = 5
HELPERS_PER_QUESTION = 50  # the most recent buyers in the category who opted in
ASKABLE = (WaveStatus.SCHEDULED, WaveStatus.OPEN, WaveStatus.CLOSED, WaveStatus.SUCCEEDED,
           WaveStatus.COMPLETED)  # fmt: skip
REVIEWABLE = (WaveStatus.SUCCEEDED, WaveStatus.COMPLETED)
RATINGS = range(1, 6)
REVIEW_BATCH = 200


@dataclass(frozen=True)
class Review:
    """What /review recorded, for the reply."""

    wave: Wave
    rating: int
    new: bool
    summary: TalkSummary


def _clean(text: str, limit: int, empty_key: str, long_key: str) -> str:
    """Trim, refuse empty and over-long texts with their own messages."""
    text = text.strip()
    if not text:
        raise DomainError(empty_key)
    if len(text) > limit:
        raise DomainError(long_key, max=limit, length=len(text))
    return text


def _name(actor: Actor, fallback: str) -> str:
    """The name to show for the person acting."""
    return actor.display_name[:64] or fallback


async def _modchat_targets(ctx: Context, tx: Tx) -> list[Target]:
    """The registered moderation chats, in the configured language."""
    return [Target(p, c, ctx.rules.default_lang) for p, c in await tx.modchats()]


async def ask(ctx: Context, actor: Actor, wave_id: int, text: str) -> tuple[Question, Wave]:
    """Record a question and route it to moderation and subscribed chats and opted-in helpers."""
    text = _clean(text, QUESTION_MAX, "error.question_empty", "error.question_long")
    async with ctx.db.write() as tx:
        wave = await load_wave(tx, wave_id)
        if wave.status not in ASKABLE:
            status = t(f"stats.wave_status.{wave.status.value}")
            raise DomainError("error.question_closed", id=wave.id, status=status)
        member = await member_of(ctx, tx, actor)
        refuse_if_banned(member, "ask")
        if await tx.count_questions_by(wave.id, member.id) >= MAX_QUESTIONS_PER_WAVE:
            raise DomainError("error.too_many_questions", max=MAX_QUESTIONS_PER_WAVE, id=wave.id)
        now = ctx.clock.now()
        question_id = await tx.add_question(wave.id, member.id, text, now)
        targets = await tx.subscribed_targets(wave.category)
        targets += await _modchat_targets(ctx, tx)
        targets += await tx.helper_targets(wave.category, member.id, HELPERS_PER_QUESTION)
        body = (
            t("talk.question", id=question_id, wave=wave.id, title=wave.title,
              name=_name(actor, member.display_name), text=text),
            t("talk.answer_hint", id=question_id),
        )  # fmt: skip
        await ann.record(ctx, tx, wave.id, f"question:{question_id}", ann.encode(body), targets)
        return Question(question_id, wave.id, member.id, text, now), wave


async def answer(ctx: Context, actor: Actor, question_id: int, text: str) -> tuple[Question, Wave]:
    """Record an answer (one per member and question) and send it to the asker in private."""
    text = _clean(text, ANSWER_MAX, "error.answer_empty", "error.answer_long")
    async with ctx.db.write() as tx:
        question = await tx.get_question(question_id)
        if question is None:
            raise NotFound("error.question_not_found", id=question_id)
        member = await member_of(ctx, tx, actor)
        if member.id == question.member_id:
            raise DomainError("error.answer_own", id=question_id)
        if not await tx.add_answer(question.id, member.id, text, ctx.clock.now()):
            raise DomainError("error.already_answered", id=question_id)
        wave = await load_wave(tx, question.wave_id)
        target = await tx.member_target(question.member_id)
        body = (
            t("talk.answered", id=question.id, wave=wave.id, title=wave.title,
              question=question.text),
            t("talk.answer_body", name=_name(actor, member.display_name), text=text),
        )  # fmt: skip
        targets = [target] if target else []
        kind = f"answer:{question.id}"
        await ann.record(ctx, tx, wave.id, kind, ann.encode(body), targets)
        return question, wave


async def review(ctx: Context, actor: Actor, wave_id: int, rating: int, text: str | None) -> Review:
    """One review per confirmed participant of a finished wave; reviewing again updates it."""
    if rating not in RATINGS:
        raise DomainError("error.bad_rating", value=str(rating))
    if text is not None:
        text = text.strip() or None
    if text is not None and len(text) > REVIEW_MAX:
        raise DomainError("error.review_long", max=REVIEW_MAX, length=len(text))
    async with ctx.db.write() as tx:
        wave = await load_wave(tx, wave_id)
        if wave.status not in REVIEWABLE:
            raise DomainError("error.review_not_yet", id=wave.id)
        member = await member_of(ctx, tx, actor)
        pledge = await tx.get_pledge(wave.id, member.id)
        if pledge is None or pledge.status is not PledgeStatus.CONFIRMED:
            raise DomainError("error.review_not_participant", id=wave.id)
        new = await tx.upsert_review(wave.id, member.id, rating, text, ctx.clock.now())
        return Review(wave, rating, new, TalkSummary(*await tx.talk_counts(wave.id)))


async def summary(ctx: Context, wave_id: int) -> TalkSummary:
    """Questions, answers and ratings of a wave, for its card."""
    async with ctx.db.read() as tx:
        await load_wave(tx, wave_id)
        return TalkSummary(*await tx.talk_counts(wave_id))


async def set_helper(ctx: Context, actor: Actor, on: bool) -> None:
    """Opt in (or out) to receive questions about categories one bought in."""
    async with ctx.db.write() as tx:
        member = await member_of(ctx, tx, actor)
        await tx.set_helper(member.id, on, ctx.clock.now())


async def is_helper(ctx: Context, actor: Actor) -> bool:
    """Whether the member receives questions in private (a read: unknown means no)."""
    async with ctx.db.read() as tx:
        member = await tx.member_for_account(actor.account)
        return member is not None and await tx.is_helper(member.id)


def rating_buttons(wave_id: int) -> tuple[tuple[Button, ...], ...]:
    """One row of 1–5 star buttons."""
    return (tuple(Button(t("button.rate", n=n), f"rate:{wave_id}:{n}") for n in RATINGS),)


async def ask_reviews(ctx: Context) -> int:
    """The clock's sweep: ask for the reviews that delivery made due and no batch sent yet."""
    async with ctx.db.write() as tx:
        return await ask_reviews_in(ctx, tx)


async def ask_reviews_in(ctx: Context, tx: Tx) -> int:
    """Ask paid members of delivered waves for a review, once each (the outbox keeps one
    'review_ask:<member>' announcement per wave and member, so this is idempotent and a crash
    loses nothing: the database says who is still to ask); returns how many were asked."""
    seen = await tx.review_candidates(REVIEW_BATCH)
    waves = {wave_id: await load_wave(tx, wave_id) for wave_id in sorted({w for w, _ in seen})}
    # The waves' rows are now locked in a PostgreSQL write (another asker, /delivered on another
    # process or a second sweep, waits or has committed): read the candidates again, so nobody
    # is asked twice. On SQLite the single writer gives the same answer.
    due = [(w, target) for w, target in await tx.review_candidates(REVIEW_BATCH) if w in waves]
    by_wave: dict[int, list[Target]] = defaultdict(list)
    for wave_id, target in due:
        by_wave[wave_id].append(target)
    for wave_id, targets in by_wave.items():
        wave = waves[wave_id]
        body = (t("talk.review_ask", id=wave.id, title=wave.title),)
        payload = ann.encode(body, rating_buttons(wave.id))
        for target in targets:
            kind = f"review_ask:{target.member_id}"
            await ann.record(ctx, tx, wave.id, kind, payload, [target])
    return len(due)


def spark_title(plain: PlainText, spark: Spark, lang: str) -> str:
    """'Bamboo lamp for camping' / 'Lampe en bambou pour le camping'."""
    obj, material, use = spark.words(lang)
    text = plain(t("inspire.title", object=obj, material=material, use=use), lang)
    return text[:1].upper() + text[1:]


def spark_category(plain: PlainText, spark: Spark, lang: str) -> str:
    """The combination's category as a tag in the reader's language (kitchen / cuisine)."""
    return plain(t(f"category.{spark.category}"), lang)


def inspire(ctx: Context) -> Spark:
    """A random object × material × use, from the context's random source."""
    return draw(ctx.rng)


async def propose_spark(ctx: Context, actor: Actor, spark: Spark, lang: str) -> Idea:
    """Propose a drawn combination as an idea, with the usual pending limit."""
    title = spark_title(ctx.plain_text(), spark, lang)
    category = spark_category(ctx.plain_text(), spark, lang)
    return await ideas.propose(ctx, actor, f"{title} #{category}")
