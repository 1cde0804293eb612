"""What ships: the wheel holds the five declared packages and none of the development tools, and
`wavebot bench` finds devtools/ from a checkout but explains itself without one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from app import cli

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = {"core", "storage", "bots", "config", "app"}
DEVELOPMENT_ONLY = {"devtools", "fakes", "bench", "tests"}
OFF_THE_PATH = {"PYTHONPATH", "WAVEBOT_CONFIG"}  # the checkout must be found from `app`, not cwd
NOT_SOURCE = (".venv", ".git", "build", "*.egg-info", "__pycache__", "*_cache", "*.db*", "tmp")


def build_wheel(tmp_path: Path) -> list[str]:
    """Build the wheel from a clean copy of the checkout (no stale build/) and list its files."""
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    out = tmp_path / "wheels"
    command = [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", str(out)]
    subprocess.run(command, cwd=source, check=True, capture_output=True, timeout=300)
    (wheel,) = out.glob("wavebot-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def test_the_wheel_ships_the_application_and_no_development_tools(tmp_path: Path) -> None:
    names = build_wheel(tmp_path)
    top_level = {
        name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")
    }
    assert top_level == SHIPPED
    for module in ("core/ports.py", "storage/database.py", "bots/telegram_bot/__init__.py",
                   "bots/discord_bot/__init__.py", "config/settings.py", "app/cli.py",
                   "app/wiring.py", "app/main.py"):  # fmt: skip
        assert module in names
    leaked = [name for name in names if DEVELOPMENT_ONLY & set(Path(name).with_suffix("").parts)]
    assert leaked == []
    assert not [name for name in names if Path(name).name.startswith(("test_", "conftest"))]


def test_bench_without_devtools_explains_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "checkout_root", lambda: tmp_path)  # as installed from the wheel
    assert cli.run_bench("all", quick=True) == 2
    err = capsys.readouterr().err
    assert err == cli.BENCH_NEEDS_CHECKOUT + "\n"
    assert len(err.splitlines()) == 1


def test_bench_finds_devtools_from_any_working_directory(tmp_path: Path) -> None:
    """Run as a user would, away from the checkout: the benchmarks are found beside `app`."""
    command = [sys.executable, "-m", "app.cli", "bench", "nope"]
    env = {name: value for name, value in os.environ.items() if name not in OFF_THE_PATH}
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 2
    assert "unknown benchmark 'nope'" in done.stderr, done.stderr
