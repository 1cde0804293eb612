"""DM channels kept per user, so a restart does not cost a lookup before each first DM."""

from __future__ import annotations

from sqlalchemy import delete, select

from storage.schema import dm_channels
from storage.sql_base import TxBase


class DirectChannelMixin(TxBase):
    """core.feature_ports.DirectChannelStore over SQL."""

    async def dm_channel(self, platform: str, user_id: str) -> str | None:
        """The DM channel last opened with a user, None when never opened (or forgotten)."""
        stmt = select(dm_channels.c.channel_id).where(
            dm_channels.c.platform == platform, dm_channels.c.user_id == user_id
        )
        found = (await self._exec(stmt)).scalar_one_or_none()
        return None if found is None else str(found)

    async def save_dm_channel(self, platform: str, user_id: str, channel_id: str) -> None:
        """Remember (or replace) the DM channel with a user."""
        values = {"platform": platform, "user_id": user_id, "channel_id": channel_id}
        await self._upsert(dm_channels, values, ("platform", "user_id"), ("channel_id",))

    async def forget_dm_channel(self, platform: str, user_id: str) -> None:
        """Drop a DM channel the platform says is gone."""
        await self._exec(
            delete(dm_channels).where(
                dm_channels.c.platform == platform, dm_channels.c.user_id == user_id
            )
        )
