"""core.ports.IdentityStore over SQL: link codes, attempts, and folding one member into another."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, insert, select, update

from core.model import LinkCode, Pledge
from storage.schema import (
    accounts,
    deliveries,
    follows,
    ideas,
    modchats,
    pledge_events,
    pledges,
    wants,
    waves,
)
from storage.schema_payments import payment_instructions, payment_reminders, payments, refunds
from storage.schema_people import link_attempts, link_codes, member_merges
from storage.sql_base import TxBase, new_id
from storage.tx_pledges import pledge_from_row


def _code_from_row(row: Any) -> LinkCode:
    """Build the core's record from a link_codes row."""
    return LinkCode(
        id=row.id,
        member_id=row.member_id,
        account=row.account,
        created_at=row.created_at,
        expires_at=row.expires_at,
        used_at=row.used_at,
        revoked=bool(row.revoked),
    )


class IdentityMixin(TxBase):
    """core.ports.IdentityStore over SQL."""

    async def add_link_code(
        self, member_id: int, account: str, code_hash: str, now: datetime, expires_at: datetime
    ) -> int:
        """A new code for the member; every earlier unused code of theirs stops working."""
        await self._exec(
            update(link_codes)
            .where(link_codes.c.member_id == member_id, link_codes.c.used_at.is_(None))
            .values(revoked=True)
        )
        result = await self._exec(
            insert(link_codes).values(
                member_id=member_id,
                account=account,
                code_hash=code_hash,
                created_at=now,
                expires_at=expires_at,
                used_at=None,
                used_by=None,
                revoked=False,
            )
        )
        return new_id(result)

    async def get_link_code(self, code_hash: str) -> LinkCode | None:
        """The code with this hash, whatever its state."""
        stmt = select(link_codes).where(link_codes.c.code_hash == code_hash)
        row = (await self._exec(stmt)).first()
        return _code_from_row(row) if row else None

    async def use_link_code(self, code_id: int, account: str, now: datetime) -> None:
        """Spend a code (single use)."""
        stmt = (
            update(link_codes)
            .where(link_codes.c.id == code_id)
            .values(used_at=now, used_by=account, revoked=True)
        )
        await self._exec(stmt)

    async def revoke_link_code(self, code_hash: str) -> bool:
        """Void an unused code (it was typed where others could read it)."""
        stmt = (
            update(link_codes)
            .where(link_codes.c.code_hash == code_hash, link_codes.c.used_at.is_(None))
            .values(revoked=True)
        )
        return (await self._exec(stmt)).rowcount > 0

    async def record_link_attempt(self, account: str, kind: str, ok: bool, now: datetime) -> None:
        """Log a code creation or a redemption, for the rate limits."""
        values = {"account": account, "kind": kind, "ok": ok, "at": now}
        await self._exec(insert(link_attempts).values(**values))

    async def link_attempts_since(
        self, account: str, kind: str, ok: bool, since: datetime
    ) -> list[datetime]:
        """When this account made attempts of this kind and outcome since a time, oldest first."""
        stmt = (
            select(link_attempts.c.at)
            .where(
                link_attempts.c.account == account,
                link_attempts.c.kind == kind,
                link_attempts.c.ok.is_(ok),
                link_attempts.c.at > since,
            )
            .order_by(link_attempts.c.at)
        )
        return list((await self._exec(stmt)).scalars())

    async def member_pledges(self, member_id: int) -> list[Pledge]:
        """Every pledge of the member, whatever its status, by wave."""
        stmt = select(pledges).where(pledges.c.member_id == member_id).order_by(pledges.c.wave_id)
        return [pledge_from_row(row) for row in await self._exec(stmt)]

    async def delete_pledge(self, wave_id: int, member_id: int) -> None:
        """Remove one pledge row (its content was carried over to the kept member)."""
        stmt = delete(pledges).where(pledges.c.wave_id == wave_id, pledges.c.member_id == member_id)
        await self._exec(stmt)

    async def add_to_wave_totals(
        self, wave_id: int, units: int, pledgers: int, final_units: int
    ) -> None:
        """Shift a wave's counts (final units only once the wave has them)."""
        stmt = (
            update(waves)
            .where(waves.c.id == wave_id)
            .values(
                units=waves.c.units + units,
                pledgers=waves.c.pledgers + pledgers,
                final_units=waves.c.final_units + final_units,
            )
        )
        await self._exec(stmt)

    async def fold_member(self, source_id: int, target_id: int, now: datetime) -> dict[str, int]:
        """Move everything but pledges from one member to another; returns what moved."""
        counts: dict[str, int] = {}
        counts["accounts_moved"] = await self._move(
            accounts, accounts.c.member_id, source_id, target_id
        )
        counts["wants_dropped"] = await self._drop_duplicates(
            wants, ("idea_id",), source_id, target_id
        )
        counts["wants_moved"] = await self._move(wants, wants.c.member_id, source_id, target_id)
        counts["ideas"] = await self._move(ideas, ideas.c.author_id, source_id, target_id)
        await self._drop_duplicates(follows, ("category",), source_id, target_id)
        counts["follows"] = await self._move(follows, follows.c.member_id, source_id, target_id)
        await self._drop_duplicates(payment_reminders, ("wave_id", "period"), source_id, target_id)
        await self._move(payment_reminders, payment_reminders.c.member_id, source_id, target_id)
        counts["pledge_events"] = await self._move(
            pledge_events, pledge_events.c.member_id, source_id, target_id
        )
        await self._move(waves, waves.c.created_by, source_id, target_id)
        await self._move(modchats, modchats.c.registered_by, source_id, target_id)
        await self._move(deliveries, deliveries.c.member_id, source_id, target_id)
        counts["payments"] = await self._move(payments, payments.c.member_id, source_id, target_id)
        for column in (payments.c.recorded_by, payments.c.voided_by, refunds.c.done_by,
                       payment_instructions.c.set_by):  # fmt: skip
            await self._move(column.table, column, source_id, target_id)
        counts["codes_voided"] = (
            await self._exec(
                update(link_codes)
                .where(link_codes.c.member_id == source_id, link_codes.c.used_at.is_(None))
                .values(revoked=True)
            )
        ).rowcount
        return counts

    async def _move(self, table: Table, column: Any, source_id: int, target_id: int) -> int:
        """Re-point a member column; returns the rows moved."""
        stmt = update(table).where(column == source_id).values({column.name: target_id})
        return int((await self._exec(stmt)).rowcount)

    async def _drop_duplicates(
        self, table: Table, keys: tuple[str, ...], source_id: int, target_id: int
    ) -> int:
        """Delete the source's rows whose keys the target already has (one want per idea…)."""
        other = table.alias("other")
        same = [other.c[key] == table.c[key] for key in keys]
        theirs = select(other.c.member_id).where(other.c.member_id == target_id, *same).exists()
        stmt = delete(table).where(table.c.member_id == source_id, theirs)
        return int((await self._exec(stmt)).rowcount)

    async def record_merge(
        self, kept_id: int, merged_id: int, by_account: str, details: dict[str, Any], now: datetime
    ) -> int:
        """The audit row of a merge: who, into whom, when, what was folded."""
        result = await self._exec(
            insert(member_merges).values(
                kept_member_id=kept_id,
                merged_member_id=merged_id,
                by_account=by_account,
                details=json.dumps(details, sort_keys=True),
                at=now,
            )
        )
        return new_id(result)
