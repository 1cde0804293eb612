"""Database URLs as hosting providers print them are accepted; others are refused in words."""

from __future__ import annotations

import pytest

from storage.urls import BadDatabaseUrl, is_postgresql, libpq_dsn, normalise_url


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


@pytest.mark.parametrize("option", ["sslmode", "ssl"])
def test_libpq_sslmode_as_hosting_providers_print_it_becomes_asyncpgs_ssl(option: str) -> None:
    given = f"postgres://bot:secret@db.example/wave?{option}=require"
    assert normalise_url(given) == "postgresql+asyncpg://bot:secret@db.example/wave?ssl=require"
    assert libpq_dsn(given) == "postgresql://bot:secret@db.example/wave?sslmode=require"
    assert libpq_dsn("postgres://bot@db.example/wave") == "postgresql://bot@db.example/wave"
    with_password = "postgresql://bot@db.example/wave?password=s3cret&sslmode=require"
    assert normalise_url(with_password).endswith("/wave?password=s3cret&ssl=require")
    assert libpq_dsn(with_password).endswith("/wave?password=s3cret&sslmode=require")


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("postgresql://bot@db/wave?sslmode=sometimes", "sslmode must be one of"),
        ("postgresql://bot@db/wave?sslmode=require&ssl=disable", "sslmode must be one of"),
        ("postgresql://bot@db/wave?foo=bar", "unsupported option foo"),
        ("postgresql://bot@db/wave?connect_timeout=5", "unsupported option connect_timeout"),
    ],
)
def test_other_postgresql_options_are_refused_in_words_not_a_traceback(
    given: str, said: str
) -> None:
    """asyncpg.connect() got them as keyword arguments: a TypeError at the first connection."""
    with pytest.raises(BadDatabaseUrl, match=said):
        normalise_url(given)
