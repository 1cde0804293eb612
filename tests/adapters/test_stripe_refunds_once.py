"""A refund through Stripe is paid once, whatever overlaps it: two sweeps at once, a crash
between Stripe's answer and our commit (Stripe forgets idempotency keys after 24 h), or a
moderator's /refunded while a sweep is asking Stripe."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from core.payment_records import Payment, RefundResult, RefundState
from core.ports import Actor, ChatKind, ChatRef
from core.services import community, payments, refunds
from storage.tx_ledger import LedgerMixin
from tests.adapters.closing import closed_lamp, sweep
from tests.adapters.stripe_support import StripeWorld, stripe_world
from tests.conftest import ConsoleWorld, Person
from tests.texts import eur, said

STRIPE = said("payment.provider_name.stripe")  # how the provider is named to people

MODS = ChatRef("console", "mods", ChatKind.GROUP, "Moderators")
BO = "w1m3a3500EUR"  # bo's pledge: wave 1, member #3, 35 €


async def failed_with_bo_paid(world: ConsoleWorld, sw: StripeWorld) -> Person:
    """Bo pays through Stripe, the window ends on 1 paid unit of 2: a refund is owed to bo.
    The refund sweep has not run yet; the owner is returned."""
    await community.register_modchat(world.rt.ctx, Actor("console:owner", "Owner"), MODS)
    owner, _, bo, _ = await closed_lamp(world, min_units=2)
    await sw.opens(await bo.say("/pay 1"))
    assert await sw.pays(BO) == 200
    world.clock.advance(timedelta(days=7, minutes=1))
    await payments.sweep(world.rt.ctx)  # the wave fails; the refund is owed, not yet asked
    return owner


async def until(condition: Callable[[], bool]) -> None:
    """Let the loop run until the condition holds (the fake Stripe holds a call, a task ends)."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("never happened")


def refund_calls(sw: StripeWorld) -> int:
    """How many refund requests reached Stripe."""
    return sum(1 for _, path, _ in sw.api.requests if path == "/v1/refunds")


async def test_two_sweeps_at_once_ask_stripe_for_one_refund_once(world: ConsoleWorld) -> None:
    async with stripe_world(world) as sw:
        await failed_with_bo_paid(world, sw)
        sw.api.refund_gate = asyncio.Event()  # Stripe is slow to answer
        first = asyncio.create_task(refunds.sweep(world.rt.ctx))
        await until(lambda: sw.api.refunds_held == 1)
        second = asyncio.create_task(refunds.sweep(world.rt.ctx))  # another process, or /clock
        await until(lambda: second.done() or sw.api.refunds_held == 2)
        sw.api.refund_gate.set()
        assert sorted(await asyncio.gather(first, second)) == [0, 1]
        assert refund_calls(sw) == 1  # the second sweep found it claimed and left it alone
        assert len(sw.api.refunds) == 1


