"""Reminders before a wave closes and the periodic digest, as idempotent sweeps."""

from __future__ import annotations

from datetime import timedelta

from core.messages import Lines, T, t
from core.model import Wave, WaveStatus
from core.services import announce as ann
from core.services.context import Context
from core.services.waves import load_wave
from core.tiers import price_for
from core.views import gap_text, idea_line, wave_line

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
            price = wave.money(price_for(wave.tiers, wave.units))
            body = (t("announce.reminder", id=wave.id, title=wave.title, units=wave.units,
                      price=price), gap_text(wave))  # fmt: skip
            await ann.announce(ctx, tx, wave, "reminder", body)
            reminded.append(wave_id)
    return reminded


def _result_row(wave: Wave) -> T:
    """One closed wave and how it ended."""
    return t("digest.result_row", id=wave.id, title=wave.title,
             status=t("wave.status_" + wave.status.value))  # fmt: skip


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
            rows = Lines(tuple(wave_line(w, now) for w in waves))
            body.append(t("digest.waves", lines=rows))
        if results:
            body.append(t("digest.results", lines=Lines(tuple(map(_result_row, results)))))
        if len(body) == 1:
            body.append(t("digest.quiet"))
        targets = await tx.all_subscribed_targets()
        await ann.record(ctx, tx, None, "digest", ann.encode(tuple(body)), targets)
    return True
