"""`wavebot db copy` takes its URLs where `ps` cannot read them: from WAVEBOT_COPY_SOURCE /
WAVEBOT_COPY_TARGET, or from standard input (`-`); a password given on the command line still
works but is warned about, and never printed."""

from __future__ import annotations

import asyncio
import io
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.cli import main
from app.copy_urls import SOURCE_ENV, TARGET_ENV, has_password
from storage.backends import open_database
from storage.migrate import upgrade
from storage.schema import metadata
from storage.schema_check import where
from tests.texts import said

PASSWORD = "s3cret-pw"


async def one_member(path: Path) -> str:
    """A SQLite community with one member (and its account): the source of a copy."""
    url = f"sqlite+aiosqlite:///{path}"
    await asyncio.to_thread(upgrade, url)
    db = await open_database(url)
    try:
        async with db.write() as tx:
            await tx.create_member("telegram:1", "Ana", None, datetime.now(UTC))
    finally:
        await db.close()
    return url


def copied(source: str, target: str) -> str:
    """The one line of a copy of one member's community."""
    return said("cli.db_copy_done", rows=2, tables=len(metadata.sorted_tables),
                source=where(source), target=where(target))  # fmt: skip


async def run(*args: str) -> int:
    """`wavebot db copy …` as a user runs it."""
    return await asyncio.to_thread(main, ["db", "copy", *args])


async def test_both_urls_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = await one_member(tmp_path / "a.db")
    target = f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"
    monkeypatch.setenv(SOURCE_ENV, source)
    monkeypatch.setenv(TARGET_ENV, target)
    assert await run() == 0
    out = capsys.readouterr()
    assert (out.out, out.err) == (copied(source, target) + "\n", "")


async def test_a_url_read_from_standard_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = await one_member(tmp_path / "a.db")
    target = f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{target}\n"))
    assert await run(str(tmp_path / "a.db"), "-") == 0
    out = capsys.readouterr()
    assert (out.out, out.err) == (copied(source, target) + "\n", "")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # nothing on stdin: the usage, code 2
    assert await run(source, "-") == 2
    assert "WAVEBOT_COPY_TARGET" in capsys.readouterr().err


async def test_a_password_on_the_command_line_is_warned_about_and_never_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = await one_member(tmp_path / "a.db")
    target = f"postgresql://wavebot:{PASSWORD}@127.0.0.1:1/wavebot"  # nobody listens on port 1
    assert await run(source, target) == 2  # still tried: argv keeps working
    out = capsys.readouterr()
    warning = said("cli.db_copy_password_argv", path="127.0.0.1:1/wavebot", env=TARGET_ENV)
    assert f"wavebot: {warning}" in out.err.splitlines()
    assert PASSWORD not in out.err + out.out


def test_only_a_url_with_a_password_is_one() -> None:
    assert has_password("postgresql://u:p@h/db")
    assert not has_password("postgresql://u@h/db")
    assert not has_password("wavebot.db") and not has_password("::not a url")
