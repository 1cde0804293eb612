"""Cross-platform identity: one-time link codes that merge two accounts into one member.

A member asks for a code on one platform (`/link`) and types it on the other (`/link CODE`).
The code's owner is kept; the other member is folded into it in one write transaction:
accounts, pledges (one per wave, the larger quantity kept, wave counts corrected), wants
(no double votes), authored ideas, follows and settings. Every merge is audited.

Codes: 8 characters from an alphabet without look-alikes (no 0/O, 1/I), drawn with `secrets`,
valid 10 minutes, single use; a new code voids the previous one; only a hash is stored.
Abuse limits per account: 5 codes per hour, 5 failed redemptions per hour (then locked).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from core.errors import DomainError
from core.messages import Relative, t, until
from core.model import LinkCode, Member, Pledge, PledgeStatus, Target
from core.payment_records import RefundReason
from core.ports import Actor, ChatKind, ChatRef, Tx
from core.services import announce as ann
from core.services import creator, refunds
from core.services.context import Context, member_of

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_TTL = timedelta(minutes=10)
ATTEMPT_WINDOW = timedelta(hours=1)
MAX_CODES_PER_WINDOW = 5
MAX_FAILURES_PER_WINDOW = 5
CREATE = "create"
REDEEM = "redeem"

# A pledge that still counts in the wave's units and pledgers (only withdrawals do not).
_COUNTED = frozenset(PledgeStatus) - {PledgeStatus.WITHDRAWN}
# A pledge that was kept at a successful close and so counts in the wave's final units.
_KEPT_AT_CLOSE = frozenset({PledgeStatus.AWAITING, PledgeStatus.CONFIRMED, PledgeStatus.ABANDONED})
# Pledges still in the deal beat those out of it; then the further along wins a tie.
_IN_DEAL = frozenset({PledgeStatus.ACTIVE, PledgeStatus.AWAITING, PledgeStatus.CONFIRMED})
_PROGRESS = {
    PledgeStatus.CONFIRMED: 5,
    PledgeStatus.AWAITING: 4,
    PledgeStatus.ACTIVE: 3,
    PledgeStatus.ABANDONED: 2,
    PledgeStatus.DROPPED: 1,
    PledgeStatus.WITHDRAWN: 0,
}


@dataclass(frozen=True)
class LinkOffer:
    """What /link shows: the code and until when it works."""

    code: str
    expires_at: datetime


@dataclass(frozen=True)
class MergeReport:
    """What a merge folded, for the reply and the audit row."""

    kept_id: int
    merged_id: int
    accounts: tuple[str, ...]
    pledges_moved: int = 0
    pledges_folded: int = 0
    folded: dict[str, int] = field(default_factory=dict)


def new_code() -> str:
    """A fresh code from the unambiguous alphabet, drawn with a CSPRNG."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str | None:
    """What the member typed ('abcd-2345 ', 'ABCD 2345') as a code, or None if it cannot be one."""
    code = "".join(ch for ch in text.upper() if ch not in " -_\t")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def code_hash(code: str) -> str:
    """The stored form of a code: a leaked table reveals no live code."""
    return hashlib.sha256(f"wavebot-link:{code}".encode()).hexdigest()


def platforms(accounts: list[str]) -> set[str]:
    """'telegram:1', 'discord:2' → {'telegram', 'discord'}."""
    return {account.split(":", 1)[0] for account in accounts}


def fold_pledges(mine: Pledge, theirs: Pledge, kept_member: int) -> Pledge:
    """One pledge per person per wave: the one that counts, in the deal, with the larger quantity.

    Ties go to the pledge further along (confirmed over awaiting…), then to the kept member's.
    The result belongs to the kept member and keeps the earlier pledge date when both counted.
    """

    def rank(pledge: Pledge, own: bool) -> tuple[bool, bool, int, int, bool]:
        return (pledge.status in _COUNTED, pledge.status in _IN_DEAL, pledge.quantity,
                _PROGRESS[pledge.status], own)  # fmt: skip

    winner = max((mine, True), (theirs, False), key=lambda pair: rank(*pair))[0]
    created = winner.created_at
    if mine.status in _COUNTED and theirs.status in _COUNTED:
        created = min(mine.created_at, theirs.created_at)
    return replace(winner, member_id=kept_member, created_at=created)


