"""Ports of the supplier side: accounts and codes, offers, the creator ledger, the newsletter."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.model import Target, Tier
from core.supply_records import (
    CategoryConversion,
    CreatorCredit,
    Offer,
    OfferStatus,
    Supplier,
    SupplierCode,
)


class SupplierStore(Protocol):
    """Supplier accounts, their one-time codes and their offers inside a transaction."""

    async def add_supplier_code(
        self, code_hash: str, created_by: int, now: datetime, expires_at: datetime
    ) -> int: ...
    async def get_supplier_code(self, code_hash: str) -> SupplierCode | None: ...
    async def use_supplier_code(self, code_id: int, member_id: int, now: datetime) -> bool: ...
    async def add_supplier(self, member_id: int, added_by: int, now: datetime) -> bool: ...
    async def remove_supplier(self, member_id: int) -> bool: ...
    async def is_supplier(self, member_id: int) -> bool: ...
    async def suppliers(self) -> list[Supplier]: ...
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
    ) -> int: ...
    async def get_offer(self, offer_id: int) -> Offer | None: ...
    async def offers_for_idea(
        self, idea_id: int, statuses: Sequence[OfferStatus]
    ) -> list[Offer]: ...
    async def open_offers_of(self, supplier_id: int) -> list[Offer]: ...
    async def set_offer_status(
        self, offer_id: int, status: OfferStatus, now: datetime, wave_id: int | None = None
    ) -> bool: ...
    async def wave_supplier(self, wave_id: int) -> int | None: ...
    async def category_questions(self, category: str, limit: int) -> tuple[int, list[str]]: ...
    async def fold_supply(self, source_id: int, target_id: int) -> dict[str, int]: ...


class CreatorStore(Protocol):
    """The creator-share ledger, fed only by completed, paid waves."""

    async def add_creator_credit(
        self,
        wave_id: int,
        author_id: int,
        revenue_cents: int,
        amount_cents: int,
        currency: str,
        share_percent: int,
        now: datetime,
    ) -> bool: ...
    async def set_creator_revenue(
        self, wave_id: int, revenue_cents: int, amount_cents: int
    ) -> bool: ...
    async def credits_of(self, author_id: int) -> list[CreatorCredit]: ...
    async def credit_for_wave(self, wave_id: int) -> CreatorCredit | None: ...
    async def credit_totals(self) -> list[tuple[str, int, int]]: ...
    async def category_conversions(self) -> list[CategoryConversion]: ...


class NewsletterStore(Protocol):
    """Opt-outs and one send per member per period of the personal newsletter."""

    async def set_newsletter(self, member_id: int, on: bool, now: datetime) -> None: ...
    async def newsletter_on(self, member_id: int) -> bool: ...
    async def newsletter_due(
        self, period: int, joined_before: datetime, limit: int
    ) -> list[tuple[int, Target | None]]: ...
    async def claim_newsletter(
        self, member_id: int, period: int, now: datetime, delivered: bool
    ) -> bool: ...
    async def wanted_idea_ids(self, member_id: int) -> list[int]: ...
