"""Talk before and after a wave: /ask, /answer, /review, /helpers, and the idea machine /inspire."""

from __future__ import annotations

from core.commands.params import WAVE, OnOff, Param, QuestionId, Rating, Text, WaveId, parse_rating
from core.commands.parsing import parse_id
from core.commands.registry import Request, action, command, without_args
from core.commands.usage import say
from core.inspire import parse_spark
from core.messages import Button, Reply, t
from core.services import community, talk
from core.views import talk_texts

THE_WAVE = Param("wave", WaveId)
# Optional in the declaration so that a missing question gets its own specific reply.
QUESTION_TEXT = Param("question", Text, required=False)
THE_QUESTION = Param("question", QuestionId)
ANSWER_TEXT = Param("text", Text)
RATING = Param("rating", Rating)
REVIEW_TEXT = Param("text", Text, required=False)
STATE = Param("state", OnOff, required=False)


@command("ask", THE_WAVE, QUESTION_TEXT)
async def ask(req: Request) -> list[Reply]:
    """Ask about a wave; moderators, subscribed chats and past buyers who opted in see it."""
    wave_id, text = req.arg(THE_WAVE), req.maybe(QUESTION_TEXT) or ""
    question, wave = await talk.ask(req.ctx, req.actor, wave_id, text)
    body = t("talk.asked", id=question.id, wave=wave.id, title=wave.title)
    return [Reply(body=(body,), private=True)]


@command("answer", THE_QUESTION, ANSWER_TEXT)
async def answer(req: Request) -> list[Reply]:
    """Answer a question; the asker receives it in private."""
    question_id, text = req.arg(THE_QUESTION), req.arg(ANSWER_TEXT)
    question, _ = await talk.answer(req.ctx, req.actor, question_id, text)
    return [Reply(body=(t("talk.answer_sent", id=question.id),), private=True)]


@command("review", THE_WAVE, RATING, REVIEW_TEXT)
async def review(req: Request) -> list[Reply]:
    """Rate a wave one bought in (1–5, optional words); a second review replaces the first."""
    return await _review(req, req.arg(THE_WAVE), req.arg(RATING), req.maybe(REVIEW_TEXT))


@action("rate")
async def rate(req: Request) -> list[Reply]:
    """A 1–5 button under the review request: 'rate:<wave>:<n>'."""
    wave, _, stars = req.args.partition(":")
    return await _review(req, parse_id(wave, WAVE), parse_rating(stars), None)


async def _review(req: Request, wave_id: int, rating: int, text: str | None) -> list[Reply]:
    """Record the review and thank, with the wave's average."""
    done = await talk.review(req.ctx, req.actor, wave_id, rating, text)
    key = "talk.reviewed" if done.new else "talk.review_updated"
    head = t(key, id=done.wave.id, title=done.wave.title, rating=rating)
    return [Reply(body=(head, *talk_texts(done.summary)), private=True)]


@command("helpers", STATE, reads_only=without_args)
async def helpers(req: Request) -> list[Reply]:
    """Opt in (or out) to receive, in private, questions about categories one bought in."""
    on = req.maybe(STATE)
    if on is None:
        helping = await talk.is_helper(req.ctx, req.actor)
        state = t("talk.helpers_state_on" if helping else "talk.helpers_state_off")
        buttons = ((Button(t("button.helpers_on"), "helpers:on"),
                    Button(t("button.helpers_off"), "helpers:off")),)  # fmt: skip
        return [Reply(body=(t("talk.helpers_show", state=state),), buttons=buttons, private=True)]
    return await _set_helper(req, on)


@action("helpers")
async def helpers_button(req: Request) -> list[Reply]:
    """The on/off buttons of /helpers."""
    if req.args not in ("on", "off"):
        raise ValueError(req.args)
    return await _set_helper(req, req.args == "on")


async def _set_helper(req: Request, on: bool) -> list[Reply]:
    """Apply the opt-in."""
    await talk.set_helper(req.ctx, req.actor, on)
    return [Reply(body=(t("talk.helpers_on" if on else "talk.helpers_off"),), private=True)]


@command("inspire", reads_only=True)
async def inspire(req: Request) -> list[Reply]:
    """A random object × material × use, with a button to propose it as an idea."""
    return await _spark(req)


@action("inspire", reads_only=True)
async def inspire_again(req: Request) -> list[Reply]:
    """'🎲 Another': a fresh draw."""
    return await _spark(req)


async def _spark(req: Request) -> list[Reply]:
    """Draw a combination and show it in the member's language."""
    _, lang = await community.identify(req.ctx, req.actor)
    spark = talk.inspire(req.ctx)
    plain = req.ctx.plain_text()
    body = (
        t(
            "inspire.spark",
            title=talk.spark_title(plain, spark, lang),
            category=talk.spark_category(plain, spark, lang),
        ),
        t("inspire.hint"),
    )
    buttons = ((Button(t("button.inspire_propose"), f"propose:{spark.code}"),
                Button(t("button.inspire_again"), "inspire")),)  # fmt: skip
    return [Reply(body=body, buttons=buttons)]


@action("propose")
async def propose(req: Request) -> list[Reply]:
    """'Propose this as an idea': the drawn combination, through the usual proposal rules."""
    spark = parse_spark(req.args)
    _, lang = await community.identify(req.ctx, req.actor)
    idea = await talk.propose_spark(req.ctx, req.actor, spark, lang)
    return say("idea.proposed", id=idea.id, title=idea.title, category=idea.category)
