"""What a wave's invoices ask the payer for with the payment: /shipping (moderators)."""

from __future__ import annotations

from core.checkout_ports import PaymentNeeds
from core.commands.params import Param, Text, WaveId
from core.commands.registry import Request, command
from core.messages import Lines, Reply, T, t
from core.services import checkout
from core.services.context import require_moderator

THE_WAVE = Param("wave", WaveId)
DETAILS = Param("details", Text, required=False)


def _reads(args: str) -> bool:
    """'/shipping 3' shows, '/shipping 3 name address' changes."""
    return len(args.split()) <= 1


@command("shipping", THE_WAVE, DETAILS, moderator=True, reads_only=_reads)
async def shipping(req: Request) -> list[Reply]:
    """Which delivery details (name, phone, address) a wave's invoices ask the payer for."""
    wave_id, words = req.arg(THE_WAVE), (req.maybe(DETAILS) or "").strip()
    if not words:
        await require_moderator(req.ctx, req.actor)
        needs = await checkout.needs_of(req.ctx, wave_id)
        if needs is None:
            return [Reply(body=(t("shipping.default", id=wave_id),), private=True)]
        return [Reply(body=(_asked(wave_id, needs),), private=True)]
    needs = await checkout.set_needs(req.ctx, req.actor, wave_id, words)
    return [Reply(body=(_asked(wave_id, needs),), private=True)]


def _asked(wave_id: int, needs: PaymentNeeds) -> T:
    """The details asked, one per line, named in the reader's language."""
    if not needs.words:
        return t("shipping.nothing", id=wave_id)
    details = Lines(tuple(t(f"shipping.detail_{word}") for word in needs.words))
    return t("shipping.asks", id=wave_id, details=details)
