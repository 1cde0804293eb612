"""Live wave cards: which posted messages to edit in place when a wave's count moves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, select, update

from core.ports import Card
from storage.schema import cards
from storage.sql_base import TxBase


class CardMixin(TxBase):
    """core.ports.CardStore over SQL."""

    async def add_card(
        self,
        platform: str,
        chat_id: str,
        message_id: str,
        wave_id: int,
        lang: str,
        now: datetime,
        dirty: bool = False,
    ) -> None:
        """Remember a posted card; a newer card of the same wave in the same chat replaces it."""
        values = {
            "platform": platform,
            "chat_id": chat_id,
            "message_id": message_id,
            "wave_id": wave_id,
            "lang": lang,
            "dirty": dirty,
            "gone": False,
            "revision": 0,
            "created_at": now,
            "edited_at": now,
        }
        keys = ("platform", "chat_id", "wave_id")
        changed = ("message_id", "lang", "dirty", "gone", "revision", "created_at", "edited_at")
        await self._upsert(cards, values, keys, changed)

    async def mark_cards_dirty(self, wave_id: int) -> None:
        """The wave changed: its live cards need an edit."""
        stmt = (
            update(cards)
            .where(cards.c.wave_id == wave_id, cards.c.gone.is_(False))
            .values(dirty=True, revision=cards.c.revision + 1)
        )
        await self._exec(stmt)

    async def dirty_cards(self, edited_before: datetime, limit: int) -> list[Card]:
        """Cards needing an edit and not edited since edited_before (throttle), stalest first."""
        stmt = (
            select(cards)
            .where(
                cards.c.dirty.is_(True),
                cards.c.gone.is_(False),
                cards.c.edited_at <= edited_before,
            )
            .order_by(cards.c.edited_at, cards.c.id)
            .limit(limit)
        )
        return [
            Card(
                row.id,
                row.platform,
                row.chat_id,
                row.message_id,
                row.wave_id,
                row.lang,
                row.revision,
            )
            for row in await self._exec(stmt)
        ]

    async def card_edited(self, card: Card, now: datetime, gone: bool = False) -> None:
        """An edit went through (or the message is gone); still dirty if the wave moved since."""
        moved = case((cards.c.revision == card.revision, False), else_=True)
        stmt = (
            update(cards).where(cards.c.id == card.id).values(dirty=moved, edited_at=now, gone=gone)
        )
        await self._exec(stmt)
