"""core.ports.StatsStore over SQL."""

from __future__ import annotations

from storage.sql_base import TxBase


class StatsMixin(TxBase):
    """core.ports.StatsStore over SQL."""
