"""Announcements go through the outbox in the same transaction as the change that caused them."""

from __future__ import annotations

from enum import Enum
from typing import Any

from core.messages import Button, Reply, T, from_json, t, to_json
from core.model import Target, Wave
from core.ports import Tx
from core.services.context import Context
from core.tiers import price_for
from core.views import gap_text, progress_text, wave_card


class Audience(Enum):
    """Who hears an announcement besides the chats subscribed to the wave's category."""

    PARTICIPANTS = "participants"
    FOLLOWERS = "followers"
    CHATS_ONLY = "chats"


async def announce(
    ctx: Context,
    tx: Tx,
    wave: Wave,
    kind: str,
    body: tuple[T, ...],
    audience: Audience = Audience.PARTICIPANTS,
    card: Reply | None = None,
    skip: frozenset[int] = frozenset(),
    buttons: tuple[tuple[Button, ...], ...] = (),
) -> int:
    """Record one announcement and a delivery per subscribed chat and interested member; members
    in skip were already told in a message of their own.

    Participants are not listed here: the announcement fixes its audience (the wave's pledgers
    as of this commit) and the expander (core/services/fanout.py) writes their deliveries
    afterwards in batches, so this transaction costs the same at 10 or 50,000 participants.
    """
    fanout = audience is Audience.PARTICIPANTS
    if fanout and skip:
        raise ValueError("skip is not supported for participants (expanded after the commit)")
    targets: list[Target] = list(await tx.subscribed_targets(wave.category))
    if audience is Audience.FOLLOWERS:
        targets += await tx.follower_targets(wave.category)
    targets = [target for target in targets if target.member_id not in skip]
    targets += await supplier_targets(tx, wave, kind)
    payload = encode(body, card.buttons if card else buttons, wave.id if card else None)
    payload["photo"] = card.photo if card else ""
    return await record(ctx, tx, wave.id, kind, payload, targets, fanout=fanout)


async def supplier_targets(tx: Tx, wave: Wave, kind: str) -> list[Target]:
    """The supplier whose offer a wave answers follows it like a participant (milestones,
    reminders, the close and the outcome); it was told of the opening in its own notice."""
    if kind == "opened":
        return []
    supplier = await tx.wave_supplier(wave.id)
    target = None if supplier is None else await tx.member_target(supplier)
    return [] if target is None else [target]


async def record(
    ctx: Context,
    tx: Tx,
    wave_id: int | None,
    kind: str,
    payload: Any,
    targets: list[Target],
    fanout: bool = False,
) -> int:
    """Write the announcement and its deliveries (one per chat), then, once committed, wake the
    dispatcher (and the expander when the wave's participants are still to be added)."""
    unique = list({(target.platform, target.chat_id): target for target in targets}.values())
    now = ctx.clock.now()
    announcement = await tx.add_announcement(wave_id, kind, payload, unique, now, fanout=fanout)
    if unique:
        ctx.db.after_commit(ctx.wakeup.deliveries_pending)
    if fanout:
        ctx.db.after_commit(ctx.wakeup.fanout_pending)
    return announcement


def encode(
    body: tuple[T, ...], buttons: tuple[tuple[Button, ...], ...] = (), card: int | None = None
) -> dict[str, Any]:
    """The JSON the outbox keeps: texts, buttons and the wave whose live card this is."""
    return {
        "body": [to_json(part) for part in body],
        "buttons": [[[to_json(b.label), b.action] for b in row] for row in buttons],
        "card": card,
    }


def decode(payload: Any) -> Reply:
    """Rebuild the message an announcement stored."""
    body = tuple(from_json(part) for part in payload.get("body", []))
    buttons = tuple(
        tuple(Button(from_json(label), action) for label, action in row)
        for row in payload.get("buttons", [])
    )
    card = payload.get("card")
    photo = str(payload.get("photo") or "")
    return Reply(body=body, buttons=buttons, card=("wave", card) if card else None, photo=photo)


def milestone_body(wave: Wave, milestone: int, new_tier: bool, moq: bool) -> tuple[T, ...]:
    """'Already 100 in X! Everyone pays 80 € now.' with tier and threshold news, bar and gap."""
    price = wave.money(price_for(wave.tiers, wave.units))
    body = [t("announce.milestone", count=milestone, id=wave.id, title=wave.title, price=price)]
    if new_tier:
        body.append(t("announce.tier", price=price))
    if moq:
        body.append(t("announce.moq", moq=wave.moq))
    return (*body, progress_text(wave), gap_text(wave))


async def announce_opened(
    ctx: Context, tx: Tx, wave: Wave, skip: frozenset[int] = frozenset()
) -> int:
    """A new wave: its live card to subscribed chats, an alert to the category's followers
    (except those in skip, who got a wanter's message)."""
    card = wave_card(wave, ctx.clock.now(), link=ctx.rules.page_url("w", wave.id))
    header = t("announce.opened", id=wave.id, title=wave.title, category=wave.category)
    body = (header, *card.body[1:])
    return await announce(ctx, tx, wave, "opened", body, Audience.FOLLOWERS, card=card, skip=skip)
