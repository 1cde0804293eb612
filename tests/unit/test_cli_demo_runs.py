"""`wavebot demo` run as a newcomer runs it, with piped input: a fresh database each time unless
--db, the crowd finishing after the end of input, and the whole journey through `/clock`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from tests.texts import eur, said

ROOT = Path(__file__).resolve().parents[2]
LAUNCH = "/idea Desk lamp #office\n/approve 1\n/launch 1 1:40 20:35 7d min=20\n"


def demo(tmp_path: Path, typed: str, *args: str, timeout: float = 90) -> tuple[str, str, int]:
    """Run `wavebot demo ARGS` with this standard input; its transcript, errors and exit code."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("WAVEBOT_")}
    env |= {"PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", "TMPDIR": str(tmp_path / "tmp")}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    env.pop("DISCORD_BOT_TOKEN", None)
    (tmp_path / "tmp").mkdir(exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "demo", *args], input=typed, capture_output=True,
        text=True, cwd=tmp_path, env=env, timeout=timeout, check=False,
    )  # fmt: skip
    assert "Traceback" not in done.stderr and "ERROR" not in done.stderr, done.stderr
    return done.stdout.replace("\r", ""), done.stderr, done.returncode


def proposed(number: int, title: str) -> str:
    """The reply to /idea."""
    return said("idea.proposed", id=number, title=title, category="general")


def test_every_demo_starts_from_a_fresh_database(tmp_path: Path) -> None:
    for _ in range(2):
        out, _, code = demo(tmp_path, "/idea Kettle\n/approve 1\n")
        assert code == 0
        assert proposed(1, "Kettle") in out  # the README's `/approve 1` works every time
        assert said("mod.approved", id=1, title="Kettle") in out
        assert said("demo.db_temporary") in out
    assert not (tmp_path / "wavebot.db").exists()
    assert list((tmp_path / "tmp").iterdir()) == []  # the temporary data is removed at exit


def test_db_keeps_the_data_between_runs(tmp_path: Path) -> None:
    kept = tmp_path / "keep.db"
    out, _, code = demo(tmp_path, "/idea Kettle\n", "--db", "keep.db")
    assert code == 0 and proposed(1, "Kettle") in out
    assert said("demo.db_file", path=str(kept)) in out
    out, _, code = demo(tmp_path, "/idea Teapot\n/ideas\n", "--db", str(kept))
    assert code == 0 and proposed(2, "Teapot") in out
    assert kept.is_file()


def test_db_in_a_missing_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in [name for name in os.environ if name.startswith("WAVEBOT_")]:
        monkeypatch.delenv(name)
    assert main(["demo", "--db", "nowhere/demo.db"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"wavebot: --db: the folder {tmp_path / 'nowhere'} does not exist\n"


def test_the_crowd_keeps_going_after_the_end_of_input(tmp_path: Path) -> None:
    out, _, code = demo(tmp_path, LAUNCH, "--crowd", "40")
    assert code == 0
    assert said("demo.crowd_start", size=40, id=1) in out
    milestone = said("announce.milestone", count=25, id=1, title="Desk lamp", price=eur(35))
    assert out.count("📣 " + milestone) == 1  # its broadcasts are shown before the exit
    assert said("demo.crowd_done", joined=40, id=1) in out  # all 40 joined after the input ended


JOURNEY = LAUNCH + "/join 1\n/clock +7d\n/clock +2d\n/clock +5d\n/stats\n"


def test_the_whole_journey_through_the_payment_window(tmp_path: Path) -> None:
    out, _, code = demo(tmp_path, JOURNEY, "--crowd", "60", "--seed", "5")
    assert code == 0
    assert said("demo.crowd_done", joined=60, id=1) in out  # caught up before time moved
    reminder = said("announce.reminder", id=1, title="Desk lamp", units=61, price=eur(35))
    assert "📣 " + reminder in out  # "24 hours left", on the way to the close
    assert said("announce.closed_success", id=1, title="Desk lamp", units=61, price=eur(35)) in out
    assert said("pay.ask", id=1, title="Desk lamp", price=eur(35)) in out  # the owner is asked
    assert said("demo.crowd_paying", asked=60, id=1, rate=15) in out
    assert out.count("⏩") == 3
    assert said("pay.expired", id=1, title="Desk lamp") in out  # the owner never confirmed
    paid = [line for line in out.splitlines() if "👥" in line and "#1:" in line]
    assert len(paid) == 1

    again, _, _ = demo(tmp_path, JOURNEY, "--crowd", "60", "--seed", "5")
    assert [line for line in again.splitlines() if "👥" in line] == [
        line for line in out.splitlines() if "👥" in line
    ]  # the same seed, the same crowd


def test_bad_clock_input_gets_a_specific_reply(tmp_path: Path) -> None:
    out, _, code = demo(tmp_path, "/clock soon\n/clock -2h\n/clock +0d\n")
    assert code == 0
    assert "bot> " + said("error.clock_bad", value="soon") in out
    assert "bot> " + said("error.clock_backwards", value="-2h") in out
    assert "bot> " + said("error.clock_bad", value="+0d") in out
    assert "⏩" not in out  # nothing moved


def test_a_piped_script_is_served_whole_not_slowed_down(tmp_path: Path) -> None:
    typed = "/waves\n" * 25 + "/idea Desk lamp\n"

    out, _, code = demo(tmp_path, typed)

    assert code == 0
    assert proposed(1, "Desk lamp") in out
    assert said("fairshare.slow_down", seconds=15) not in out
