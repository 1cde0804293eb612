"""Which platforms this process's dispatcher sends for when several processes share a database.

A platform's limits are per bot token, so exactly one process sends a platform's deliveries: the
one holding that platform's dispatcher role (`core.leadership.Leadership`, elected by the
storage). The role is asked at every claim, so a process that lost it stops claiming at once
and ends its sweep (what it had queued goes back). A new holder first claims what nobody
holds; after TAKEOVER_GRACE it frees the leases other dispatchers still hold on the platform
(a dead one's would otherwise keep its chats waiting for the whole lease).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from core.leadership import Leadership

TAKEOVER_GRACE = 3.0  # seconds: a deposed dispatcher notices within one claim and stops


class PlatformRoles:
    """The dispatcher roles of one process, by platform; None: it is the only process (SQLite)."""

    def __init__(self, role_of: Callable[[str], Leadership] | None = None) -> None:
        self.role_of = role_of
        self.grace = TAKEOVER_GRACE
        self._held: set[str] = set()
        self._take_over_at: dict[str, float] = {}
        self.lost = False  # a role held at the previous claim is gone: end the sweep

    async def led(self, platforms: Iterable[str]) -> list[str]:
        """The platforms among these whose role this process holds now (all of them for a lone
        process)."""
        self.lost = False
        mine: list[str] = []
        for platform in platforms:
            if self.role_of is None:
                mine.append(platform)
            elif await self.role_of(platform).lead():
                if platform not in self._held:
                    self._held.add(platform)
                    self._take_over_at[platform] = time.monotonic() + self.grace
                mine.append(platform)
            elif platform in self._held:
                self._held.discard(platform)
                self._take_over_at.pop(platform, None)
                self.lost = True
        return mine

    def due_takeovers(self) -> list[str]:
        """Platforms newly held for longer than the grace, whose stale leases are now ours."""
        now = time.monotonic()
        due = [platform for platform, at in self._take_over_at.items() if at <= now]
        for platform in due:
            del self._take_over_at[platform]
        return due
