"""Inventing and moderating ideas: propose, want, approve, reject, merge."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import DomainError, NotFound
from core.model import CATEGORY_MAX, DESCRIPTION_MAX, TITLE_MAX, Idea, IdeaStatus, WaveStatus
from core.ports import Actor, Tx
from core.services import backers
from core.services.context import Context, is_moderator, member_of, require_moderator
from core.services.moderation import refuse_if_banned
from core.services.photos import check_photo, keep_extras

_TAG = re.compile(r"(?<!\w)#([\w-]+)")
_TRAILING_TAGS = re.compile(r"(?:\s*(?<!\w)#[\w-]+)+\s*$")
VISIBLE = (IdeaStatus.APPROVED, IdeaStatus.LAUNCHED)
DEFAULT_CATEGORY = "general"
MIN_TITLE_LETTERS = 3
TAGS_MAX = 5
SEPARATOR = "|"  # "/idea Title | description": so a title cannot hold a literal "|"


@dataclass(frozen=True)
class Draft:
    """An idea as parsed from what the member typed."""

    title: str
    description: str
    category: str
    tags: tuple[str, ...] = ()


def tags_of(text: str) -> tuple[str, ...]:
    """Every #tag typed, lower-cased, in order, once each; too many or too long is refused."""
    tags = tuple(dict.fromkeys(tag.lower() for tag in _TAG.findall(text)))
    if too_long := next((tag for tag in tags if len(tag) > CATEGORY_MAX), None):
        raise DomainError("error.idea_tag_long", tag=too_long[:CATEGORY_MAX], max=CATEGORY_MAX)
    if len(tags) > TAGS_MAX:
        raise DomainError("error.idea_too_many_tags", max=TAGS_MAX, count=len(tags))
    return tags


def split_draft(text: str) -> tuple[str, str]:
    """Title and description: 'Title | description' on one line, or title then further lines."""
    lines = text.strip().splitlines()
    head, _, after = (lines[0] if lines else "").partition(SEPARATOR)
    description = "\n".join([after.strip(), *lines[1:]]).strip()
    return head, _TRAILING_TAGS.sub("", description).strip()


def parse_draft(text: str) -> Draft:
    """The title, the description, every #tag (the first is the category)."""
    tags = tags_of(text)
    head, description = split_draft(text)
    title = " ".join(_TAG.sub("", head).split())
    if not title:
        raise DomainError("error.idea_no_title")
    if len(title) > TITLE_MAX:
        raise DomainError("error.idea_title_long", max=TITLE_MAX, length=len(title))
    if len(description) > DESCRIPTION_MAX:
        raise DomainError("error.idea_description_long", max=DESCRIPTION_MAX)
    return Draft(title, description, tags[0] if tags else DEFAULT_CATEGORY, tags)


def require_letters(title: str) -> None:
    """A title needs a few letters (in any script), so '!!', '42' or 'ok' are not ideas."""
    if sum(ch.isalpha() for ch in title) < MIN_TITLE_LETTERS:
        raise DomainError("error.title_letters", min=MIN_TITLE_LETTERS)


async def load_idea(tx: Tx, idea_id: int) -> Idea:
    """An idea by id, or a clear 'no such idea'."""
    idea = await tx.get_idea(idea_id)
    if idea is None:
        raise NotFound("error.idea_not_found", id=idea_id)
    return idea


async def propose(ctx: Context, actor: Actor, text: str, photo: str = "") -> Idea:
    """Record a new pending idea, within the member's pending limit (moderators have none)."""
    draft = parse_draft(text)
    require_letters(draft.title)
    check_photo(actor, photo)
    exempt = await at_pending_limit(ctx, actor) and await is_moderator(ctx, actor)
    async with ctx.db.write() as tx:
        member = await member_of(ctx, tx, actor)
        refuse_if_banned(member, "idea")
        pending = await tx.count_pending_ideas(member.id)
        if pending >= ctx.rules.max_pending_ideas and not exempt:
            raise DomainError("error.too_many_pending", max=ctx.rules.max_pending_ideas)
        now = ctx.clock.now()
        idea_id = await tx.add_idea(draft.title, draft.description, draft.category, member.id, now)
        await keep_extras(tx, idea_id, draft.tags, photo)
        return await load_idea(tx, idea_id)


async def refuse_at_pending_limit(ctx: Context, actor: Actor) -> None:
    """Say so before anything else (a suggestion, a draft) when a member cannot propose more."""
    if await at_pending_limit(ctx, actor) and not await is_moderator(ctx, actor):
        raise DomainError("error.too_many_pending", max=ctx.rules.max_pending_ideas)


async def at_pending_limit(ctx: Context, actor: Actor) -> bool:
    """Whether the limit applies now; asked before the write, so that the moderator check (a
    platform call) only happens at the limit and never holds the single writer."""
    async with ctx.db.read() as tx:
        member = await tx.member_for_account(actor.account)
        pending = await tx.count_pending_ideas(member.id) if member else 0
    return pending >= ctx.rules.max_pending_ideas


