"""What the bot holds about one member (/mydata), erasing it (/forgetme), and the retention of
shipping details after delivery (docs/ARCHITECTURE.md, "Privacy")."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

Rows = list[dict[str, Any]]


class PrivacyStore(Protocol):
    """One member's personal data inside a transaction."""

    async def member_data(self, member_id: int) -> dict[str, Rows]: ...
    async def undelivered_paid_waves(self, member_id: int) -> list[int]: ...
    async def forget_member(self, member_id: int) -> int: ...
    async def purge_delivered_shipping(self, delivered_before: datetime, limit: int) -> int: ...
