"""Database URLs as people write them, turned into the SQLAlchemy URL of the driver we ship."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

POSTGRES_SCHEMES = ("postgres", "postgresql", "postgresql+asyncpg")
ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "sqlite+aiosqlite": "sqlite+aiosqlite"}


class BadDatabaseUrl(ValueError):
    """The URL names no database this bot can open."""


def normalise_url(url: str) -> str:
    """'postgres://' and 'postgresql://' (as hosting providers print them) become asyncpg's."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise BadDatabaseUrl(str(error)) from error
    if parsed.drivername in POSTGRES_SCHEMES:
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif parsed.drivername in ASYNC_DRIVERS:
        parsed = parsed.set(drivername=ASYNC_DRIVERS[parsed.drivername])
    else:
        raise BadDatabaseUrl(
            f"unsupported database {parsed.drivername!r}: use sqlite or postgresql"
        )
    return parsed.render_as_string(hide_password=False)


def is_postgresql(url: str) -> bool:
    """Whether the URL is served by the PostgreSQL backend."""
    return make_url(normalise_url(url)).get_backend_name() == "postgresql"
