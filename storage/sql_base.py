"""What every store mixin shares: the connection of its transaction and portable helpers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Executable, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

CHUNK = 500


class TxBase:
    """Holds the one connection a transaction runs on; mixins add the store methods."""

    def __init__(self, conn: AsyncConnection, *, locking: bool = False) -> None:
        self._conn = conn
        self._locking = locking  # a PostgreSQL write: rows read in order to change are locked
        self.failure: BaseException | None = None  # the first statement error, even if swallowed

    @property
    def connection(self) -> AsyncConnection:
        """The raw connection, for exports and diagnostics that need SQL of their own."""
        return self._conn

    async def _exec(
        self, statement: Executable, params: Sequence[Mapping[str, Any]] | None = None
    ) -> CursorResult[Any]:
        """Run a statement in this transaction (executemany when given a list of rows)."""
        try:
            return await self._conn.execute(statement, params)
        except DBAPIError as error:
            if self.failure is None:
                self.failure = error
            raise

    def _insert(self, table: Table) -> Any:
        """The dialect's own INSERT, so upserts stay one statement on SQLite and PostgreSQL."""
        name = self._conn.dialect.name
        if name == "sqlite":
            return sqlite.insert(table)
        if name == "postgresql":
            return postgresql.insert(table)
        raise NotImplementedError(f"no upsert for the {name} dialect")

    async def _upsert(
        self, table: Table, values: Mapping[str, Any], keys: Sequence[str], update: Sequence[str]
    ) -> None:
        """Insert a row, or update the given columns of the row with the same keys."""
        stmt = self._insert(table).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=list(keys), set_={name: stmt.excluded[name] for name in update}
        )
        await self._exec(stmt)

    async def _insert_ignore(self, table: Table, values: Mapping[str, Any]) -> bool:
        """Insert a row unless one with the same key exists; True when inserted."""
        stmt = self._insert(table).values(**values).on_conflict_do_nothing()
        result = await self._exec(stmt)
        return result.rowcount > 0


def new_id(result: CursorResult[Any]) -> int:
    """The id the database gave the row an INSERT just created."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the INSERT reported no primary key")
    return int(key[0])


def chunks(items: Sequence[int], size: int = CHUNK) -> list[Sequence[int]]:
    """Split long id lists so IN (...) stays under every backend's parameter limit."""
    return [items[i : i + size] for i in range(0, len(items), size)]
