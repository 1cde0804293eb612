"""Database URLs as hosting providers print them are accepted; others are refused in words."""

from __future__ import annotations

import pytest

from storage.urls import BadDatabaseUrl, is_postgresql, normalise_url


@pytest.mark.parametrize(
    "given",
    [
        "postgres://bot:secret@db.example:5433/wave",
        "postgresql://bot:secret@db.example:5433/wave",
        "postgresql+asyncpg://bot:secret@db.example:5433/wave",
    ],
)
def test_every_postgresql_spelling_means_asyncpg(given: str) -> None:
    assert normalise_url(given) == "postgresql+asyncpg://bot:secret@db.example:5433/wave"
    assert is_postgresql(given)


def test_sqlite_urls_get_the_async_driver() -> None:
    assert normalise_url("sqlite:///data/bot.db") == "sqlite+aiosqlite:///data/bot.db"
    assert normalise_url("sqlite+aiosqlite:///bot.db") == "sqlite+aiosqlite:///bot.db"
    assert not is_postgresql("sqlite:///bot.db")


@pytest.mark.parametrize("given", ["mysql://root@localhost/wave", "not a url", ""])
def test_other_databases_and_garbage_are_refused(given: str) -> None:
    with pytest.raises(BadDatabaseUrl):
        normalise_url(given)
