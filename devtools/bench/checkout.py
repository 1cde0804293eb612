"""Telegram Payments: how fast the bot answers `pre_checkout_query` (Telegram gives up after 10 s).

Production's path: the Telegram adapter built by app.wiring on the runtime app.main builds (a
real SQLite file), Telegram Payments configured, the fake Bot API on 127.0.0.1. Every payer of a
wave in its payment window asks at once (a flash crowd pressing Pay); the figure is the time from
the question to the bot's answer. The ceiling, measured in the same run and interleaved with it,
is `/pay` for the same payers at once: the same database read (`paying.payable`) and one Bot API
call back. Repeated rounds, verdict on the median round; the longest loop stall is printed.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from pathlib import Path

from app.main import Runtime, runtime
from app.wiring import build_adapter
from config.settings import Settings
from core.clock import FakeClock
from core.ports import Actor
from core.services import lifecycle
from devtools.bench.lag import Lag, report_stall, watched
from devtools.bench.report import BenchResult, check, percentile, spread, verdict
from devtools.fakes.telegram_api import FakeTelegramAPI
from devtools.fakes.telegram_models import BotMessage, FakeUser

TOKEN = "777003:CHECKOUT-bench"
PROVIDER_TOKEN = "284685063:TEST:bench"
DEADLINE = 10.0  # seconds Telegram waits for answerPreCheckoutQuery
FULL, QUICK = (200, 5), (10, 2)  # (payers, rounds)
Samples = tuple[list[float], list[float]]  # (pre-checkout, /pay) seconds


async def _say(api: FakeTelegramAPI, user: FakeUser, text: str) -> None:
    """A user writes to the bot and the update is processed (confirmed)."""
    await api.wait_for_confirmed(api.push_message(api.private_chat(user), user, text), 60)


async def _seed(api: FakeTelegramAPI, rt: Runtime, owner: FakeUser, payers: int) -> list[FakeUser]:
    """Wave #1 launched, one unit per payer, closed with success: its payment window is open."""
    for line in ("/idea Backpack #travel", "/approve 1", "/launch 1 1:100 3d min=1"):
        await _say(api, owner, line)
    users = [api.add_user(f"Payer{i}") for i in range(payers)]
    await asyncio.gather(*(_say(api, user, "/join 1") for user in users))
    await lifecycle.close(rt.ctx, Actor(f"telegram:{owner.id}", "Owner"), 1)
    return users


async def _invoices(api: FakeTelegramAPI, users: list[FakeUser]) -> list[BotMessage]:
    """Every payer's invoice, asked with /pay."""
    await asyncio.gather(*(_say(api, user, "/pay 1") for user in users))
    await api.wait_for(lambda: all(api.invoices(user) for user in users), 60)
    return [api.invoices(user)[-1] for user in users]


async def _pre_checkouts(api: FakeTelegramAPI, users: list[FakeUser],
                         invoices: list[BotMessage]) -> list[float]:  # fmt: skip
    """Every payer presses Pay at once; seconds until each answer (all must be yes)."""
    started = time.perf_counter()
    queries = [
        api.push_pre_checkout(user, invoice) for user, invoice in zip(users, invoices, strict=True)
    ]

    async def answered(index: int) -> float:
        await asyncio.wait_for(queries[index].answered.wait(), 60)
        return time.perf_counter() - started

    times = await asyncio.gather(*(answered(i) for i in range(len(queries))))
    check(all(query.ok for query in queries), "a pre-checkout of a payable pledge was refused")
    return list(times)


async def _pays(api: FakeTelegramAPI, users: list[FakeUser]) -> list[float]:
    """Every payer types /pay at once; seconds until each reply is out (the ceiling)."""
    started = time.perf_counter()
    marks = {user.id: len(api.messages(api.private_chat(user))) for user in users}
    for user in users:
        api.push_message(api.private_chat(user), user, "/pay 1")

    async def replied(user: FakeUser) -> float:
        chat = api.private_chat(user)
        await api.wait_for(lambda: len(api.messages(chat)) > marks[user.id], 60)
        return time.perf_counter() - started

    return list(await asyncio.gather(*(replied(user) for user in users)))


async def _measure(path: Path, payers: int, rounds: int, lag: Lag) -> Samples:
    """Seed, then alternate a pre-checkout crowd and a /pay crowd, `rounds` times."""
    async with FakeTelegramAPI(TOKEN) as api:
        owner = api.add_user("Owner")
        settings = Settings(database_url=f"sqlite+aiosqlite:///{path}",
                            owners=f"telegram:{owner.id}", telegram_bot_token=api.token,
                            telegram_api_url=api.base_url,
                            telegram_payment_provider_token=PROVIDER_TOKEN)  # fmt: skip
        async with runtime(settings, clock=FakeClock()) as rt:
            adapter = build_adapter(rt, "telegram", poll_timeout=1)
            task = asyncio.create_task(adapter.run())
            await asyncio.wait_for(adapter.started.wait(), 30)
            try:
                users = await _seed(api, rt, owner, payers)
                invoices = await _invoices(api, users)
                checkouts: list[float] = []
                pays: list[float] = []
                for _ in range(rounds):
                    checkouts.append(percentile(await watched(_pre_checkouts(api, users, invoices),
                                                              lag), 0.99))  # fmt: skip
                    pays.append(percentile(await watched(_pays(api, users), lag), 0.99))
            finally:
                adapter.stop()
                await asyncio.wait_for(task, 30)
                await adapter.close()
    return checkouts, pays


def run(quick: bool = False) -> BenchResult:
    """A crowd of payers presses Pay at once, several rounds; p99 answer time per round."""
    payers, rounds = QUICK if quick else FULL
    result = BenchResult("checkout", quick)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    lag = Lag()
    with tempfile.TemporaryDirectory(prefix="wavebot-bench-") as tmp:
        checkouts, pays = asyncio.run(_measure(Path(tmp) / "checkout.db", payers, rounds, lag))
    result.checks.append(f"{payers} payers × {rounds} rounds: every pre-checkout approved")
    answer, ceiling = spread(checkouts), spread(pays)
    result.data.update(pre_checkout_p99=answer.median, pay_p99=ceiling.median)
    result.add(f"pre-checkout answered, p99 of {payers} at once", answer.show(" s", 2),
               f"deadline {DEADLINE:.0f} s; /pay p99 {ceiling.show(' s', 2)}",
               verdict(answer.median <= DEADLINE))  # fmt: skip
    report_stall(result, lag)
    return result
