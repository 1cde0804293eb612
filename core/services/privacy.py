"""A member's own data: /mydata sends it as a JSON file, /forgetme erases it (after a button).

Only the asking member's rows are read or changed. Personal data (names, phones, addresses,
review texts) never reaches a log; erasing keeps anonymous counts (pledges, payments, ratings)
so waves and statistics stay true. Shipping details also go by themselves a configurable time
after delivery (core/services/retention.py).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from core.errors import DomainError
from core.model import Member
from core.ports import Actor, ChatKind, ChatRef, Tx
from core.services import pending
from core.services.context import Context, member_of

FORGET = "forget"
FORMAT = 1  # the file's layout version, for whoever reads it later


def _plain(value: Any) -> Any:
    """JSON for what the tables hold: moments as ISO 8601, anything else as text."""
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _private_only(chat: ChatRef) -> None:
    """Personal data is never shown where others read."""
    if chat.kind is not ChatKind.PRIVATE:
        raise DomainError("error.private_only")


async def my_data(ctx: Context, actor: Actor, chat: ChatRef) -> tuple[Member, bytes]:
    """Everything the bot holds about the asking member, as a JSON document."""
    _private_only(chat)
    async with ctx.db.write() as tx:  # first contact creates the member row
        member = await member_of(ctx, tx, actor)
        sections = await tx.member_data(member.id)
    document = {"format": FORMAT, "member": member.id, "exported_at": ctx.clock.now(),
                **sections}  # fmt: skip
    text = json.dumps(document, default=_plain, ensure_ascii=False, indent=2, sort_keys=True)
    return member, text.encode("utf-8")


async def ask_forget(ctx: Context, actor: Actor, chat: ChatRef) -> int:
    """Refuse while a paid order is on its way; else keep the request the button completes."""
    _private_only(chat)
    async with ctx.db.write() as tx:
        member = await member_of(ctx, tx, actor)
        await _refuse_if_undelivered(tx, member)
        return await pending.hold(ctx, tx, actor, FORGET, {"member": member.id})


async def forget(ctx: Context, actor: Actor, request_id: int) -> int:
    """The confirm button: erase the member's personal data (re-checked at the press)."""
    async with ctx.db.write() as tx:
        payload = await pending.take(ctx, tx, actor, request_id, FORGET)
        member = await member_of(ctx, tx, actor)
        if payload.get("member") != member.id:
            raise DomainError("error.stale_button")
        await _refuse_if_undelivered(tx, member)
        return await tx.forget_member(member.id)


async def _refuse_if_undelivered(tx: Tx, member: Member) -> None:
    """The shipping details are still needed while goods paid for are not delivered."""
    waiting = await tx.undelivered_paid_waves(member.id)
    if waiting:
        waves = ", ".join(f"#{wave_id}" for wave_id in waiting)
        raise DomainError("error.forget_undelivered", waves=waves)
