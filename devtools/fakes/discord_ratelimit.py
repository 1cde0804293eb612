"""Discord-style rate limiting (global + per-route buckets) with the headers discord.py reads."""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# (method, route template) -> (bucket name, limit, window seconds). Others use the default bucket.
ROUTE_BUCKETS: dict[tuple[str, str], tuple[str, int, float]] = {
    ("POST", "/channels/{channel_id}/messages"): ("message-create", 5, 5.0),
    ("PATCH", "/channels/{channel_id}/messages/{message_id}"): ("message-edit", 5, 5.0),
    ("DELETE", "/channels/{channel_id}/messages/{message_id}"): ("message-delete", 5, 5.0),
    ("POST", "/users/@me/channels"): ("dm-open", 10, 10.0),
}
# Majors are the route parameters that split a bucket (Discord's "top-level resources").
MAJOR_PARAMS = (
    "channel_id",
    "guild_id",
    "webhook_id",
    "webhook_token",
    "interaction_id",
    "interaction_token",
)
UNLIMITED = 1000


@dataclass
class Window:
    """A fixed rate-limit window: `count` requests admitted until `reset_at`."""

    reset_at: float
    count: int = 0


@dataclass
class Decision:
    """Outcome of one rate-limit check: allowed or not, plus the headers to send."""

    allowed: bool
    headers: dict[str, str] = field(default_factory=dict)
    retry_after: float = 0.0
    is_global: bool = False


def bucket_hash(name: str) -> str:
    """Return an opaque, stable bucket hash like Discord's X-RateLimit-Bucket."""
    return hashlib.sha1(name.encode()).hexdigest()[:16]


class RateLimiter:
    """Counts requests per global window and per (bucket, major parameter) window."""

    def __init__(
        self,
        *,
        enabled: bool,
        global_limit: int = 50,
        global_window: float = 1.0,
        default_limit: int = 50,
        default_window: float = 1.0,
        message_limit: tuple[int, float] = (5, 5.0),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.enabled = enabled
        self.global_limit = global_limit
        self.global_window = global_window
        self.default_limit = default_limit
        self.default_window = default_window
        self.message_limit = message_limit
        self._clock = clock
        self._global = Window(reset_at=0.0)
        self._windows: dict[str, Window] = {}
        self._held_channels: dict[str, float] = {}  # channel id -> end of an imposed 429

    def route_bucket(self, method: str, template: str) -> tuple[str, int, float]:
        """Return (bucket name, limit, window) for a route template."""
        found = ROUTE_BUCKETS.get((method, template))
        if found is not None and found[0].startswith("message-"):
            return (found[0], *self.message_limit)
        if found is not None:
            return found
        return (f"{method} {template}", self.default_limit, self.default_window)

    def check(
        self, method: str, template: str, params: dict[str, str], *, global_exempt: bool
    ) -> Decision:
        """Admit or reject one request and compute its X-RateLimit-* headers."""
        name, limit, window = self.route_bucket(method, template)
        bucket = bucket_hash(name)
        held = self._held_for(params.get("channel_id"))
        if held > 0:
            headers = _headers(bucket, limit, 0, held)
            headers["X-RateLimit-Scope"] = "shared"
            return _reject(headers, held, is_global=False)
        if not self.enabled:
            return Decision(True, _headers(bucket, UNLIMITED, UNLIMITED - 1, window))
        now = self._clock()
        if not global_exempt:
            if now >= self._global.reset_at:
                self._global = Window(reset_at=now + self.global_window)
            if self._global.count >= self.global_limit:
                retry = self._global.reset_at - now
                headers = _headers(bucket, limit, 0, retry)
                headers.update({"X-RateLimit-Global": "true", "X-RateLimit-Scope": "global"})
                return _reject(headers, retry, is_global=True)
        major = "+".join(params[k] for k in MAJOR_PARAMS if k in params)
        key = f"{bucket}:{major}"
        win = self._windows.get(key)
        if win is None or now >= win.reset_at:
            win = self._windows[key] = Window(reset_at=now + window)
        if win.count >= limit:
            retry = win.reset_at - now
            headers = _headers(bucket, limit, 0, retry)
            headers["X-RateLimit-Scope"] = "user"
            return _reject(headers, retry, is_global=False)
        win.count += 1
        if not global_exempt:
            self._global.count += 1
        if len(self._windows) > 50_000:
            self._prune(now)
        return Decision(True, _headers(bucket, limit, limit - win.count, win.reset_at - now))

    def hold_channel(self, channel_id: int, seconds: float) -> None:
        """Answer 429 (scope "shared") to every request on one channel for `seconds`, as
        Discord does when a channel's limit is spent (even with the limiter off)."""
        self._held_channels[str(channel_id)] = self._clock() + seconds

    def _held_for(self, channel_id: str | None) -> float:
        """Seconds left of an imposed hold on a channel (0 when none)."""
        until = self._held_channels.get(channel_id or "")
        return 0.0 if until is None else max(until - self._clock(), 0.0)

    def _prune(self, now: float) -> None:
        """Drop expired windows so long benchmarks keep memory flat."""
        self._windows = {k: w for k, w in self._windows.items() if w.reset_at > now}


def _headers(bucket: str, limit: int, remaining: int, reset_after: float) -> dict[str, str]:
    """Build the X-RateLimit-* headers Discord sends on every response."""
    reset_after = max(reset_after, 0.0)
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(max(remaining, 0)),
        "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
        "X-RateLimit-Reset-After": f"{reset_after:.3f}",
        "X-RateLimit-Bucket": bucket,
    }


def _reject(headers: dict[str, str], retry: float, *, is_global: bool) -> Decision:
    """Build a 429 decision with Retry-After (whole seconds, as Discord sends it)."""
    retry = max(retry, 0.001)
    headers["Retry-After"] = str(math.ceil(retry))
    return Decision(False, headers, retry_after=round(retry, 3), is_global=is_global)
