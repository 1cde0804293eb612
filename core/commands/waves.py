"""Wave commands: /waves, /wave, /join, /leave, /confirm and the moderators' lifecycle."""

from __future__ import annotations

from core.commands import payments as payment_commands
from core.commands.asking import cancel_question, close_question
from core.commands.params import (
    WAVE,
    Duration,
    IdeaId,
    Options,
    Param,
    Price,
    Quantity,
    Text,
    Tiers,
    WaveId,
)
from core.commands.parsing import parse_id
from core.commands.registry import Request, action, command
from core.commands.usage import say
from core.messages import Lines, Reply, t
from core.model import PledgeStatus
from core.services import cards, community, confirmations, lifecycle, waves
from core.services.waves import LaunchPlan, PledgeOutcome
from core.tiers import price_for
from core.views import gap_text, progress_text, wave_card, wave_line


@command("waves")
async def list_open(req: Request) -> list[Reply]:
    """Open waves with count, price, next tier and deadline."""
    found = await waves.open_waves(req.ctx)
    if not found:
        return say("wave.none")
    now = req.ctx.clock.now()
    rows = Lines(tuple(wave_line(wave, now) for wave in found))
    return [Reply(body=(t("wave.list_header", count=len(found)), t("lines", lines=rows)))]


THE_WAVE = Param("wave", WaveId)
QTY = Param("qty", Quantity, required=False, default="1")
MAX_PRICE = Param("max_price", Price, required=False, label_key="usage.max_price")
IDEA = Param("idea", IdeaId)
TIERS = Param("tiers", Tiers)
DURATION = Param("duration", Duration)
LAUNCH_OPTIONS = Param("options", Options("min", "cap", "per"), required=False)
REASON = Param("reason", Text, required=False)


@action("wave")
@command("wave", THE_WAVE)
async def show(req: Request) -> list[Reply]:
    """The wave card."""
    wave_id = req.arg(THE_WAVE)
    card = await cards.current_card(req.ctx, wave_id)
    wave = await waves.get(req.ctx, wave_id)
    return [card, *await payment_commands.moderator_outlook(req, wave)]


@action("join")
@command("join", THE_WAVE, QTY, MAX_PRICE)
async def join(req: Request) -> list[Reply]:
    """Pledge, optionally several units or only up to a price (a bare number is a quantity)."""
    quantity = req.maybe(QTY) or 1
    outcome = await waves.join(
        req.ctx, req.actor, req.arg(THE_WAVE), quantity, req.maybe(MAX_PRICE)
    )
    return pledge_replies(outcome)


def pledge_replies(outcome: PledgeOutcome) -> list[Reply]:
    """Confirm the pledge with the new count, price and gap."""
    wave = outcome.wave
    price = wave.money(price_for(wave.tiers, wave.units))
    if outcome.previous:
        head = t("pledge.changed", id=wave.id, title=wave.title, qty=outcome.quantity)
    else:
        head = t("pledge.joined", id=wave.id, title=wave.title, qty=outcome.quantity)
    body = (
        head,
        t("pledge.now", units=wave.units, price=price),
        progress_text(wave),
        gap_text(wave),
    )
    return [Reply(body=body, private=True)]


@action("more")
async def join_one_more(req: Request) -> list[Reply]:
    """'+1' adds a unit to the presser's pledge (within the per-member maximum)."""
    wave_id = parse_id(req.args, WAVE)
    overview = await community.overview(req.ctx, req.actor)
    held = next((p.quantity for p, w in overview.pledges
                 if w.id == wave_id and p.status is PledgeStatus.ACTIVE), 0)  # fmt: skip
    return pledge_replies(await waves.join(req.ctx, req.actor, wave_id, held + 1))


@action("leave")
@command("leave", THE_WAVE)
async def leave(req: Request) -> list[Reply]:
    """Withdraw while the wave is open."""
    outcome = await waves.leave(req.ctx, req.actor, req.arg(THE_WAVE))
    wave = outcome.wave
    return [Reply(body=(t("pledge.left", id=wave.id, title=wave.title), gap_text(wave)),
                  private=True)]  # fmt: skip


@action("confirm")
@command("confirm", THE_WAVE)
async def confirm(req: Request) -> list[Reply]:
    """Confirm (pay) after a successful close."""
    wave = await lifecycle.confirm(req.ctx, req.actor, req.arg(THE_WAVE))
    price = wave.money(wave.final_price_cents or 0)
    return say("pledge.confirmed", id=wave.id, title=wave.title, price=price)


@command("launch", IDEA, TIERS, DURATION, LAUNCH_OPTIONS, moderator=True,
         hint="usage.launch_hint")  # fmt: skip
async def launch(req: Request) -> list[Reply]:
    """Open a wave: /launch 12 1:100 50:90 100:80 14d min=50."""
    options = req.maybe(LAUNCH_OPTIONS) or {}
    plan = LaunchPlan(req.arg(IDEA), req.arg(TIERS), req.arg(DURATION), options.get("min"),
                      options.get("cap"), options.get("per", 1))  # fmt: skip
    wave = await waves.launch(req.ctx, req.actor, plan)
    launched = Reply(body=(t("mod.launched", id=wave.id, title=wave.title, moq=wave.moq),))
    return [launched, wave_card(wave, req.ctx.clock.now())]


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
