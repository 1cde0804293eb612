"""A PostgreSQL server for the tests: the one at WAVEBOT_TEST_POSTGRES_URL, else a throwaway one.

Each test gets a database of its own, copied (CREATE DATABASE … TEMPLATE) from one migrated once
per session. Creating and dropping one costs 1-3 s on a loaded machine, so a database a test has
finished with is emptied (every row deleted, every id sequence restarted: ~0.3 s) and handed to
the next test; one whose schema a test changed is dropped instead. Commits on them do not wait
for the disk (synchronous_commit=off: the server itself never crashes in these tests).

With no server reachable and no way to start one, the PostgreSQL half of the suite is skipped
with the reason, unless WAVEBOT_REQUIRE_POSTGRES=1 (CI) makes that a failure.
"""

from __future__ import annotations

import asyncio
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import asyncpg
from sqlalchemy.engine import URL, make_url

from storage.migrate import upgrade
from storage.urls import normalise_url

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
URL_VARIABLE = "WAVEBOT_TEST_POSTGRES_URL"
REQUIRE_VARIABLE = "WAVEBOT_REQUIRE_POSTGRES"
CONNECT_TIMEOUT = 3.0
T = TypeVar("T")
SCHEMA_FINGERPRINT = """
SELECT md5(string_agg(table_name || '.' || column_name || ':' || data_type, ',' ORDER BY 1)
           || coalesce((SELECT string_agg(version_num, ',') FROM alembic_version), ''))
FROM information_schema.columns WHERE table_schema = 'public'
"""
EMPTY_EVERY_TABLE = """
SET session_replication_role = replica;
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT tablename FROM pg_tables
           WHERE schemaname = 'public' AND tablename <> 'alembic_version' LOOP
    EXECUTE format('DELETE FROM %I', r.tablename);
  END LOOP;
  FOR r IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' LOOP
    EXECUTE format('SELECT setval(%L, 1, false)', r.sequencename);
  END LOOP;
END $$;
RESET session_replication_role;
"""


class NoServer(RuntimeError):
    """No PostgreSQL server could be reached or started; the message says why."""


def _in_thread(work: Callable[[], T]) -> T:
    """Run blocking setup on its own thread: the session fixture is first asked for from inside
    a running event loop (a test's async fixture), where asyncio.run() is not allowed."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result()


def _pid_of(name: str) -> int:
    """The pid in wavebot_t_<pid>_<n> or wavebot_tpl_<pid>; 0 when there is none."""
    parts = name.split("_")
    return int(parts[2]) if len(parts) >= 3 and parts[2].isdigit() else 0


def _alive(pid: int) -> bool:
    """Whether a process with this pid runs on this machine."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def required() -> bool:
    """CI forbids the skip: the PostgreSQL half of the suite must run."""
    return os.environ.get(REQUIRE_VARIABLE, "") not in ("", "0")


def _plain(url: URL) -> str:
    """An asyncpg DSN (asyncpg knows no SQLAlchemy driver suffix)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def _answers(url: URL) -> str | None:
    """None when the server answers, else why not in one line."""
    try:
        conn = await asyncpg.connect(_plain(url), timeout=CONNECT_TIMEOUT)
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        return f"{type(error).__name__}: {error}"
    await conn.close()
    return None


def _binaries() -> tuple[str, str] | None:
    """initdb and pg_ctl: Debian's versioned folders first, then PATH."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        initdb, pg_ctl = Path(folder, "initdb"), Path(folder, "pg_ctl")
        if initdb.is_file() and pg_ctl.is_file():
            return str(initdb), str(pg_ctl)
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    return (initdb, pg_ctl) if initdb and pg_ctl else None


