"""The retention policy as configured and run by the composition root's clock."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.main import runtime
from config.settings import Settings
from core.clock import FakeClock
from core.model import Target


async def _run_with_one_old_sent_delivery(path: Path, days: int) -> int:
    """A message sent 40 days ago, then the clock's sweeps; the deliveries left."""
    clock = FakeClock()
    settings = Settings(database_url=f"sqlite+aiosqlite:///{path}", retention_days=days)
    async with runtime(settings, clock=clock) as rt:
        chat = Target("telegram", "-100", "en")
        async with rt.ctx.db.write() as tx:
            await tx.add_announcement(None, "opened", ["x"], [chat], clock.now())
        async with rt.ctx.db.read() as tx:
            (delivery,) = await tx.due_deliveries(clock.now(), 10)
        async with rt.ctx.db.write() as tx:
            await tx.finish_delivery(delivery.id, "sent", clock.now())
        clock.advance(timedelta(days=40))
        await rt.clockwork.run_due_sweeps()
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM deliveries").fetchone()[0])


async def test_the_clock_prunes_what_the_setting_lets_go(tmp_path: Path) -> None:
    assert await _run_with_one_old_sent_delivery(tmp_path / "a.db", 30) == 0
    assert await _run_with_one_old_sent_delivery(tmp_path / "b.db", 60) == 1
    assert await _run_with_one_old_sent_delivery(tmp_path / "c.db", 0) == 1  # 0: keep forever


def test_retention_days_are_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAVEBOT_RETENTION_DAYS", "-1")
    with pytest.raises(ValidationError, match="WAVEBOT_RETENTION_DAYS"):
        Settings()
    monkeypatch.setenv("WAVEBOT_RETENTION_DAYS", "0")
    assert Settings().retention is None
    monkeypatch.delenv("WAVEBOT_RETENTION_DAYS")
    assert Settings().retention == timedelta(days=30)


def test_shipping_retention_days_are_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAVEBOT_SHIPPING_RETENTION_DAYS", "4000")
    with pytest.raises(ValidationError, match="WAVEBOT_SHIPPING_RETENTION_DAYS"):
        Settings()
    monkeypatch.setenv("WAVEBOT_SHIPPING_RETENTION_DAYS", "0")
    assert Settings().shipping_retention is None
    monkeypatch.setenv("WAVEBOT_SHIPPING_RETENTION_DAYS", "7")
    assert Settings().shipping_retention == timedelta(days=7)
    monkeypatch.delenv("WAVEBOT_SHIPPING_RETENTION_DAYS")
    assert Settings().shipping_retention == timedelta(days=30)
