"""One milestone to 1,000 Telegram chats and 1,000 Discord channels, platform limits enforced.

The fakes on 127.0.0.1 enforce the limits (FakeTelegramAPI(enforce_limits=True): 30 msg/s
overall, 20/min per group; FakeDiscordAPI(rate_limits=True): 50 req/s global, 5 per 5 s per
channel) and count every request that exceeded one. The path is production's: both adapters built
by app.wiring on the runtime app.main builds (a real SQLite file), the milestone recorded by a real
join, its 2,000 deliveries sent by the core Dispatcher through TelegramMessenger and
DiscordMessenger. The ceilings are the platform limits themselves.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, closing, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import discord
from discord.gateway import DiscordWebSocket

from app.heap import freeze_long_lived
from app.main import Runtime, runtime
from app.wiring import build_adapter
from config.settings import Settings
from core.messages import Reply
from core.model import Tier
from core.ports import Actor, ChatKind, ChatRef, Messenger, SendOutcome, SendResult
from core.services import community, ideas, waves
from core.services.waves import LaunchPlan
from core.tiers import milestones_for
from devtools.bench import dispatch_cost
from devtools.bench.lag import Lag, LagMonitor, report_stall
from devtools.bench.report import BenchResult, check, verdict
from devtools.fakes.discord_api import FakeDiscordAPI
from devtools.fakes.telegram_api import FakeTelegramAPI

FULL_CHATS = 1_000
QUICK_CHATS = 100
TELEGRAM_LIMIT = 30.0  # msg/s overall, Telegram's broadcast FAQ
DISCORD_LIMIT = 50.0  # req/s global, Discord's documented bot limit
TARGET_TELEGRAM = 25.0
TARGET_DISCORD = 40.0
CHANNELS_PER_GUILD = 250  # Discord caps a guild at 500 channels
TG_TOKEN = "777002:BROADCAST-bench"
DC_TOKEN = "broadcast-bench-discord-token"
TIERS = (Tier(1, 10_000), Tier(10, 9_000), Tier(100, 8_000))
MOQ = 10
TIMEOUT = 600.0  # generous: a delivery that never goes out must still end the run


@dataclass
class Timed:
    """The registered messenger, unchanged, plus the moment each delivery was sent."""

    inner: Messenger
    sent_at: list[float] = field(default_factory=list)
    platform: str = ""

    def __post_init__(self) -> None:
        """Same platform as the wrapped messenger."""
        self.platform = self.inner.platform

    async def send(self, chat_id: str, message: Reply, lang: str) -> SendResult:
        """Delegate; note when a send succeeded."""
        result = await self.inner.send(chat_id, message, lang)
        if result.outcome is SendOutcome.SENT:
            self.sent_at.append(time.perf_counter())
        return result

    async def edit(self, chat_id: str, message_id: str, message: Reply, lang: str) -> SendResult:
        """Delegate (card edits are not part of the broadcast)."""
        return await self.inner.edit(chat_id, message_id, message, lang)


@dataclass
class Outcome:
    """What the broadcast did on both platforms."""

    started: float
    finished: float
    telegram: list[float]
    discord: list[float]
    discord_requests: int
    discord_429: int
    sweeps: int

    def rate(self, sent: list[float]) -> float:
        """Deliveries per second from the start of the dispatch to the platform's last send."""
        return len(sent) / (max(sent) - self.started) if sent else 0.0

    @staticmethod
    def active(sent: list[float]) -> float:
        """Deliveries per second between the platform's own first and last send (diagnostic)."""
        return (len(sent) - 1) / (max(sent) - min(sent)) if len(sent) > 1 else 0.0


@contextmanager
def _discord_globals() -> Iterator[None]:
    """The adapter points discord.py's process-wide URLs at the fake; put them back after."""
    base, gateway = discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    try:
        yield
    finally:
        discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