def contribution(pledge: Pledge) -> tuple[int, int, int]:
    """What a pledge adds to its wave's (units, pledgers, final units)."""
    counted = pledge.status in _COUNTED
    return (
        pledge.quantity if counted else 0,
        1 if counted else 0,
        pledge.quantity if pledge.status in _KEPT_AT_CLOSE else 0,
    )


def totals_delta(mine: Pledge, theirs: Pledge, kept: Pledge) -> tuple[int, int, int]:
    """How the wave's counts move when two pledges become one: nothing is counted twice."""
    after, one, two = contribution(kept), contribution(mine), contribution(theirs)
    return (after[0] - one[0] - two[0], after[1] - one[1] - two[1], after[2] - one[2] - two[2])


def _wait(first: datetime, now: datetime) -> Relative:
    """How long until the oldest event of the window leaves it."""
    return until(first + ATTEMPT_WINDOW, now)


async def create_code(ctx: Context, actor: Actor, chat: ChatRef) -> LinkOffer:
    """A fresh one-time code for this member; any previous code stops working."""
    if chat.kind is not ChatKind.PRIVATE:
        raise DomainError("error.link_private_only")
    async with ctx.db.write() as tx:
        now = ctx.clock.now()
        made = await tx.link_attempts_since(actor.account, CREATE, True, now - ATTEMPT_WINDOW)
        if len(made) >= MAX_CODES_PER_WINDOW:
            raise DomainError("error.link_code_limit", max=MAX_CODES_PER_WINDOW,
                              wait=_wait(min(made), now))  # fmt: skip
        member = await member_of(ctx, tx, actor)
        code = new_code()
        while await tx.get_link_code(code_hash(code)) is not None:  # ~1e-12: draw again
            code = new_code()
        await tx.add_link_code(member.id, actor.account, code_hash(code), now, now + CODE_TTL)
        await tx.record_link_attempt(actor.account, CREATE, True, now)
    return LinkOffer(code, now + CODE_TTL)


async def redeem(ctx: Context, actor: Actor, chat: ChatRef, text: str) -> MergeReport:
    """Type a code made on another platform: this account's member is folded into its owner."""
    code = normalize_code(text)
    if chat.kind is not ChatKind.PRIVATE:
        if code is not None:  # typed where others read it: it must not stay usable
            async with ctx.db.write() as tx:
                await tx.revoke_link_code(code_hash(code))
        raise DomainError("error.link_private_only")
    if code is None:
        raise DomainError("error.link_bad_format", length=CODE_LENGTH)
    refusal: DomainError
    async with ctx.db.write() as tx:
        now = ctx.clock.now()
        failures = await tx.link_attempts_since(actor.account, REDEEM, False, now - ATTEMPT_WINDOW)
        if len(failures) >= MAX_FAILURES_PER_WINDOW:
            raise DomainError("error.link_locked", wait=_wait(min(failures), now))
        try:
            row, kept, gone = await _check_code(ctx, tx, actor, code, now)
        except DomainError as error:
            if error.key == "error.link_unknown":
                left = MAX_FAILURES_PER_WINDOW - len(failures) - 1
                error = DomainError("error.link_unknown", left=left)
            await tx.record_link_attempt(actor.account, REDEEM, False, now)
            refusal = error  # committed with the failed attempt, raised after the commit
        else:
            await tx.use_link_code(row.id, actor.account, now)
            await tx.record_link_attempt(actor.account, REDEEM, True, now)
            report = await merge_members(ctx, tx, kept, gone, actor.account, now)
            await _tell_owner(ctx, tx, row, kept, actor)
            return report
    raise refusal


