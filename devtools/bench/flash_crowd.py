"""A flash crowd on one wave: the real Telegram adapter next to a same-work PTB echo bot.

Both bots long-poll the same FakeTelegramAPI on 127.0.0.1 in the same run and get the same
presses: every member presses a button under one group message within a fraction of a second.
The echo bot does the platform work the adapter does per press and nothing else: it answers the
callback with a toast of the same length, handling 16 updates at once (python-telegram-bot's own
Updater, `concurrent_updates(16)`: the adapter's in-flight bound), no database. The adapter is
built by app.wiring on the runtime app.main builds, a real SQLite file (WAL, synchronous=FULL):
each press is a durable join and an answered callback, confirmed to Telegram only once
processed. Echo and adapter runs alternate, several rounds; the verdict is on the median share.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import tempfile
import time
from collections import Counter
from contextlib import closing
from datetime import timedelta
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, ContextTypes

from app.heap import freeze_long_lived
from app.main import runtime
from app.wiring import build_adapter
from bots.telegram_bot import Limits
from bots.telegram_bot.transport import AiohttpRequest
from config.settings import Settings
from core.model import Tier
from core.ports import Actor, ChatKind, ChatRef
from core.services import community, ideas, waves
from core.services.waves import LaunchPlan
from core.tiers import milestones_for
from devtools.bench.flash_report import CONCURRENCY, NOTES, Burst, Rounds, diagnostics, report
from devtools.bench.lag import Lag, report_stall, watched
from devtools.bench.report import BenchResult, check
from devtools.fakes.telegram_api import FakeTelegramAPI
from devtools.fakes.telegram_models import FakeChat, FakeUser

FULL_MEMBERS = 5_000
QUICK_MEMBERS = 500
REPEATS = 3
# Until an adapter run has shown its own toasts, the echo bot answers with one this long.
TOAST = "✅ You're in: 1 unit of Cast iron pan at €100.00 for now"
TOKEN = "777001:FLASH-crowd"
BOT = "wavebot_flash_bot"
TIERS = (Tier(1, 10_000), Tier(100, 9_000), Tier(1_000, 8_000), Tier(5_000, 7_000))
MOQ = 100
# The diagnostic run: no send throttling at all, to separate the pledge path from the 30 msg/s.
UNLIMITED = Limits(overall=10**9, group=10**9, chat=10**9)
TIMEOUT = 600.0  # generous: the figure is the rate, a hang must still end the run


def _crowd(api: FakeTelegramAPI, members: int) -> list[FakeUser]:
    """Members who started the bot (so their private chat exists), each pressing once."""
    users = [api.add_user(f"Member {n}", user_id=500_000 + n) for n in range(members)]
    for user in users:
        api.private_chat(user)
    return users


async def _push_all(api: FakeTelegramAPI, chat: FakeChat, users: list[FakeUser],
                    message_id: int, data: str) -> tuple[float, int]:  # fmt: skip
    """Push every press in a tight loop; the start time and the last update id."""
    started = time.perf_counter()
    last = 0
    for user in users:
        last = api.push_callback(chat, user, message_id, data)["update_id"]
    return started, last


async def echo_burst(
    api: FakeTelegramAPI,
    chat: FakeChat,
    users: list[FakeUser],
    toast: str = TOAST,
    aiohttp: bool = False,
) -> Burst:
    """A bare PTB bot doing the adapter's platform work: answer each press with a toast.

    aiohttp=True (the judged runs) gives it the adapter's own transport, so both bots pay the
    same for each Bot API call; on PTB's default (httpx) transport it is the diagnostic that shows
    what the adapter's transport saves.
    """
    done = asyncio.Event()
    handled = 0

    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer the press, as the adapter does."""
        nonlocal handled
        query = update.callback_query
        assert query is not None
        await query.answer(toast)
        handled += 1
        if handled == len(users):
            done.set()

    builder = ApplicationBuilder().token(api.token).base_url(api.base_url)
    if aiohttp:
        builder = builder.request(AiohttpRequest())
        builder = builder.get_updates_request(AiohttpRequest(connection_pool_size=1))
    app: Application = builder.concurrent_updates(CONCURRENCY).build()  # type: ignore[type-arg]
    app.add_handler(CallbackQueryHandler(on_press))
    async with app:
        button = InlineKeyboardButton("Press", callback_data="echo")
        card = await app.bot.send_message(
            chat.id, "Echo", reply_markup=InlineKeyboardMarkup([[button]])
        )
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            before, cpu = Counter(api.requests), time.process_time()
            started, last = await _push_all(api, chat, users, card.message_id, "echo")
            pushed = time.perf_counter() - started
            await asyncio.wait_for(done.wait(), TIMEOUT)
            await api.wait_for(lambda: api.confirmed_offset > last, TIMEOUT)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            calls = Counter(api.requests) - before
        finally:
            await app.updater.stop()
            await app.stop()
    return Burst(len(users), pushed, seconds, calls, cpu)


