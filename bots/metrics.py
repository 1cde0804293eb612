"""The process's Prometheus metrics that adapters count as things happen (updates, 429s), and
the leader gauge; app/metrics.py adds what is read at scrape time and serves `/metrics`.

One registry of our own rather than the library's global one, so `/metrics` shows exactly these
(plus the process and platform collectors app/metrics.py registers) and a test can read it.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

REGISTRY = CollectorRegistry(auto_describe=True)
UPDATES = Counter(
    "wavebot_updates_handled",
    "Platform updates (messages, button presses, slash commands) handed to the interpreter",
    ["platform", "via"],
    registry=REGISTRY,
)
RATE_LIMITED = Counter(
    "wavebot_rate_limited",
    "429 answers (Too Many Requests) received from a platform's API",
    ["platform"],
    registry=REGISTRY,
)
WEBHOOK_REFUSED = Counter(
    "wavebot_webhook_refused",
    "Webhook posts refused for a missing or wrong secret token",
    ["platform"],
    registry=REGISTRY,
)
LEADER = Gauge(
    "wavebot_leader",
    "1 while this process is the elected leader (sweeps, dispatch), else 0",
    ["process"],
    registry=REGISTRY,
)


def updates_handled(platform: str, via: str) -> None:
    """One update taken in (`via`: polling, webhook, gateway)."""
    UPDATES.labels(platform, via).inc()


def rate_limited(platform: str) -> None:
    """One 429 from a platform."""
    RATE_LIMITED.labels(platform).inc()


def set_leader(process: str, leading: bool) -> None:
    """For the leader election: this process (`host:pid` or any stable name) leads or not."""
    LEADER.labels(process).set(1.0 if leading else 0.0)
