"""A refund through Stripe is paid once, whatever overlaps it: two sweeps at once, a crash
between Stripe's answer and our commit (Stripe forgets idempotency keys after 24 h), or a
moderator's /refunded while a sweep is asking Stripe."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest

from core.payment_records import RefundState
from core.ports import Actor, ChatKind, ChatRef
from core.services import community, payments, refunds
from tests.adapters.closing import closed_lamp, sweep
from tests.adapters.stripe_support import StripeWorld, stripe_world
from tests.conftest import ConsoleWorld, Person
from tests.texts import eur, said

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
                    provider="stripe") in answer  # fmt: skip
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
        refused = said("error.refund_automatic", member=3, name="Bo", id=1, provider="stripe",
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
