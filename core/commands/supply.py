"""Supplier commands: /supplier, /suppliers, /briefs, /brief, /offer, /unoffer, /offers, and the
launch of a wave from an offer (/launch <idea> offer=<id> <duration>)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from datetime import timedelta

from core.commands.params import IDEA, IdeaId, Kind, Misfit, OfferTiers, Param, Takes, Text, Word
from core.commands.parsing import parse_duration, parse_id, parse_options
from core.commands.registry import Request, command
from core.commands.usage import say, say_private, usage_error
from core.errors import DomainError
from core.messages import Attachment, Lines, Reply, T, t
from core.money import Money
from core.services import briefs as br
from core.services import community, offers, suppliers
from core.services import stats as st
from core.services.briefs import Brief
from core.services.offers import OfferTerms
from core.supply_records import Offer
from core.views import wave_card

ACTIONS = ("add", "remove", "redeem")
_OPTION = re.compile(r"^(min|cap|lead)=", re.I)


def _supplier_action(word: str) -> str:
    """add, remove or redeem; any other word shows the usage."""
    if word.lower() not in ACTIONS:
        raise Misfit(word)
    return word.lower()


def _offer_options(words: list[str]) -> Mapping[str, int | timedelta]:
    """'min=50 cap=500 lead=21d': numbers, and the lead time as a duration."""
    lead = [word for word in words if word.lower().startswith("lead=")]
    found: dict[str, int | timedelta] = dict(
        parse_options([w.lower() for w in words if w not in lead], ("min", "cap"))
    )
    for word in lead:
        found["lead"] = parse_duration(word.partition("=")[2])
    return found


SUPPLIER_ACTION = Param("action", Kind(lambda words: _supplier_action(words[0]),
                                       label=lambda key: "|".join(ACTIONS)))  # fmt: skip
WHO = Param("who", Text, required=False)
THE_IDEA = Param(IDEA, IdeaId)
CATEGORY = Param("category", Word, required=False)
OFFER_TIERS = Param("tiers", OfferTiers)
OFFER_OPTIONS = Param("options", Kind(_offer_options, Takes.MANY, framed=False,
                                      accepts=lambda word: _OPTION.match(word) is not None,
                                      label=lambda key: "[min=N] [cap=N] [lead=14d]"),
                      required=False)  # fmt: skip
NOTE = Param("note", Text, required=False)
OFFER = Param("offer", Kind(lambda words: parse_id(words[0], "offer"), option_type=int))


@command("supplier", SUPPLIER_ACTION, WHO, hint="usage.supplier_hint", listed="moderators")
async def supplier(req: Request) -> list[Reply]:
    """add: a one-time code for a future supplier; remove <who>; redeem <code> (in private)."""
    action, who = req.arg(SUPPLIER_ACTION), (req.maybe(WHO) or "").strip()
    if action == "add":
        invite = await suppliers.invite(req.ctx, req.actor, req.chat)
        return say_private(t("supplier.code", code=invite.code, expires=invite.expires_at))
    if not who:
        raise usage_error("supplier")
    if action == "remove":
        removal = await suppliers.remove(req.ctx, req.actor, who)
        return say("supplier.removed", name=removal.member.display_name,
                   withdrawn=len(removal.withdrawn))  # fmt: skip
    await suppliers.redeem(req.ctx, req.actor, req.chat, who)
    return say_private(t("supplier.welcome"))


@command("suppliers", moderator=True, reads_only=True)
async def list_suppliers(req: Request) -> list[Reply]:
    """Every supplier, as moderators name members (#id)."""
    found = await suppliers.listing(req.ctx, req.actor)
    if not found:
        return say_private(t("suppliers.none"))
    rows = tuple(t("suppliers.row", member=s.member_id, name=s.display_name, since=s.added_at)
                 for s in found)  # fmt: skip
    return say_private(t("suppliers.header", count=len(found)), t("lines", lines=Lines(rows)))


def _money(req: Request, cents: int) -> Money:
    """An amount in the community's currency."""
    return Money(cents, req.ctx.rules.currency)


def _best_line(req: Request, brief: Brief) -> T:
    """The revenue-maximising stated price, or that nobody stated one."""
    best = brief.curve.best()
    if best is None:
        return t("brief.no_prices", unlimited=brief.curve.unlimited)
    price, buyers = best
    return t("stats.demand_best", price=_money(req, price), buyers=buyers,
             revenue=_money(req, price * buyers))  # fmt: skip


@command("briefs", CATEGORY, reads_only=True, listed="suppliers")
async def list_briefs(req: Request) -> list[Reply]:
    """The most wanted approved ideas (of one category) with their demand, for makers."""
    category = (req.maybe(CATEGORY) or "").lstrip("#").lower()
    found = await br.briefs(req.ctx, req.actor, category)
    if not found:
        return say_private(t("brief.none"))
    rows = tuple(t("brief.list_row", id=b.idea.id, title=b.idea.title, category=b.idea.category,
                   wants=b.idea.wants, best=_best_line(req, b)) for b in found)  # fmt: skip
    return say_private(t("brief.list_header", count=len(found)), t("lines", lines=Lines(rows)),
                       t("brief.list_hint"))  # fmt: skip


@command("brief", THE_IDEA, reads_only=True, listed="suppliers")
async def show_brief(req: Request) -> list[Reply]:
    """One idea's demand: the curve of stated prices, category abandonment, questions, chart."""
    brief = await br.brief(req.ctx, req.actor, req.arg(THE_IDEA))
    idea, curve = brief.idea, brief.curve
    body: list[T] = [
        t("brief.header", id=idea.id, title=idea.title, category=idea.category),
        t("stats.demand_header", id=idea.id, title=idea.title, wants=idea.wants,
          unlimited=curve.unlimited),
    ]  # fmt: skip
    if curve.steps:
        rows = tuple(t("stats.demand_row", price=_money(req, price), buyers=buyers,
                       revenue=_money(req, price * buyers))
                     for price, buyers in st.sample_steps(curve))  # fmt: skip
        body.append(t("lines", lines=Lines(rows)))
    body.append(_best_line(req, brief))
    abandonment = round(brief.abandonment * 100)
    body.append(t("brief.category", category=idea.category, abandonment=abandonment,
                  paying=brief.paying_share))  # fmt: skip
    body.append(t("brief.questions", count=brief.questions))
    if brief.latest_questions:
        rows = tuple(t("brief.question_row", text=text) for text in brief.latest_questions)
        body.append(t("lines", lines=Lines(rows)))
    body.append(t("brief.offer_hint", id=idea.id))
    if req.ctx.charts is None or not curve.steps:
        return [Reply(body=tuple(body), private=True)]
    _, lang = await community.identify(req.ctx, req.actor)
    png = await asyncio.to_thread(st.demand_chart, req.ctx, idea, curve, lang)
    chart = Attachment(f"idea-{idea.id}-brief.png", png, "image")
    return [Reply(body=tuple(body), private=True, attachments=(chart,))]


@command(
    "offer", THE_IDEA, OFFER_TIERS, OFFER_OPTIONS, NOTE, hint="usage.offer_hint", listed="suppliers"
)
async def make_offer(req: Request) -> list[Reply]:
    """A supplier answers a brief: tiers, optional minimum, capacity, lead time and a note."""
    options = req.maybe(OFFER_OPTIONS) or {}
    lead = options.get("lead", offers.DEFAULT_LEAD)
    moq, cap = options.get("min"), options.get("cap")
    terms = OfferTerms(req.arg(OFFER_TIERS), moq if isinstance(moq, int) else None,
                       cap if isinstance(cap, int) else None,
                       lead if isinstance(lead, timedelta) else offers.DEFAULT_LEAD,
                       req.maybe(NOTE) or "")  # fmt: skip
    offer = await offers.make(req.ctx, req.actor, req.arg(THE_IDEA), terms)
    return say_private(
        t("offer.made", id=offer.id, idea=offer.idea_id), offer_terms(offer, req.ctx.rules.currency)
    )


@command("unoffer", OFFER, listed="suppliers")
async def withdraw_offer(req: Request) -> list[Reply]:
    """A supplier withdraws its own offer, until a moderator chose it."""
    offer = await offers.withdraw(req.ctx, req.actor, req.arg(OFFER))
    return say_private(t("offer.withdrawn", id=offer.id, idea=offer.idea_id))


def offer_terms(offer: Offer, currency: str) -> T:
    """Tiers (one per line), then minimum, capacity and lead time of an offer."""
    tiers = Lines(tuple(t("offer.tier", units=tier.min_units,
                          price=Money(tier.unit_price, currency))
                        for tier in offer.tiers))  # fmt: skip
    moq = t("offer.moq", moq=offer.moq) if offer.moq else t("offer.moq_default")
    cap = t("offer.cap", cap=offer.capacity) if offer.capacity else t("offer.no_cap")
    return t("offer.terms", tiers=tiers, moq=moq, cap=cap,
             lead=timedelta(days=offer.lead_days))  # fmt: skip


@command("offers", THE_IDEA, moderator=True, reads_only=True)
async def compare_offers(req: Request) -> list[Reply]:
    """An idea's offers side by side, each with the units and price the demand curve expects."""
    seen = await offers.compare(req.ctx, req.actor, req.arg(THE_IDEA))
    idea = seen.brief.idea
    head = t("offers.header", id=idea.id, title=idea.title, count=len(seen.offers))
    if not seen.offers:
        return say_private(head, t("offers.none", id=idea.id))
    rows: list[T] = []
    for offer, expected in seen.offers:
        rows.append(t("offers.row", id=offer.id, supplier=offer.supplier_name,
                      status=t(f"offer_status.{offer.status.value}")))  # fmt: skip
        rows.append(offer_terms(offer, req.ctx.rules.currency))
        if offer.note:
            rows.append(t("offers.note", note=offer.note))
        verdict = "offers.meets" if expected.meets_minimum else "offers.short"
        rows.append(t("offers.forecast", units=expected.units, price=_money(req, expected.price),
                      paying=expected.paying, verdict=t(verdict, moq=expected.moq)))  # fmt: skip
    hint = t("offers.launch_hint", id=idea.id, offer=seen.offers[0][0].id)
    return say_private(head, t("lines", lines=Lines(tuple(rows))), hint)


async def launch_from_offer(
    req: Request, idea_id: int, offer_id: int, duration: timedelta, options: Mapping[str, int]
) -> list[Reply]:
    """/launch <idea> offer=<id> <duration>: the offer's tiers, minimum and capacity."""
    if options:
        raise DomainError("error.launch_offer_options")
    wave, offer = await offers.launch(req.ctx, req.actor, idea_id, offer_id, duration)
    launched = Reply(body=(t("mod.launched_offer", id=wave.id, title=wave.title, moq=wave.moq,
                             offer=offer.id, maker=offer.supplier_name),))  # fmt: skip
    return [launched, wave_card(wave, req.ctx.clock.now())]
