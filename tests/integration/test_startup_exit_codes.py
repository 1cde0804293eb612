"""`wavebot run` as a real process: a bad database URL, a server that does not answer, or a
schema newer than the code stop it with exit code 2 and one line, before any platform is
contacted; so does a webhook URL without an HTTP port or a malformed shard list."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import text

from storage.backends import open_database
from storage.migrate import alembic_config
from storage.schema_check import where
from tests.texts import said

ROOT = Path(__file__).resolve().parents[2]


def wavebot_run(folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`wavebot run` in a child process with a Telegram token pointing nowhere."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{probe.getsockname()[1]}/bot"
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "TELEGRAM_BOT_TOKEN": "1:startup-TEST",
                   "TELEGRAM_API_URL": nowhere, **env}  # fmt: skip
    environment.pop("WAVEBOT_CONFIG", None)
    code = "import sys; from app.cli import main; sys.exit(main(['run']))"
    return subprocess.run([sys.executable, "-c", code], cwd=folder, env=environment,
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    """The refusal, checked to be exit code 2 and a single line on stderr."""
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    return done.stderr.removeprefix("wavebot: ").rstrip("\n")


def test_a_bad_database_url(tmp_path: Path) -> None:
    done = wavebot_run(tmp_path, WAVEBOT_DATABASE_URL="mysql://root@127.0.0.1/wave")
    detail = "unsupported database 'mysql': use sqlite or postgresql"
    assert one_line(done) == said("cli.db_bad_url", detail=detail)


def test_an_unreachable_server(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = wavebot_run(tmp_path, WAVEBOT_DATABASE_URL=f"postgresql://postgres@127.0.0.1:{port}/w")
    before, _, _ = said("cli.db_unreachable", path=f"127.0.0.1:{port}/w", detail="¤").partition("¤")
    assert one_line(done).startswith(before)


async def test_a_schema_newer_than_the_code(tmp_path: Path, db_url: str) -> None:
    db = await open_database(db_url, migrate=True)
    try:
        async with db.write() as tx:
            await tx.connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    finally:
        await db.close()
    done = wavebot_run(tmp_path, WAVEBOT_DATABASE_URL=db_url)
    head = ", ".join(ScriptDirectory.from_config(alembic_config()).get_heads())
    expected = said("cli.db_schema_newer", path=where(db_url), revision="9999", head=head)
    assert one_line(done) == expected


def test_a_webhook_without_a_port(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'w.db'}"
    done = wavebot_run(tmp_path, WAVEBOT_DATABASE_URL=url,
                       WAVEBOT_TELEGRAM_WEBHOOK_URL="https://bot.example.com/telegram")  # fmt: skip
    assert one_line(done) == said("cli.webhook_needs_port")


def test_a_malformed_shard_list(tmp_path: Path) -> None:
    done = wavebot_run(tmp_path, WAVEBOT_DISCORD_SHARDS="0,4/4")
    assert done.returncode == 2
    assert "WAVEBOT_DISCORD_SHARDS looks like 0,1/4 (shard ids / shard count)" in done.stderr
