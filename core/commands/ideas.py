"""Idea commands: /idea, /ideas, /want, /unwant and the moderation queue."""

from __future__ import annotations

from dataclasses import replace

from core.commands.asking import did_you_mean, merge_choices
from core.commands.params import (
    IDEA,
    Choice,
    Description,
    IdeaId,
    Param,
    Photo,
    Price,
    Tag,
    Text,
)
from core.commands.parsing import parse_id
from core.commands.registry import Request, action, command
from core.commands.usage import pager, say
from core.errors import DomainError
from core.messages import Button, Lines, Reply, t
from core.model import Idea, IdeaStatus
from core.money import Money
from core.services import ideas, suggest
from core.services.context import require_moderator
from core.text import whole_number
from core.views import idea_line, idea_title

TEXT = Param("text", Text, label_key="usage.idea_text")
# '/ideas #kitchen' skips the order: a #tag is never an order.
ORDER = Param("order", replace(Choice("new", "top"), accepts=lambda word: word[:1] != "#"),
              required=False)  # fmt: skip
TAG = Param("tag", Tag, required=False)
THE_IDEA = Param("idea", IdeaId)
INTO = Param("into", IdeaId)
MAX_PRICE = Param("max_price", Price, required=False, label_key="usage.max_price")
REASON = Param("reason", Text, required=False)
DESCRIPTION = Param("description", Description, required=False)
PHOTO = Param("photo", Photo, required=False)


