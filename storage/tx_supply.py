"""Suppliers, their one-time codes and their offers (tables of migration 0015)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from core.model import Tier
from core.supply_records import Offer, OfferStatus, Supplier, SupplierCode
from storage.schema import members, waves
from storage.schema_people import questions
from storage.schema_supply import (
    creator_credits,
    newsletter_optouts,
    newsletter_sends,
    offers,
    supplier_codes,
    suppliers,
)
from storage.sql_base import TxBase, new_id
from storage.tx_waves import tiers_from_json, tiers_to_json


def offer_from_row(row: Any) -> Offer:
    """Build the domain record from an offers row joined with its supplier's name."""
    return Offer(
        id=row.id, idea_id=row.idea_id, supplier_id=row.supplier_id,
        supplier_name=row.display_name, tiers=tiers_from_json(row.tiers), moq=row.moq,
        capacity=row.capacity, lead_days=row.lead_days, note=row.note,
        status=OfferStatus(row.status), wave_id=row.wave_id, created_at=row.created_at,
    )  # fmt: skip


def _offers() -> Any:
    """Offers with the supplier's display name."""
    return select(offers, members.c.display_name).join(
        members, members.c.id == offers.c.supplier_id
    )


class SupplyMixin(TxBase):
    """core.supply_ports.SupplierStore over SQL."""

    async def add_supplier_code(
        self, code_hash: str, created_by: int, now: datetime, expires_at: datetime
    ) -> int:
        """Keep a fresh code's hash; returns its id."""
        values = {"code_hash": code_hash, "created_by": created_by, "created_at": now,
                  "expires_at": expires_at}  # fmt: skip
        return new_id(await self._exec(insert(supplier_codes).values(**values)))

    async def get_supplier_code(self, code_hash: str) -> SupplierCode | None:
        """A code by its hash."""
        stmt = select(supplier_codes).where(supplier_codes.c.code_hash == code_hash)
        row = (await self._exec(stmt)).first()
        if row is None:
            return None
        return SupplierCode(row.id, row.created_by, row.expires_at, row.used_at)

    async def use_supplier_code(self, code_id: int, member_id: int, now: datetime) -> bool:
        """Spend a code once: False when someone spent it first."""
        stmt = (
            update(supplier_codes)
            .where(supplier_codes.c.id == code_id, supplier_codes.c.used_at.is_(None))
            .values(used_by=member_id, used_at=now)
        )
        return (await self._exec(stmt)).rowcount > 0

    async def add_supplier(self, member_id: int, added_by: int, now: datetime) -> bool:
        """Grant the role; False when the member already held it."""
        values = {"member_id": member_id, "added_by": added_by, "added_at": now}
        return await self._insert_ignore(suppliers, values)

    async def remove_supplier(self, member_id: int) -> bool:
        """Take the role back; False when the member did not hold it."""
        stmt = delete(suppliers).where(suppliers.c.member_id == member_id)
        return (await self._exec(stmt)).rowcount > 0

    async def is_supplier(self, member_id: int) -> bool:
        """Whether the member holds the supplier role."""
        stmt = select(suppliers.c.member_id).where(suppliers.c.member_id == member_id)
        return (await self._exec(stmt)).first() is not None

    async def suppliers(self) -> list[Supplier]:
        """Every supplier with their display name, oldest first."""
        stmt = (
            select(suppliers.c.member_id, suppliers.c.added_at, members.c.display_name)
            .join(members, members.c.id == suppliers.c.member_id)
            .order_by(suppliers.c.added_at, suppliers.c.member_id)
        )
        return [Supplier(r.member_id, r.display_name, r.added_at) for r in await self._exec(stmt)]

    async def add_offer(
        self,
        idea_id: int,
        supplier_id: int,
        tiers: Sequence[Tier],
        moq: int | None,
        capacity: int | None,
        lead_days: int,
        note: str,
        now: datetime,
    ) -> int:
        """A new open offer; returns its id."""
        values = {"idea_id": idea_id, "supplier_id": supplier_id, "tiers": tiers_to_json(tiers),
                  "moq": moq, "capacity": capacity, "lead_days": lead_days, "note": note,
                  "status": OfferStatus.OPEN.value, "created_at": now,
                  "updated_at": now}  # fmt: skip
        return new_id(await self._exec(insert(offers).values(**values)))

    async def get_offer(self, offer_id: int) -> Offer | None:
        """An offer by id; in a PostgreSQL write its row is locked, so a withdrawal and a launch
        from the same offer take turns (SQLite's single writer already serialises them)."""
        stmt = _offers().where(offers.c.id == offer_id)
        if self._locking:
            stmt = stmt.with_for_update(of=offers)
        row = (await self._exec(stmt)).first()
        return None if row is None else offer_from_row(row)

    async def offers_for_idea(self, idea_id: int, statuses: Sequence[OfferStatus]) -> list[Offer]:
        """An idea's offers in these states, oldest first."""
        stmt = _offers().where(
            offers.c.idea_id == idea_id, offers.c.status.in_([s.value for s in statuses])
        )
        return [offer_from_row(row) for row in await self._exec(stmt.order_by(offers.c.id))]

    async def open_offers_of(self, supplier_id: int) -> list[Offer]:
        """A supplier's offers still open."""
        stmt = _offers().where(
            offers.c.supplier_id == supplier_id, offers.c.status == OfferStatus.OPEN.value
        )
        return [offer_from_row(row) for row in await self._exec(stmt.order_by(offers.c.id))]

    async def set_offer_status(
        self, offer_id: int, status: OfferStatus, now: datetime, wave_id: int | None = None
    ) -> bool:
        """Move an open offer on (withdrawn, chosen with its wave, declined); False when it was
        no longer open (a removal waiting behind a launch must not overwrite 'chosen')."""
        values: dict[str, Any] = {"status": status.value, "updated_at": now}
        if wave_id is not None:
            values["wave_id"] = wave_id
        still_open = (offers.c.id == offer_id, offers.c.status == OfferStatus.OPEN.value)
        result = await self._exec(update(offers).where(*still_open).values(**values))
        return bool(result.rowcount)

    async def wave_supplier(self, wave_id: int) -> int | None:
        """The member whose chosen offer this wave came from, if any."""
        stmt = select(offers.c.supplier_id).where(
            offers.c.wave_id == wave_id, offers.c.status == OfferStatus.CHOSEN.value
        )
        found = (await self._exec(stmt.limit(1))).scalar_one_or_none()
        return None if found is None else int(found)

    async def category_questions(self, category: str, limit: int) -> tuple[int, list[str]]:
        """How many questions were asked on the category's waves, and the latest texts."""
        where = (questions.c.wave_id == waves.c.id, waves.c.category == category)
        count = select(func.count()).select_from(questions).join(waves, where[0])
        total = int((await self._exec(count.where(where[1]))).scalar_one())
        latest = (
            select(questions.c.text)
            .join(waves, where[0])
            .where(where[1])
            .order_by(questions.c.created_at.desc(), questions.c.id.desc())
            .limit(limit)
        )
        return total, [str(row.text) for row in await self._exec(latest)]

    async def fold_supply(self, source_id: int, target_id: int) -> dict[str, int]:
        """A merge keeps one person: the supplier role (if either held it), offers and creator
        credits move to the kept member; the newsletter follows the kept member's choice and
        the merged member's period marks are dropped."""
        moved: dict[str, int] = {}
        if await self.is_supplier(source_id):
            keep = select(suppliers.c.member_id).where(suppliers.c.member_id == target_id)
            if (await self._exec(keep)).first() is None:
                stmt = update(suppliers).where(suppliers.c.member_id == source_id)
                await self._exec(stmt.values(member_id=target_id))
            else:
                await self.remove_supplier(source_id)
        for column in (offers.c.supplier_id, creator_credits.c.author_id):
            stmt = update(column.table).where(column == source_id).values({column.name: target_id})
            moved[f"{column.table.name}_moved"] = int((await self._exec(stmt)).rowcount)
        for table in (newsletter_optouts, newsletter_sends):
            await self._exec(delete(table).where(table.c.member_id == source_id))
        return moved
