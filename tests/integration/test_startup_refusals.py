"""A bad database URL, a server that does not answer, or a schema newer than the code: startup
stops with one line naming the problem, on either backend."""

from __future__ import annotations

import asyncio
import socket

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from app.cli import main
from storage.backends import open_database
from storage.migrate import alembic_config
from storage.schema_check import where
from tests.texts import said


def _refusal(capsys: pytest.CaptureFixture[str]) -> str:
    """What `wavebot` printed on stderr, checked to be one line."""
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err.removeprefix("wavebot: ").rstrip("\n")


def test_a_url_for_another_database_is_refused_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WAVEBOT_DATABASE_URL", "mysql://root@127.0.0.1/wave")
    assert main(["db", "upgrade"]) == 2
    detail = "unsupported database 'mysql': use sqlite or postgresql"
    assert _refusal(capsys) == said("cli.db_bad_url", detail=detail)


def test_a_server_that_does_not_answer_is_refused_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("WAVEBOT_DATABASE_URL", f"postgres://postgres@127.0.0.1:{port}/wave")
    assert main(["db", "upgrade"]) == 2
    line = _refusal(capsys)
    before, _, _ = said("cli.db_unreachable", path=f"127.0.0.1:{port}/wave", detail="¤").partition(
        "¤"
    )
    assert line.startswith(before), line


async def test_a_schema_newer_than_the_code_is_refused_in_one_line(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = await open_database(db_url, migrate=True)
    try:
        async with db.write() as tx:
            await tx.connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    finally:
        await db.close()
    monkeypatch.setenv("WAVEBOT_DATABASE_URL", db_url)
    # the CLI runs its own event loop, so it cannot run on this test's
    assert await asyncio.to_thread(main, ["db", "upgrade"]) == 2
    head = ", ".join(ScriptDirectory.from_config(alembic_config()).get_heads())
    expected = said("cli.db_schema_newer", path=where(db_url), revision="9999", head=head)
    assert _refusal(capsys) == expected
