"""Group milestones under load: 120 members join while their DMs and answers fill the budget.

The real Telegram adapter (app.wiring on app.main's runtime, a real SQLite file, the clock
running as in `wavebot run`) against the fake Bot API with Telegram's limits enforced. A group is
subscribed and holds the wave's live card; 120 members join, 40 % by pressing the card's Join
button, 60 % by typing `/join` in private, spread over a few seconds, each answered, and every
milestone (10, 25, 50, 100) brings one DM per opted-in participant: the 28 msg/s budget is
saturated. For every milestone message to the group the figure is the delay from the crossing
join (the announcement's time, taken inside the transaction that commits it) to the fake
server receiving it; the order in the group must be exactly 10 < 25 < 50 < 100. A second
scenario adds a member sending `/waves` 50 times a second in private for the whole run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.heap import freeze_long_lived
from app.main import runtime
from app.wiring import build_adapter
from bots.telegram_bot import Limits
from config.settings import Settings
from core.model import Tier
from core.ports import Actor, ChatKind, ChatRef
from core.services import community, ideas, waves
from core.services.waves import LaunchPlan
from core.tiers import milestones_for
from devtools.bench.lag import Lag, LagMonitor, report_stall
from devtools.bench.load_crowd import (
    ARRIVAL_SECONDS,
    BY_BUTTON,
    MEMBERS,
    GroupWatch,
    people,
    typers,
)
from devtools.bench.load_crowd import crowd as join_crowd
from devtools.bench.load_crowd import flood as flood_waves
from devtools.bench.report import BenchResult, check, percentile, spread, verdict
from devtools.fakes.telegram_api import FakeTelegramAPI
from devtools.fakes.telegram_models import FakeUser

FULL_RUNS, QUICK_RUNS = 5, 1
TARGET_P99 = 1.0  # seconds, crossing commit → the group has the message
TIMEOUT = 60.0  # a milestone that never arrives still ends the run (reported as missing)
QUICK_TIMEOUT = 20.0  # the flooder's run only: it ends on the timeout without a fair share
TOKEN = "777003:UNDER-load"
BOT = "wavebot_load_bot"
TIERS = (Tier(1, 10_000), Tier(50, 9_000), Tier(100, 8_000))
MOQ = 25
MILESTONES = tuple(m for m in milestones_for(TIERS, MOQ, None) if m <= MEMBERS)
# A wave's card is sent at its launch, long before a crowd in real life; here the crowd starts
# once the group's per-chat bucket (a burst of 3, then one per 1.1 s) is full again, else the
# card's own send takes one of the milestones' room.
CARD_SETTLES = Limits().chat_period


@dataclass
class Run:
    """One crowd: when each milestone reached the group, in which order, and what else went."""

    delays: dict[int, float]
    order: list[int]
    answered: int
    dms: int
    violations: int
    pledged: int
    timeout: float = TIMEOUT
    flood_sent: int = 0
    flood_answers: int = 0
    lag: Lag = field(default_factory=Lag)

    @property
    def worst(self) -> float:
        """p99 of this run's milestone delays (the worst of four; a missing one counts as
        the timeout)."""
        missing = [self.timeout] * (len(MILESTONES) - len(self.delays))
        return percentile([*self.delays.values(), *missing], 0.99)


def _settings(api: FakeTelegramAPI, path: Path, owner: FakeUser) -> Settings:
    """Production settings pointed at the fake and a fresh file."""
    return Settings(
        database_url=f"sqlite+aiosqlite:///{path}",
        owners=f"telegram:{owner.id}",
        telegram_bot_token=api.token,
        telegram_api_url=api.base_url,
        synchronous="FULL",
        lang="en",
        currency="EUR",
    )


async def _one(path: Path, flood: bool, limit: float = TIMEOUT) -> Run:
    """One crowd on a fresh bot and fake server."""
    async with FakeTelegramAPI(TOKEN, bot_username=BOT, enforce_limits=True) as api:
        owner = api.add_user("Olivia", username="olivia")
        group, users, flooder = people(api)
        async with runtime(_settings(api, path, owner)) as rt:
            adapter = build_adapter(rt, "telegram")
            freeze_long_lived()
            adapter.poller.timeout = 1
            actor = Actor(f"telegram:{owner.id}", "Olivia")
            chat = ChatRef("telegram", str(group.id), ChatKind.GROUP, "Buyers")
            await community.subscribe(rt.ctx, actor, chat, [])
            idea = await ideas.propose(rt.ctx, actor, "Cast iron pan #kitchen")
            await ideas.approve(rt.ctx, actor, idea.id)
            plan = LaunchPlan(idea.id, TIERS, timedelta(days=14), moq=MOQ)
            wave = await waves.launch(rt.ctx, actor, plan)
            task = asyncio.create_task(adapter.run())
            stop_flood = asyncio.Event()
            try:
                await asyncio.wait_for(adapter.started.wait(), 30)
                await rt.dispatcher.sweep()  # the live card, with its Join button
                await asyncio.sleep(CARD_SETTLES)
                data = f"join:{wave.id}"
                card = next(m for m in reversed(api.messages(group))
                            if data in str(m.reply_markup or {}))  # fmt: skip
                watch = GroupWatch(api, group, len(MILESTONES))
                watch.seen = len(api.messages(group))
                await rt.clockwork.start()
                lag = Lag()
                async with LagMonitor() as seen:
                    flooding = asyncio.create_task(
                        flood_waves(api, flooder, stop_flood) if flood else asyncio.sleep(0, 0)
                    )
                    # Watching from the start: the fake stamps each message as it arrives.
                    watching = asyncio.create_task(api.wait_for(watch.all_arrived, limit))
                    last = await join_crowd(api, group, users, card.message_id, wave.id)
                    with contextlib.suppress(TimeoutError):  # missing ones count as TIMEOUT
                        await watching
                        if not flood:  # every join processed and confirmed, to count them
                            await api.wait_for(lambda: api.confirmed_offset > last, limit)
                        else:  # every member answered while the flooder still floods
                            await api.wait_for(lambda: _answered(api, users) >= MEMBERS, limit)
                    stop_flood.set()
                    flood_sent = await flooding
                lag.merge(seen)
                measured = _measured(api, path, users, flooder, watch, flood_sent, lag)
                measured.timeout = limit
                return measured
            finally:
                stop_flood.set()
                await rt.clockwork.stop()
                await _stop(adapter, task, grace=5.0 if flood else 60.0)


async def _stop(adapter: Any, task: asyncio.Task[None], grace: float) -> None:
    """Stop polling; the flooder's backlog (one answer a second) is cut after `grace` s."""
    adapter.stop()
    try:
        await asyncio.wait_for(asyncio.shield(task), grace)
    except TimeoutError:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await adapter.close()


