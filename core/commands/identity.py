"""Cross-platform identity: /link codes that merge a Telegram and a Discord account."""

from __future__ import annotations

from core.commands.params import Code, Param
from core.commands.registry import Request, command
from core.commands.usage import say_private
from core.messages import Reply, t
from core.services import identity

CODE = Param("code", Code, required=False)


@command("link", CODE)
async def link(req: Request) -> list[Reply]:
    """No code: get a one-time code. With a code made on the other platform: link the two."""
    code = req.maybe(CODE)
    if not code:
        offer = await identity.create_code(req.ctx, req.actor, req.chat)
        minutes = int(identity.CODE_TTL.total_seconds() // 60)
        return say_private(
            t(
                "link.code",
                code=offer.code,
                minutes=minutes,
                deadline=offer.expires_at,
                platforms=req.ctx.rules.platform_list(),
            ),
            t("link.code_warning"),
        )
    report = await identity.redeem(req.ctx, req.actor, req.chat, code)
    folded = report.folded
    return say_private(
        t("link.done", accounts=", ".join(report.accounts)),
        t("link.done_details", pledges=report.pledges_moved + report.pledges_folded,
          folded=report.pledges_folded, wants=folded.get("wants_moved", 0),
          ideas=folded.get("ideas", 0), follows=folded.get("follows", 0)),
    )  # fmt: skip
