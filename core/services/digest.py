"""Reminders before a wave closes and the periodic digest, as idempotent sweeps."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.messages import Lines, T, t
from core.model import Wave, WaveStatus
from core.ports import Tx
from core.services import announce as ann
from core.services.context import Context
from core.services.standing import facts_in, standing_in, standings_in
from core.services.waves import load_wave
from core.tiers import price_for
from core.views import cleared, gap_text, idea_line, status_text, wave_line

REMIND_BEFORE = timedelta(hours=24)
DIGEST_ITEMS = 10


async def send_reminders(ctx: Context) -> list[int]:
    """'24 h left' once per wave, to subscribed chats and participants."""
    now = ctx.clock.now()
    reminded: list[int] = []
    async with ctx.db.write() as tx:
        for wave_id in await tx.waves_due(WaveStatus.OPEN, "closes_at", now + REMIND_BEFORE):
            if await tx.has_announcement(wave_id, "reminder"):
                continue
            wave = await load_wave(tx, wave_id)
            if wave.closes_at - wave.opens_at <= REMIND_BEFORE:
                continue
            wave = cleared(wave, await standing_in(tx, wave))  # only what would buy now
            price = wave.money(price_for(wave.tiers, wave.units))
            body = (t("announce.reminder", id=wave.id, title=wave.title, units=wave.units,
                      price=price), gap_text(wave))  # fmt: skip
            await ann.announce(ctx, tx, wave, "reminder", body)
            reminded.append(wave_id)
    return reminded


async def _result_row(tx: Tx, wave: Wave, now: datetime) -> T:
    """One closed wave and how it stands: payment window, completed, failed or cancelled."""
    due = (await facts_in(tx, wave)).due_at
    return t("digest.result_row", id=wave.id, title=wave.title,
             status=status_text(wave, now, due))  # fmt: skip


async def send_digest(ctx: Context, every: timedelta) -> bool:
    """New ideas, open waves and results since the last digest, to every subscribed chat."""
    now = ctx.clock.now()
    async with ctx.db.write() as tx:
        last = await tx.last_announcement_at("digest")
        if last is not None and now - last < every:
            return False
        since = last or now - every
        ideas = await tx.ideas_since(since, DIGEST_ITEMS)
        waves = await tx.list_waves((WaveStatus.OPEN,), DIGEST_ITEMS)
        results = await tx.waves_closed_since(since, DIGEST_ITEMS)
        body: list[T] = [t("digest.header", since=since)]
        if ideas:
            body.append(t("digest.ideas", lines=Lines(tuple(idea_line(i) for i in ideas))))
        if waves:
            live = await standings_in(tx, waves)
            rows = Lines(tuple(wave_line(w, now, live.get(w.id)) for w in waves))
            body.append(t("digest.waves", lines=rows))
        if results:
            rows = Lines(tuple([await _result_row(tx, wave, now) for wave in results]))
            body.append(t("digest.results", lines=rows))
        if len(body) == 1:
            body.append(t("digest.quiet"))
        targets = await tx.all_subscribed_targets()
        await ann.record(ctx, tx, None, "digest", ann.encode(tuple(body)), targets)
    return True