async def _check_code(
    ctx: Context, tx: Tx, actor: Actor, code: str, now: datetime
) -> tuple[LinkCode, Member, Member]:
    """The code's row, its owner (kept) and the redeemer (folded), or the reason it cannot be."""
    row = await tx.get_link_code(code_hash(code))
    if row is None:
        raise DomainError("error.link_unknown", left=0)
    redeemer = await member_of(ctx, tx, actor)
    owner = await tx.member_for_account(row.account)
    if owner is None:
        raise DomainError("error.link_unknown", left=0)
    if owner.id == redeemer.id:
        if row.account == actor.account:
            raise DomainError("error.link_own_code", platforms=ctx.rules.platform_list())
        raise DomainError("error.link_already_linked")
    if row.used_at is not None:
        raise DomainError("error.link_used")
    if row.revoked:
        raise DomainError("error.link_replaced")
    if now >= row.expires_at:
        raise DomainError("error.link_expired", minutes=int(CODE_TTL.total_seconds() // 60))
    common = platforms(await tx.accounts_of(owner.id)) & platforms(
        await tx.accounts_of(redeemer.id)
    )
    if common:
        raise DomainError("error.link_same_platform", platform=", ".join(sorted(common)))
    return row, owner, redeemer


async def merge_members(
    ctx: Context, tx: Tx, kept: Member, gone: Member, by_account: str, now: datetime
) -> MergeReport:
    """Fold `gone` into `kept` inside the caller's transaction, and audit it."""
    mine = {pledge.wave_id: pledge for pledge in await tx.member_pledges(kept.id)}
    moved, folded_waves, folded = 0, [], []
    for theirs in await tx.member_pledges(gone.id):
        await tx.delete_pledge(theirs.wave_id, gone.id)
        own = mine.get(theirs.wave_id)
        if own is None:
            await tx.save_pledge(replace(theirs, member_id=kept.id))
            moved += 1
            continue
        result = fold_pledges(own, theirs, kept.id)
        await tx.save_pledge(result)
        folded.append(result)
        units, pledgers, final = totals_delta(own, theirs, result)
        if units or pledgers or final:
            await tx.add_to_wave_totals(theirs.wave_id, units, pledgers, final)
            await tx.mark_cards_dirty(theirs.wave_id)
        folded_waves.append({"wave": theirs.wave_id, "kept": result.quantity,
                             "status": result.status.value, "units": units})  # fmt: skip
    counts = await tx.fold_member(gone.id, kept.id, now)
    counts |= await tx.fold_supply(gone.id, kept.id)  # supplier role, offers, creator credits
    for pledge in folded:  # both had paid: one pledge is kept, so one payment counts
        await _one_counted_payment(ctx, tx, pledge)
    if kept.lang is None and gone.lang is not None:
        await tx.set_member_lang(kept.id, gone.lang)
    if kept.notify_milestones and not gone.notify_milestones:  # an opt-out is respected
        await tx.set_member_notify(kept.id, False)
    accounts = tuple(await tx.accounts_of(kept.id))
    details = {"accounts": list(accounts), "pledges_moved": moved, "pledges_folded": folded_waves,
               **counts}  # fmt: skip
    await tx.record_merge(kept.id, gone.id, by_account, details, now)
    return MergeReport(kept.id, gone.id, accounts, moved, len(folded_waves), counts)


async def _one_counted_payment(ctx: Context, tx: Tx, pledge: Pledge) -> None:
    """After a fold the person has one pledge on the wave: keep one counted payment (the one
    for the kept pledge's quantity, else the oldest); the others stop counting and go back."""
    paid = [p for p in await tx.live_payments(pledge.wave_id, pledge.member_id) if p.counted]
    wave = await tx.get_wave(pledge.wave_id) if len(paid) > 1 else None
    if wave is None:
        return
    kept = next((p for p in paid if p.quantity == pledge.quantity), paid[0])
    for extra in paid:
        if extra.id != kept.id:
            await tx.uncount_payment(extra.id)
            extra = replace(extra, counted=False)
            await refunds.flag_stray(ctx, tx, wave, extra, RefundReason.DUPLICATE)
    await creator.follow_money(ctx, tx, wave)  # a duplicate stopped counting: not revenue


async def _tell_owner(ctx: Context, tx: Tx, row: LinkCode, kept: Member, actor: Actor) -> None:
    """The account that made the code hears about the link (it might not have been them)."""
    platform, _, user_id = row.account.partition(":")
    target = Target(platform, user_id, kept.lang or ctx.rules.default_lang, kept.id)
    body = (t("link.owner_told", account=actor.account, name=actor.display_name),)
    await ann.record(ctx, tx, None, "link", ann.encode(body), [target])
