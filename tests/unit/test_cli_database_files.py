"""Bad database files (issue 12, point 9): not SQLite, truncated, damaged mid-file, read-only — each
refused at start in one line that says what to do; `wavebot db check` and `db backup FILE`."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from app.cli import main
from tests.texts import said

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def database_here(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """WAVEBOT_DATABASE_URL points at tmp_path/bot.db; nothing from the developer's shell."""
    for name in ("WAVEBOT_CONFIG", "WAVEBOT_LANG", "TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WAVEBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    return tmp_path / "bot.db"


def _fresh(path: Path) -> None:
    """A migrated database with some rows, so there are pages to damage."""
    assert main(["db", "upgrade"]) == 0
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("CREATE TABLE filler (x TEXT)")
        conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 500,)] * 400)
        conn.commit()


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err.removeprefix("wavebot: ").strip()


def test_a_file_that_is_not_sqlite_is_named(
    database_here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database_here.write_text("these are my notes, not a database\n" * 50)
    assert main(["db", "upgrade"]) == 2
    assert _one_line_error(capsys) == said("cli.db_not_sqlite", path=str(database_here))
    assert main(["db", "check"]) == 2
    assert _one_line_error(capsys) == said("cli.db_not_sqlite", path=str(database_here))


def test_a_truncated_file_is_refused_before_anything_writes(
    database_here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fresh(database_here)
    size = database_here.stat().st_size
    with database_here.open("r+b") as file:
        file.truncate(size // 3)
    capsys.readouterr()
    assert main(["db", "upgrade"]) == 2
    error = _one_line_error(capsys)
    assert error.startswith(str(database_here)) and "wavebot db check" in error
    assert database_here.stat().st_size == size // 3  # nothing was written


def test_damage_in_the_middle_is_noticed(
    database_here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fresh(database_here)
    with database_here.open("r+b") as file:
        file.seek(16)
        page = int.from_bytes(file.read(2), "big")  # the header's page size
        # the page at the middle of the file, from its header on: the free half of a page is not
        # data, so damage there would depend on how many tables the schema has
        file.seek(database_here.stat().st_size // 2 // page * page)
        file.write(b"\xde\xad\xbe\xef" * 512)
    capsys.readouterr()
    assert main(["db", "check"]) == 1
    assert "integrity" in capsys.readouterr().err
    assert main(["db", "upgrade"]) == 2
    assert "wavebot db backup" in _one_line_error(capsys)


def test_check_passes_on_a_healthy_file_and_backup_copies_it(
    database_here: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fresh(database_here)
    capsys.readouterr()
    assert main(["db", "check"]) == 0
    assert capsys.readouterr().out.strip() == said("cli.db_check_ok", path=str(database_here))
    copy = tmp_path / "copy.db"
    assert main(["db", "backup", str(copy)]) == 0
    with closing(sqlite3.connect(copy)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM filler").fetchone() == (400,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert main(["db", "backup", str(copy)]) == 2  # never overwrites
    assert _one_line_error(capsys) == said("cli.db_backup_exists", target=str(copy))
    assert main(["db", "backup"]) == 2
    assert _one_line_error(capsys) == said("cli.db_backup_needs_target")


def test_a_read_only_file_is_explained(database_here: Path) -> None:
    """Through the real command in a process that may not override file permissions."""
    _fresh(database_here)
    database_here.chmod(0o444)
    code = "import sys; from app.cli import main; sys.exit(main(['db', 'upgrade']))"
    command = [sys.executable, "-c", code]
    if os.geteuid() == 0:  # root writes anywhere unless it drops the capability to
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without util-linux's setpriv to drop CAP_DAC_OVERRIDE")
        caps = "-dac_override,-dac_read_search"
        command = [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}", *command]
    done = subprocess.run(command, cwd=database_here.parent, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60,
                          check=False)  # fmt: skip
    assert done.returncode == 2, done.stderr
    expected = said("cli.db_read_only", path=str(database_here), place=str(database_here))
    assert done.stderr.strip() == f"wavebot: {expected}"
