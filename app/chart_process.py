"""core.ports.ChartRenderer that draws in a child process, so matplotlib never loads in the bot.

matplotlib, numpy and the font manager add ~40 MB to a process and a chart's figures and Agg
buffers ~30 MB more: in the bot's process that alone broke its 150 MB budget. One worker process
(`spawn`: nothing of the bot's heap is copied into it) starts on the first chart and is replaced
after MAX_TASKS charts, which bounds its own memory. The port stays synchronous: /stats already
calls it in a worker thread, which waits here for the child's PNG, so the event loop never does.
A chart that fails or takes longer than the timeout becomes a clear refusal (ChartUnavailable);
a stuck worker is killed so the next chart starts a fresh one.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from array import array
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from core.errors import ChartUnavailable

CHART_TIMEOUT = 30.0  # seconds, the child's import of matplotlib on a cold start included
MAX_TASKS = 50  # charts per worker before a fresh one: bounds what its caches can grow to
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PackedPoints:
    """A series as two flat arrays, so sending it to the child is a copy, not a long pickle.

    Pickling 20,000 (datetime, int) pairs is one C call of ~15 ms holding the GIL, which
    stalled the event loop that long while a worker thread submitted the chart; building the
    arrays is plain bytecode that yields the GIL every switch interval, and pickling them is a
    copy of bytes (0.1 ms).
    """

    stamps: array[float]
    units: array[int]
    zone: tzinfo | None

    @classmethod
    def of(cls, points: Sequence[tuple[datetime, int]]) -> PackedPoints:
        """Packed (on the caller's worker thread)."""
        zone = points[0][0].tzinfo if points else None
        stamps = array("d", [_seconds(when) for when, _ in points])
        return cls(stamps, array("q", [count for _, count in points]), zone)

    def unpack(self) -> list[tuple[datetime, int]]:
        """The points again (in the child)."""
        pairs = zip(self.stamps, self.units, strict=True)
        if self.zone is None:  # naive: the wall clock, read back as it was written
            return [(datetime.fromtimestamp(at, UTC).replace(tzinfo=None), n) for at, n in pairs]
        return [(datetime.fromtimestamp(at, self.zone), n) for at, n in pairs]


def _seconds(when: datetime) -> float:
    """A time as seconds since the epoch; a naive one as if in UTC, not in the machine's zone
    (where a summer-time change would move it by an hour)."""
    return (when if when.tzinfo is not None else when.replace(tzinfo=UTC)).timestamp()


def _draw(method: str, args: tuple[Any, ...]) -> bytes:
    """In the child: draw with matplotlib (app/charts.py), imported there only."""
    from app.charts import MatplotlibCharts

    result: bytes = getattr(MatplotlibCharts(), method)(*plain_args(args))
    return result


def plain_args(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """The drawing method's arguments, packed series unpacked (in the child)."""
    return tuple(arg.unpack() if isinstance(arg, PackedPoints) else arg for arg in args)


class ChartProcess:
    """core.ports.ChartRenderer drawing in one child process, started on first use."""

    def __init__(
        self, timeout: float = CHART_TIMEOUT, max_tasks: int = MAX_TASKS, worker: Any = _draw
    ) -> None:
        self.timeout = timeout
        self.max_tasks = max_tasks
        self._worker = worker  # tests pass a module-level function that fails or hangs
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()  # charts are asked for from several worker threads
        self._closed = False

    def units_chart(
        self,
        title: str,
        axes: tuple[str, str],
        points: Sequence[tuple[datetime, int]],
        levels: Sequence[tuple[int, str]],
    ) -> bytes:
        """Units over time (see MatplotlibCharts.units_chart), drawn in the child."""
        return self._render("units_chart", (title, axes, PackedPoints.of(points), list(levels)))

    def demand_chart(
        self, title: str, axes: tuple[str, str], steps: Sequence[tuple[int, int]], beyond: int
    ) -> bytes:
        """The demand curve (see MatplotlibCharts.demand_chart), drawn in the child."""
        return self._render("demand_chart", (title, axes, list(steps), beyond))

    def close(self) -> None:
        """Stop the worker (the runtime's exit): queued charts are cancelled, none started later."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _render(self, method: str, args: tuple[Any, ...]) -> bytes:
        """Submit to the child and wait (on the calling thread) for its PNG."""
        future = self._submit(method, args)
        try:
            return future.result(timeout=self.timeout)
        except FutureTimeout:
            log.warning("chart %s took longer than %.0f s: worker replaced", method, self.timeout)
            self._discard(kill=True)
            raise ChartUnavailable("error.chart_timeout") from None
        except BrokenProcessPool as broken:
            log.warning("chart worker died drawing %s", method)
            self._discard(kill=False)
            raise ChartUnavailable("error.chart_failed") from broken
        except Exception as failure:
            log.exception("chart %s failed", method)
            raise ChartUnavailable("error.chart_failed") from failure

    def _submit(self, method: str, args: tuple[Any, ...]) -> Future[bytes]:
        """The running worker's future for this chart (the worker started if need be)."""
        with self._lock:
            if self._closed:
                raise ChartUnavailable("error.chart_failed")
            if self._pool is None:
                context = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=context, max_tasks_per_child=self.max_tasks
                )
            try:
                return self._pool.submit(self._worker, method, args)
            except BrokenProcessPool:
                self._pool = None
                raise ChartUnavailable("error.chart_failed") from None

    def _discard(self, kill: bool) -> None:
        """Drop the current worker; a hung one is killed (the executor cannot cancel it)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is None:
            return
        if kill:
            processes = dict(getattr(pool, "_processes", None) or {})  # no public kill in 3.11
            for process in processes.values():
                process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
