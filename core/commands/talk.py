"""Talk before and after a wave: /ask, /answer, /review, /helpers, and the idea machine /inspire."""

from __future__ import annotations

from core.commands.parsing import parse_id
from core.commands.registry import Param, Request, action, command
from core.commands.usage import WAVE, need, say, usage_error
from core.errors import DomainError
from core.inspire import parse_spark
from core.messages import Button, Reply, t
from core.services import community, talk
from core.views import talk_texts

QUESTION = "question"


def _split(args: str, head: int) -> tuple[list[str], str]:
    """The first `head` words and the free text after them (which keeps its line breaks)."""
    parts = args.strip().split(maxsplit=head)
    return parts[:head], parts[head] if len(parts) > head else ""


@command("ask", Param("wave", "int", autocomplete=WAVE), Param("question", rest=True))
async def ask(req: Request) -> list[Reply]:
    """Ask about a wave; moderators, subscribed chats and past buyers who opted in see it."""
    words, text = _split(req.args, 1)
    if not words:
        raise usage_error("ask")
    question, wave = await talk.ask(req.ctx, req.actor, parse_id(words[0], WAVE), text)
    body = t("talk.asked", id=question.id, wave=wave.id, title=wave.title)
    return [Reply(body=(body,), private=True)]


@command("answer", Param("question", "int"), Param("text", rest=True))
async def answer(req: Request) -> list[Reply]:
    """Answer a question; the asker receives it in private."""
    words, text = _split(req.args, 1)
    if not words:
        raise usage_error("answer")
    question, _ = await talk.answer(req.ctx, req.actor, parse_id(words[0], QUESTION), text)
    return [Reply(body=(t("talk.answer_sent", id=question.id),), private=True)]


def parse_rating(text: str) -> int:
    """A whole number from 1 to 5."""
    if not text.isdigit() or int(text) not in talk.RATINGS:
        raise DomainError("error.bad_rating", value=text[:16])
    return int(text)


@command("review", Param("wave", "int", autocomplete=WAVE), Param("rating", "int"),
         Param("text", required=False, rest=True))  # fmt: skip
async def review(req: Request) -> list[Reply]:
    """Rate a wave one bought in (1–5, optional words); a second review replaces the first."""
    words, text = _split(req.args, 2)
    if len(words) < 2:
        raise usage_error("review")
    wave_id, rating = parse_id(words[0], WAVE), parse_rating(words[1])
    return await _review(req, wave_id, rating, text or None)


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


@command("helpers", Param("state", required=False))
async def helpers(req: Request) -> list[Reply]:
    """Opt in (or out) to receive, in private, questions about categories one bought in."""
    need(req.words, 0, 1, "helpers")
    if not req.words:
        on = await talk.is_helper(req.ctx, req.actor)
        state = t("talk.helpers_state_on" if on else "talk.helpers_state_off")
        buttons = ((Button(t("button.helpers_on"), "helpers:on"),
                    Button(t("button.helpers_off"), "helpers:off")),)  # fmt: skip
        return [Reply(body=(t("talk.helpers_show", state=state),), buttons=buttons, private=True)]
    choice = req.words[0].lower()
    if choice not in ("on", "off"):
        raise usage_error("helpers")
    return await _set_helper(req, choice == "on")


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


@command("inspire")
async def inspire(req: Request) -> list[Reply]:
    """A random object × material × use, with a button to propose it as an idea."""
    need(req.words, 0, 0, "inspire")
    return await _spark(req)


@action("inspire")
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
