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
    """Propose the idea, unless its title closely matches an existing one: then keep the draft
    and suggest that idea first (one transaction either way)."""
    draft = ideas.parse_draft(text)
    ideas.require_letters(draft.title)
    async with ctx.db.write() as tx:
        refuse_if_banned(await member_of(ctx, tx, actor), "idea")  # before any suggestion
        found = similar.alike(draft.title, await _alive(tx), similar.DID_YOU_MEAN, 1)
        if not found:
            return await ideas.propose(ctx, actor, text, photo)
        draft_id = await pending.hold(ctx, tx, actor, DRAFT, {"text": text, "photo": photo})
        return Suggestion(found[0], draft_id)


async def propose_anyway(ctx: Context, actor: Actor, draft_id: int) -> Idea:
    """Propose the kept draft exactly as typed; a refusal leaves the draft unused."""
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
