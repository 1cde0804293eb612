"""The join's rows read by position straight into the domain records, on the plain-sqlite3 path.

A join reads its wave, its member and its pledge. Decoding a SELECT * row into a namespace and
then into the record cost as much as the statement itself; here each SELECT names its columns in
the record's own field order, so a row becomes the record in one call. The values are what
SQLAlchemy would return (UTCDateTime's aware UTC times, booleans from 0/1), and
tests/integration/test_bench_hotpath.py checks the records against the mixins' own.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

from core.model import Member, Pledge, PledgeStatus, Wave, WaveStatus
from storage.tx_waves import tiers_from_json

WAVE_COLUMNS = (
    "id", "idea_id", "title", "description", "category", "currency", "tiers", "moq", "capacity",
    "per_member_max", "opens_at", "closes_at", "status", "created_by", "units", "pledgers",
    "final_price_cents", "final_units", "photo", "relaunched_from",
)  # fmt: skip
SELECT_WAVE = f"SELECT {', '.join(WAVE_COLUMNS)} FROM waves WHERE id = ?"
# Member's fields in order; `banned` is whether banned_at is set.
SELECT_MEMBER_BY_ACCOUNT = (
    "SELECT members.id, members.display_name, members.lang, members.notify_milestones, "
    "members.timezone, members.banned_at IS NOT NULL, members.notify_news, members.review_name "
    "FROM members JOIN accounts ON accounts.member_id = members.id WHERE accounts.account = ?"
)
WAVE_STATUS = {status.value: status for status in WaveStatus}  # a dict lookup, not Enum.__call__
PLEDGE_STATUS = {status.value: status for status in PledgeStatus}
SELECT_PLEDGE = (
    "SELECT wave_id, member_id, quantity, max_price_cents, status, created_at, updated_at "
    "FROM pledges WHERE wave_id = ? AND member_id = ?"
)


@functools.lru_cache(maxsize=4096)
def time_of(value: str) -> datetime:
    """SQLite DATETIME text back to an aware UTC datetime, as UTCDateTime returns it (cached:
    a wave's deadlines are read by every join)."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def wave_of(row: tuple[Any, ...]) -> Wave:
    """A SELECT_WAVE row as the record wave_from_row builds."""
    status = WAVE_STATUS.get(row[12]) or WaveStatus(row[12])  # unknown: ValueError as before
    return Wave(
        row[0], row[1], row[2], row[3], row[4], row[5], tiers_from_json(row[6]), row[7], row[8],
        row[9], time_of(row[10]), time_of(row[11]), status, row[13], row[14], row[15], row[16],
        row[17], row[18], row[19],
    )  # fmt: skip


def member_of_row(row: tuple[Any, ...]) -> Member:
    """A SELECT_MEMBER_BY_ACCOUNT row as the record member_from_row builds."""
    return Member(
        row[0], row[1], row[2], bool(row[3]), row[4], bool(row[5]), bool(row[6]), bool(row[7])
    )


def pledge_of(row: tuple[Any, ...]) -> Pledge:
    """A SELECT_PLEDGE row as the record pledge_from_row builds."""
    status = PLEDGE_STATUS.get(row[4]) or PledgeStatus(row[4])  # unknown: ValueError as before
    created, updated = time_of(row[5]), time_of(row[6])
    return Pledge(row[0], row[1], row[2], row[3], status, created, updated)
