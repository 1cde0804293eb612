"""When an idea becomes a wave, its open offers are settled in the launch's transaction: the
chosen one (if the wave answers an offer) is marked with its wave and its supplier told; every
other open offer is declined and its supplier told it was not chosen."""

from __future__ import annotations

from core.messages import T, t
from core.model import Wave
from core.ports import Tx
from core.services import announce as ann
from core.services.context import Context
from core.supply_records import Offer, OfferStatus


async def settle_offers(ctx: Context, tx: Tx, idea_id: int, wave: Wave, chosen: int | None) -> None:
    """Mark the chosen offer and decline the others, each supplier told in private."""
    now = ctx.clock.now()
    for offer in await tx.offers_for_idea(idea_id, (OfferStatus.OPEN,)):
        if offer.id == chosen:
            await tx.set_offer_status(offer.id, OfferStatus.CHOSEN, now, wave.id)
            body = t("offer.chosen", id=offer.id, wave=wave.id, title=wave.title)
            await _tell_supplier(ctx, tx, offer, f"offer_chosen:{offer.id}", body)
        else:
            await tx.set_offer_status(offer.id, OfferStatus.DECLINED, now)
            body = t("offer.declined", id=offer.id, idea=idea_id, title=wave.title)
            await _tell_supplier(ctx, tx, offer, f"offer_declined:{offer.id}", body)


async def _tell_supplier(ctx: Context, tx: Tx, offer: Offer, kind: str, body: T) -> None:
    """A private notice to the offer's supplier (business news: no opt-out)."""
    target = await tx.member_target(offer.supplier_id)
    if target is not None:
        await ann.record(ctx, tx, None, kind, ann.encode((body,)), [target])
