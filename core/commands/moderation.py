"""Moderation without friction: /edit, /relaunch, and the buttons that confirm or pick."""

from __future__ import annotations

from core.commands.asking import closed_reply, payload_ids
from core.commands.params import IDEA, WAVE, Choice, Duration, Kind, Param, Text, WaveId
from core.commands.parsing import parse_duration, parse_id
from core.commands.registry import Request, action, command
from core.commands.usage import say
from core.messages import Reply, t
from core.services import confirmations, editing, ideas, lifecycle, relaunch, suggest
from core.services.context import require_moderator
from core.views import wave_card

WHAT = Param("what", Choice(IDEA, WAVE))
NUMBER = Param("id", Kind(lambda words: parse_id(words[0], "id"), option_type=int))
FIELD = Param("field", Choice("title", "description", "category", "deadline"))
VALUE = Param("value", Text)
THE_WAVE = Param("wave", WaveId)
DURATION = Param("duration", Duration, required=False)


@command("edit", WHAT, NUMBER, FIELD, VALUE, hint="usage.edit_hint")  # authors too
async def edit(req: Request) -> list[Reply]:
    """Correct an idea's or a wave's title, description, category, or a wave's deadline."""
    field, value, number = req.arg(FIELD), req.arg(VALUE), req.arg(NUMBER)
    if req.arg(WHAT) == IDEA:
        idea = await editing.edit_idea(req.ctx, req.actor, number, field, value)
        return say("mod.edited_idea", id=idea.id, field=t(f"field.{field}"), title=idea.title)
    if field == "deadline":
        await require_moderator(req.ctx, req.actor)  # rights before the value is read
        delta = parse_duration(value.strip().removeprefix("+"))
        wave = await editing.move_deadline(req.ctx, req.actor, number, delta)
        return say("mod.extended", id=wave.id, deadline=wave.closes_at)
    wave = await editing.edit_wave(req.ctx, req.actor, number, field, value)
    return say("mod.edited_wave", id=wave.id, field=t(f"field.{field}"), title=wave.title)


@command("relaunch", THE_WAVE, DURATION, moderator=True)
async def relaunch_wave(req: Request) -> list[Reply]:
    """Give a failed or cancelled wave another chance, its backers invited."""
    old = req.arg(THE_WAVE)
    wave = await relaunch.relaunch(req.ctx, req.actor, old, req.maybe(DURATION))
    told = Reply(body=(t("mod.relaunched", id=wave.id, old=old, title=wave.title),))
    link = req.ctx.rules.page_url("w", wave.id)
    return [told, wave_card(wave, req.ctx.clock.now(), link=link)]


@action("anyway")
async def propose_anyway(req: Request) -> list[Reply]:
    """'Propose anyway': the kept draft, exactly as typed, by the member who typed it."""
    (draft_id,) = payload_ids(req.args, 1)
    idea = await suggest.propose_anyway(req.ctx, req.actor, draft_id)
    return say("idea.proposed", id=idea.id, title=idea.title, category=idea.category)


@action("mergeto", moderator=True)
async def merge_into(req: Request) -> list[Reply]:
    """A merge target button: the merge itself, rights and states checked again."""
    source, target = payload_ids(req.args, 2)
    idea, moved = await ideas.merge(req.ctx, req.actor, source, target)
    return say("mod.merged", id=source, into=idea.id, title=idea.title, moved=moved)


@action("closeyes", moderator=True)
async def close_confirmed(req: Request) -> list[Reply]:
    """'Yes, close now': rights and the wave's state are checked again at the press."""
    (wave_id,) = payload_ids(req.args, 1)
    return closed_reply(await lifecycle.close(req.ctx, req.actor, wave_id))


@action("cancelyes", moderator=True)
async def cancel_confirmed(req: Request) -> list[Reply]:
    """'Yes, cancel': the kept request with its reason, by the moderator who asked."""
    (request_id,) = payload_ids(req.args, 1)
    wave = await confirmations.confirm_cancel(req.ctx, req.actor, request_id)
    return say("mod.cancelled", id=wave.id, title=wave.title)


@action("keep", reads_only=True)
async def keep_open(req: Request) -> list[Reply]:
    """'Keep it open': nothing changes."""
    (wave_id,) = payload_ids(req.args, 1)
    return [Reply(body=(t("mod.kept_open", id=wave_id),), private=True)]
