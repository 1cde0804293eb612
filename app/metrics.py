"""What `/healthz` and `/metrics` report, wired from the runtime: database, adapters, outbox.

The adapters count what happens to them (bots/metrics.py: updates, 429s, the leader gauge);
here are the figures read at scrape time — the dispatcher's lag, the event loop's lag — and rows
by status from the database (so every process reports the same, cluster-wide). Counting rows
scans whole tables (0.3 s at a million deliveries), so a scrape never waits for it: the counts
are read again in the background when a scrape finds them older than ROW_COUNTS_MAX_AGE, and
`wavebot_row_counts_age_seconds` says how old the ones shown are (`RowCounts`). The health
rule: 503 when the database does not answer a `SELECT 1`, an adapter is not connected, or the
oldest due delivery has waited longer than WAVEBOT_HEALTH_MAX_LAG_SECONDS.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from prometheus_client import CollectorRegistry, ProcessCollector, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bots.metrics import REGISTRY as ADAPTER_REGISTRY
from storage.probes import Counts, database_problem, dispatcher_lag, row_counts

if TYPE_CHECKING:
    from app.main import Runtime

log = logging.getLogger(__name__)
LOOP_TICK_SECONDS = 0.5  # how often the event loop's lateness is sampled
ROW_COUNTS_MAX_AGE = 30.0  # seconds: a scrape finding older counts has them read again


class Connected(Protocol):
    """An adapter that says whether it takes updates now."""

    @property
    def connected(self) -> bool: ...


@dataclass
class LoopLag:
    """How late the event loop runs a timer: the worst of the last few samples, in seconds."""

    worst: float = 0.0
    samples: list[float] = field(default_factory=list)

    async def watch(self) -> None:
        """Sleep a fixed tick and measure the oversleep, until cancelled."""
        while True:
            started = time.perf_counter()
            await asyncio.sleep(LOOP_TICK_SECONDS)
            late = max(0.0, time.perf_counter() - started - LOOP_TICK_SECONDS)
            self.samples = [*self.samples[-9:], late]
            self.worst = max(self.samples)


@dataclass
class RowCounts:
    """Rows by status, read at most every `max_age` seconds and never while a scrape waits
    (except the first scrape of the process, which has nothing to show yet)."""

    read: Callable[[], Awaitable[Counts]]
    max_age: float = ROW_COUNTS_MAX_AGE
    clock: Callable[[], float] = time.monotonic
    counts: Counts | None = None
    read_at: float | None = None  # None: never read
    reads: int = 0
    wanted: asyncio.Event = field(default_factory=asyncio.Event)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def age(self) -> float:
        """Seconds since the counts shown were read (infinite when none ever was)."""
        if self.read_at is None:
            return math.inf
        return max(0.0, self.clock() - self.read_at)

    async def current(self) -> Counts:
        """The last counts; asks the background reader for fresh ones when they are too old."""
        if self.counts is None:
            await self.refresh()
        elif self.age() >= self.max_age:
            self.wanted.set()
        return self.counts or Counts()

    async def refresh(self) -> None:
        """Read the counts unless someone just did (a failure keeps the previous ones)."""
        async with self.lock:
            if self.counts is not None and self.age() < self.max_age:
                return
            started = self.clock()
            try:
                counts = await self.read()
            except Exception:
                log.warning("row counts from the database unavailable", exc_info=True)
                return
            self.counts, self.read_at, self.reads = counts, started, self.reads + 1

    async def serve(self) -> None:
        """The background reader (the HTTP server runs it): a refresh each time one is wanted."""
        while True:
            await self.wanted.wait()
            self.wanted.clear()
            await self.refresh()


@dataclass
class Snapshot:
    """The figures of the last scrape."""

    database_up: bool = False
    lag: float = 0.0
    counts: Counts = field(default_factory=Counts)
    counts_age: float = 0.0


class Observatory(Collector):
    """Health and scrape-time metrics of one running bot."""

    def __init__(self, rt: Runtime, adapters: Mapping[str, Any]) -> None:
        self.rt = rt
        self.adapters = dict(adapters)
        self.loop_lag = LoopLag()
        self.row_counts = RowCounts(lambda: row_counts(rt.db))
        self.counters: dict[str, Callable[[], float]] = {}  # name (no _total) → value
        self.snapshot = Snapshot()
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(self)
        ProcessCollector(registry=self.registry)

    def connected(self) -> dict[str, bool]:
        """Each adapter: does it take updates now (an adapter that cannot tell counts as up)."""
        return {
            name: bool(getattr(adapter, "connected", True))
            for name, adapter in sorted(self.adapters.items())
        }

    async def health(self) -> tuple[bool, dict[str, Any]]:
        """The body of /healthz, and whether it is a 200."""
        problem = await database_problem(self.rt.db)
        report: dict[str, Any] = {"database": {"reachable": problem is None}}
        if problem is not None:
            report["database"]["detail"] = problem
        lag = None if problem is not None else await self._lag()
        report["adapters"] = self.connected()
        report["dispatcher_lag_seconds"] = lag
        late = lag is not None and lag > self.rt.settings.health_max_lag_seconds
        return problem is None and all(report["adapters"].values()) and not late, report

    async def _lag(self) -> float | None:
        """The outbox's lag, None when the database does not say."""
        try:
            return round(await dispatcher_lag(self.rt.db, self.rt.ctx.clock.now()), 3)
        except Exception:
            log.warning("dispatcher lag unavailable", exc_info=True)
            return None

    async def exposition(self) -> bytes:
        """Read the database once, then render both registries in Prometheus' text format."""
        problem = await database_problem(self.rt.db)
        snapshot = Snapshot(database_up=problem is None)
        if problem is None:
            snapshot.counts = await self.row_counts.current()
        else:  # the last counts, with their true age: not zeros that look fresh
            snapshot.counts = self.row_counts.counts or Counts()
        snapshot.counts_age = self.row_counts.age()
        if problem is None:
            try:
                snapshot.lag = await dispatcher_lag(self.rt.db, self.rt.ctx.clock.now())
            except Exception:
                log.warning("dispatcher lag unavailable", exc_info=True)
        self.snapshot = snapshot
        return generate_latest(ADAPTER_REGISTRY) + generate_latest(self.registry)

    def collect(self) -> Iterator[Metric]:
        """The scrape-time families (prometheus_client calls this from generate_latest)."""
        snap = self.snapshot
        yield GaugeMetricFamily("wavebot_up", "The bot process answers", value=1.0)
        yield GaugeMetricFamily(
            "wavebot_database_up", "The database answered SELECT 1", value=float(snap.database_up)
        )
        adapters = GaugeMetricFamily(
            "wavebot_adapter_connected", "The adapter takes updates", labels=["platform"]
        )
        for name, up in self.connected().items():
            adapters.add_metric([name], float(up))
        yield adapters
        pledges = GaugeMetricFamily("wavebot_pledges", "Pledges by status", labels=["status"])
        for status, n in sorted(snap.counts.pledges.items()):
            pledges.add_metric([status], n)
        yield pledges
        deliveries = GaugeMetricFamily(
            "wavebot_deliveries", "Deliveries by lane and status", labels=["lane", "status"]
        )
        for (lane, status), n in sorted(snap.counts.deliveries.items()):
            deliveries.add_metric([lane, status], n)
        yield deliveries
        yield GaugeMetricFamily(
            "wavebot_row_counts_age_seconds",
            "Age of the pledge and delivery counts shown (read again in the background)",
            value=snap.counts_age,
        )
        yield GaugeMetricFamily(
            "wavebot_dispatcher_lag_seconds",
            "Age of the oldest due, undelivered delivery",
            value=snap.lag,
        )
        yield GaugeMetricFamily(
            "wavebot_event_loop_lag_seconds",
            "Worst lateness of a 0.5 s timer over the last samples",
            value=self.loop_lag.worst,
        )
        for name, read in sorted(self.counters.items()):
            yield CounterMetricFamily(name, name.replace("_", " "), value=read())