def idea_card(idea: Idea, prices: list[int | None], currency: str) -> Reply:
    """An idea with its tags, photo, support and a Want button."""
    stated = sorted(p for p in prices if p is not None)
    body = [idea_title(idea)]
    if idea.description:
        body.append(t("plain", text=idea.description))
    body.append(t("idea.card_wants", wants=idea.wants, status=t(f"status.{idea.status.value}")))
    if stated:
        median = Money(stated[len(stated) // 2], currency)
        body.append(t("idea.card_median", price=median, count=len(stated)))
    buttons: tuple[tuple[Button, ...], ...] = ()
    if idea.status is IdeaStatus.APPROVED:
        buttons = ((Button(t("button.want"), f"want:{idea.id}"),),)
    return Reply(body=tuple(body), buttons=buttons, card=("idea", idea.id), photo=idea.photo)


@command("idea", TEXT, DESCRIPTION, PHOTO, hint="usage.idea_hint")
async def propose(req: Request) -> list[Reply]:
    """Propose an idea: 'Title | description' or further lines, #tags, a photo where possible."""
    idea = await suggest.propose_unless_known(req.ctx, req.actor, req.arg(TEXT), req.photo)
    if isinstance(idea, suggest.Suggestion):
        return did_you_mean(idea)
    return say("idea.proposed", id=idea.id, title=idea.title, category=idea.category)


@command("ideas", ORDER, TAG, reads_only=True)
async def browse(req: Request) -> list[Reply]:
    """Browse approved ideas, newest or most wanted, all or one #tag's."""
    return await ideas_page(req, req.maybe(ORDER) or "top", 1, req.maybe(TAG) or "")


async def ideas_page(req: Request, order: str, page: int, tag: str = "") -> list[Reply]:
    """One page of the idea list with paging buttons."""
    found, pages = await ideas.browse(req.ctx, ideas.VISIBLE, order, page, tag)
    if not found:
        return say("idea.none_tagged", tag=tag) if tag else say("idea.none")
    page = min(page, pages)
    rows = tuple(idea_line(i) for i in found)
    header = t("idea.list_header", order=t(f"order.{order}"), page=page, pages=pages)
    wants = tuple(Button(t("button.want_id", id=i.id), f"want:{i.id}") for i in found
                  if i.status is IdeaStatus.APPROVED)  # fmt: skip
    rows_of_buttons = tuple(wants[i : i + 4] for i in range(0, len(wants), 4))
    nav = pager(f"ideas:{order}" + (f"#{tag}" if tag else ""), page, pages)
    buttons = rows_of_buttons + ((nav,) if nav else ())
    return [Reply(body=(header, t("lines", lines=Lines(rows))), buttons=buttons)]


@command("want", THE_IDEA, MAX_PRICE)
async def want(req: Request) -> list[Reply]:
    """Support an idea, optionally with the most you would pay."""
    return await want_idea(req, req.arg(THE_IDEA), req.maybe(MAX_PRICE))


async def want_idea(req: Request, idea_id: int, price: int | None) -> list[Reply]:
    """Record a want and say whether it is new."""
    new = await ideas.want(req.ctx, req.actor, idea_id, price)
    idea, _ = await ideas.get(req.ctx, idea_id)
    key = "idea.wanted" if new else "idea.want_updated"
    if price is not None:
        money = Money(price, req.ctx.rules.currency)
        return say(key + "_price", id=idea_id, title=idea.title, wants=idea.wants, price=money)
    return say(key, id=idea_id, title=idea.title, wants=idea.wants)


@action("unwant")
@command("unwant", THE_IDEA)
async def unwant(req: Request) -> list[Reply]:
    """Withdraw support."""
    idea_id = req.arg(THE_IDEA)
    await ideas.unwant(req.ctx, req.actor, idea_id)
    return say("idea.unwanted", id=idea_id)


@command("pending", moderator=True, reads_only=True)
async def pending(req: Request) -> list[Reply]:
    """The moderation queue, each with approve / reject / merge buttons."""
    await require_moderator(req.ctx, req.actor)
    found, _ = await ideas.browse(req.ctx, (IdeaStatus.PENDING,), "new", 1)
    if not found:
        return say("mod.queue_empty")
    replies = [Reply(body=(t("mod.queue_header", count=len(found)),))]
    for idea in found:
        buttons = ((
            Button(t("button.approve"), f"approve:{idea.id}"),
            Button(t("button.reject"), f"reject:{idea.id}"),
            Button(t("button.merge"), f"merge:{idea.id}"),
        ),)  # fmt: skip
        body = [idea_title(idea)]
        if idea.description:
            body.append(t("plain", text=idea.description))
        replies.append(Reply(body=tuple(body), buttons=buttons, photo=idea.photo))
    return replies


@action("approve")
@command("approve", THE_IDEA, moderator=True)
async def approve(req: Request) -> list[Reply]:
    """Publish an idea."""
    idea = await ideas.approve(req.ctx, req.actor, req.arg(THE_IDEA))
    return say("mod.approved", id=idea.id, title=idea.title)


@action("reject")
@command("reject", THE_IDEA, REASON, moderator=True)
async def reject(req: Request) -> list[Reply]:
    """Turn an idea down with a reason."""
    reason = req.maybe(REASON) or ""
    idea = await ideas.reject(req.ctx, req.actor, req.arg(THE_IDEA), reason)
    if not idea.reason:
        return say("mod.rejected_no_reason", id=idea.id, title=idea.title)
    return say("mod.rejected", id=idea.id, title=idea.title, reason=idea.reason)


@command("merge", THE_IDEA, INTO, moderator=True)
async def merge(req: Request) -> list[Reply]:
    """Fold a duplicate into another idea."""
    source = req.arg(THE_IDEA)
    idea, moved = await ideas.merge(req.ctx, req.actor, source, req.arg(INTO))
    return say("mod.merged", id=source, into=idea.id, title=idea.title, moved=moved)


def idea_id_of(value: str) -> int:
    """Button payload ids were produced by us, but are still validated."""
    try:
        return parse_id(value, IDEA)
    except DomainError as error:
        raise DomainError("error.stale_button") from error


@action("want")
async def want_button(req: Request) -> list[Reply]:
    """The Want button under an idea."""
    return await want_idea(req, parse_id(req.args, IDEA), None)


@action("merge", reads_only=True, moderator=True)
async def merge_button(req: Request) -> list[Reply]:
    """The likely targets as buttons (similar titles), and the command for any other."""
    idea_id = parse_id(req.args, IDEA)
    return merge_choices(idea_id, await suggest.merge_targets(req.ctx, req.actor, idea_id))


@action("page", reads_only=True)
async def page_button(req: Request) -> list[Reply]:
    """Previous / next under a list."""
    kind, _, number = req.args.rpartition(":")
    kind, _, tag = kind.partition("#")
    page = whole_number(number)
    if kind not in ("ideas:top", "ideas:new") or page is None or len(tag) > 32:
        raise DomainError("error.stale_button")
    return await ideas_page(req, kind.removeprefix("ideas:"), page, tag)