def _free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Throwaway:
    """A private cluster in a temporary folder, stopped and deleted at the end of the session."""

    folder: Path
    pg_ctl: str
    as_user: list[str]

    @classmethod
    def start(cls) -> tuple[Throwaway, URL]:
        """initdb with trust authentication, then pg_ctl start on a free port (fsync off)."""
        found = _binaries()
        if found is None:
            raise NoServer(
                "no initdb/pg_ctl found (install PostgreSQL or set " + URL_VARIABLE + ")"
            )
        initdb, pg_ctl = found
        folder = Path(tempfile.mkdtemp(prefix="wavebot-pg-"))
        as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root: run the cluster as the postgres user
            as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(folder, "postgres")
        data, port = folder / "data", _free_port()
        cls._run(
            "initdb",
            [*as_user, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        )
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -F"
        log = str(folder / "log")
        cls._run(
            "pg_ctl start",
            [*as_user, pg_ctl, "-D", str(data), "-o", options, "-l", log, "-w", "start"],
        )
        url = make_url(f"postgresql://postgres@127.0.0.1:{port}/postgres")
        return cls(folder, pg_ctl, as_user), url

    @staticmethod
    def _run(label: str, command: list[str]) -> None:
        """Run a server tool; its output becomes the reason when it fails."""
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
        if done.returncode != 0:
            detail = " ".join((done.stderr or done.stdout).split())[:300]
            raise NoServer(f"{label} failed: {detail}")

    def stop(self) -> None:
        """Stop the server at once and remove its folder."""
        subprocess.run(
            [
                *self.as_user,
                self.pg_ctl,
                "-D",
                str(self.folder / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            check=False,
            timeout=60,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class PostgresServer:
    """Where the tests' databases live, and the migrated template each one is copied from."""

    admin: URL
    template: str
    throwaway: Throwaway | None = None
    _fingerprint: str = ""
    _names: itertools.count[int] = field(default_factory=itertools.count)
    _spare: list[str] = field(default_factory=list)
    _all: set[str] = field(default_factory=set)

    @classmethod
    def find(cls) -> PostgresServer:
        """The configured server if it answers, else a throwaway one; then the template."""
        return _in_thread(cls._find)

    @classmethod
    def _find(cls) -> PostgresServer:
        """find(), on a thread of its own."""
        admin = make_url(os.environ.get(URL_VARIABLE) or DEFAULT_URL)
        throwaway = None
        why = asyncio.run(_answers(admin))
        if why is not None:
            try:
                throwaway, admin = Throwaway.start()
            except NoServer as error:
                raise NoServer(f"{_plain(admin)} does not answer ({why}); {error}") from error
        server = cls(admin, f"wavebot_tpl_{os.getpid()}", throwaway)
        server._make_template()
        return server

    def _url_of(self, name: str) -> str:
        """The asyncpg URL of one database on this server."""
        return normalise_url(self.admin.set(database=name).render_as_string(hide_password=False))

    async def _admin(self, *statements: str) -> None:
        """Run statements on the server's maintenance database, outside any transaction."""
        conn = await asyncpg.connect(_plain(self.admin), timeout=CONNECT_TIMEOUT)
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    def _make_template(self) -> None:
        """Create and migrate the session's template database once (after dropping what killed
        sessions left behind: their names carry the pid of a process that is gone)."""
        leftovers = [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
                     for name in asyncio.run(self._orphans())]  # fmt: skip
        asyncio.run(self._admin(*leftovers, f'DROP DATABASE IF EXISTS "{self.template}"',
                                f'CREATE DATABASE "{self.template}"'))  # fmt: skip
        upgrade(self._url_of(self.template))
        self._fingerprint = asyncio.run(self._template_fingerprint())

    async def _orphans(self) -> list[str]:
        """Test databases of test sessions that no longer run."""
        conn = await asyncpg.connect(_plain(self.admin), timeout=CONNECT_TIMEOUT)
        try:
            names = [
                str(row[0])
                for row in await conn.fetch(
                    "SELECT datname FROM pg_database WHERE datname LIKE 'wavebot\\_t%'"
                )
            ]
        finally:
            await conn.close()
        return [name for name in names if not _alive(_pid_of(name))]

    async def _template_fingerprint(self) -> str:
        """The migrated schema's columns and revision, to tell a database a test altered."""
        conn = await asyncpg.connect(_plain(self.admin.set(database=self.template)))
        try:
            return str(await conn.fetchval(SCHEMA_FINGERPRINT))
        finally:
            await conn.close()

    async def new_database(self) -> str:
        """An empty migrated database for one test: a spare one, else a copy of the template."""
        if self._spare:
            return self._url_of(self._spare.pop())
        name = f"wavebot_t_{os.getpid()}_{next(self._names)}"
        await self._admin(
            f'DROP DATABASE IF EXISTS "{name}"',
            f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"',
            f'ALTER DATABASE "{name}" SET synchronous_commit = off',
        )
        self._all.add(name)
        return self._url_of(name)

    async def drop(self, url: str) -> None:
        """Give a test's database back: emptied for the next test, or dropped if changed."""
        name = str(make_url(url).database)
        try:
            conn = await asyncpg.connect(
                _plain(self.admin.set(database=name)), timeout=CONNECT_TIMEOUT
            )
            try:
                await conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                same = await conn.fetchval(SCHEMA_FINGERPRINT) == self._fingerprint
                if same:
                    await conn.execute(EMPTY_EVERY_TABLE)
            finally:
                await conn.close()
        except (OSError, asyncpg.PostgresError, TimeoutError):
            same = False
        if same:
            self._spare.append(name)
            return
        self._all.discard(name)
        await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        """Drop the template; stop a throwaway server."""
        _in_thread(self._close)

    def _close(self) -> None:
        """close(), on a thread of its own."""
        names = [self.template, *self._all]
        try:
            drops = [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names]
            asyncio.run(self._admin(*drops))
        finally:
            if self.throwaway is not None:
                self.throwaway.stop()
