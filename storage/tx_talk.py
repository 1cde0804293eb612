"""core.ports.TalkStore over SQL."""

from __future__ import annotations

from storage.sql_base import TxBase


class TalkMixin(TxBase):
    """core.ports.TalkStore over SQL."""
