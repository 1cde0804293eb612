"""`wavebot run` picks its event loop: uvloop where installed, asyncio's when asked or absent."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import app.main
from app import event_loop
from app.cli import main
from config.settings import Settings

UVLOOP = importlib.util.find_spec("uvloop") is not None
needs_uvloop = pytest.mark.skipif(not UVLOOP, reason="uvloop is not installed here")


@pytest.fixture
def loops_seen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """`run_bots` replaced by one that notes the loop it runs on (no adapter, no database)."""
    seen: list[str] = []

    async def run_bots(settings: Settings) -> int:
        """What the CLI's runner started us on."""
        seen.append(event_loop.running_name())
        return 0

    monkeypatch.setattr(app.main, "run_bots", run_bots)
    monkeypatch.chdir(tmp_path)
    for name in ("WAVEBOT_EVENT_LOOP", "WAVEBOT_CONFIG", "WAVEBOT_OWNERS"):
        monkeypatch.delenv(name, raising=False)
    return seen


@needs_uvloop
def test_run_uses_uvloop_when_installed(loops_seen: list[str]) -> None:
    assert main(["run"]) == 0
    assert loops_seen == ["uvloop"]


@pytest.mark.parametrize("choice", ["asyncio", "ASYNCIO"])
def test_run_keeps_asyncio_when_asked(
    loops_seen: list[str], monkeypatch: pytest.MonkeyPatch, choice: str
) -> None:
    monkeypatch.setenv("WAVEBOT_EVENT_LOOP", choice)
    assert main(["run"]) == 0
    assert loops_seen == ["asyncio"]


def test_without_uvloop_auto_falls_back_to_asyncio(
    loops_seen: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(event_loop, "uvloop_installed", lambda: False)
    assert main(["run"]) == 0
    assert loops_seen == ["asyncio"]


def test_an_unknown_loop_is_refused_at_start(
    loops_seen: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WAVEBOT_EVENT_LOOP", "trio")
    assert main(["run"]) == 2
    assert "WAVEBOT_EVENT_LOOP must be auto, uvloop or asyncio" in capsys.readouterr().err
    assert loops_seen == []


def test_asyncio_is_kept_even_after_a_uvloop_policy_was_set(
    loops_seen: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    event_loop.set_default("uvloop")  # what `wavebot bench` does earlier in a process
    try:
        monkeypatch.setenv("WAVEBOT_EVENT_LOOP", "asyncio")
        assert main(["run"]) == 0
    finally:
        event_loop.set_default("asyncio")
    assert loops_seen == ["asyncio"]
