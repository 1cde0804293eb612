"""The scheduler is only a clock: it triggers idempotent sweeps; the database holds the truth."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.job import Job
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from core.errors import StorageUnavailable
from core.leadership import Leadership, Sole
from core.services import cards, digest, fanout, lifecycle, payments, refunds
from core.services.context import Context
from core.services.dispatch import Dispatcher
from storage.sqlite_inline import background

log = logging.getLogger(__name__)
LEADER_POLL_SECONDS = 2.0  # a follower asks for the sweeps this often: takeover well within 10 s
SweepObserver = Callable[[str, str], None]  # (sweep name, "start" | "end"): tests record runs


class Clockwork:
    """One AsyncIOScheduler plus an immediate wake-up for fresh deliveries."""

    def __init__(
        self,
        ctx: Context,
        dispatcher: Dispatcher,
        tick: float = 1.0,
        digest_days: int = 15,
        leadership: Leadership | None = None,
    ) -> None:
        """leadership: on several processes, the sweeps run only where it is held (the
        dispatcher asks its own per-platform roles); None: this is the only process."""
        self.ctx = ctx
        self.dispatcher = dispatcher
        self.tick = tick
        self.digest_every = timedelta(days=digest_days)
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self._wake = asyncio.Event()
        self._waker: asyncio.Task[None] | None = None
        self._fanout_wake = asyncio.Event()
        self._fanout_waker: asyncio.Task[None] | None = None
        self._expanding = asyncio.Lock()
        self._running: set[asyncio.Task[object]] = set()
        self.extra_jobs: list[tuple[Callable[[], Awaitable[object]], float]] = []
        self.leadership: Leadership = leadership or Sole("sweeps")
        self._elected = leadership is not None
        self._led_jobs: list[Job] = []
        self._watcher: asyncio.Task[None] | None = None
        self.on_sweep: SweepObserver | None = None
        self.on_leading: Callable[[bool], None] | None = None  # the `wavebot_leader` gauge
        # Several processes: tell the others what this one committed (storage/wake_bus.py).
        self.publish: Callable[[str], None] | None = None

    def deliveries_pending(self) -> None:
        """Called once the transaction that created deliveries is committed; the sweep runs
        just after (a sweep already sending claims them at once), here and, when the sender is
        another process, there."""
        self.heard("deliveries")
        if self.publish is not None:
            self.publish("deliveries")

    def fanout_pending(self) -> None:
        """Called once a crossing transaction is committed; the expander runs at once (on the
        leader, whichever process it is)."""
        self.heard("fanout")
        if self.publish is not None:
            self.publish("fanout")

    def heard(self, kind: str) -> None:
        """Work of this kind was committed (here or by another process): wake its loop."""
        if kind == "deliveries":
            self._wake.set()
            self.dispatcher.poke()
        elif kind == "fanout":
            self._fanout_wake.set()

    async def start(self) -> None:
        """Register the sweeps and start the clock in the running loop."""
        self._job(self.nudge, self.tick, led=False)  # the dispatcher asks its platform roles
        self._job(self.expand, 5.0)
        self._job(self.sweep_waves, 10.0)
        self._job(self.refresh_cards, 2.0)
        self._job(self.remind, 300.0)
        self._job(self.sweep_payments, 300.0)
        self._job(self.digest, 3600.0)
        for job, seconds in self.extra_jobs:
            self._job(job, seconds)
        self.scheduler.start()
        self._waker = asyncio.create_task(self._wake_loop())
        self._fanout_wake.set()  # an expansion a stop interrupted resumes at once
        self._fanout_waker = asyncio.create_task(self._fanout_loop())
        if self._elected:
            self._watcher = asyncio.create_task(self._watch_leadership())
        elif self.on_leading is not None:
            self.on_leading(True)  # the only process

    def _job(self, job: Callable[[], Awaitable[object]], seconds: float, led: bool = True) -> None:
        """An interval job that never overlaps itself and that stop() can wait for; a led one
        runs only while this process holds the sweeps (asked at every tick)."""
        name = getattr(job, "__name__", "sweep")

        async def tracked() -> None:
            task = asyncio.current_task()
            assert task is not None
            self._running.add(task)
            try:
                if not led:
                    await job()
                elif await self.leadership.lead():
                    await self._observed(name, job)
            except asyncio.CancelledError:
                return  # stopping: the next start sweeps again, the database holds the truth
            finally:
                self._running.discard(task)

        added = self.scheduler.add_job(
            tracked, "interval", seconds=seconds, max_instances=1, coalesce=True,
            misfire_grace_time=30, name=name,
        )  # fmt: skip
        if led:
            self._led_jobs.append(added)

    async def _observed(self, name: str, job: Callable[[], Awaitable[object]]) -> None:
        """Run a sweep, telling the observer (if any) when it starts and ends."""
        if self.on_sweep is not None:
            self.on_sweep(name, "start")
        try:
            await job()
        finally:
            if self.on_sweep is not None:
                self.on_sweep(name, "end")

    async def _watch_leadership(self) -> None:
        """Ask for the sweeps every LEADER_POLL_SECONDS; once elected, run every sweep at once
        (a new leader catches up on what the dead one left rather than waiting for its ticks)."""
        leading = False
        while True:
            try:
                now_leading = await self.leadership.lead()
            except Exception:
                log.exception("asking for the sweeps failed")
                now_leading = False
            if now_leading and not leading:
                self._fanout_wake.set()
                for job in self._led_jobs:
                    job.modify(next_run_time=datetime.now(UTC))
            leading = now_leading
            if self.on_leading is not None:
                self.on_leading(leading)
            await asyncio.sleep(LEADER_POLL_SECONDS)

    async def nudge(self) -> None:
        """The periodic safety net: wake the dispatcher (it never runs twice at once)."""
        self._wake.set()
        self.dispatcher.poke()

    async def _wake_loop(self) -> None:
        """Dispatch right after a commit that created deliveries."""
        while True:
            await self._wake.wait()
            await asyncio.sleep(0.05)
            self._wake.clear()
            await self.dispatch()

    async def _fanout_loop(self) -> None:
        """Expand participant deliveries right after a crossing commit, beside the dispatcher
        (which starts sending the first batches while the rest expands)."""
        while True:
            await self._fanout_wake.wait()
            self._fanout_wake.clear()
            if not await self.leadership.lead():  # the leader's own tick expands it
                continue
            async with self._expanding:  # waits for a periodic run, then sees what it missed
                await self._observed("expand", self._expand_now)

    async def expand(self) -> None:
        """Write the participant deliveries of announcements still to expand (one expander at a
        time: the periodic job skips while the woken one runs)."""
        if self._expanding.locked():
            return
        async with self._expanding:
            await self._expand_now()

    async def _expand_now(self) -> None:
        """One expander run, logged if it fails (the next wake or tick resumes it)."""
        await self._guarded(fanout.expand(self.ctx), "fan-out expansion")

    async def dispatch(self) -> None:
        """Send due deliveries."""
        await self._guarded(self.dispatcher.sweep(), "dispatch sweep")

    async def sweep_waves(self) -> None:
        """Open scheduled waves and close due ones."""
        await self._guarded(lifecycle.sweep_due(self.ctx), "wave sweep")

    async def refresh_cards(self) -> None:
        """Edit live wave cards whose wave moved (throttled per card)."""
        await self._guarded(cards.refresh(self.ctx, self.dispatcher.messengers), "card refresh")

    async def remind(self) -> None:
        """'24 hours left' once per wave."""
        await self._guarded(digest.send_reminders(self.ctx), "reminders")

    async def sweep_payments(self) -> None:
        """Pay at the end: reminders every 48 h, abandonment when the window closes, then the
        refunds the providers can make (after the commit that decided them)."""
        await self._guarded(payments.sweep(self.ctx), "payment sweep")
        await self._guarded(refunds.sweep(self.ctx), "refund sweep")

    async def digest(self) -> None:
        """The periodic digest, at most once per period whatever the restarts."""
        await self._guarded(digest.send_digest(self.ctx, self.digest_every), "digest")

    async def run_due_sweeps(self) -> None:
        """Every sweep once, in the order things happen, then deliver (the demo's /clock)."""
        for sweep in (self.sweep_waves, self.remind, self.sweep_payments, self.digest):
            await sweep()
        for job, _ in self.extra_jobs:
            await self._guarded(job(), getattr(job, "__name__", "sweep"))
        await self.refresh_cards()
        async with self._expanding:
            await self._expand_now()
        await self.dispatch()

    async def _guarded(self, work: Awaitable[object], name: str) -> None:
        """A failing sweep is logged; the next tick tries again. Its SQL leaves the loop free
        for updates (storage/sqlite_inline.py)."""
        try:
            with background():
                await work
        except StorageUnavailable as error:  # one line a minute, owners told once (health.py)
            self.ctx.storage.failed(error)
        except Exception:
            log.exception("%s failed", name)

    async def stop(self) -> None:
        """Stop the clock and wait for sweeps in flight; pending work stays in the database."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        in_flight: list[asyncio.Task[Any]] = list(self._running)
        in_flight += [task for task in (self._waker, self._fanout_waker, self._watcher) if task]
        for task in in_flight:
            task.cancel()
        await asyncio.gather(*in_flight, return_exceptions=True)
