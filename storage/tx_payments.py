"""core.ports.PaymentStore over SQL."""

from __future__ import annotations

from storage.sql_base import TxBase


class PaymentMixin(TxBase):
    """core.ports.PaymentStore over SQL."""
