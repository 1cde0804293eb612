"""The `wavebot` command as a user meets it: settings from the environment and TOML, `run` without
tokens, `db upgrade`, and `demo` driven through a real subprocess and its standard input."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from app.cli import main
from bots.i18n import render
from core.messages import t
from storage.schema import metadata
from tests.texts import eur, said

ROOT = Path(__file__).resolve().parents[2]
SETTING_VARIABLES = ("WAVEBOT_DATABASE_URL", "WAVEBOT_OWNERS", "TELEGRAM_BOT_TOKEN",
                     "TELEGRAM_API_URL", "DISCORD_BOT_TOKEN", "DISCORD_API_URL", "WAVEBOT_LANG",
                     "WAVEBOT_CURRENCY", "WAVEBOT_SQLITE_SYNCHRONOUS", "WAVEBOT_DIGEST_DAYS",
                     "WAVEBOT_RETENTION_DAYS",
                     "WAVEBOT_CONFIG")  # fmt: skip
CROWD_DONE = said("demo.crowd_done", joined=60, id=1)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No token or setting from the developer's shell, no wavebot.toml from the repository."""
    for name in SETTING_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_run_without_a_token_explains_what_to_set(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    out, err = capsys.readouterr()
    assert err == render(t("cli.no_token"), "en") + "\n"
    assert "TELEGRAM_BOT_TOKEN" in err and "wavebot demo" in err
    assert out == ""
    assert not Path("wavebot.db").exists()  # nothing is created before there is work to do


def test_invalid_owners_are_refused_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WAVEBOT_OWNERS", "bob")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:ABC")  # refused before anything connects
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "wavebot: invalid configuration:",
        "  WAVEBOT_OWNERS: owner 'bob' must look like telegram:<id> or discord:<id>",
    ]


def test_a_broken_toml_file_is_named_not_dumped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "wavebot.toml").write_text('lang = "fr\n', encoding="utf-8")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("wavebot: wavebot.toml is not valid TOML:") and "line 1" in err
    assert "Traceback" not in err


def test_a_missing_config_file_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WAVEBOT_CONFIG", str(tmp_path / "nope.toml"))
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("wavebot: WAVEBOT_CONFIG names") and "nope.toml" in err


def test_db_upgrade_creates_every_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "data" / "bot.db"
    database.parent.mkdir()
    monkeypatch.setenv("WAVEBOT_DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "upgrade"]) == 0  # idempotent
    assert capsys.readouterr().out == (said("cli.db_up_to_date") + "\n") * 2
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = {name for (name,) in rows}
    assert set(metadata.tables) | {"alembic_version"} <= tables
    assert not Path("wavebot.db").exists()  # the URL was honoured, not the default


def test_toml_sets_keys_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "elsewhere" / "bot.toml"
    config.parent.mkdir()
    config.write_text('lang = "fr"\nowners = "telegram:42"\n', encoding="utf-8")
    monkeypatch.setenv("WAVEBOT_CONFIG", str(config))

    assert main(["run"]) == 2  # the explanation follows the TOML's language
    assert capsys.readouterr().err == render(t("cli.no_token"), "fr") + "\n"

    monkeypatch.setenv("WAVEBOT_LANG", "en")
    assert main(["run"]) == 2
    assert capsys.readouterr().err == render(t("cli.no_token"), "en") + "\n"

    monkeypatch.setenv("WAVEBOT_OWNERS", "bob")  # the environment's value is the one validated
    assert main(["run"]) == 2
    assert "WAVEBOT_OWNERS: owner 'bob'" in capsys.readouterr().err


def test_wavebot_toml_in_the_working_directory_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "wavebot.toml").write_text('owners = "mallory"\n', encoding="utf-8")
    assert main(["run"]) == 2
    assert "WAVEBOT_OWNERS: owner 'mallory' must look like" in capsys.readouterr().err


async def test_demo_with_a_crowd_shows_the_milestones(tmp_path: Path) -> None:
    env = {name: value for name, value in os.environ.items() if name not in SETTING_VARIABLES}
    env |= {"WAVEBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}",
            "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}  # fmt: skip
    demo = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app.cli", "demo", "--crowd", "60", cwd=tmp_path, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert demo.stdin is not None and demo.stdout is not None
    try:
        demo.stdin.write(b"/idea Fan\n/approve 1\n/launch 1 1:100 50:90 7d min=50\n")
        await demo.stdin.drain()
        seen = b""
        async with asyncio.timeout(90):  # the crowd takes about 6 s on an idle machine
            while CROWD_DONE.encode() not in seen:
                chunk = await demo.stdout.read(4096)
                assert chunk, seen.decode()
                seen += chunk
        out, err = await asyncio.wait_for(demo.communicate(b"/wave 1\n/quit\n"), 10)
    finally:
        if demo.returncode is None:
            demo.kill()
            await demo.wait()
    transcript = (seen + out).decode().replace("\r", "")
    assert demo.returncode == 0, err.decode()
    assert "Traceback" not in err.decode() and "ERROR" not in err.decode(), err.decode()
    assert said("mod.launched", id=1, title="Fan", moq=50) in transcript
    for count, price in ((10, 100), (25, 100), (50, 90)):
        milestone = said("announce.milestone", count=count, id=1, title="Fan", price=eur(price))
        assert transcript.count(f"📣 {milestone}") == 1, transcript
    assert transcript.count(said("announce.moq", moq=50)) == 1, transcript
    assert said("demo.crowd_start", size=60, id=1) in transcript
    assert CROWD_DONE in transcript
    assert said("wave.card_price", price=eur(90), people=60) in out.decode()
