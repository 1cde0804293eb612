"""Suspending members: /ban and /unban, and the refusal a suspended member gets."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import DomainError, NotFound
from core.messages import T, t
from core.model import Member
from core.ports import Actor, Tx
from core.services import announce as ann
from core.services.context import Context, is_moderator, is_owner, require_moderator

REASON_MAX = 300
SUSPENDED_FROM = ("idea", "want", "join", "ask")


@dataclass(frozen=True)
class Standing:
    """Who a /ban or /unban named, as the moderator's reply shows them."""

    member: Member
    account: str


def refuse_if_banned(member: Member, what: str) -> None:
    """A suspended member may not propose, want, pledge or ask; say which, and why."""
    if member.banned:
        raise DomainError("error.banned", action=t(f"ban.action_{what}"))


def account_named(actor: Actor, word: str) -> str:
    """'telegram:42', a bare id on the moderator's own platform ('42', 'alice'), or a Discord
    mention '<@42>': the account a moderator means."""
    word = word.strip()
    if word.startswith("<@") and word.endswith(">"):
        word = word[2:-1].lstrip("!")
    if not word or any(ch.isspace() for ch in word):
        raise DomainError("error.member_not_found", who=word[:64])
    if ":" in word:
        platform, _, user = word.partition(":")
        return f"{platform.lower()}:{user}"
    return f"{actor.platform}:{word}"


async def _find(tx: Tx, account: str, word: str) -> Member:
    """The member behind an account, or a reply naming what was typed."""
    member = await tx.member_for_account(account)
    if member is None:
        raise NotFound("error.member_not_found", who=word[:64])
    return member


async def named_member(tx: Tx, actor: Actor, word: str) -> Member:
    """The member a moderator named: '#12' as the bot shows members, or an account."""
    word = word.strip()
    if word.startswith("#") and word[1:].isdigit() and len(word) <= 12:
        member = await tx.get_member(int(word[1:]))
    else:
        member = await tx.member_for_account(account_named(actor, word))
    if member is None:
        raise NotFound("error.member_unknown", who=word[:64])
    return member


async def _refuse_protected(ctx: Context, member: Member) -> None:
    """Owners and moderators cannot be suspended, asked on every linked account right now
    (before the write: a moderator check may call the platform)."""
    async with ctx.db.read() as tx:
        linked = await tx.accounts_of(member.id)
    for account in linked:
        someone = Actor(account, member.display_name)
        if await is_owner(ctx, someone):
            raise DomainError("error.ban_owner", name=member.display_name)
        if await is_moderator(ctx, someone):
            raise DomainError("error.ban_moderator", name=member.display_name)


async def _named_member(ctx: Context, account: str, word: str) -> Member:
    """The member a moderator named, read outside any write."""
    async with ctx.db.read() as tx:
        return await _find(tx, account, word)


async def ban(ctx: Context, actor: Actor, word: str, reason: str) -> Standing:
    """Suspend a member: no new ideas, wants, pledges or questions; their pledges stay."""
    await require_moderator(ctx, actor)
    account = account_named(actor, word)
    await _refuse_protected(ctx, await _named_member(ctx, account, word))
    async with ctx.db.write() as tx:
        member = await _find(tx, account, word)
        if member.banned:
            raise DomainError("error.already_banned", name=member.display_name)
        await tx.set_member_banned(member.id, ctx.clock.now())
        reason = reason.strip()[:REASON_MAX]
        body = (t("ban.notice_reason", reason=reason) if reason else t("ban.notice"),)
        await _tell(ctx, tx, member, "ban", body)
        return Standing(member, account)


async def unban(ctx: Context, actor: Actor, word: str) -> Standing:
    """Lift a suspension."""
    await require_moderator(ctx, actor)
    account = account_named(actor, word)
    async with ctx.db.write() as tx:
        member = await _find(tx, account, word)
        if not member.banned:
            raise DomainError("error.not_banned", name=member.display_name)
        await tx.set_member_banned(member.id, None)
        await _tell(ctx, tx, member, "unban", (t("ban.notice_lifted"),))
        return Standing(member, account)


async def _tell(ctx: Context, tx: Tx, member: Member, kind: str, body: tuple[T, ...]) -> None:
    """The member learns of it in private (whatever their news setting: it concerns them)."""
    target = await tx.member_target(member.id)
    if target is not None:
        await ann.record(ctx, tx, None, f"{kind}:{member.id}", ann.encode(body), [target])
