"""/ban and /unban: moderators suspend a member's participation, and lift it."""

from __future__ import annotations

from core.commands.params import Param, Text, Word
from core.commands.registry import Request, command
from core.messages import Reply, T, t
from core.services import moderation

MEMBER = Param("member", Word, label_key="usage.member")
WHY = Param("why", Text, required=False)


@command("ban", MEMBER, WHY, moderator=True, hint="usage.ban_hint")
async def ban(req: Request) -> list[Reply]:
    """Suspend a member: no new ideas, wants, pledges or questions; pledges already made stay."""
    why = (req.maybe(WHY) or "").strip()
    standing = await moderation.ban(req.ctx, req.actor, req.arg(MEMBER), why)
    body: list[T] = [
        t("ban.done", name=standing.member.display_name, account=standing.account),
        t("ban.pledges_stay"),
    ]
    if why:
        body.append(t("ban.reason", reason=why[: moderation.REASON_MAX]))
    return [Reply(body=tuple(body))]


@command("unban", MEMBER, moderator=True)
async def unban(req: Request) -> list[Reply]:
    """Let a suspended member take part again."""
    standing = await moderation.unban(req.ctx, req.actor, req.arg(MEMBER))
    name, account = standing.member.display_name, standing.account
    return [Reply(body=(t("ban.lifted", name=name, account=account),))]