def _measured(api: FakeTelegramAPI, path: Path, users: list[FakeUser], flooder: FakeUser,
              watch: GroupWatch, flood_sent: int, lag: Lag) -> Run:  # fmt: skip
    """What the run did, read from the fake and the file while the bot still runs."""
    return Run(
        delays=_delays(path, watch.arrived),
        order=watch.order,
        answered=_answered(api, users),
        dms=_private_sent(path),
        violations=api.limit_violations,
        pledged=_pledged(path),
        flood_sent=flood_sent,
        flood_answers=len(api.messages(api.private_chat(flooder))),
        lag=lag,
    )


def _answered(api: FakeTelegramAPI, users: list[FakeUser]) -> int:
    """Members answered so far: presses answered, and typers who got their reply."""
    typed = sum(bool(api.messages(api.private_chat(user))) for user in typers(users))
    return len(api.callback_answers) + typed


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Read the file with the stdlib driver, independently of the code under test."""
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def _delays(path: Path, arrived: dict[int, float]) -> dict[int, float]:
    """Seconds from each milestone's crossing (its announcement time) to the group having it."""
    rows = _rows(path, "SELECT kind, created_at FROM announcements WHERE kind LIKE 'milestone:%'")
    crossed = {
        int(str(kind).split(":")[1]): datetime.fromisoformat(str(at)).replace(tzinfo=UTC)
        for kind, at in rows
    }
    check(sorted(crossed) == list(MILESTONES)[: len(crossed)], f"milestones {sorted(crossed)}")
    return {m: arrived[m] - crossed[m].timestamp() for m in MILESTONES if m in arrived}


def _pledged(path: Path) -> int:
    """Active pledges on the wave."""
    rows = _rows(path, "SELECT COUNT(*) FROM pledges WHERE status = 'active'")
    return int(str(rows[0][0]))


def _private_sent(path: Path) -> int:
    """Participant DMs the dispatcher sent during the run."""
    rows = _rows(path, "SELECT COUNT(*) FROM deliveries WHERE member_id IS NOT NULL "
                       "AND status = 'sent'")  # fmt: skip
    return int(str(rows[0][0]))


