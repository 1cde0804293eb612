"""Database URLs as people write them, turned into the SQLAlchemy URL of the driver we ship."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

POSTGRES_SCHEMES = ("postgres", "postgresql", "postgresql+asyncpg")
# libpq's `sslmode` (what hosting providers print) is asyncpg's `ssl`, with the same values.
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
SSL_PARAMS = ("sslmode", "ssl")
# Options asyncpg.connect() takes as arguments and reads in a DSN alike: passed through as given.
PASSED_THROUGH = ("host", "port", "user", "password", "passfile", "target_session_attrs")
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
        parsed = parsed.set(drivername="postgresql+asyncpg", query=_asyncpg_query(parsed.query))
    elif parsed.drivername in ASYNC_DRIVERS:
        parsed = parsed.set(drivername=ASYNC_DRIVERS[parsed.drivername])
    else:
        raise BadDatabaseUrl(
            f"unsupported database {parsed.drivername!r}: use sqlite or postgresql"
        )
    return parsed.render_as_string(hide_password=False)


def _asyncpg_query(
    query: Mapping[str, str | tuple[str, ...]],
) -> dict[str, str | tuple[str, ...]]:
    """A PostgreSQL URL's options as asyncpg takes them: `sslmode` (or `ssl`) becomes `ssl`;
    anything else would reach asyncpg.connect() as an unknown argument (a traceback at start),
    so it is refused here in words."""
    unknown = sorted(set(query) - set(SSL_PARAMS) - set(PASSED_THROUGH))
    if unknown:
        raise BadDatabaseUrl(
            f"unsupported option {', '.join(unknown)} in the PostgreSQL URL: sslmode "
            f"({', '.join(SSL_MODES)}) and {', '.join(PASSED_THROUGH)} are understood"
        )
    modes = {value for name in SSL_PARAMS for value in _values(query.get(name))}
    if len(modes) > 1 or not modes <= set(SSL_MODES):
        raise BadDatabaseUrl(f"sslmode must be one of {', '.join(SSL_MODES)}")
    kept = {name: value for name, value in query.items() if name in PASSED_THROUGH}
    return {**kept, **({"ssl": modes.pop()} if modes else {})}


def _values(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    """A query option's values (an option may be repeated)."""
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else value


def libpq_dsn(url: str) -> str:
    """A plain `postgresql://` DSN for asyncpg.connect() itself, which reads libpq's `sslmode`
    (an `ssl` option there would be sent to the server as a setting)."""
    parsed = make_url(normalise_url(url)).set(drivername="postgresql")
    query = {("sslmode" if name == "ssl" else name): value for name, value in parsed.query.items()}
    return parsed.set(query=query).render_as_string(hide_password=False)


def is_postgresql(url: str) -> bool:
    """Whether the URL is served by the PostgreSQL backend."""
    return make_url(normalise_url(url)).get_backend_name() == "postgresql"
