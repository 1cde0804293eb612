"""When the database cannot save (a full disk): members hear that nothing changed, the owners are
told once per outage, the log gets one line a minute, and all clears by itself on the next save."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.clock import Clock

log = logging.getLogger(__name__)
LOG_EVERY = timedelta(minutes=1)
# A small write may still fit while big ones fail: recovery needs a minute without failure.
QUIET_BEFORE_RECOVERY = timedelta(minutes=1)
Alert = Callable[[bool], Awaitable[None]]  # True: saving fails; False: saving works again


@dataclass
class StorageHealth:
    """Tracks one outage at a time; the alert is set by the composition root (owners' chats)."""

    clock: Clock
    alert: Alert | None = None
    down_since: datetime | None = None
    failed_at: datetime | None = None
    logged_at: datetime | None = None
    unlogged: int = 0
    _alerts: set[asyncio.Task[None]] = field(default_factory=set)

    @property
    def down(self) -> bool:
        """True while the last write failed for lack of space."""
        return self.down_since is not None

    def failed(self, error: BaseException) -> None:
        """A write could not be saved: log at most once a minute, alert the owners once."""
        now = self.clock.now()
        first = self.down_since is None
        if first:
            self.down_since = now
        self.failed_at = now
        if self.logged_at is None or now - self.logged_at >= LOG_EVERY:
            log.error("cannot save (%s); %d more failures since the last line", error,
                      self.unlogged)  # fmt: skip
            self.logged_at, self.unlogged = now, 0
        else:
            self.unlogged += 1
        if first:
            self._tell_owners(True)

    def saved(self) -> None:
        """A write committed: the outage is over if nothing failed for a minute."""
        if self.down_since is None or self.failed_at is None:
            return
        if self.clock.now() - self.failed_at < QUIET_BEFORE_RECOVERY:
            return
        log.warning("saving works again after %s", self.clock.now() - self.down_since)
        self.down_since = self.failed_at = self.logged_at = None
        self.unlogged = 0
        self._tell_owners(False)

    def _tell_owners(self, failing: bool) -> None:
        """Send the alert in the background: the caller is answering a member meanwhile."""
        if self.alert is None:
            return
        task = asyncio.get_running_loop().create_task(self._alert_safely(self.alert, failing))
        self._alerts.add(task)
        task.add_done_callback(self._alerts.discard)

    async def _alert_safely(self, alert: Alert, failing: bool) -> None:
        """An alert that cannot be sent is logged, never raised into a member's command."""
        try:
            await alert(failing)
        except Exception:
            log.exception("could not alert the owners about storage")

    async def settle(self) -> None:
        """Wait for alerts in flight (tests and shutdown)."""
        if self._alerts:
            await asyncio.gather(*self._alerts, return_exceptions=True)