def _scenario(tmp: Path, runs: int, flood: bool, timeout: float) -> list[Run]:
    """Repeat one scenario, each run on its own file."""
    name = "flood" if flood else "crowd"
    return [asyncio.run(_one(tmp / f"{name}-{n}.db", flood, timeout)) for n in range(runs)]


def _report(result: BenchResult, runs: list[Run], label: str) -> None:
    """The p99 figure judged on the median of runs, order and exactness per run."""
    worst = spread([run.worst for run in runs])
    result.add(
        f"{label}: group milestone p99, commit → received",
        worst.show(" s", 2),
        f"target ≤ {TARGET_P99:.0f} s (median of runs; a milestone not received within "
        f"{runs[0].timeout:.0f} s counts as that)",
        verdict(worst.median <= TARGET_P99),
    )
    complete = sum(len(run.order) == len(MILESTONES) for run in runs)
    reordered = sum(run.order != sorted(set(run.order)) for run in runs)
    result.add(
        f"{label}: group received 10 < 25 < 50 < 100",
        f"{complete - reordered} of {len(runs)} runs",
        f"out of order in {reordered}, incomplete in {len(runs) - complete}; orders seen: "
        + "; ".join(",".join(map(str, run.order)) for run in runs),
        verdict(complete == len(runs) and not reordered),
    )
    per_milestone = {
        m: spread([run.delays.get(m, run.timeout) for run in runs]) for m in MILESTONES
    }
    result.add(
        f"  {label}: median delay per milestone",
        ", ".join(f"{m}: {s.median:.2f} s" for m, s in per_milestone.items()),
        f"joins answered {min(r.answered for r in runs)}–{max(r.answered for r in runs)} "
        f"of {MEMBERS}; participant DMs sent {min(r.dms for r in runs)}–"
        f"{max(r.dms for r in runs)}; limit violations {sum(r.violations for r in runs)}",
    )
    lag = Lag()
    for run in runs:
        lag.merge(run.lag)
    report_stall(result, lag, f"  {label}: longest loop stall")


def run(quick: bool = False) -> BenchResult:
    """Both scenarios, repeated; verdicts on the median run."""
    runs = QUICK_RUNS if quick else FULL_RUNS
    result = BenchResult("broadcast-under-load", quick)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="wavebot-bench-") as tmp:
        crowd = _scenario(Path(tmp), runs, flood=False, timeout=TIMEOUT)
        flood = _scenario(Path(tmp), runs, flood=True, timeout=QUICK_TIMEOUT if quick else TIMEOUT)
    for each in crowd:
        check(each.pledged == MEMBERS, f"{each.pledged} of {MEMBERS} members pledged")
        check(each.answered == MEMBERS, f"{each.answered} of {MEMBERS} joins answered")
    result.checks.append(
        f"every run: milestones {', '.join(map(str, MILESTONES))} announced once each; "
        f"{MEMBERS} joins answered (crowd scenario)"
    )
    _report(result, crowd, "crowd")
    _report(result, flood, "crowd + flooder")
    result.add(
        "  crowd + flooder: members whose join counted while the flooder flooded",
        ", ".join(f"{r.pledged}" for r in flood) + f" of {MEMBERS}",
        "flooder's /waves sent / answered: "
        + ", ".join(f"{r.flood_sent}/{r.flood_answers}" for r in flood),
    )
    result.notes += [
        f"{MEMBERS} members, {BY_BUTTON:.0%} press Join on the group's live card, the rest type "
        f"/join in private, arriving over {ARRIVAL_SECONDS:.0f} s; each milestone also sends "
        "one DM per participant: the send budget (28/s) is saturated",
        "delay: the crossing join's announcement time (read inside its write transaction, so "
        "at or before the commit) → the fake Bot API receiving the group's message",
        "lanes: answers first, then chat broadcasts, then DMs; a waiting lower lane gets at "
        "least 1 grant in 4 (broadcasts) or 8 (DMs) (core/lanes.py)",
        "loop stall: the fake server shares the bot's loop, so its work counts too",
        f"the crowd starts {CARD_SETTLES:.0f} s after the wave's card reached the group, as a "
        "card sent at launch would have left Telegram's per-chat limit long before (the bot's "
        "per-chat bucket: a burst of 3, then one per 1.1 s); milestones crossed faster than that "
        "still wait for it",
    ]
    return result
