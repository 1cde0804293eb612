"""Wave commands: /waves, /wave, /join, /leave, /confirm and the moderators' lifecycle."""

from __future__ import annotations

from core.commands import payments as payment_commands
from core.commands.parsing import (
    parse_duration,
    parse_id,
    parse_options,
    parse_tier,
    split_join_args,
)
from core.commands.registry import Param, Request, action, command
from core.commands.usage import WAVE, need, say, usage_error
from core.messages import Lines, Reply, t
from core.model import PledgeStatus
from core.money import Money
from core.services import cards, community, lifecycle, waves
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


@action("wave")
@command("wave", Param("wave", "int", autocomplete=WAVE))
async def show(req: Request) -> list[Reply]:
    """The wave card."""
    need(req.words, 1, 1, "wave")
    wave_id = parse_id(req.words[0], WAVE)
    card = await cards.current_card(req.ctx, wave_id)
    wave = await waves.get(req.ctx, wave_id)
    return [card, *await payment_commands.moderator_outlook(req, wave)]


@action("join")
@command("join", Param("wave", "int", autocomplete=WAVE),
         Param("qty", "int", required=False, default="1"),
         Param("max_price", required=False))  # fmt: skip
async def join(req: Request) -> list[Reply]:
    """Pledge, optionally several units or only up to a price."""
    need(req.words, 1, 3, "join")
    wave_id = parse_id(req.words[0], WAVE)
    quantity, max_price = split_join_args(req.words[1:])
    return pledge_replies(await waves.join(req.ctx, req.actor, wave_id, quantity, max_price))


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
@command("leave", Param("wave", "int", autocomplete=WAVE))
async def leave(req: Request) -> list[Reply]:
    """Withdraw while the wave is open."""
    need(req.words, 1, 1, "leave")
    outcome = await waves.leave(req.ctx, req.actor, parse_id(req.words[0], WAVE))
    wave = outcome.wave
    return [Reply(body=(t("pledge.left", id=wave.id, title=wave.title), gap_text(wave)),
                  private=True)]  # fmt: skip


@action("confirm")
@command("confirm", Param("wave", "int", autocomplete=WAVE))
async def confirm(req: Request) -> list[Reply]:
    """Confirm (pay) after a successful close."""
    need(req.words, 1, 1, "confirm")
    wave = await lifecycle.confirm(req.ctx, req.actor, parse_id(req.words[0], WAVE))
    price = wave.money(wave.final_price_cents or 0)
    return say("pledge.confirmed", id=wave.id, title=wave.title, price=price)


LAUNCH_OPTIONS = ("min", "cap", "per")


@command("launch", Param("idea", "int", autocomplete="idea"), Param("tiers", rest=True),
         moderator=True)  # fmt: skip
async def launch(req: Request) -> list[Reply]:
    """Open a wave: /launch 12 1:100 50:90 100:80 14d min=50."""
    words = req.words
    if len(words) < 3:
        raise usage_error("launch")
    idea_id = parse_id(words[0], "idea")
    options = parse_options([w for w in words[1:] if "=" in w], LAUNCH_OPTIONS)
    rest = [w for w in words[1:] if "=" not in w]
    if not rest or ":" in rest[-1]:
        raise usage_error("launch")
    tiers = tuple(parse_tier(word) for word in rest[:-1])
    plan = LaunchPlan(idea_id, tiers, parse_duration(rest[-1]), options.get("min"),
                      options.get("cap"), options.get("per", 1))  # fmt: skip
    wave = await waves.launch(req.ctx, req.actor, plan)
    launched = Reply(body=(t("mod.launched", id=wave.id, title=wave.title, moq=wave.moq),))
    return [launched, wave_card(wave, req.ctx.clock.now())]


@command("close", Param("wave", "int", autocomplete=WAVE), moderator=True)
async def close(req: Request) -> list[Reply]:
    """Close now and clear the final price."""
    need(req.words, 1, 1, "close")
    wave = await lifecycle.close(req.ctx, req.actor, parse_id(req.words[0], WAVE))
    if wave.final_price_cents is not None and wave.status.value == "succeeded":
        price = Money(wave.final_price_cents, wave.currency)
        return say("mod.closed_success", id=wave.id, units=wave.final_units or 0, price=price)
    return say("mod.closed_failed", id=wave.id, units=wave.final_units or 0, moq=wave.moq)


@command("cancel", Param("wave", "int", autocomplete=WAVE), Param("reason", required=False,
         rest=True), moderator=True)  # fmt: skip
async def cancel(req: Request) -> list[Reply]:
    """Cancel a wave; nobody pays."""
    if not req.words:
        raise usage_error("cancel")
    reason = req.args.strip()[len(req.words[0]) :].strip()[:300]
    wave = await lifecycle.cancel(req.ctx, req.actor, parse_id(req.words[0], WAVE), reason)
    return say("mod.cancelled", id=wave.id, title=wave.title)


@command("extend", Param("wave", "int", autocomplete=WAVE), Param("duration"), moderator=True)
async def extend(req: Request) -> list[Reply]:
    """Push the deadline back."""
    need(req.words, 2, 2, "extend")
    wave_id, delta = parse_id(req.words[0], WAVE), parse_duration(req.words[1])
    wave = await lifecycle.extend(req.ctx, req.actor, wave_id, delta)
    return say("mod.extended", id=wave.id, deadline=wave.closes_at)
