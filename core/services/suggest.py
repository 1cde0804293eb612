"""Duplicates caught early: "did you mean #2?" before proposing, likely merge targets after."""

from __future__ import annotations

from dataclasses import dataclass

from core.model import Idea, IdeaStatus
from core.ports import Actor, Tx
from core.services import ideas, pending, similar
from core.services.context import Context, member_of, require_moderator
from core.services.moderation import refuse_if_banned

ALIVE = (IdeaStatus.APPROVED, IdeaStatus.LAUNCHED, IdeaStatus.PENDING)
SCAN = 1000  # the newest ideas compared; older duplicates are rare and cost a scan
DRAFT = "idea"


@dataclass(frozen=True)
class Suggestion:
    """An existing idea the proposer probably means, and the kept draft to propose anyway."""

    idea: Idea
    draft_id: int


async def _alive(tx: Tx) -> list[Idea]:
    """Ideas one may still want or merge into, newest first."""
    return await tx.list_ideas(ALIVE, "new", 0, SCAN)


async def propose_unless_known(
    ctx: Context, actor: Actor, text: str, photo: str = ""
) -> Idea | Suggestion:
    """Propose the idea, unless its title closely matches a visible one (approved, launched, or
    the proposer's own pending idea): then keep the draft and suggest that idea first."""
    draft = ideas.parse_draft(text)
    ideas.require_letters(draft.title)
    await ideas.refuse_at_pending_limit(ctx, actor)
    async with ctx.db.write() as tx:
        member = await member_of(ctx, tx, actor)
        refuse_if_banned(member, "idea")  # before any suggestion
        visible = [
            idea
            for idea in await _alive(tx)
            if idea.status is not IdeaStatus.PENDING or idea.author_id == member.id
        ]
        found = similar.alike(draft.title, visible, similar.DID_YOU_MEAN, 1)
        if found:
            draft_id = await pending.hold(ctx, tx, actor, DRAFT, {"text": text, "photo": photo})
            return Suggestion(found[0], draft_id)
    # Outside the write: proposing may ask the platform for moderator rights (pending limit).
    return await ideas.propose(ctx, actor, text, photo)


async def propose_anyway(ctx: Context, actor: Actor, draft_id: int) -> Idea:
    """Propose the kept draft exactly as typed; a refusal leaves the draft unused."""
    await ideas.refuse_at_pending_limit(ctx, actor)  # the platform is asked before the write
    async with ctx.db.write() as tx:
        payload = await pending.take(ctx, tx, actor, draft_id, DRAFT)
        return await ideas.propose(ctx, actor, str(payload["text"]), str(payload.get("photo", "")))


async def merge_targets(ctx: Context, actor: Actor, idea_id: int, limit: int = 4) -> list[Idea]:
    """Ideas a pending idea could be folded into, most alike first (moderators only)."""
    await require_moderator(ctx, actor)
    async with ctx.db.read() as tx:
        idea = await ideas.load_idea(tx, idea_id)
        others = [other for other in await _alive(tx) if other.id != idea.id]
    return similar.alike(idea.title, others, similar.MERGE_TARGET, limit, similar.kinship)
