"""How the suite finds PostgreSQL: the configured server, else a throwaway one, else a reason."""

from __future__ import annotations

import asyncio
import socket

import pytest

from tests import postgres
from tests.postgres import NoServer, PostgresServer, Throwaway


def _dead_url() -> str:
    """A server URL on a port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"postgresql://postgres@127.0.0.1:{probe.getsockname()[1]}/postgres"


@pytest.mark.skipif(postgres._binaries() is None, reason="no initdb/pg_ctl on this machine")
def test_a_throwaway_server_starts_answers_and_leaves_nothing_behind() -> None:
    server, url = Throwaway.start()
    try:
        assert asyncio.run(postgres._answers(url)) is None
    finally:
        server.stop()
    assert not server.folder.exists()
    assert asyncio.run(postgres._answers(url)) is not None  # stopped


def test_with_no_server_and_no_binaries_the_reason_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(postgres.URL_VARIABLE, _dead_url())
    monkeypatch.setattr(postgres, "_binaries", lambda: None)
    with pytest.raises(NoServer, match=r"does not answer .*no initdb/pg_ctl found"):
        PostgresServer.find()


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("", False), ("0", False)])
def test_ci_turns_the_skip_into_a_failure(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    monkeypatch.setenv(postgres.REQUIRE_VARIABLE, value)
    assert postgres.required() is expected
