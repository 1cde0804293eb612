"""Injectable time, so tests and the scheduler agree on 'now' and everything stays UTC-aware."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current UTC time."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        """Return the current aware UTC time."""
        return datetime.now(UTC)


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        """Return the frozen time."""
        return self._now

    def advance(self, delta: timedelta) -> None:
        """Move time forward, as the scheduler would see it."""
        self._now += delta


class OffsetClock:
    """The wall clock plus an offset the demo moves forward, so time still passes normally."""

    def __init__(self, base: Clock | None = None) -> None:
        self._base = base or SystemClock()
        self.offset = timedelta()

    def now(self) -> datetime:
        """Return the base time moved by the offset."""
        return self._base.now() + self.offset

    def advance(self, delta: timedelta) -> None:
        """Move time forward; the next sweeps see the new time."""
        self.offset += delta


class TimeTravel(Protocol):
    """Moves a demo's clock and runs what fell due (docs/ARCHITECTURE.md, "The demo's clock")."""

    def now(self) -> datetime:
        """The demo's current time."""
        ...

    async def advance(self, by: timedelta) -> datetime:
        """Move time forward by `by`, run every sweep that fell due, return the new time."""
        ...
