"""Priority lanes in the dispatcher: broadcasts overtake DMs across chats, never within one; a
chat keeps its order across retries and claims; results are recorded in bulk, crash-safely."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from core.lanes import SENDING_LANE, Lane, LaneQueue
from core.messages import Reply, t
from core.model import Target
from core.ports import Delivery, SendOutcome, SendResult
from core.services import dispatch_record
from core.services.announce import encode
from tests.conftest import ConsoleWorld

PLATFORM = "lanechat"


class Budget:
    """A platform budget the test hands out one send at a time, chosen by the real lane policy."""

    def __init__(self) -> None:
        self.queue: LaneQueue[tuple[Lane, asyncio.Future[None]]] = LaneQueue()
        self.waiting: Counter[Lane] = Counter()

    async def acquire(self, lane: Lane) -> None:
        """Wait for the test to grant this send."""
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.queue.push(lane, (lane, turn))
        self.waiting[lane] += 1
        await turn

    def grant(self) -> None:
        """Let the send the lanes choose go."""
        lane, turn = self.queue.pop()
        self.waiting[lane] -= 1
        turn.set_result(None)


class Platform:
    """Receives announcements (their number) per chat; scripted outcomes come first."""

    platform = PLATFORM

    def __init__(self, budget: Budget | None = None) -> None:
        self.budget = budget
        self.received: list[tuple[str, int]] = []
        self.script: dict[str, deque[SendResult]] = defaultdict(deque)

    def chat(self, chat_id: str) -> list[int]:
        """What one chat received, in order."""
        return [number for chat, number in self.received if chat == chat_id]

    async def send(self, chat_id: str, message: Reply, lang: str) -> SendResult:
        """Wait for the budget (if any) in the lane the dispatcher set, then deliver."""
        if self.budget is not None:
            await self.budget.acquire(SENDING_LANE.get())
        await asyncio.sleep(0)
        if self.script[chat_id]:
            return self.script[chat_id].popleft()
        self.received.append((chat_id, int(message.body[0].params["id"])))
        return SendResult(SendOutcome.SENT, message_id=str(len(self.received)))

    async def edit(self, chat_id: str, message_id: str, message: Reply, lang: str) -> SendResult:
        """Cards are tested elsewhere."""
        return SendResult(SendOutcome.SENT, message_id=message_id)


async def until(condition: Callable[[], bool]) -> None:
    """Let the dispatcher run until the condition holds (the test fails rather than hang)."""
    for _ in range(20_000):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("the dispatcher never got there")


def grant_all(budget: Budget) -> bool:
    """Grant every waiting send."""
    while len(budget.queue):
        budget.grant()
    return True


async def _members(world: ConsoleWorld, count: int) -> list[int]:
    """Member rows for private targets (deliveries.member_id references them)."""
    async with world.rt.db.write() as tx:
        return [
            (await tx.create_member(f"{PLATFORM}:m{n}", f"M{n}", "en", world.clock.now())).id
            for n in range(count)
        ]


async def _announce(world: ConsoleWorld, number: int, targets: list[Target]) -> None:
    """Announcement `number` to these targets, committed."""
    body = encode((t("announce.opened", id=number, title=f"Tent {number}", category="general"),))
    async with world.rt.db.write() as tx:
        await tx.add_announcement(None, "test", body, targets, world.clock.now())


def _platform(world: ConsoleWorld, budget: Budget | None = None) -> Platform:
    """Register the test platform with the dispatcher."""
    platform = Platform(budget)
    world.rt.messengers[PLATFORM] = platform
    return platform


def group(chat_id: str) -> Target:
    """A subscribed chat: no member."""
    return Target(PLATFORM, chat_id, "en")


async def _sql(world: ConsoleWorld, sql: str) -> list[Any]:
    """Rows of a query on a reader snapshot."""
    async with world.rt.db.read() as tx:
        return list(await tx.connection.exec_driver_sql(sql))


async def test_a_message_recorded_while_an_earlier_one_waits_on_retry_goes_after_it(
    world: ConsoleWorld,
) -> None:
    platform = _platform(world)
    await _announce(world, 10, [group("-1")])
    platform.script["-1"].append(SendResult(SendOutcome.RETRY, retry_after=30.0))
    await world.rt.dispatcher.sweep()
    await _announce(world, 25, [group("-1")])  # due now, its chat's 10 is due in 30 s
    await world.rt.dispatcher.sweep()
    assert platform.chat("-1") == []  # 25 does not overtake 10
    world.clock.advance(timedelta(seconds=30))
    await world.rt.dispatcher.sweep()
    assert platform.chat("-1") == [10, 25]


async def test_a_chat_held_by_another_dispatcher_is_not_served_out_of_turn(
    world: ConsoleWorld,
) -> None:
    await _announce(world, 10, [group("-1"), group("-2")])
    await _announce(world, 25, [group("-1"), group("-2")])
    now = world.clock.now()
    async with world.rt.db.write() as tx:
        held = await tx.claim_deliveries("other", [PLATFORM], now, now + timedelta(minutes=1), 1)
    assert [d.target.chat_id for d in held] == ["-1"]
    async with world.rt.db.write() as tx:
        mine = await tx.claim_deliveries("me", [PLATFORM], now, now + timedelta(minutes=1), 10)
    assert [d.target.chat_id for d in mine] == ["-2", "-2"]  # "-1"'s 25 waits for its 10


async def test_broadcasts_are_claimed_before_private_notifications(world: ConsoleWorld) -> None:
    members = await _members(world, 20)
    await _announce(world, 1, [Target(PLATFORM, f"{m}", "en", m) for m in members])
    await _announce(world, 10, [group("-1")])
    now = world.clock.now()
    async with world.rt.db.write() as tx:
        first = await tx.claim_deliveries("me", [PLATFORM], now, now + timedelta(minutes=1), 1)
    assert [d.target.chat_id for d in first] == ["-1"]


async def test_a_broadcast_recorded_during_a_batch_of_dms_overtakes_them(
    world: ConsoleWorld,
) -> None:
    budget = Budget()
    platform = _platform(world, budget)
    members = await _members(world, 200)
    await _announce(world, 1, [Target(PLATFORM, f"{m}", "en", m) for m in members])
    sweep = asyncio.create_task(world.rt.dispatcher.sweep())
    await until(lambda: budget.waiting[Lane.PRIVATE] == 64)  # the DMs' gate is full
    for _ in range(10):
        budget.grant()
    await _announce(world, 50, [group("-1")])
    world.rt.dispatcher.poke()  # as the clock's wake-up does after such a commit
    await until(lambda: budget.waiting[Lane.BROADCAST] == 1)  # claimed, 190 DMs still to send
    budget.grant()
    await until(lambda: bool(platform.chat("-1")))
    dms_before = [number for chat, number in platform.received if chat != "-1"]
    assert len(dms_before) == 10  # the next send after it was claimed was the broadcast
    await until(lambda: grant_all(budget) and sweep.done())
    assert (await sweep).sent == 201


def test_a_private_send_behind_a_steady_stream_of_answers_is_served_within_its_share() -> None:
    lanes: LaneQueue[str] = LaneQueue()
    lanes.push(Lane.PRIVATE, "milestone DM")
    lanes.push(Lane.BROADCAST, "group milestone")
    served: list[str] = []
    for n in range(40):  # an answer arrives before every grant: the top lane never runs dry
        lanes.push(Lane.INTERACTIVE, f"answer {n}")
        served.append(lanes.pop())
    assert served.index("group milestone") < 4
    assert served.index("milestone DM") < 9
    assert sum(item.startswith("answer") for item in served) == 38  # answers keep the rest


def test_lanes_are_strict_while_nothing_is_overdue_and_fifo_within_a_lane() -> None:
    lanes: LaneQueue[str] = LaneQueue()
    for item in ("dm 1", "dm 2"):
        lanes.push(Lane.PRIVATE, item)
    lanes.push(Lane.BROADCAST, "group")
    lanes.push(Lane.INTERACTIVE, "answer")
    assert [lanes.pop() for _ in range(4)] == ["answer", "group", "dm 1", "dm 2"]
    with pytest.raises(IndexError):
        lanes.pop()


async def test_a_crash_in_the_middle_of_a_bulk_record_loses_and_repeats_nothing_but_its_sends(
    world: ConsoleWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform = _platform(world)
    chats = [group(f"-{n}") for n in range(1, 31)]
    for number in (10, 25, 50):
        await _announce(world, number, chats)
    real_write = dispatch_record.Recorder._write
    writes = 0

    async def crash_on_the_second_write(self: dispatch_record.Recorder, batch: list[Any]) -> Any:
        nonlocal writes
        writes += 1
        if writes == 2:
            async with self.ctx.db.write() as tx:  # statements run, then the process "dies"
                await tx.finish_sent([(i.delivery.id, "lost") for i in batch], self.ctx.clock.now())
                raise RuntimeError("killed mid-record")
        return await real_write(self, batch)

    monkeypatch.setattr(dispatch_record.Recorder, "_write", crash_on_the_second_write)
    first = await world.rt.dispatcher.sweep()
    assert first.writes >= 1 and first.sent > first.writes  # many results per write
    monkeypatch.undo()
    world.clock.advance(timedelta(minutes=11))  # the crashed lanes' leases lapse
    await world.rt.dispatcher.sweep()
    for chat in chats:
        received = platform.chat(chat.chat_id)
        assert sorted(set(received)) == [10, 25, 50]  # nothing lost
        assert received == sorted(received)  # in order, a repeat at most right after itself
        assert len(received) - 3 <= 1  # at most one duplicate per chat for the one crash
    rows = await _sql(
        world,
        "SELECT COUNT(*), COUNT(DISTINCT d.id) FROM delivery_attempts a "
        "JOIN deliveries d ON d.id = a.delivery_id WHERE a.outcome = 'sent'",
    )
    assert rows == [(90, 90)]  # each delivery recorded sent exactly once
    assert await _sql(world, "SELECT COUNT(*) FROM deliveries WHERE status != 'sent'") == [(0,)]


@pytest.mark.sqlite_only  # the fast path is SQLite's driver SQL
async def test_bulk_records_leave_the_same_rows_on_the_fast_and_the_portable_path(
    world: ConsoleWorld,
) -> None:
    await _announce(world, 10, [group("-1"), group("-2")])
    now = world.clock.now()
    async with world.rt.db.write() as tx:
        fast, portable = await tx.claim_deliveries("me", [PLATFORM], now, now, 10)
        await tx._finish_sent_sqlite([(fast.id, "m-1")], now)  # type: ignore[attr-defined]
        await tx._finish_sent_portable([(portable.id, "m-1")], now)  # type: ignore[attr-defined]
    rows = await _sql(
        world,
        "SELECT status, attempts, message_id, sent_at, claimed_by, claimed_until, a.at, "
        "a.outcome, a.error FROM deliveries d JOIN delivery_attempts a ON a.delivery_id = d.id "
        "ORDER BY d.id",
    )
    assert len(rows) == 2 and rows[0] == rows[1]
    assert rows[0][:2] == ("sent", 1)


async def test_a_sweep_cancelled_as_it_is_poked_stops(world: ConsoleWorld) -> None:
    budget = Budget()  # nothing is granted: the sweep waits with its chats in flight
    _platform(world, budget)
    await _announce(world, 10, [group("-1")])
    sweep = asyncio.create_task(world.rt.dispatcher.sweep())
    await until(lambda: budget.waiting[Lane.BROADCAST] == 1)
    for _ in range(5):
        await asyncio.sleep(0)  # the sweep is waiting to be poked
    world.rt.dispatcher.poke()
    sweep.cancel()  # a stopping clock; the poke must not swallow it
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(sweep, 5)


async def test_a_claim_that_loses_a_chat_s_first_delivery_to_another_dispatcher_drops_the_rest(
    world: ConsoleWorld,
) -> None:
    """PostgreSQL, two processes: between this claim's SELECT and its lease, another dispatcher
    leased the chat's first delivery (its lease was not committed when we selected). The later
    ones of that chat must not be taken without it, or both dispatchers send the chat at once."""
    await _announce(world, 10, [group("-1"), group("-2")])
    await _announce(world, 25, [group("-1"), group("-2")])
    mine = await _claim_racing(
        world,
        "UPDATE deliveries SET claimed_by = 'other', claimed_until = "
        "'2999-01-01 00:00:00.000000' WHERE id = (SELECT min(id) FROM deliveries "
        "WHERE chat_id = '-1')",
    )
    assert [d.target.chat_id for d in mine] == ["-2", "-2"]  # "-1"'s 25 waits for its 10
    left = await _sql(world, "SELECT id FROM deliveries WHERE claimed_by = 'me'")
    assert len(left) == 2


async def test_a_delivery_sent_by_another_dispatcher_after_our_select_is_not_leased_again(
    world: ConsoleWorld,
) -> None:
    """PostgreSQL, two processes: the other dispatcher leased, sent and recorded a delivery
    between this claim's SELECT and its lease. The lease must not take a sent row."""
    await _announce(world, 10, [group("-1")])
    mine = await _claim_racing(
        world,
        "UPDATE deliveries SET status = 'sent', claimed_by = NULL, "
        "claimed_until = NULL WHERE chat_id = '-1'",
    )
    assert mine == []


async def _claim_racing(world: ConsoleWorld, other: str) -> list[Delivery]:
    """Claim, with another dispatcher's statement `other` landing between our SELECT and our
    lease UPDATE (what two processes on PostgreSQL can do)."""
    from sqlalchemy.sql.dml import Update

    now = world.clock.now()
    async with world.rt.db.write() as tx:
        real = tx._exec

        async def racing(statement: Any, params: Any = None) -> Any:
            if isinstance(statement, Update) and statement.table.name == "deliveries":
                await tx.connection.exec_driver_sql(other)
            return await real(statement, params)

        tx._exec = racing  # type: ignore[method-assign]
        try:
            return await tx.claim_deliveries("me", [PLATFORM], now, now + timedelta(minutes=1), 10)
        finally:
            tx._exec = real  # type: ignore[method-assign]
