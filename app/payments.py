"""Which payment provider serves whom, from the settings (docs/ARCHITECTURE.md, "Payments")."""

from __future__ import annotations

from config.settings import Settings
from core.services.providers import ManualProvider, PaymentDesk, SimulatedProvider


def payment_desk(settings: Settings) -> PaymentDesk:
    """Nothing set: manual collection; "simulated": the demo's provider for every account."""
    if settings.payment_provider == "simulated":
        return PaymentDesk(default=SimulatedProvider())
    return PaymentDesk(default=ManualProvider())
