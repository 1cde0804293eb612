"""Autocomplete for wave and idea numbers, read-only from the core's services."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from discord import app_commands

from bots.discord_bot.markup import CHOICE_MAX, clip
from core.model import IdeaStatus
from core.ports import Actor
from core.services import ideas, waves
from core.services.context import Context, is_moderator

log = logging.getLogger(__name__)
MAX_CHOICES = 25
WAVE_SCAN = 100
IDEA_PAGES = 12


def matches(item_id: int, title: str, current: str) -> bool:
    """Typed digits match the number's start; anything else is searched in the title."""
    typed = current.strip().lstrip("#").casefold()
    if not typed:
        return True
    if typed.isascii() and typed.isdigit():
        return str(item_id).startswith(typed)
    return typed in title.casefold()


def choices(found: Iterable[tuple[int, str]], current: str) -> list[app_commands.Choice[int]]:
    """At most 25 '#12 Title' choices whose value is the number."""
    picked = [
        app_commands.Choice(name=clip(f"#{item_id} {title}", CHOICE_MAX), value=item_id)
        for item_id, title in found
        if matches(item_id, title, current)
    ]
    return picked[:MAX_CHOICES]


async def wave_choices(ctx: Context, current: str) -> list[app_commands.Choice[int]]:
    """Open waves, soonest deadline first."""
    try:
        found = await waves.open_waves(ctx, WAVE_SCAN)
    except Exception:
        log.exception("wave autocomplete failed")
        return []
    return choices(((w.id, w.title) for w in found), current)


async def idea_choices(
    ctx: Context, actor: Actor, current: str, moderation: bool
) -> list[app_commands.Choice[int]]:
    """Approved ideas, most wanted first; moderators also see pending ones on their commands."""
    statuses: tuple[IdeaStatus, ...] = (IdeaStatus.APPROVED,)
    try:
        if moderation and await is_moderator(ctx, actor):
            statuses = (IdeaStatus.PENDING, IdeaStatus.APPROVED)
        picked: list[app_commands.Choice[int]] = []
        page, pages = 1, 1
        while page <= min(pages, IDEA_PAGES) and len(picked) < MAX_CHOICES:
            found, pages = await ideas.browse(ctx, statuses, "top", page)
            picked += choices(((i.id, i.title) for i in found), current)
            page += 1
    except Exception:
        log.exception("idea autocomplete failed")
        return []
    return picked[:MAX_CHOICES]