async def want(ctx: Context, actor: Actor, idea_id: int, max_price_cents: int | None) -> bool:
    """Support an approved idea once; a second call updates the max price. True when new."""
    async with ctx.db.write() as tx:
        idea = await load_idea(tx, idea_id)
        if idea.status is IdeaStatus.MERGED and idea.merged_into is not None:
            raise DomainError("error.idea_merged", id=idea_id, into=idea.merged_into)
        if idea.status is not IdeaStatus.APPROVED:
            raise DomainError("error.idea_not_open", id=idea_id)
        member = await member_of(ctx, tx, actor)
        refuse_if_banned(member, "want")
        existed = await tx.has_want(idea_id, member.id)
        await tx.upsert_want(idea_id, member.id, max_price_cents, ctx.clock.now())
        return not existed


async def unwant(ctx: Context, actor: Actor, idea_id: int) -> None:
    """Withdraw support; says so when there was none."""
    async with ctx.db.write() as tx:
        await load_idea(tx, idea_id)
        member = await member_of(ctx, tx, actor)
        if not await tx.delete_want(idea_id, member.id):
            raise DomainError("error.no_want", id=idea_id)


async def approve(ctx: Context, actor: Actor, idea_id: int) -> Idea:
    """Publish a pending (or previously rejected) idea."""
    await require_moderator(ctx, actor)
    async with ctx.db.write() as tx:
        idea = await load_idea(tx, idea_id)
        if idea.status not in (IdeaStatus.PENDING, IdeaStatus.REJECTED):
            raise DomainError("error.idea_state", id=idea_id, status=idea.status.value)
        await tx.set_idea_status(idea_id, IdeaStatus.APPROVED, "", None, ctx.clock.now())
        moderator = await member_of(ctx, tx, actor)
        await backers.tell_author(ctx, tx, idea, moderator.id, backers.approved_notice(idea))
        return await load_idea(tx, idea_id)


async def reject(ctx: Context, actor: Actor, idea_id: int, reason: str) -> Idea:
    """Turn an idea down with a reason its author will see."""
    await require_moderator(ctx, actor)
    async with ctx.db.write() as tx:
        idea = await load_idea(tx, idea_id)
        if idea.status not in (IdeaStatus.PENDING, IdeaStatus.APPROVED):
            raise DomainError("error.idea_state", id=idea_id, status=idea.status.value)
        reason = reason.strip()[:300]
        await tx.set_idea_status(idea_id, IdeaStatus.REJECTED, reason, None, ctx.clock.now())
        moderator = await member_of(ctx, tx, actor)
        notice = backers.rejected_notice(idea, reason)
        await backers.tell_author(ctx, tx, idea, moderator.id, notice)
        return await load_idea(tx, idea_id)


async def merge(ctx: Context, actor: Actor, idea_id: int, into_id: int) -> tuple[Idea, int]:
    """Fold a duplicate into another idea, carrying its wants over without double votes."""
    await require_moderator(ctx, actor)
    if idea_id == into_id:
        raise DomainError("error.merge_self", id=idea_id)
    async with ctx.db.write() as tx:
        source = await load_idea(tx, idea_id)
        target = await load_idea(tx, into_id)
        if source.status not in (IdeaStatus.PENDING, IdeaStatus.APPROVED):
            raise DomainError("error.idea_state", id=idea_id, status=source.status.value)
        if target.status not in (IdeaStatus.PENDING, IdeaStatus.APPROVED, IdeaStatus.LAUNCHED):
            raise DomainError("error.idea_state", id=into_id, status=target.status.value)
        newcomers = await tx.wanter_targets(idea_id)
        known = {t.member_id for t, _ in await tx.wanter_targets(into_id) if t.member_id}
        moved = await tx.move_wants(idea_id, into_id)
        await tx.set_idea_status(idea_id, IdeaStatus.MERGED, "", into_id, ctx.clock.now())
        moderator = await member_of(ctx, tx, actor)
        notice = backers.merged_notice(source, target)
        await backers.tell_author(ctx, tx, source, moderator.id, notice)
        running = [w for w in await tx.list_waves((WaveStatus.OPEN,), 1000) if w.idea_id == into_id]
        if target.status is IdeaStatus.LAUNCHED and running:
            await backers.tell_newcomers(ctx, tx, running[0], newcomers, known | {moderator.id})
        return await load_idea(tx, into_id), moved


async def browse(
    ctx: Context, statuses: tuple[IdeaStatus, ...], order: str, page: int, tag: str = ""
) -> tuple[list[Idea], int]:
    """One page of ideas (of one #tag if given) and the number of pages."""
    size = ctx.rules.page_size
    async with ctx.db.read() as tx:
        total = await tx.count_ideas(statuses, tag)
        pages = max(1, -(-total // size))
        page = min(max(page, 1), pages)
        return await tx.list_ideas(statuses, order, (page - 1) * size, size, tag), pages


async def get(ctx: Context, idea_id: int) -> tuple[Idea, list[int | None]]:
    """An idea with the stated max prices of its supporters."""
    async with ctx.db.read() as tx:
        idea = await load_idea(tx, idea_id)
        return idea, await tx.want_prices(idea_id)