@asynccontextmanager
async def _world(
    path: Path, chats: int
) -> AsyncIterator[tuple[FakeTelegramAPI, FakeDiscordAPI, Runtime, list[ChatRef]]]:
    """Both fakes with limits on, both adapters wired and connected, `chats` + `chats` targets."""
    async with (
        FakeTelegramAPI(TG_TOKEN, enforce_limits=True) as tg,
        FakeDiscordAPI(DC_TOKEN, rate_limits=True, heartbeat_interval=5.0) as dc,
    ):
        owner = tg.add_user("Olivia", username="olivia")
        targets = [
            ChatRef("telegram", str(tg.add_chat("supergroup", f"Buyers {n}").id), ChatKind.GROUP)
            for n in range(chats)
        ]
        guilds = [
            dc.create_guild(f"Wave makers {g}") for g in range(-(-chats // CHANNELS_PER_GUILD))
        ]
        for n in range(chats):
            channel = dc.create_channel(guilds[n // CHANNELS_PER_GUILD].id, f"news-{n}")
            targets.append(ChatRef("discord", str(channel.id), ChatKind.GROUP))
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{path}",
            owners=f"telegram:{owner.id}",
            telegram_bot_token=tg.token,
            telegram_api_url=tg.base_url,
            discord_bot_token=DC_TOKEN,
            discord_api_url=dc.api_url,
            synchronous="FULL",
            lang="en",
            currency="EUR",
        )
        with _discord_globals():
            async with runtime(settings) as rt:
                telegram = build_adapter(rt, "telegram")
                discord_bot = build_adapter(
                    rt, "discord", guild_ready_timeout=0.05, backoff=(0.05, 0.4)
                )
                freeze_long_lived()  # as `wavebot run` does once its adapters are built
                task = asyncio.create_task(discord_bot.run())
                try:
                    await discord_bot.wait_ready(30)
                    yield tg, dc, rt, targets
                finally:
                    await discord_bot.stop()
                    await asyncio.wait_for(task, 30)
                    await telegram.close()


async def _milestone(rt: Runtime, targets: list[ChatRef]) -> None:
    """Launch a wave, subscribe every target, then members join until the first milestone."""
    owner = Actor(next(iter(rt.settings.owner_accounts)), "Olivia")
    idea = await ideas.propose(rt.ctx, owner, "Cast iron pan #kitchen")
    await ideas.approve(rt.ctx, owner, idea.id)
    wave = await waves.launch(
        rt.ctx, owner, LaunchPlan(idea.id, TIERS, timedelta(days=14), moq=MOQ)
    )
    await asyncio.gather(*(community.subscribe(rt.ctx, owner, chat, []) for chat in targets))
    first = milestones_for(TIERS, MOQ, None)[0]
    for n in range(first):
        member = Actor(f"telegram:{900_000 + n}", f"Member {n}")
        await community.set_notify(rt.ctx, member, False)  # the broadcast is to chats only
        await waves.join(rt.ctx, member, wave.id)


def _pending(path: Path) -> int:
    """Deliveries not yet sent (due now or rescheduled after a 429)."""
    with closing(sqlite3.connect(path)) as conn:
        row = conn.execute("SELECT COUNT(*) FROM deliveries WHERE status = 'pending'").fetchone()
    return int(row[0])


async def _broadcast(path: Path, chats: int, lag: Lag) -> tuple[Outcome, dict[str, int], int]:
    """Record the milestone, then sweep until every delivery is sent; the limit violations."""
    async with _world(path, chats) as (tg, dc, rt, targets):
        await _milestone(rt, targets)
        timed = {name: Timed(port) for name, port in rt.messengers.items()}
        for name, port in timed.items():
            rt.messengers[name] = port
        before = len(dc.requests)
        sweeps = 0
        started = time.perf_counter()
        async with LagMonitor() as seen:
            while _pending(path) and time.perf_counter() - started < TIMEOUT:
                stats = await rt.dispatcher.sweep()
                sweeps += 1
                if not stats.sent:
                    await asyncio.sleep(0.1)  # the rest waits for its retry_after
            finished = time.perf_counter()
        lag.merge(seen)
        requests = dc.requests[before:]
        outcome = Outcome(
            started,
            finished,
            timed["telegram"].sent_at,
            timed["discord"].sent_at,
            len(requests),
            sum(r.status == 429 for r in requests),
            sweeps,
        )
        kinds = dict(tg.limiter.violations) if tg.limiter is not None else {}
        return outcome, kinds, dc.limit_violations


def _verify(path: Path, chats: int) -> tuple[list[str], int]:
    """One milestone announcement with one delivery per chat; the number not sent (dropped)."""
    with closing(sqlite3.connect(path)) as conn:
        announced = conn.execute(
            "SELECT kind FROM announcements WHERE kind LIKE 'milestone:%'"
        ).fetchall()
        per_platform = conn.execute(
            "SELECT d.platform, COUNT(*), COUNT(DISTINCT d.chat_id), SUM(d.status = 'sent') "
            "FROM deliveries d JOIN announcements a ON a.id = d.announcement_id "
            "WHERE a.kind LIKE 'milestone:%' GROUP BY d.platform ORDER BY d.platform"
        ).fetchall()
    check(len(announced) == 1, f"milestone announcements {announced}, expected exactly one")
    expected = [("discord", chats, chats), ("telegram", chats, chats)]
    check(
        [row[:3] for row in per_platform] == expected,
        f"deliveries per platform {per_platform}, expected one per chat: {expected}",
    )
    dropped = sum(int(row[1]) - int(row[3] or 0) for row in per_platform)
    return [
        f"one announcement ({announced[0][0]}), {chats:,} Telegram + {chats:,} Discord "
        "deliveries, one per chat"
    ], dropped


def _since(outcome: Outcome, sent: list[float]) -> float:
    """Seconds from the start of the dispatch to a platform's first send."""
    return min(sent) - outcome.started if sent else 0.0


def run(quick: bool = False) -> BenchResult:
    """Broadcast one milestone on both platforms at once; rates next to the platform limits."""
    chats = QUICK_CHATS if quick else FULL_CHATS
    result = BenchResult("broadcast", quick)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="wavebot-bench-") as tmp:
        path = Path(tmp) / "broadcast.db"
        lag = Lag()
        outcome, tg_kinds, dc_violations = asyncio.run(_broadcast(path, chats, lag))
        checks, dropped = _verify(path, chats)
        result.checks += checks
        dispatch_cost.report(result, quick, Path(tmp))  # the dispatcher's own cost, no platform
    sends = len(outcome.telegram) + len(outcome.discord)
    check(sends == 2 * chats - dropped, f"messengers reported {sends} sends, the database not")
    tg_violations = sum(tg_kinds.values())
    tg_rate, dc_rate = outcome.rate(outcome.telegram), outcome.rate(outcome.discord)
    result.data.update(
        telegram_rate=tg_rate,
        discord_rate=dc_rate,
        dropped=dropped,
        telegram_violations=tg_violations,
        discord_violations=dc_violations,
    )
    result.add(
        f"Telegram, {chats:,} groups",
        f"{tg_rate:,.1f} msg/s",
        f"limit {TELEGRAM_LIMIT:.0f} msg/s; target ≥ {TARGET_TELEGRAM:.0f}",
        verdict(tg_rate >= TARGET_TELEGRAM),
    )
    result.add(
        f"Discord, {chats:,} channels",
        f"{dc_rate:,.1f} req/s",
        f"limit {DISCORD_LIMIT:.0f} req/s; target ≥ {TARGET_DISCORD:.0f}",
        verdict(dc_rate >= TARGET_DISCORD),
    )
    result.add("dropped (not sent at the end)", f"{dropped}", "target 0", verdict(dropped == 0))
    violations = tg_violations + dc_violations
    result.add(
        "limit violations (counted by the fakes)",
        f"{tg_violations} Telegram, {dc_violations} Discord",
        "target 0" + "".join(f"; Telegram {kind}: {n}" for kind, n in sorted(tg_kinds.items())),
        verdict(violations == 0),
    )
    result.add(
        "  diagnostic: rate between each platform's own first and last send",
        f"{outcome.active(outcome.telegram):,.1f} msg/s, "
        f"{outcome.active(outcome.discord):,.1f} req/s",
        f"Telegram first send at +{_since(outcome, outcome.telegram):.1f} s, "
        f"Discord at +{_since(outcome, outcome.discord):.1f} s",
    )
    report_stall(result, lag, "longest loop stall while sending")
    result.add(
        "Discord requests / 429s, dispatcher sweeps",
        f"{outcome.discord_requests:,} / {outcome.discord_429}, {outcome.sweeps}",
        f"whole broadcast {outcome.finished - outcome.started:.1f} s",
    )
    result.notes += [
        "rates: sends that succeeded / (last success on that platform − start of the first "
        "dispatcher sweep); both platforms are served by the same sweeps, at the same time",
        "the Dispatcher takes up to 5,000 due deliveries and sends each platform's behind its "
        "own gate of 64, so neither platform waits on the other; the messengers pace the sends "
        "(Telegram 28/s evenly spaced, Discord 45/s) under the platform limits",
        "loop stall: the fake servers share the bot's loop here, so their work counts too "
        "(devtools/bench/lag.py)",
        "a violation is a 429 the fake answered because a limit was exceeded on arrival",
    ]
    return result
