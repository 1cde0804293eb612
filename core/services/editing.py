"""/edit: moderators correct ideas and waves; authors their own pending idea's wording."""

from __future__ import annotations

from datetime import timedelta

from core.errors import DomainError, Forbidden
from core.model import DESCRIPTION_MAX, Idea, IdeaStatus, Wave, WaveStatus
from core.ports import Actor
from core.services.community import parse_categories
from core.services.context import Context, is_moderator, member_of, require_moderator
from core.services.ideas import load_idea, parse_draft, require_letters
from core.services.moderation import refuse_if_banned
from core.services.waves import MAX_DURATION, load_wave

TEXT_FIELDS = ("title", "description", "category")
AUTHOR_FIELDS = ("title", "description")
NOTICE = timedelta(hours=24)  # an earlier deadline still leaves at least this much time
EDITABLE_IDEAS = (IdeaStatus.PENDING, IdeaStatus.APPROVED, IdeaStatus.REJECTED)


def clean_title(value: str) -> str:
    """The first line, validated exactly as when an idea is proposed."""
    lines = value.strip().splitlines()
    title = parse_draft(lines[0] if lines else "").title
    require_letters(title)
    return title


def clean_description(value: str) -> str:
    """Any text up to the description limit."""
    description = value.strip()
    if len(description) > DESCRIPTION_MAX:
        raise DomainError("error.idea_description_long", max=DESCRIPTION_MAX)
    return description


def clean_category(value: str) -> str:
    """One category name, written like a #tag."""
    names = parse_categories(value)
    if len(names) != 1:
        raise DomainError("error.edit_one_category")
    return names[0]


def edited(title: str, description: str, category: str, field: str, value: str) -> tuple[str, ...]:
    """The three texts with one of them replaced by the cleaned new value."""
    if field == "title":
        return clean_title(value), description, category
    if field == "description":
        return title, clean_description(value), category
    if field == "category":
        return title, description, clean_category(value)
    raise DomainError("error.edit_idea_deadline")


async def edit_idea(ctx: Context, actor: Actor, idea_id: int, field: str, value: str) -> Idea:
    """Change one text of an idea: moderators any, the author the wording while it is pending."""
    moderator = await is_moderator(ctx, actor)
    async with ctx.db.write() as tx:
        idea = await load_idea(tx, idea_id)
        if not moderator:
            member = await member_of(ctx, tx, actor)
            if idea.author_id != member.id:
                raise Forbidden("error.not_moderator")
            refuse_if_banned(member, "idea")
            if idea.status is not IdeaStatus.PENDING or field not in AUTHOR_FIELDS:
                raise Forbidden("error.edit_own_pending")
        if idea.status not in EDITABLE_IDEAS:
            raise DomainError("error.idea_state", id=idea.id, status=idea.status.value)
        title, description, category = edited(
            idea.title, idea.description, idea.category, field, value
        )
        await tx.set_idea_text(idea.id, title, description, category)
        if category != idea.category:  # the first tag is the category: keep them in step
            rest = tuple(tag for tag in idea.tags if tag not in (idea.category, category))
            await tx.set_idea_tags(idea.id, (category, *rest))
        return await load_idea(tx, idea.id)


async def edit_wave(ctx: Context, actor: Actor, wave_id: int, field: str, value: str) -> Wave:
    """Change a wave's title, description or category; its live cards follow."""
    await require_moderator(ctx, actor)
    async with ctx.db.write() as tx:
        wave = await load_wave(tx, wave_id)
        title, description, category = edited(
            wave.title, wave.description, wave.category, field, value
        )
        await tx.set_wave_text(wave.id, title, description, category)
        await tx.mark_cards_dirty(wave.id)
        return await load_wave(tx, wave.id)


async def move_deadline(ctx: Context, actor: Actor, wave_id: int, from_now: timedelta) -> Wave:
    """A new deadline that never harms pledges: later within the longest duration, or earlier
    only while nobody has pledged and with at least a day left."""
    await require_moderator(ctx, actor)
    async with ctx.db.write() as tx:
        wave = await load_wave(tx, wave_id)
        if wave.status is not WaveStatus.OPEN:
            raise DomainError("error.wave_not_open", id=wave.id, status=wave.status.value)
        now = ctx.clock.now()
        deadline = now + from_now
        if deadline - wave.opens_at > MAX_DURATION:
            raise DomainError("error.duration_range", max_days=MAX_DURATION.days)
        if deadline < wave.closes_at and wave.pledgers > 0:
            raise DomainError("error.deadline_earlier_pledged", id=wave.id)
        if deadline < wave.closes_at and from_now < NOTICE:
            raise DomainError("error.deadline_too_soon", min=NOTICE)
        await tx.set_wave_deadline(wave.id, deadline)
        await tx.mark_cards_dirty(wave.id)
        return await load_wave(tx, wave.id)
