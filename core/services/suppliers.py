"""Supplier accounts: a moderator hands out a one-time code, the future supplier redeems it in
private; the role gives access to briefs and offers, never to moderation.

Codes use the link codes' alphabet (no look-alikes), drawn with `secrets`, valid 48 hours,
single use; only a hash is stored. Removing a supplier withdraws its open offers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.errors import DomainError, Forbidden
from core.model import Member
from core.ports import Actor, ChatKind, ChatRef, Tx
from core.services.context import Context, is_moderator, member_of, require_moderator
from core.services.identity import new_code, normalize_code
from core.services.moderation import named_member
from core.supply_records import Offer, OfferStatus, Supplier

CODE_TTL = timedelta(hours=48)


@dataclass(frozen=True)
class SupplierInvite:
    """What /supplier add shows: the code and until when it works."""

    code: str
    expires_at: datetime


@dataclass(frozen=True)
class Removal:
    """Who lost the role and which of its offers were withdrawn with it."""

    member: Member
    withdrawn: tuple[Offer, ...]


def supplier_code_hash(code: str) -> str:
    """The stored form of a supplier code (a different prefix from link codes)."""
    return hashlib.sha256(f"wavebot-supplier:{code}".encode()).hexdigest()


def _private_only(chat: ChatRef) -> None:
    """Codes are shown and typed in private only, never where others read."""
    if chat.kind is not ChatKind.PRIVATE:
        raise DomainError("error.supplier_private_only")


async def invite(ctx: Context, actor: Actor, chat: ChatRef) -> SupplierInvite:
    """A fresh one-time code a future supplier redeems with /supplier redeem CODE."""
    await require_moderator(ctx, actor)
    _private_only(chat)
    code = new_code()
    async with ctx.db.write() as tx:
        moderator = await member_of(ctx, tx, actor)
        now = ctx.clock.now()
        await tx.add_supplier_code(supplier_code_hash(code), moderator.id, now, now + CODE_TTL)
    return SupplierInvite(code, now + CODE_TTL)


async def redeem(ctx: Context, actor: Actor, chat: ChatRef, typed: str) -> Member:
    """Spend a code: the account's member becomes a supplier."""
    _private_only(chat)
    code = normalize_code(typed)
    if code is None:
        raise DomainError("error.supplier_code_invalid")
    async with ctx.db.write() as tx:
        stored = await tx.get_supplier_code(supplier_code_hash(code))
        now = ctx.clock.now()
        if stored is None or stored.used_at is not None or stored.expires_at <= now:
            raise DomainError("error.supplier_code_invalid")
        member = await member_of(ctx, tx, actor)
        if await tx.is_supplier(member.id):
            raise DomainError("error.already_supplier")
        if not await tx.use_supplier_code(stored.id, member.id, now):
            raise DomainError("error.supplier_code_invalid")
        await tx.add_supplier(member.id, stored.created_by, now)
        return member


async def remove(ctx: Context, actor: Actor, word: str) -> Removal:
    """Take the role back; its open offers are withdrawn in the same commit."""
    await require_moderator(ctx, actor)
    async with ctx.db.write() as tx:
        member = await named_member(tx, actor, word)
        if not await tx.remove_supplier(member.id):
            raise DomainError("error.not_a_supplier", name=member.display_name)
        withdrawn = await withdraw_all(tx, member.id, ctx.clock.now())
        return Removal(member, tuple(withdrawn))


async def withdraw_all(tx: Tx, supplier_id: int, now: datetime) -> list[Offer]:
    """Every open offer of this supplier withdrawn (those still open when their turn comes)."""
    return [
        offer
        for offer in await tx.open_offers_of(supplier_id)
        if await tx.set_offer_status(offer.id, OfferStatus.WITHDRAWN, now)
    ]


async def listing(ctx: Context, actor: Actor) -> list[Supplier]:
    """Every supplier (moderators only: display names are personal data)."""
    await require_moderator(ctx, actor)
    async with ctx.db.read() as tx:
        return await tx.suppliers()


async def is_supplier(ctx: Context, actor: Actor) -> bool:
    """Whether this account's member holds the supplier role."""
    async with ctx.db.read() as tx:
        member = await tx.member_for_account(actor.account)
        return member is not None and await tx.is_supplier(member.id)


async def supplies_wave(ctx: Context, actor: Actor, wave_id: int) -> bool:
    """Whether this account's member still holds the supplier role and the wave came from its
    chosen offer: that maker may mark its own wave shipped and delivered."""
    async with ctx.db.read() as tx:
        member = await tx.member_for_account(actor.account)
        if member is None or not await tx.is_supplier(member.id):
            return False
        return await tx.wave_supplier(wave_id) == member.id


async def require_supplier(ctx: Context, actor: Actor) -> None:
    """Suppliers only (offers are theirs to make)."""
    if not await is_supplier(ctx, actor):
        raise Forbidden("error.not_supplier")


async def require_maker_view(ctx: Context, actor: Actor) -> None:
    """Briefs and maker statistics: suppliers and moderators."""
    if await is_supplier(ctx, actor):
        return
    if not await is_moderator(ctx, actor):
        raise Forbidden("error.not_supplier")