async def adapter_burst(
    api: FakeTelegramAPI,
    chat: FakeChat,
    users: list[FakeUser],
    path: Path,
    limits: Limits | None = None,
) -> tuple[Burst, int]:
    """The production adapter on a real SQLite file; every member presses ✋ Join on the card.

    limits=None keeps production's send limits; the diagnostic run lifts them to show what the
    pledge path itself costs.
    """
    owner = api.add_user("Olivia", username="olivia")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{path}",
        owners=f"telegram:{owner.id}",
        telegram_bot_token=api.token,
        telegram_api_url=api.base_url,
        synchronous="FULL",
        lang="en",
        currency="EUR",
    )
    async with runtime(settings) as rt:
        adapter = build_adapter(rt, "telegram", limits=limits)  # None: the adapter's defaults
        freeze_long_lived()  # as `wavebot run` does once its adapters are built
        adapter.poller.timeout = 1  # a quick shutdown of the pending long poll
        actor = Actor(f"telegram:{owner.id}", "Olivia")
        group = ChatRef("telegram", str(chat.id), ChatKind.GROUP, chat.title or "Buyers")
        await community.subscribe(rt.ctx, actor, group, [])
        idea = await ideas.propose(rt.ctx, actor, "Cast iron pan #kitchen")
        await ideas.approve(rt.ctx, actor, idea.id)
        wave = await waves.launch(
            rt.ctx, actor, LaunchPlan(idea.id, TIERS, timedelta(days=14), moq=MOQ)
        )
        task = asyncio.create_task(adapter.run())
        try:
            await asyncio.wait_for(adapter.started.wait(), 30)
            await rt.dispatcher.sweep()  # the wave card, with its Join button, goes to the group
            data = f"join:{wave.id}"
            card = next(m for m in reversed(api.messages(chat))
                        if data in str(m.reply_markup or {}))  # fmt: skip
            answers = len(api.callback_answers)
            before, cpu = Counter(api.requests), time.process_time()
            started, last = await _push_all(api, chat, users, card.message_id, data)
            pushed = time.perf_counter() - started
            await api.wait_for(lambda: api.confirmed_offset > last, TIMEOUT)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            calls = Counter(api.requests) - before
            answered = len(api.callback_answers) - answers
        finally:
            adapter.stop()
            await asyncio.wait_for(task, 30)
            await adapter.close()
        return Burst(len(users), pushed, seconds, calls, cpu), answered


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Read the file with the stdlib driver, independently of the code under test."""
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def _verify(path: Path, n: int, answered: int) -> list[str]:
    """Every press counted once, every milestone announced once; or fail."""
    expected = [m for m in milestones_for(TIERS, MOQ, None) if m <= n]
    check(answered == n, f"{answered} callbacks answered for {n} presses")
    units = _rows(path, "SELECT units, pledgers FROM waves WHERE id = 1")
    check(units == [(n, n)], f"wave counts {units}, expected units = pledgers = {n}")
    pledged = _rows(
        path,
        "SELECT COUNT(*), COUNT(DISTINCT member_id) FROM pledges "
        "WHERE wave_id = 1 AND status = 'active'",
    )
    check(pledged == [(n, n)], f"pledges {pledged}, expected {n} distinct active")
    announced = _rows(
        path,
        "SELECT kind, COUNT(*) FROM announcements WHERE wave_id = 1 AND kind LIKE 'milestone:%' "
        "GROUP BY kind ORDER BY MIN(id)",
    )
    check(
        announced == [(f"milestone:{m}", 1) for m in expected],
        f"milestone announcements {announced}, expected one each of {expected}",
    )
    return [
        f"{n:,} presses answered, wave units = pledgers = {n:,}, {n:,} distinct active pledges",
        f"milestones {', '.join(map(str, expected))}: one announcement row each",
    ]


def _toast(api: FakeTelegramAPI, presses: int) -> str:
    """The toast the adapter answered most in its last run (the echo bot answers the same)."""
    texts = Counter(answer.text or "" for answer in api.callback_answers[-presses:])
    return texts.most_common(1)[0][0] if texts else TOAST


async def _all(
    members: int, tmp: Path, repeats: int, diagnose: bool, lags: dict[str, Lag]
) -> Rounds:
    """Adapter, then echo bot with the adapter's toast, `repeats` times; then the adapter without
    send limits if asked. One fake server, the same crowd each time, a fresh database per run."""
    rounds = Rounds()
    async with FakeTelegramAPI(TOKEN, bot_username=BOT) as api:
        chat = api.add_chat("supergroup", "Buyers")
        users = _crowd(api, members)
        for n in range(repeats):  # adapter first: the echo bot then answers its toast
            adapter, answered = await watched(
                adapter_burst(api, chat, users, tmp / f"flash{n}.db"), lags["adapter"]
            )
            rounds.adapter.append(adapter)
            rounds.answered.append(answered)
            toast = _toast(api, members)
            echo = echo_burst(api, chat, users, toast, aiohttp=True)  # the adapter's transport
            rounds.echo.append(await watched(echo, lags["echo"]))
        if diagnose:
            rounds.lifted, rounds.lifted_answered = await adapter_burst(
                api, chat, users, tmp / "lifted.db", UNLIMITED
            )
            rounds.echo_httpx = await echo_burst(api, chat, users, toast, aiohttp=False)
    return rounds


def run(quick: bool = False) -> BenchResult:
    """Measure the adapter and the echo bot on the same presses; check every pledge counted."""
    members = QUICK_MEMBERS if quick else FULL_MEMBERS
    result = BenchResult("flash-crowd", quick)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    lags = {"echo": Lag(), "adapter": Lag()}
    with tempfile.TemporaryDirectory(prefix="wavebot-bench-") as tmp:
        rounds = asyncio.run(_all(members, Path(tmp), REPEATS, not quick, lags))
        for n, answered in enumerate(rounds.answered):
            checks = _verify(Path(tmp) / f"flash{n}.db", members, answered)
        result.checks += checks
        if rounds.lifted is not None:
            _verify(Path(tmp) / "lifted.db", members, rounds.lifted_answered)
    report(result, rounds, members)
    report_stall(result, lags["adapter"], "  longest loop stall, adapter runs")
    report_stall(result, lags["echo"], "  longest loop stall, echo bot runs")
    diagnostics(result, rounds)
    result.notes += NOTES
    return result
