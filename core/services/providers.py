"""The payment providers the core ships (manual, simulated) and the desk that picks one per account.

Configuration builds a `PaymentDesk` (app/payments.py): with nothing set every account pays the
manual way; the demo uses the simulated provider; Telegram Payments and Stripe Checkout plug in
per platform through the same `core.payment_ports.PaymentProvider` Protocol.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.messages import Button, Reply, T, t
from core.money import Money
from core.payment_ports import PaymentProvider
from core.payment_records import MANUAL, SIMULATED, Payment, PaymentRequest, RefundResult


def owed_line(request: PaymentRequest) -> T:
    """What is owed: quantity × unit price = total, for which wave, before when."""
    unit = Money(request.unit_cents, request.currency)
    return t("pay.owed", id=request.wave_id, title=request.title, qty=request.quantity,
             price=unit, total=request.amount, deadline=request.due_at)  # fmt: skip


class ManualProvider:
    """The community collects by transfer or cash; moderators mark /paid, refunds are tasks."""

    name = MANUAL
    collects = False
    refunds = False

    async def prompt(self, request: PaymentRequest) -> Reply:
        """The amount, the community's instructions (or the default ones), and who marks it."""
        how = (t("pay.manual_how", text=request.instructions) if request.instructions
               else t("pay.manual_default"))  # fmt: skip
        marked = t("pay.manual_marked", member=request.member_id, id=request.wave_id)
        return Reply(body=(owed_line(request), how, marked), private=True)

    async def refund(self, payment: Payment, key: str) -> RefundResult:
        """The bot holds no money: a moderator gives it back and marks /refunded."""
        return RefundResult(done=False, error="manual")


class SimulatedProvider:
    """The demo's provider: a button pays at once, refunds succeed at once; no money moves."""

    name = SIMULATED
    collects = True
    refunds = True

    async def prompt(self, request: PaymentRequest) -> Reply:
        """The amount and a button that pays it (simulated)."""
        button = Button(t("button.simpay", total=request.amount), f"simpay:{request.wave_id}")
        body = (owed_line(request), t("pay.simulated_hint"))
        return Reply(body=body, buttons=((button,),), private=True)

    async def refund(self, payment: Payment, key: str) -> RefundResult:
        """Always succeeds, with an id derived from the key (a retry gives the same id)."""
        return RefundResult(done=True, provider_refund_id=f"simrefund-{key}")


def charge_id(request: PaymentRequest) -> str:
    """The simulated charge of a request: one per pledge and amount (a second press: no-op)."""
    return f"sim-{request.reference}"


NAMED = ("manual", "simulated", "telegram", "stripe")  # providers with a name in the catalogue


def provider_text(name: str) -> T:
    """How a payment provider is named to people ("Stripe", "by hand"), not its stored name."""
    return t(f"payment.provider_name.{name}") if name in NAMED else t("plain", text=name)


@dataclass
class PaymentDesk:
    """Which provider serves which account: one per platform, else the default."""

    default: PaymentProvider = field(default_factory=ManualProvider)
    by_platform: dict[str, PaymentProvider] = field(default_factory=dict)

    def for_account(self, account: str) -> PaymentProvider:
        """The provider a member on this account pays through."""
        return self.by_platform.get(account.partition(":")[0], self.default)

    def named(self, name: str) -> PaymentProvider | None:
        """The provider that took a recorded payment, to give it back."""
        for provider in (self.default, *self.by_platform.values()):
            if provider.name == name:
                return provider
        return ManualProvider() if name == MANUAL else None

    def refunding(self) -> list[str]:
        """The names of the providers that give money back themselves."""
        every = (self.default, *self.by_platform.values())
        return sorted({provider.name for provider in every if provider.refunds})

    @property
    def collects(self) -> bool:
        """Money is taken by a provider: the outcome is decided on paid units, not confirmations."""
        return self.default.collects or any(p.collects for p in self.by_platform.values())
