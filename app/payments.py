"""Which payment provider serves whom, from the settings (docs/ARCHITECTURE.md, "Payments")."""

from __future__ import annotations

from config.settings import Settings
from core.clock import Clock, SystemClock
from core.payment_ports import PaymentProvider
from core.services.providers import ManualProvider, PaymentDesk, SimulatedProvider


def payment_desk(settings: Settings, clock: Clock | None = None) -> PaymentDesk:
    """Nothing set: manual collection; "simulated": the demo's provider for every account;
    a Stripe key: Stripe Checkout for every account (Telegram Payments may take Telegram's)."""
    if settings.payment_provider == "simulated":
        return PaymentDesk(default=SimulatedProvider())
    if settings.stripe_enabled:
        return PaymentDesk(default=stripe_provider(settings, clock or SystemClock()))
    return PaymentDesk(default=ManualProvider())


async def close_desk(desk: PaymentDesk) -> None:
    """Close the providers' connections (Stripe's HTTP client) when the runtime ends."""
    for provider in (desk.default, *desk.by_platform.values()):
        close = getattr(provider, "aclose", None)
        if close is not None:
            await close()


def stripe_provider(settings: Settings, clock: Clock) -> PaymentProvider:
    """Stripe Checkout on the official client; the library is imported only when configured."""
    from bots.web.stripe_checkout import StripeCheckout, link_key, stripe_client

    client, http = stripe_client(settings.stripe_api_key.get_secret_value(),
                                 settings.stripe_api_base)  # fmt: skip
    countries = tuple(code for code in settings.stripe_shipping_countries.split(",") if code)
    key = link_key(settings.stripe_api_key.get_secret_value())
    return StripeCheckout(client, clock, settings.public_url, countries, http, key)
