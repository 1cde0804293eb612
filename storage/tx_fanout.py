"""core.feature_ports.FanoutStore over SQL: a milestone's participant deliveries, expanded after
its crossing commit one bounded batch per write transaction (docs/ARCHITECTURE.md §6).

The crossing transaction only marks the announcement (`fanout_pending`) with its audience bound
(`fanout_until`: the wave's last place in the join order at that commit) and a cursor
(`fanout_after`: the last member id expanded). Each batch is one `INSERT … SELECT … ON CONFLICT
DO NOTHING` over the next `limit` pledges of the wave in member-id order (the pledges' primary
key) plus the cursor's move, in the same transaction: no row goes through Python, a crash between
batches repeats nothing (the cursor committed with the rows), and the unique (announcement,
platform, chat) index makes a repeated batch insert nothing twice. The INSERT runs on the writer
connection's thread (SQLite releases the GIL while it works), so the loop is not held meanwhile.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, exists, func, literal, or_, select, tuple_, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from core.model import FanoutStep, PledgeStatus
from storage.schema import UTCDateTime, accounts, announcements, deliveries, members, pledges
from storage.sql_base import TxBase
from storage.sqlite_inline import offloaded
from storage.tx_members import DEFAULT_LANG
from storage.tx_outbox import PENDING


class colon_at(FunctionElement[int]):
    """Where the first ':' of a text is (1-based; 0 when there is none), on every dialect."""

    type = Integer()
    inherit_cache = True


@compiles(colon_at, "sqlite")
def _colon_at_sqlite(element: colon_at, compiler: SQLCompiler, **kw: Any) -> str:
    """SQLite spells it instr."""
    return f"instr({compiler.process(element.clauses, **kw)}, ':')"


@compiles(colon_at, "postgresql")
def _colon_at_postgresql(element: colon_at, compiler: SQLCompiler, **kw: Any) -> str:
    """PostgreSQL spells it strpos."""
    return f"strpos({compiler.process(element.clauses, **kw)}, ':')"


DELIVERY_COLUMNS = (
    "announcement_id", "platform", "chat_id", "lang", "member_id", "status", "attempts",
    "next_attempt_at", "last_error", "message_id",
)  # fmt: skip


class FanoutMixin(TxBase):
    """core.feature_ports.FanoutStore over SQL."""

    async def expand_fanout(self, limit: int) -> FanoutStep | None:
        """Expand the next batch of the oldest announcement still to expand (announcements in id
        order, so a member's milestone messages keep their order); None when none is left."""
        stmt = (
            select(announcements)
            .where(announcements.c.fanout_pending.is_(True))
            .order_by(announcements.c.id)
            .limit(1)
        )
        row = (await self._exec(stmt)).first()
        if row is None:
            return None
        after = int(row.fanout_after or 0)
        upper = await self._batch_end(row.wave_id, after, limit)
        rows = await self._insert_participants(row, after, upper)
        done = update(announcements).where(announcements.c.id == row.id)
        if upper is None:
            await self._exec(done.values(fanout_pending=False))
        else:
            await self._exec(done.values(fanout_after=upper))
        return FanoutStep(row.id, rows, finished=upper is None)

    async def _batch_end(self, wave_id: int, after: int, limit: int) -> int | None:
        """The member id of the limit-th pledge of the wave after the cursor (primary key
        order, any status); None when fewer are left: this batch is the last."""
        stmt = (
            select(pledges.c.member_id)
            .where(pledges.c.wave_id == wave_id, pledges.c.member_id > after)
            .order_by(pledges.c.member_id)
            .offset(max(1, limit) - 1)
            .limit(1)
        )
        found = (await self._exec(stmt)).scalar()
        return None if found is None else int(found)

    async def _insert_participants(self, announcement: Any, after: int, upper: int | None) -> int:
        """One pending delivery per audience member in (after, upper], on their first account;
        returns how many were created (an existing one is left as it is)."""
        in_range: list[ColumnElement[bool]] = [pledges.c.member_id > after]
        if upper is not None:
            in_range.append(pledges.c.member_id <= upper)
        account = accounts.alias("account")
        earlier = accounts.alias("earlier")
        first_account = ~exists().where(  # the first linked, as every private message uses
            earlier.c.member_id == account.c.member_id,
            tuple_(earlier.c.linked_at, earlier.c.account)
            < tuple_(account.c.linked_at, account.c.account),
        )
        colon = colon_at(account.c.account)
        rows = (
            select(
                literal(announcement.id),
                func.substr(account.c.account, 1, colon - 1),
                func.substr(account.c.account, colon + 1),
                func.coalesce(members.c.lang, DEFAULT_LANG),
                members.c.id,
                literal(PENDING),
                literal(0),
                literal(announcement.created_at, UTCDateTime()),  # due since the crossing
                literal(""),
                literal(""),
            )
            .select_from(pledges)
            .join(members, members.c.id == pledges.c.member_id)
            .join(account, account.c.member_id == members.c.id)
            .where(
                pledges.c.wave_id == announcement.wave_id,
                *in_range,
                pledges.c.status == PledgeStatus.ACTIVE.value,
                members.c.notify_milestones.is_(True),
                or_(
                    pledges.c.joined_seq.is_(None),  # pledged before joined_seq existed
                    pledges.c.joined_seq <= announcement.fanout_until,
                ),
                first_account,
                colon > 1,
            )
        )
        stmt = self._insert(deliveries).from_select(list(DELIVERY_COLUMNS), rows)
        driver = (await self._conn.get_raw_connection()).driver_connection
        with offloaded(driver):  # a thousand rows: SQLite works on its thread, the loop runs on
            result = await self._exec(stmt.on_conflict_do_nothing())
        return int(result.rowcount or 0)
