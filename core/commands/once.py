"""Exactly-once handling of a platform update: reads outside the writer, rights before it (§7).

An update with an effect claims its key, runs and keeps its answer in one write transaction, so
effect, key and answer commit together. A platform question about rights is never asked while
that transaction holds the single writer: the rights the command is known to need are asked
before it opens, and any other answer found missing inside it rolls the transaction back
(`RightsNeeded`), is asked outside, and the update runs again. An update declared read-only
runs outside the writer altogether; its key is recorded after its answer was sent.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import partial

from core.commands.answers import Answer, answer_from_json, answer_to_json
from core.ports import Actor, Tx
from core.services import rights
from core.services.context import Context, is_moderator

log = logging.getLogger(__name__)
KEY_MAX = 96
RIGHTS_ROUNDS = 8  # each round learns at least one answer; a handling needs one or two
Call = Callable[[], Awaitable[Answer]]


@dataclass(frozen=True)
class Plan:
    """What is known of an update before it runs."""

    reads_only: bool = False  # no effect at all: no write transaction
    moderator: Actor | None = None  # whose moderator rights to ask before the write opens


EFFECT = Plan()
READ = Plan(reads_only=True)


async def read_once(ctx: Context, key: str, call: Call) -> Answer | None:
    """A read-only update: a key already recorded means a redelivery (its kept answer, if one
    was kept and never sent, else nothing); otherwise run it on a snapshot, writing nothing."""
    async with ctx.db.read() as tx:
        seen = await tx.key_claimed(key)
        kept = await tx.unsent_answer(key) if seen else None
    if seen:
        return None if kept is None else answer_from_json(kept)
    return await call()


async def write_once(ctx: Context, key: str, call: Call, plan: Plan) -> Answer | None:
    """An update with an effect: rights asked first, then effect, key and answer in one commit."""
    with rights.gathering() as scope:
        if plan.moderator is not None:
            await _ask(partial(is_moderator, ctx, plan.moderator))
        for _ in range(RIGHTS_ROUNDS):
            try:
                return await _claim_and_run(ctx, key, call, rights.writing(scope))
            except rights.RightsNeeded as need:
                if not await _ask(need.resolve):
                    break
        log.warning("rights for %s not settled before the write: asked inside it", key)
        return await _claim_and_run(ctx, key, call, nullcontext())


async def _claim_and_run(
    ctx: Context, key: str, call: Call, guard: AbstractContextManager[object]
) -> Answer | None:
    """One write: claim the key (or find it claimed), run the handling, keep the answer."""
    async with ctx.db.write() as tx:
        if not await tx.claim_key(key, ctx.clock.now()):
            kept = await tx.unsent_answer(key)
            return None if kept is None else answer_from_json(kept)
        with guard:
            answer = await call()
        await keep(tx, key, answer)
    return answer


async def refuse_once(ctx: Context, key: str, notice: Answer | None) -> Answer | None:
    """An update over the fair share, never run: its key is recorded as handled in one small
    write, with the notice kept for a resend (None: dropped, recorded as answered already).
    A key claimed before (a redelivery of an update that did run) keeps its own kept answer."""
    async with ctx.db.write() as tx:
        now = ctx.clock.now()
        if not await tx.claim_key(key, now):
            kept = await tx.unsent_answer(key)
            return None if kept is None else answer_from_json(kept)
        if notice is None:
            await tx.mark_answered(key, now)
        else:
            await keep(tx, key, notice)
    return notice


async def _ask(question: Callable[[], Awaitable[object]]) -> bool:
    """Ask the platform outside the write; a failure is left to the handling to meet again."""
    try:
        await question()
    except Exception:
        log.warning("a rights question failed before the write", exc_info=True)
        return False
    return True


async def keep(tx: Tx, key: str, answer: Answer) -> None:
    """Store the answer with the key; one that cannot be stored is only not re-sendable."""
    try:
        await tx.save_answer(key, answer_to_json(answer))
    except (TypeError, ValueError):
        log.warning("answer to %s cannot be kept for a redelivery", key, exc_info=True)


async def record_answered(ctx: Context, key: str) -> None:
    """The answer is out: mark the key (a read-only update's key is recorded only now)."""
    async with ctx.db.write() as tx:
        now = ctx.clock.now()
        await tx.claim_key(key, now)
        await tx.mark_answered(key, now)
