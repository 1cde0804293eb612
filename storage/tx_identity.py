"""core.ports.IdentityStore over SQL."""

from __future__ import annotations

from storage.sql_base import TxBase


class IdentityMixin(TxBase):
    """core.ports.IdentityStore over SQL."""
