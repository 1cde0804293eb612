"""A Telegram community with Telegram Payments configured, a wave in its payment window, and the
ledger as the tests read it. No tests here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from core.model import Pledge
from core.payment_records import Payment, Refund, RefundState
from core.ports import Actor
from core.services import lifecycle
from devtools.fakes.telegram_models import BotMessage, FakeUser
from tests.adapters.test_telegram_harness import Chatroom, chatroom

PROVIDER_TOKEN = "284685063:TEST:NjBiMTM1ZTcwYjQx"  # the shape of a BotFather test token
TITLE = "Backpack"


@asynccontextmanager
async def paying_room(tmp_path: Path, **settings: Any) -> AsyncIterator[Chatroom]:
    """A chatroom whose bot takes Telegram Payments."""
    extra = {"telegram_payment_provider_token": PROVIDER_TOKEN, **settings}
    async with chatroom(tmp_path, options=extra) as tg:
        yield tg


async def wave_to_pay(tg: Chatroom, *buyers: tuple[FakeUser, int], tiers: str = "1:100") -> None:
    """Wave #1 launched by the owner, joined by each buyer (with a quantity), closed with success:
    its payment window is open."""
    dm = tg.private(tg.owner)
    await tg.say(dm, tg.owner, f"/idea {TITLE} #travel")
    await tg.say(dm, tg.owner, "/approve 1")
    await tg.say(dm, tg.owner, f"/launch 1 {tiers} 2d min=1 per=5")
    for buyer, quantity in buyers:
        await tg.say(tg.private(buyer), buyer, f"/join 1 {quantity}")
    owner = Actor(f"telegram:{tg.owner.id}", "Olivia")
    await lifecycle.close(tg.rt.ctx, owner, 1)  # by the service: /close asks to confirm


async def invoice_for(tg: Chatroom, user: FakeUser, command: str = "/pay 1") -> BotMessage:
    """The member types /pay and the invoice arrives in private; the newest one is returned."""
    before = len(tg.api.invoices(user))
    await tg.say(tg.private(user), user, command)
    invoices = await tg.api.wait_for(lambda: len(tg.api.invoices(user)) > before
                                     and tg.api.invoices(user))  # fmt: skip
    return invoices[-1]


async def member_id(tg: Chatroom, user: FakeUser) -> int:
    """The member number the core gave this Telegram account."""
    async with tg.rt.ctx.db.read() as tx:
        member = await tx.member_for_account(f"telegram:{user.id}")
    assert member is not None
    return member.id


async def payments_of(tg: Chatroom, user: FakeUser) -> list[Payment]:
    """The member's live payments of wave #1."""
    mid = await member_id(tg, user)
    async with tg.rt.ctx.db.read() as tx:
        return await tx.live_payments(1, mid)


async def pledge_of(tg: Chatroom, user: FakeUser) -> Pledge:
    """The member's pledge in wave #1."""
    mid = await member_id(tg, user)
    async with tg.rt.ctx.db.read() as tx:
        pledge = await tx.get_pledge(1, mid)
    assert pledge is not None
    return pledge


async def refunds_due(tg: Chatroom) -> list[Refund]:
    """Refunds the moderators still owe."""
    async with tg.rt.ctx.db.read() as tx:
        return await tx.list_refunds(RefundState.DUE)


def texts(tg: Chatroom, user: FakeUser) -> list[str]:
    """What the member reads in private, message by message."""
    return [m.plain_text for m in tg.api.messages(tg.private(user)) if m.kind == "text"]