async def test_a_crash_after_stripe_refunded_is_settled_without_a_second_refund(
    world: ConsoleWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with stripe_world(world) as sw:
        await failed_with_bo_paid(world, sw)
        record = refunds._record_result

        async def crash(*_: object) -> int:
            raise RuntimeError("killed between Stripe's answer and our commit")

        monkeypatch.setattr(refunds, "_record_result", crash)
        with pytest.raises(RuntimeError):
            await refunds.sweep(world.rt.ctx)
        monkeypatch.setattr(refunds, "_record_result", record)  # the process restarts
        assert len(sw.api.refunds) == 1  # Stripe gave the money back; we never wrote it down
        await refunds.sweep(world.rt.ctx)
        assert refund_calls(sw) == 1  # held by the dead sweep's claim for a while

        world.clock.advance(timedelta(hours=25))  # Stripe has forgotten the idempotency key
        await sweep(world)
        assert len(sw.api.refunds) == 1  # Stripe refused a second refund of the payment
        async with world.rt.ctx.db.read() as tx:
            assert await tx.list_refunds(RefundState.DUE) == []  # and that means: done
        assert sw.inbox.texts("bo").count(said("refund.done", id=1, amount=eur(35))) == 1
        for _ in range(3):
            await sweep(world)
        assert refund_calls(sw) == 2  # done: never asked again, never the moderators' task
        assert not any("stripe" in text for text in sw.inbox.texts("mods"))


async def test_refunded_by_hand_while_stripe_is_refunding_is_refused(world: ConsoleWorld) -> None:
    async with stripe_world(world) as sw:
        owner = await failed_with_bo_paid(world, sw)
        sw.api.fail_refunds = 3
        for _ in range(3):  # three failures: the moderators are told it is theirs if they like
            await refunds.sweep(world.rt.ctx)
        sw.api.refund_gate = asyncio.Event()
        asking = asyncio.create_task(refunds.sweep(world.rt.ctx))  # Stripe is back, slowly
        await until(lambda: sw.api.refunds_held == 1)
        answer = await owner.say("/refunded 1 #3")
        assert said("error.refund_in_flight", member=3, name="Bo", id=1,
                    provider=STRIPE) in answer  # fmt: skip
        sw.api.refund_gate.set()
        assert await asking == 1
        await world.rt.dispatcher.sweep()
        assert sw.inbox.texts("bo").count(said("refund.done", id=1, amount=eur(35))) == 1
        assert said("error.refund_none", member=3, name="Bo", id=1) in await owner.say(
            "/refunded 1 #3"
        )


async def test_an_automatic_refund_is_marked_by_hand_only_once_it_kept_failing(
    world: ConsoleWorld,
) -> None:
    async with stripe_world(world) as sw:
        owner = await failed_with_bo_paid(world, sw)
        refused = said("error.refund_automatic", member=3, name="Bo", id=1, provider=STRIPE,
                       attempts=refunds.FAILING_AFTER)  # fmt: skip
        assert refused in await owner.say("/refunded 1 #3")  # Stripe will give it back itself
        sw.api.fail_refunds = 3
        for _ in range(2):
            await refunds.sweep(world.rt.ctx)
        assert refused in await owner.say("/refunded 1 #3")  # still Stripe's, retried
        await refunds.sweep(world.rt.ctx)  # the third failure: the moderators are told
        marked = await owner.say("/refunded 1 #3")
        assert said("refunded.done", member=3, name="Bo", id=1, amount=eur(35)) in marked
        for _ in range(2):  # Stripe is back: the refund given by hand is never asked again
            await sweep(world)
        assert sw.api.refunds == {}
        assert refund_calls(sw) == 3
        assert sw.inbox.texts("bo").count(said("refund.done", id=1, amount=eur(35))) == 1


@pytest.mark.postgresql_only  # SQLite runs one write at a time: the two cannot interleave
async def test_refunded_by_hand_as_a_sweep_claims_it_is_refused(
    world: ConsoleWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process's sweep claims the refund after /refunded read it as free but before it
    wrote it done (READ COMMITTED): the mark must not win over the claim, or the money that
    Stripe is about to give back would also be given back by hand."""
    async with stripe_world(world) as sw:
        owner = await failed_with_bo_paid(world, sw)
        sw.api.fail_refunds = 3
        for _ in range(3):  # three failures: the moderators may now mark it by hand
            await refunds.sweep(world.rt.ctx)
        sw.api.refund_gate = asyncio.Event()
        finish, asking = LedgerMixin.finish_refund, []

        async def claimed_meanwhile(tx: LedgerMixin, refund_id: int, *args: Any, **kw: Any) -> bool:
            if not asking:  # the moderator's write, between its read and its update
                sweep = refunds.sweep(world.rt.ctx)  # in another process: its own transactions
                asking.append(asyncio.create_task(sweep, context=contextvars.Context()))
                await until(lambda: sw.api.refunds_held == 1)
            return await finish(tx, refund_id, *args, **kw)

        monkeypatch.setattr(LedgerMixin, "finish_refund", claimed_meanwhile)
        answer = await owner.say("/refunded 1 #3")
        assert said("error.refund_in_flight", member=3, name="Bo", id=1,
                    provider=STRIPE) in answer  # fmt: skip
        sw.api.refund_gate.set()
        assert await asking[0] == 1  # Stripe gave it back, and only Stripe
        async with world.rt.ctx.db.read() as tx:
            assert await tx.list_refunds(RefundState.DONE) != []
        await world.rt.dispatcher.sweep()
        assert sw.inbox.texts("bo").count(said("refund.done", id=1, amount=eur(35))) == 1


async def test_a_slow_sweeps_failure_does_not_release_the_claim_of_the_sweep_after_it(
    world: ConsoleWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sweep stalled past its claim (a paused process) fails at last, while a second sweep
    that claimed the refund since is still asking Stripe: the second sweep's claim stands, so
    a moderator cannot mark by hand the money Stripe is giving back."""
    async with stripe_world(world) as sw:
        owner = await failed_with_bo_paid(world, sw)
        sw.api.fail_refunds = 3
        for _ in range(3):  # three failures: the moderators may mark it by hand when not in flight
            await refunds.sweep(world.rt.ctx)
        ask, stalled, calls = sw.provider.refund, asyncio.Event(), []

        async def first_stalls_then_fails(payment: Payment, key: str) -> RefundResult:
            calls.append(key)
            if len(calls) == 1:
                await stalled.wait()
                return RefundResult(done=False, error="stripe: APIConnectionError")
            return await ask(payment, key)  # held at the fake Stripe's gate

        monkeypatch.setattr(sw.provider, "refund", first_stalls_then_fails)
        sw.api.refund_gate = asyncio.Event()
        slow = asyncio.create_task(refunds.sweep(world.rt.ctx))
        await until(lambda: len(calls) == 1)
        world.clock.advance(refunds.CLAIM_FOR + timedelta(minutes=1))  # its claim ran out
        second = asyncio.create_task(refunds.sweep(world.rt.ctx))
        await until(lambda: sw.api.refunds_held == 1)
        stalled.set()
        assert await slow == 0  # its failure is counted, the second sweep's claim kept
        answer = await owner.say("/refunded 1 #3")
        assert said("error.refund_in_flight", member=3, name="Bo", id=1,
                    provider=STRIPE) in answer  # fmt: skip
        sw.api.refund_gate.set()
        assert await second == 1
        await world.rt.dispatcher.sweep()
        assert sw.inbox.texts("bo").count(said("refund.done", id=1, amount=eur(35))) == 1
