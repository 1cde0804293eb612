"""Build everything from settings: storage → core services → scheduler → adapters, one loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from app.chart_process import ChartProcess
from app.clockwork import Clockwork
from app.heap import freeze_long_lived
from app.payments import close_desk, payment_desk
from app.web import web_server
from app.wiring import build_enabled, enabled_rows, platforms
from bots.i18n import LANGUAGES, command_aliases, render, render_plain
from bots.metrics import set_leader
from config.settings import Settings
from core.clock import Clock, SystemClock
from core.commands.interpreter import Interpreter
from core.leadership import Leadership
from core.messages import Reply, t
from core.ports import Messenger
from core.services import newsletter, retention, talk
from core.services.context import Context, Rules
from core.services.dispatch import Dispatcher
from core.services.fairshare import Budget, FairShareRules
from core.services.health import Alert
from storage.backends import AnyDatabase, open_database
from storage.health import preflight, sole_process
from storage.leadership import PgLeases, identity, leases_for
from storage.migrate import upgrade
from storage.urls import is_postgresql
from storage.wake_bus import PgWakeBus

log = logging.getLogger(__name__)
REVIEW_SWEEP_SECONDS = 900.0  # review requests go out within a quarter of an hour
RETENTION_SWEEP_SECONDS = 3600.0  # bounded storage: old finished rows go hourly, in batches
NEWSLETTER_SWEEP_SECONDS = 3600.0  # the personal newsletter: members not yet served this period
ADAPTER_GRACE_SECONDS = 5.0  # updates in hand finish and are confirmed; SIGTERM to exit < 10 s
CLOCK_GRACE_SECONDS = 3.0


class Service(Protocol):
    """What `wavebot run` runs side by side: the platform adapters and the HTTP server."""

    async def run(self) -> None: ...
    async def shutdown(self) -> None: ...


@dataclass
class Runtime:
    """The wired application: what adapters and the CLI need."""

    settings: Settings
    db: AnyDatabase
    ctx: Context
    interpreter: Interpreter
    clockwork: Clockwork
    dispatcher: Dispatcher
    messengers: dict[str, Messenger] = field(default_factory=dict)
    leases: PgLeases | None = None  # PostgreSQL: this process's elected roles
    wake_bus: PgWakeBus | None = None  # PostgreSQL: wake-ups to and from the other processes


@asynccontextmanager
async def runtime(
    settings: Settings,
    clock: Clock | None = None,
    extra_owners: frozenset[str] = frozenset(),
    alone: bool = False,
) -> AsyncIterator[Runtime]:
    """Open the database (migrating it), build the core and the clock; close all on exit."""
    await asyncio.to_thread(preflight, settings.database_url)
    await asyncio.to_thread(upgrade, settings.database_url)
    db = await open_database(settings.database_url, synchronous=settings.synchronous)
    leases = leases_for(settings.database_url)  # several processes: elect who sweeps and sends
    charts = ChartProcess()  # matplotlib only in its child process (app/chart_process.py)
    try:
        rules = Rules(currency=settings.currency, default_lang=settings.lang, languages=LANGUAGES,
                      timezone=settings.timezone, fair_share=fair_share_rules(settings),
                      platforms=tuple(name.capitalize() for name in platforms()),
                      creator_share_percent=settings.creator_share_percent,
                      newsletter_days=settings.newsletter_days,
                      public_url=settings.public_url)  # fmt: skip
        ctx = Context(db, clock or SystemClock(), settings.owner_accounts | extra_owners,
                      rules=rules, charts=charts, plain=render_plain,
                      payments=payment_desk(settings, clock))  # fmt: skip
        messengers: dict[str, Messenger] = {}
        db.on_saved = ctx.storage.saved
        ctx.storage.alert = owners_alert(ctx, messengers)
        dispatcher = Dispatcher(ctx, messengers, roles=dispatcher_roles(leases))
        if alone:  # inside sole_process: leases left in the file belong to a dead process
            await dispatcher.release_orphans()
        clockwork = Clockwork(ctx, dispatcher, digest_days=settings.digest_days,
                              leadership=leases.role("sweeps") if leases else None)  # fmt: skip
        clockwork.on_leading = lambda leading: set_leader(identity(), leading)
        clockwork.extra_jobs.append((lambda: talk.ask_reviews(ctx), REVIEW_SWEEP_SECONDS))
        policy = retention.RetentionPolicy(settings.retention, shipping=settings.shipping_retention)
        clockwork.extra_jobs.append((lambda: retention.prune(ctx, policy), RETENTION_SWEEP_SECONDS))
        clockwork.extra_jobs.append((lambda: newsletter.send_due(ctx), NEWSLETTER_SWEEP_SECONDS))
        ctx.wakeup = clockwork
        bus = PgWakeBus(settings.database_url, clockwork.heard) if leases else None
        try:
            if bus is not None:  # several processes: a commit here wakes the sender there
                await bus.start()
                clockwork.publish = bus.publish
            interpreter = Interpreter(ctx, aliases=command_aliases())
            yield Runtime(settings, db, ctx, interpreter, clockwork, dispatcher, messengers, leases,
                          bus)  # fmt: skip
        finally:
            if bus is not None:  # before the database: nothing published to a closed bus
                clockwork.publish = None
                await bus.close()
            await close_desk(ctx.payments)
    finally:
        await asyncio.to_thread(charts.close)
        if leases is not None:  # the roles pass to another process at once
            await leases.close()
        await db.close()


def dispatcher_roles(leases: PgLeases | None) -> Callable[[str], Leadership] | None:
    """Each platform's dispatcher role (its limits are per bot token: one sender per platform
    across the processes); None on SQLite, where this is the only process."""
    if leases is None:
        return None
    return lambda platform: leases.role(f"dispatch:{platform}")


def fair_share_rules(settings: Settings) -> FairShareRules:
    """The fair-share budgets the settings give (0 actions: that budget is lifted)."""

    def budget(actions: int, seconds: int) -> Budget | None:
        return Budget(actions, timedelta(seconds=seconds)) if actions else None

    return FairShareRules(
        member=budget(settings.member_actions, settings.member_window_seconds),
        chat=budget(settings.chat_commands, settings.chat_window_seconds),
        penalty=timedelta(seconds=settings.slow_down_seconds),
    )


def owners_alert(ctx: Context, messengers: Mapping[str, Messenger]) -> Alert:
    """Tell every owner directly (the outbox cannot be written when the disk is full)."""

    async def alert(failing: bool) -> None:
        key = "health.storage_down" if failing else "health.storage_back"
        message = Reply(body=(t(key),), private=True)
        for account in sorted(ctx.owners):
            platform, _, user_id = account.partition(":")
            messenger = messengers.get(platform)
            if messenger is not None:
                await messenger.send(user_id, message, ctx.rules.default_lang)

    return alert


async def run_bots(
    settings: Settings, *, adapter_options: Mapping[str, Mapping[str, Any]] | None = None
) -> int:
    """Every adapter the settings enable (app.wiring.ADAPTERS) plus the scheduler, in this loop.

    adapter_options maps a platform to keyword options for its adapter (tests shorten waits).
    """
    if not enabled_rows(settings):
        print(render(t("cli.no_token"), settings.lang), file=sys.stderr)
        return 2
    if settings.telegram_webhook_url and settings.http_port is None:
        print(f"wavebot: {render(t('cli.webhook_needs_port'), settings.lang)}", file=sys.stderr)
        return 2
    # A bad URL, a silent server or a newer schema: one line (exit 2) before anything starts.
    await asyncio.to_thread(preflight, settings.database_url)
    elections = logging.getLogger("storage.leadership")
    quiet = elections.level
    elections.setLevel(logging.INFO)  # which process leads, one line per change
    try:
        with sole_process(settings.database_url):
            return await _run_adapters(settings, adapter_options or {})
    finally:
        elections.setLevel(quiet)


async def _run_adapters(
    settings: Settings, adapter_options: Mapping[str, Mapping[str, Any]]
) -> int:
    """Every enabled adapter and the clock, until they stop or SIGTERM/SIGINT asks them to."""
    # One process per SQLite file, so its leftover leases are a dead process's; on PostgreSQL
    # other processes may hold live ones, which expire on their own.
    alone = not is_postgresql(settings.database_url)
    async with runtime(settings, alone=alone) as rt:
        platform_adapters = build_enabled(rt, adapter_options)
        adapters: list[Service] = [*platform_adapters]
        server = web_server(rt, {a.messenger.platform: a for a in platform_adapters})
        if server is not None:  # health, metrics, payment webhooks: listening before the bots
            await server.start()
            adapters.append(server)
        freeze_long_lived()  # everything is imported and wired: keep full collections short
        await rt.clockwork.start()
        tasks = [asyncio.create_task(adapter.run()) for adapter in adapters]
        stopping = asyncio.Event()
        _on_signals(stopping.set)
        asked = asyncio.create_task(stopping.wait())
        try:
            await asyncio.wait([*tasks, asked], return_when=asyncio.FIRST_COMPLETED)
            if stopping.is_set():
                log.warning("stopping: finishing the updates in hand")
                await _stop_gracefully(adapters, tasks)
        finally:
            # One adapter ended, or we are cancelled: let every adapter finish its own shutdown
            # (confirm updates, close sockets) before the clock and the database go away.
            _on_signals(None)
            asked.cancel()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await _stop_clock(rt)
        for task in tasks:  # an adapter that failed on its own (a refused token) fails the run
            if not stopping.is_set() and not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
    return 0


def _on_signals(handler: Callable[[], None] | None) -> None:
    """SIGTERM (systemctl stop, docker stop) and SIGINT (Ctrl+C) ask for a graceful stop."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            if handler is None:
                loop.remove_signal_handler(signum)
            else:
                loop.add_signal_handler(signum, handler)


async def _stop_gracefully(adapters: list[Service], tasks: list[asyncio.Task[None]]) -> None:
    """Stop taking updates, let the ones in hand finish and be confirmed, within the grace."""
    for adapter in adapters:
        with contextlib.suppress(Exception):
            await adapter.shutdown()
    _, late = await asyncio.wait(tasks, timeout=ADAPTER_GRACE_SECONDS)
    for task in late:
        task.cancel()


async def _stop_clock(rt: Runtime) -> None:
    """Let a sweep in flight finish briefly; leases of anything unsent are given back."""
    try:
        await asyncio.wait_for(rt.clockwork.stop(), CLOCK_GRACE_SECONDS)
    except TimeoutError:
        log.warning("the dispatcher did not finish in time; its leases are released")
    with contextlib.suppress(Exception):
        await rt.dispatcher.release_own()
