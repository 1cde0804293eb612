"""Live wave cards: posted once per chat, then edited in place (throttled) as the count moves."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta

from core.messages import Reply
from core.ports import Card, Messenger, SendOutcome
from core.services import talk
from core.services.context import Context
from core.services.standing import facts_in
from core.services.waves import load_wave
from core.views import wave_card

log = logging.getLogger(__name__)
THROTTLE = timedelta(seconds=5)


async def register(
    ctx: Context, platform: str, chat_id: str, message_id: str, wave_id: int, lang: str
) -> None:
    """Remember a card an adapter posted (e.g. /wave in a group) so it stays current."""
    async with ctx.db.write() as tx:
        await tx.add_card(platform, chat_id, message_id, wave_id, lang, ctx.clock.now())


async def refresh(
    ctx: Context, messengers: Mapping[str, Messenger], throttle: timedelta = THROTTLE
) -> int:
    """Edit every dirty card not edited within the throttle window; returns how many."""
    now = ctx.clock.now()
    async with ctx.db.read() as tx:
        cards = await tx.dirty_cards(now - throttle, 100)
    edited = 0
    for card in cards:
        messenger = messengers.get(card.platform)
        if messenger is not None:
            edited += await _edit(ctx, messenger, card)
    return edited


async def current_card(ctx: Context, wave_id: int) -> Reply:
    """A wave's card as it stands now, with its Q&A and rating lines."""
    async with ctx.db.read() as tx:
        wave = await load_wave(tx, wave_id)
        facts = await facts_in(tx, wave)
    link = ctx.rules.page_url("w", wave_id)
    return wave_card(wave, ctx.clock.now(), await talk.summary(ctx, wave_id), facts, link)


async def _edit(ctx: Context, messenger: Messenger, card: Card) -> int:
    """Render the wave's current card and edit the message; forget it if the chat is gone."""
    reply = await current_card(ctx, card.wave_id)
    try:
        result = await messenger.edit(card.chat_id, card.message_id, reply, card.lang)
    except Exception:
        log.exception("editing card %s failed", card.id)
        return 0
    if result.outcome is SendOutcome.RETRY:
        return 0
    async with ctx.db.write() as tx:
        await tx.card_edited(card, ctx.clock.now(), gone=result.outcome is SendOutcome.GONE)
    return 1
