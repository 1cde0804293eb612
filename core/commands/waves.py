"""Wave commands: /waves, /wave, /join, /leave, /confirm and the moderators' lifecycle."""

from __future__ import annotations

from core.commands import payments as payment_commands
from core.commands.asking import cancel_question, close_question
from core.commands.fulfilment import fulfilment_lines
from core.commands.params import (
    WAVE,
    Duration,
    IdeaId,
    LaunchTiers,
    OfferChoice,
    Options,
    Param,
    Price,
    Quantity,
    Text,
    WaveId,
)
from core.commands.parsing import parse_id
from core.commands.paying import confirm_or_pay
from core.commands.registry import Request, action, command
from core.commands.supply import launch_from_offer
from core.commands.usage import say
from core.messages import Lines, Reply, t
from core.model import PledgeStatus
from core.services import cards, community, confirmations, lifecycle, standing, waves
from core.services.waves import LaunchPlan, PledgeOutcome
from core.tiers import price_for
from core.views import condition_text, gap_text, progress_text, wave_card, wave_line


@command("waves", reads_only=True)
async def list_open(req: Request) -> list[Reply]:
    """Open waves with count, price, next tier and deadline."""
    found = await waves.open_waves(req.ctx)
    if not found:
        return say("wave.none")
    now = req.ctx.clock.now()
    live = await standing.standings(req.ctx, found)
    rows = Lines(tuple(wave_line(wave, now, live.get(wave.id)) for wave in found))
    return [Reply(body=(t("wave.list_header", count=len(found)), t("lines", lines=rows)))]


THE_WAVE = Param("wave", WaveId)
QTY = Param("qty", Quantity, required=False, default="1")
MAX_PRICE = Param("max_price", Price, required=False, label_key="usage.max_price")
IDEA = Param("idea", IdeaId)
TIERS = Param("tiers", LaunchTiers)  # or offer=<id> (core/commands/supply.py)
DURATION = Param("duration", Duration)
LAUNCH_OPTIONS = Param("options", Options("min", "cap", "per"), required=False)
REASON = Param("reason", Text, required=False)


@action("wave")
@command("wave", THE_WAVE, reads_only=True)
async def show(req: Request) -> list[Reply]:
    """The wave card."""
    wave_id = req.arg(THE_WAVE)
    card = await cards.current_card(req.ctx, wave_id)
    wave = await waves.get(req.ctx, wave_id)
    where = await fulfilment_lines(req, wave)
    shipped = [Reply(body=tuple(where))] if where else []
    return [card, *shipped, *await payment_commands.moderator_outlook(req, wave)]


@action("join")
@command("join", THE_WAVE, QTY, MAX_PRICE)
async def join(req: Request) -> list[Reply]:
    """Pledge, optionally several units or only up to a price (a bare number is a quantity)."""
    quantity = req.maybe(QTY) or 1
    max_price = req.maybe(MAX_PRICE)
    outcome = await waves.join(req.ctx, req.actor, req.arg(THE_WAVE), quantity, max_price)
    return await pledge_replies(req, outcome, max_price)


async def pledge_replies(
    req: Request, outcome: PledgeOutcome, max_price: int | None = None
) -> list[Reply]:
    """Confirm the pledge, repeat its condition, and say what would buy now: count, price, gap."""
    wave = await standing.live(req.ctx, outcome.wave)
    price_cents = price_for(wave.tiers, wave.units)
    if outcome.previous:
        head = t("pledge.changed", id=wave.id, title=wave.title, qty=outcome.quantity)
    else:
        head = t("pledge.joined", id=wave.id, title=wave.title, qty=outcome.quantity)
    body = [head]
    if max_price is not None:
        body.append(condition_text(wave, outcome.quantity, max_price, price_cents))
    body += [
        t("pledge.now", units=wave.units, price=wave.money(price_cents)),
        progress_text(wave),
        gap_text(wave),
    ]
    return [Reply(body=tuple(body), private=True)]


@action("more")
async def join_one_more(req: Request) -> list[Reply]:
    """'+1' adds a unit to the presser's pledge (within the per-member maximum)."""
    wave_id = parse_id(req.args, WAVE)
    overview = await community.overview(req.ctx, req.actor)
    held = next((p for p, w in overview.pledges
                 if w.id == wave_id and p.status is PledgeStatus.ACTIVE), None)  # fmt: skip
    quantity = (held.quantity if held else 0) + 1
    max_price = held.max_price_cents if held else None  # +1 keeps the pledge's condition
    outcome = await waves.join(req.ctx, req.actor, wave_id, quantity, max_price)
    return await pledge_replies(req, outcome, max_price)


@action("leave")
@command("leave", THE_WAVE)
async def leave(req: Request) -> list[Reply]:
    """Withdraw while the wave is open."""
    outcome = await waves.leave(req.ctx, req.actor, req.arg(THE_WAVE))
    wave = await standing.live(req.ctx, outcome.wave)
    return [Reply(body=(t("pledge.left", id=wave.id, title=wave.title), gap_text(wave)),
                  private=True)]  # fmt: skip


@action("confirm")
@command("confirm", THE_WAVE)
async def confirm(req: Request) -> list[Reply]:
    """Confirm (pay) after a successful close: leads to /pay."""
    return await confirm_or_pay(req, req.arg(THE_WAVE))


@command("launch", IDEA, TIERS, DURATION, LAUNCH_OPTIONS, moderator=True,
         hint="usage.launch_hint")  # fmt: skip
async def launch(req: Request) -> list[Reply]:
    """Open a wave: /launch 12 1:100 50:90 100:80 14d min=50, or /launch 12 offer=3 14d."""
    options = req.maybe(LAUNCH_OPTIONS) or {}
    tiers = req.arg(TIERS)
    if isinstance(tiers, OfferChoice):
        return await launch_from_offer(req, req.arg(IDEA), tiers.id, req.arg(DURATION), options)
    plan = LaunchPlan(req.arg(IDEA), tiers, req.arg(DURATION), options.get("min"),
                      options.get("cap"), options.get("per", 1))  # fmt: skip
    wave = await waves.launch(req.ctx, req.actor, plan)
    launched = Reply(body=(t("mod.launched", id=wave.id, title=wave.title, moq=wave.moq),))
    link = req.ctx.rules.page_url("w", wave.id)
    return [launched, wave_card(wave, req.ctx.clock.now(), link=link)]


@command("close", THE_WAVE, moderator=True)
async def close(req: Request) -> list[Reply]:
    """Ask before closing now; the 'Yes, close' button clears the final price."""
    wave = await confirmations.ask_close(req.ctx, req.actor, req.arg(THE_WAVE))
    return close_question(wave, wave_line(wave, req.ctx.clock.now()))


@command("cancel", THE_WAVE, REASON, moderator=True)
async def cancel(req: Request) -> list[Reply]:
    """Ask before cancelling; the 'Yes, cancel' button stops the wave, nobody pays."""
    reason = (req.maybe(REASON) or "")[:300]
    wave, request = await confirmations.ask_cancel(req.ctx, req.actor, req.arg(THE_WAVE), reason)
    return cancel_question(wave, wave_line(wave, req.ctx.clock.now()), reason, request)


@command("extend", THE_WAVE, DURATION, moderator=True)
async def extend(req: Request) -> list[Reply]:
    """Push the deadline back."""
    wave = await lifecycle.extend(req.ctx, req.actor, req.arg(THE_WAVE), req.arg(DURATION))
    return say("mod.extended", id=wave.id, deadline=wave.closes_at)
