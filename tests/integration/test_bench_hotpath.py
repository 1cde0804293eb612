"""The plain-sqlite3 pledge path (storage/sqlite_hot.py) that the pledges benchmark needed must
behave exactly like the SQLAlchemy mixins it stands in for: same rows, same records, same errors.

Two databases get the same operations, one through HotSqlTx (what db.write() hands out on
SQLite) and one through the generic SqlTx on the same kind of connection; then every table is
compared row by row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError, StatementError

from core.model import Pledge, PledgeStatus, Target, Tier, WaveStatus
from storage.database import SqlDatabase
from storage.sql_tx import SqlTx
from storage.sqlite_hot import HotSqlTx

T0 = datetime(2026, 3, 1, 9, 30, 15, 123_456, tzinfo=UTC)
Script = Callable[[SqlTx], Awaitable[list[Any]]]


async def script(tx: SqlTx) -> list[Any]:
    """Every overridden method, with the edge cases that matter (upsert, None, ordering)."""
    seen: list[Any] = []
    owner = await tx.create_member("console:owner", "Owner", "fr", T0)
    seen.append(owner)
    wave_id = await tx.add_wave(
        None, "Pan", "Cast iron", "kitchen", "EUR", (Tier(1, 100), Tier(50, 90)), 50, 500, 3,
        T0, T0 + timedelta(days=7), WaveStatus.OPEN, owner.id, T0,
    )  # fmt: skip
    await tx.add_card("telegram", "-100", "7", wave_id, "en", T0)
    for n in range(1, 6):
        account = f"telegram:{n}" if n % 2 else f"discord:{n}"
        seen.append(await tx.member_for_account(account))  # None: first contact
        member = await tx.create_member(account, f"M{n}", None if n % 3 else "en", T0)
        seen.append(await tx.member_for_account(account))
        seen.append(await tx.get_pledge(wave_id, member.id))
        at = T0 + timedelta(seconds=n)
        max_price = None if n % 2 else 95
        await tx.save_pledge(Pledge(wave_id, member.id, 1, max_price, PledgeStatus.ACTIVE, at, at))
        await tx.save_pledge(Pledge(wave_id, member.id, 2, None, PledgeStatus.ACTIVE, T0, at))
        seen.append(await tx.get_pledge(wave_id, member.id))
        await tx.set_wave_counts(wave_id, 2 * n, n)
        await tx.mark_cards_dirty(wave_id)
        await tx.record_pledge_event(wave_id, member.id, "join", 2, 2 * n, at)
        seen.append(await tx.get_wave(wave_id))
    seen.append(await tx.announced_milestones(wave_id))  # none yet
    await tx.mark_milestone(wave_id, 10, T0)
    await tx.mark_milestone(wave_id, 5, T0)
    seen.append(await tx.announced_milestones(wave_id))
    seen.append(await tx.announced_milestones(999))
    rejoined = Pledge(wave_id, 2, 1, None, PledgeStatus.WITHDRAWN, T0, T0)
    await tx.save_pledge(rejoined)  # a withdrawal then a rejoin: a new place in the join order
    await tx.save_pledge(replace(rejoined, status=PledgeStatus.ACTIVE))
    seen.append(await tx.get_pledge(wave_id, 2))
    await tx.set_member_notify(3, False)
    await tx.set_member_banned(4, T0)  # every Member field read back as the mixin reads it
    await tx.set_member_news(4, False)
    await tx.set_member_timezone(5, "Europe/Paris")
    for account in ("telegram:3", "discord:4", "telegram:5"):
        seen.append(await tx.member_for_account(account))
    targets = await tx.participant_targets(wave_id)
    seen.append(targets)
    extra = [Target("telegram", "-100", "en"), Target("discord", "55", "fr", None)]
    seen.append(await tx.add_announcement(wave_id, "milestone:5", {"b": [1, "é"]}, targets, T0))
    seen.append(await tx.add_announcement(None, "digest", {"b": []}, extra, T0))
    seen.append(await tx.add_announcement(wave_id, "empty", {}, [], T0))
    seen.append(await tx.add_announcement(wave_id, "milestone:10", {}, extra, T0, fanout=True))
    seen.append(await tx.claim_key("tg:1", T0))
    seen.append(await tx.claim_key("tg:1", T0))
    seen.append(await tx.unsent_answer("tg:1"))  # claimed, no answer kept yet
    await tx.save_answer("tg:1", {"replies": [{"body": ["é", 1]}], "lang": "fr"})
    seen.append(await tx.unsent_answer("tg:1"))
    await tx.mark_answered("tg:1", T0 + timedelta(seconds=3))
    seen.append(await tx.unsent_answer("tg:1"))
    seen.append(await tx.conditional_bids(wave_id))
    await tx.save_pledge(Pledge(wave_id, 3, 1, 90, PledgeStatus.ACTIVE, T0, T0))
    await tx.save_pledge(Pledge(wave_id, 1, 2, 80, PledgeStatus.ACTIVE, T0, T0))
    await tx.save_pledge(Pledge(wave_id, 5, 1, 70, PledgeStatus.WITHDRAWN, T0, T0))
    seen.append(await tx.conditional_bids(wave_id))  # member order, active ones only
    seen.append(await tx.get_wave(999))
    seen.append(await tx.get_pledge(wave_id, 999))
    return seen


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order."""
    with closing(sqlite3.connect(path)) as conn:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )]  # fmt: skip
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


async def run_through(path: Path, generic: bool) -> list[Any]:
    """The script in one write transaction, through the hot or the generic store."""
    db = await SqlDatabase.open(f"sqlite+aiosqlite:///{path}", migrate=True)
    try:
        async with db.write() as tx:
            assert isinstance(tx, HotSqlTx)
            return await script(SqlTx(tx.connection) if generic else tx)
    finally:
        await db.close()


async def test_hot_path_writes_and_returns_what_the_mixins_do(tmp_path: Path) -> None:
    hot = await run_through(tmp_path / "hot.db", generic=False)
    generic = await run_through(tmp_path / "generic.db", generic=True)
    assert hot == generic
    assert dump(tmp_path / "hot.db") == dump(tmp_path / "generic.db")


@pytest.mark.sqlite_only  # the raw sqlite3 hot path exists only there
async def test_hot_path_errors_look_like_sqlalchemy_errors(db: SqlDatabase) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        async with db.write() as tx:
            await tx.create_member("telegram:1", "Naive", None, datetime(2026, 1, 1))
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        async with db.write() as tx:
            await tx.record_pledge_event(999, 999, "join", 1, 1, T0)
    with pytest.raises(IntegrityError, match="UNIQUE"):
        async with db.write() as tx:
            await tx.create_member("telegram:2", "Twice", None, T0)
            await tx.create_member("telegram:2", "Twice", None, T0)
