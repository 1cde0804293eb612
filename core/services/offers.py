"""Offers: a supplier answers a brief with tiers, a minimum, a capacity, a lead time and a note;
moderators compare them and launch a wave from one. The chosen supplier is told and follows its
wave; the others hear they were not chosen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from core.errors import DomainError, NotFound
from core.messages import t
from core.model import IdeaStatus, Tier, Wave
from core.ports import Actor, Tx
from core.services import announce as ann
from core.services import waves
from core.services.briefs import Brief, Forecast, brief_in, forecast
from core.services.context import Context, member_of, require_moderator
from core.services.ideas import load_idea
from core.services.suppliers import require_supplier
from core.supply_records import Offer, OfferStatus
from core.tiers import validate_tiers

NOTE_MAX = 300
LEAD_MAX = timedelta(days=365)
DEFAULT_LEAD = timedelta(days=14)
LISTED = (OfferStatus.OPEN, OfferStatus.CHOSEN)


@dataclass(frozen=True)
class OfferTerms:
    """What a supplier typed after the idea."""

    tiers: tuple[Tier, ...]
    moq: int | None = None
    capacity: int | None = None
    lead: timedelta = DEFAULT_LEAD
    note: str = ""


@dataclass(frozen=True)
class Comparison:
    """The moderators' side-by-side view of an idea's offers."""

    brief: Brief
    offers: tuple[tuple[Offer, Forecast], ...]


def _check_terms(terms: OfferTerms) -> tuple[Tier, ...]:
    """Refuse terms that make no sense, saying which (rising prices among them)."""
    tiers = validate_tiers(terms.tiers)
    if terms.moq is not None and terms.moq < 1:
        raise DomainError("error.option_positive", option="min")
    if terms.capacity is not None and terms.capacity < (terms.moq or 1):
        raise DomainError("error.capacity_small")
    if not timedelta(days=1) <= terms.lead <= LEAD_MAX:
        raise DomainError("error.offer_lead_range", max_days=LEAD_MAX.days)
    return tiers


def _check_idea_open(status: IdeaStatus, idea_id: int) -> None:
    """Offers answer approved ideas only; a launched one already has its wave."""
    if status is IdeaStatus.LAUNCHED:
        raise DomainError("error.offer_idea_launched", id=idea_id)
    if status is not IdeaStatus.APPROVED:
        raise DomainError("error.offer_idea_not_open", id=idea_id)


async def make(ctx: Context, actor: Actor, idea_id: int, terms: OfferTerms) -> Offer:
    """Record a supplier's offer and tell the moderation chats."""
    await require_supplier(ctx, actor)
    tiers = _check_terms(terms)
    async with ctx.db.write() as tx:
        idea = await load_idea(tx, idea_id)
        _check_idea_open(idea.status, idea.id)
        supplier = await member_of(ctx, tx, actor)
        if not await tx.is_supplier(supplier.id):  # the role may have gone since the check
            raise DomainError("error.not_supplier")
        offer_id = await tx.add_offer(idea.id, supplier.id, tiers, terms.moq, terms.capacity,
                                      terms.lead.days, terms.note.strip()[:NOTE_MAX],
                                      ctx.clock.now())  # fmt: skip
        offer = await _load(tx, offer_id)
        body = (t("offer.mod_new", id=offer.id, idea=idea.id, title=idea.title,
                  supplier=supplier.display_name),)  # fmt: skip
        targets = await tx.moderator_targets(ctx.rules.default_lang)
        await ann.record(ctx, tx, None, f"offer:{offer.id}", ann.encode(body), targets)
        return offer


async def _load(tx: Tx, offer_id: int) -> Offer:
    """An offer by id, or a clear 'no such offer'."""
    offer = await tx.get_offer(offer_id)
    if offer is None:
        raise NotFound("error.offer_not_found", id=offer_id)
    return offer


async def withdraw(ctx: Context, actor: Actor, offer_id: int) -> Offer:
    """A supplier takes back its own offer, until it is chosen."""
    await require_supplier(ctx, actor)
    async with ctx.db.write() as tx:
        offer = await _load(tx, offer_id)
        member = await member_of(ctx, tx, actor)
        if offer.supplier_id != member.id:
            raise DomainError("error.offer_not_yours", id=offer.id)
        if offer.status is not OfferStatus.OPEN:
            raise DomainError("error.offer_not_open", id=offer.id,
                              status=t(f"offer_status.{offer.status.value}"))  # fmt: skip
        await tx.set_offer_status(offer.id, OfferStatus.WITHDRAWN, ctx.clock.now())
        return offer


async def compare(ctx: Context, actor: Actor, idea_id: int) -> Comparison:
    """An idea's open (and chosen) offers with the units and price each would reach."""
    await require_moderator(ctx, actor)
    async with ctx.db.read() as tx:
        idea = await load_idea(tx, idea_id)
        brief = await brief_in(tx, idea)
        found = await tx.offers_for_idea(idea.id, LISTED)
    return Comparison(brief, tuple((offer, forecast(offer.tiers, offer.moq, brief))
                                   for offer in found))  # fmt: skip


async def launch(
    ctx: Context, actor: Actor, idea_id: int, offer_id: int, duration: timedelta
) -> tuple[Wave, Offer]:
    """Open a wave on an offer's terms: wanters hear which maker answered, the chosen supplier
    that it was chosen, the other suppliers of the idea that they were not (offer_news.py);
    one commit."""
    await require_moderator(ctx, actor)
    async with ctx.db.write() as tx:
        await tx.lock_idea(idea_id)  # the idea before any offer: launches lock in one order
        offer = await _load(tx, offer_id)
        if offer.idea_id != idea_id:
            raise DomainError("error.offer_other_idea", id=offer.id, idea=offer.idea_id)
        if offer.status is not OfferStatus.OPEN:
            raise DomainError("error.offer_not_open", id=offer.id,
                              status=t(f"offer_status.{offer.status.value}"))  # fmt: skip
        if not await tx.is_supplier(offer.supplier_id):  # removed while making it
            raise DomainError("error.offer_not_open", id=offer.id,
                              status=t(f"offer_status.{OfferStatus.WITHDRAWN.value}"))  # fmt: skip
        plan = waves.LaunchPlan(idea_id, offer.tiers, duration, offer.moq, offer.capacity,
                                maker=offer.supplier_name, offer_id=offer.id)  # fmt: skip
        wave = await waves.launch(ctx, actor, plan)  # a savepoint of this write; settles offers
        return wave, offer
