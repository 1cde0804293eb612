"""core.privacy_ports.PrivacyStore over SQL: one member's data, erasing it, and deleting the
shipping details of delivered waves once their retention is over."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, exists, select, update

from core.fulfilment_ports import FulfilmentStatus
from core.model import WaveStatus
from core.payment_records import PaymentState
from core.privacy_ports import Rows
from storage.schema import accounts, follows, ideas, members, pledges, wants, waves
from storage.schema_payments import fulfilments, payment_shipping, payments
from storage.schema_people import answers, helpers, questions, reviews
from storage.schema_supply import (
    creator_credits,
    newsletter_optouts,
    newsletter_sends,
    offers,
    suppliers,
)
from storage.sql_base import TxBase

OWNED: dict[str, tuple[Table, str, tuple[str, ...]]] = {  # section → table, owner column, columns
    "accounts": (accounts, "member_id", ("account", "linked_at")),
    "wants": (wants, "member_id", ("idea_id", "max_price_cents", "created_at")),
    "pledges": (pledges, "member_id", ("wave_id", "quantity", "max_price_cents", "status",
                                       "created_at", "updated_at")),
    "payments": (payments, "member_id", ("wave_id", "provider", "charge_id", "quantity",
                                         "amount_cents", "currency", "state", "counted",
                                         "paid_at")),
    "reviews": (reviews, "member_id", ("wave_id", "rating", "text", "created_at", "updated_at")),
    "questions": (questions, "member_id", ("id", "wave_id", "text", "created_at")),
    "answers": (answers, "member_id", ("question_id", "text", "created_at")),
    "follows": (follows, "member_id", ("category", "created_at")),
    "helper": (helpers, "member_id", ("created_at",)),
    "supplier": (suppliers, "member_id", ("added_at",)),
    "offers": (offers, "supplier_id", ("id", "idea_id", "tiers", "moq", "capacity", "lead_days",
                                       "note", "status", "wave_id", "created_at")),
    "creator_credits": (creator_credits, "author_id", ("wave_id", "revenue_cents",
                                                       "amount_cents", "currency",
                                                       "share_percent", "created_at")),
    "newsletter_off": (newsletter_optouts, "member_id", ("at",)),
    "newsletters": (newsletter_sends, "member_id", ("period", "sent_at")),
}  # fmt: skip
PROFILE = ("id", "display_name", "lang", "timezone", "notify_milestones", "notify_news",
           "review_name", "created_at", "banned_at")  # fmt: skip
IDEA = ("id", "title", "description", "category", "status", "created_at")
LIVE = (WaveStatus.SUCCEEDED.value, WaveStatus.COMPLETED.value)


def _rows(result: Any, columns: tuple[str, ...]) -> Rows:
    """Result rows as plain dicts of the named columns."""
    return [{column: getattr(row, column) for column in columns} for row in result]


class PrivacyMixin(TxBase):
    """core.privacy_ports.PrivacyStore over SQL."""

    async def member_data(self, member_id: int) -> dict[str, Rows]:
        """Everything kept about this member, section by section (theirs only)."""
        found: dict[str, Rows] = {}
        profile = select(*(members.c[c] for c in PROFILE)).where(members.c.id == member_id)
        found["profile"] = _rows(await self._exec(profile), PROFILE)
        authored = select(*(ideas.c[c] for c in IDEA)).where(ideas.c.author_id == member_id)
        found["ideas"] = _rows(await self._exec(authored.order_by(ideas.c.id)), IDEA)
        for section, (table, owner, columns) in OWNED.items():
            stmt = select(*(table.c[c] for c in columns)).where(table.c[owner] == member_id)
            found[section] = _rows(await self._exec(stmt), columns)
        shipping = (
            select(payments.c.wave_id, payment_shipping.c.name, payment_shipping.c.phone,
                   payment_shipping.c.address, payment_shipping.c.recorded_at)
            .join(payments, payments.c.id == payment_shipping.c.payment_id)
            .where(payments.c.member_id == member_id)
            .order_by(payments.c.id)
        )  # fmt: skip
        found["shipping"] = _rows(
            await self._exec(shipping), ("wave_id", "name", "phone", "address", "recorded_at")
        )
        return found

    async def undelivered_paid_waves(self, member_id: int) -> list[int]:
        """Waves this member paid for whose goods are not marked delivered yet."""
        delivered = exists().where(
            fulfilments.c.wave_id == payments.c.wave_id,
            fulfilments.c.status == FulfilmentStatus.DELIVERED.value,
        )
        stmt = (
            select(payments.c.wave_id)
            .join(waves, waves.c.id == payments.c.wave_id)
            .where(
                payments.c.member_id == member_id,
                payments.c.state == PaymentState.PAID.value,
                payments.c.counted.is_(True),
                waves.c.status.in_(LIVE),
                ~delivered,
            )
            .distinct()
            .order_by(payments.c.wave_id)
        )
        return [int(wave_id) for wave_id in (await self._exec(stmt)).scalars()]

    async def forget_member(self, member_id: int) -> int:
        """Erase the member's personal data, keeping anonymous counts; rows changed."""
        theirs = select(payments.c.id).where(payments.c.member_id == member_id)
        changed = 0
        for stmt in (
            delete(payment_shipping).where(payment_shipping.c.payment_id.in_(theirs)),
            delete(follows).where(follows.c.member_id == member_id),
            delete(helpers).where(helpers.c.member_id == member_id),
            update(reviews).where(reviews.c.member_id == member_id, reviews.c.text != "")
            .values(text=""),
            update(members).where(members.c.id == member_id)
            .values(display_name="", lang=None, timezone=None, review_name=False),
        ):  # fmt: skip
            changed += int((await self._exec(stmt)).rowcount or 0)
        return changed

    async def purge_delivered_shipping(self, delivered_before: datetime, limit: int) -> int:
        """Shipping details of waves delivered before the cut-off, at most `limit` rows."""
        old = (
            select(payment_shipping.c.payment_id)
            .join(payments, payments.c.id == payment_shipping.c.payment_id)
            .join(fulfilments, fulfilments.c.wave_id == payments.c.wave_id)
            .where(
                fulfilments.c.status == FulfilmentStatus.DELIVERED.value,
                fulfilments.c.delivered_at < delivered_before,
            )
            .limit(limit)
        )
        ids = [int(i) for i in (await self._exec(old)).scalars()]
        if not ids:
            return 0
        stmt = delete(payment_shipping).where(payment_shipping.c.payment_id.in_(ids))
        return int((await self._exec(stmt)).rowcount or 0)
