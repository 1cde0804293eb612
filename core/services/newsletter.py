"""The personal newsletter: every N days each member who has not opted out receives in private
a digest made for them — new ideas in the categories they follow, open waves they have not
joined with the price now and the gap to the next tier, results of waves they joined or wanted.

Periods are counted from a fixed epoch, and a row per member and period (`newsletter_sends`) is
written in the same transaction as the member's message, so a sweep repeated or run again after
a restart serves nobody twice. Members are served in batches: composed in a read snapshot,
then claimed and recorded in one short write each, so the single writer is never held long.
A member's first newsletter comes once they have been a member for a whole period: a
newcomer has just seen what is on. The group digest (core/services/digest.py) is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core.messages import Lines, T, t
from core.model import Idea, PledgeStatus, Target, Wave, WaveStatus
from core.ports import Actor, Tx
from core.services import announce as ann
from core.services.context import Context, member_of
from core.services.standing import facts_in, standings_in
from core.tiers import Standing
from core.views import cleared, gap_text, idea_line, status_text, wave_line

EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
BATCH = 50  # letters per write: about 35 ms of the single writer (wavebot on SQLite)
ITEMS = 5
SCANNED = 100


def period_of(now: datetime, days: int) -> int:
    """Which newsletter period the clock is in (periods of `days` days from a fixed epoch)."""
    return int((now - EPOCH) / timedelta(days=days))


@dataclass(frozen=True)
class Edition:
    """What one period's newsletter can tell, read once per batch."""

    now: datetime
    ideas: list[Idea]
    open_waves: list[Wave]
    live: dict[int, Standing]
    results: list[Wave]


async def _edition(tx: Tx, now: datetime, since: datetime) -> Edition:
    """The period's news every member's newsletter is cut from."""
    ideas = await tx.ideas_since(since, SCANNED)
    open_waves = await tx.list_waves((WaveStatus.OPEN,), SCANNED)
    live = await standings_in(tx, open_waves)
    return Edition(now, ideas, open_waves, live, await tx.waves_closed_since(since, SCANNED))


async def _result_row(tx: Tx, wave: Wave, now: datetime) -> T:
    """A closed wave and how it stands."""
    due = (await facts_in(tx, wave)).due_at
    return t("digest.result_row", id=wave.id, title=wave.title,
             status=status_text(wave, now, due))  # fmt: skip


async def personal(tx: Tx, member_id: int, edition: Edition) -> tuple[T, ...]:
    """One member's newsletter; empty when nothing concerns them this period."""
    follows = set(await tx.follows_of(member_id))
    pledged = {w.id for p, w in await tx.pledges_of_member(member_id)
               if p.status is not PledgeStatus.WITHDRAWN}  # fmt: skip
    wanted = set(await tx.wanted_idea_ids(member_id))
    body: list[T] = []
    ideas = [i for i in edition.ideas if i.category in follows][:ITEMS]
    if ideas:
        body.append(t("newsletter.ideas", lines=Lines(tuple(idea_line(i) for i in ideas))))
    waves = [w for w in edition.open_waves if w.id not in pledged][:ITEMS]
    if waves:
        rows = tuple(_open_row(w, edition) for w in waves)
        body.append(t("newsletter.waves", lines=Lines(rows)))
    results = [w for w in edition.results if w.id in pledged or w.idea_id in wanted][:ITEMS]
    if results:
        rows = tuple([await _result_row(tx, w, edition.now) for w in results])
        body.append(t("newsletter.results", lines=Lines(rows)))
    return (t("newsletter.header"), *body) if body else ()


def _open_row(wave: Wave, edition: Edition) -> T:
    """The wave's line (count, price now, deadline) and the gap to its next tier."""
    standing = edition.live.get(wave.id)
    line = wave_line(wave, edition.now, standing)
    return t("newsletter.wave_row", line=line, gap=gap_text(cleared(wave, standing)))


async def send_due(ctx: Context) -> int:
    """Serve every member not yet served this period; returns how many messages were recorded.

    Each batch is read (and every letter composed) in a read snapshot, outside the single
    writer; a short write then claims each member's period and records their letter together.
    A member another sweep served in between is skipped by the claim."""
    days = ctx.rules.newsletter_days
    now = ctx.clock.now()
    period = period_of(now, days)
    since = now - timedelta(days=days)
    sent = 0
    while True:
        async with ctx.db.read() as tx:
            due = await tx.newsletter_due(period, since, BATCH)
            if not due:
                return sent
            edition = await _edition(tx, now, since)
            letters = [(member_id, target,
                        await personal(tx, member_id, edition) if target is not None else ())
                       for member_id, target in due]  # fmt: skip
        async with ctx.db.write() as tx:
            for member_id, target, body in letters:
                sent += await _serve(ctx, tx, member_id, target, period, body, now)


async def _serve(
    ctx: Context,
    tx: Tx,
    member_id: int,
    target: Target | None,
    period: int,
    body: tuple[T, ...],
    now: datetime,
) -> int:
    """Claim the member's period and record their letter in the same commit; 1 when sent."""
    if not await tx.claim_newsletter(member_id, period, now, bool(body)):
        return 0
    if not body or target is None:
        return 0
    await ann.record(ctx, tx, None, f"newsletter:{period}", ann.encode(body), [target])
    return 1


async def set_newsletter(ctx: Context, actor: Actor, on: bool) -> None:
    """/newsletter on|off."""
    async with ctx.db.write() as tx:
        member = await member_of(ctx, tx, actor)
        await tx.set_newsletter(member.id, on, ctx.clock.now())


async def is_on(ctx: Context, actor: Actor) -> bool:
    """Whether this account's member receives the newsletter."""
    async with ctx.db.read() as tx:
        member = await tx.member_for_account(actor.account)
        return member is None or await tx.newsletter_on(member.id)
