"""What `/healthz` and `/metrics` ask of the database: does it answer, how late is the outbox,
how many rows of each kind. Read-only, on either backend, each in one short snapshot."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select, text

from storage.backends import AnyDatabase
from storage.schema import deliveries, pledges
from storage.tx_outbox import PENDING

PROBE_TIMEOUT_SECONDS = 2.0  # a health check answers fast, or says the database does not


@dataclass(frozen=True)
class Counts:
    """Rows by kind: pledges by status, deliveries by (lane, status)."""

    pledges: dict[str, int] = field(default_factory=dict)
    deliveries: dict[tuple[str, str], int] = field(default_factory=dict)


async def database_problem(db: AnyDatabase, limit: float = PROBE_TIMEOUT_SECONDS) -> str | None:
    """None when a real `SELECT 1` comes back within `limit` seconds, else why not, in one line."""
    try:
        async with asyncio.timeout(limit):
            async with db.read() as tx:
                await tx.connection.execute(text("SELECT 1"))
    except TimeoutError:
        return f"no answer within {limit:g} s"
    except Exception as error:  # any failure is the answer, not a crash of the health route
        detail = " ".join(str(getattr(error, "orig", None) or error).split())
        return detail or type(error).__name__
    return None


async def dispatcher_lag(db: AnyDatabase, now: datetime) -> float:
    """Seconds since the oldest due, undelivered delivery became due (0 when none is late)."""
    query = select(func.min(deliveries.c.next_attempt_at)).where(
        deliveries.c.status == PENDING, deliveries.c.next_attempt_at <= now
    )
    async with asyncio.timeout(PROBE_TIMEOUT_SECONDS):
        async with db.read() as tx:
            oldest = (await tx.connection.execute(query)).scalar()
    return 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds())


async def row_counts(db: AnyDatabase) -> Counts:
    """Pledges by status, and deliveries by lane (chat broadcast or private) and status."""
    lane = case((deliveries.c.member_id.is_(None), "broadcast"), else_="private")
    by_lane = select(lane, deliveries.c.status, func.count()).group_by(lane, deliveries.c.status)
    by_status = select(pledges.c.status, func.count()).group_by(pledges.c.status)
    async with asyncio.timeout(PROBE_TIMEOUT_SECONDS):
        async with db.read() as tx:
            pledge_rows = (await tx.connection.execute(by_status)).all()
            delivery_rows = (await tx.connection.execute(by_lane)).all()
    return Counts(
        pledges={str(status): int(n) for status, n in pledge_rows},
        deliveries={(str(lane), str(status)): int(n) for lane, status, n in delivery_rows},
    )
