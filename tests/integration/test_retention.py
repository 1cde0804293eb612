"""Bounded storage on a real SQLite file: what the retention policy removes, and what it keeps."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from core.clock import FakeClock
from core.model import Target, WaveStatus
from core.services import fulfilment, lifecycle, paying, stats, talk, waves
from core.services.context import Context
from core.services.retention import RetentionPolicy, prune
from storage.backends import AnyDatabase
from tests.integration.conftest import OWNER, approved_idea, person, plan, query, rows

KEEP = RetentionPolicy(timedelta(days=30))
CHAT = Target("telegram", "-100", "en")


def _target(n: int) -> Target:
    return Target("telegram", str(1000 + n), "en")


async def _member(ctx: Context, wave: int, n: int) -> int:
    """Member n joins the wave; their member id."""
    await waves.join(ctx, person(n), wave)
    async with ctx.db.read() as tx:
        found = await tx.member_for_account(person(n).account)
    assert found is not None
    return found.id


async def _announce(ctx: Context, kind: str, targets: list[Target]) -> list[int]:
    """An announcement with one pending delivery per target; the deliveries' ids."""
    async with ctx.db.write() as tx:
        announcement = await tx.add_announcement(None, kind, ["body"], targets, ctx.clock.now())
    found = await _deliveries_of(ctx, announcement)
    return found


async def _deliveries_of(ctx: Context, announcement: int) -> list[int]:
    async with ctx.db.read() as tx:
        due = await tx.due_deliveries(ctx.clock.now() + timedelta(days=3650), 10_000)
    return [d.id for d in due if d.announcement_id == announcement]


async def _finish(ctx: Context, delivery: int, status: str) -> None:
    async with ctx.db.write() as tx:
        await tx.finish_delivery(delivery, status, ctx.clock.now())


async def _claim(ctx: Context, key: str, answer: object | None, sent: bool) -> None:
    async with ctx.db.write() as tx:
        assert await tx.claim_key(key, ctx.clock.now())
        if answer is not None:
            await tx.save_answer(key, answer)
        if sent:
            await tx.mark_answered(key, ctx.clock.now())


async def test_old_finished_rows_go_and_everything_still_needed_stays(
    ctx: Context, clock: FakeClock, db: AnyDatabase
) -> None:
    """On both backends (PostgreSQL has no rowid to walk the update keys by)."""
    sent, gone, waiting = await _announce(ctx, "opened", [CHAT, _target(1), _target(2)])
    await _finish(ctx, sent, "sent")
    await _finish(ctx, gone, "gone")
    async with ctx.db.write() as tx:  # a 429: the message is still owed
        await tx.retry_delivery(waiting, clock.now() + timedelta(hours=1), "429", clock.now())
    (digest_delivery,) = await _announce(ctx, "digest", [CHAT])
    await _finish(ctx, digest_delivery, "sent")
    async with ctx.db.read() as tx:
        last_digest = await tx.last_announcement_at("digest")
    await _claim(ctx, "telegram:1", {"replies": []}, sent=True)
    await _claim(ctx, "telegram:2", {"replies": ["owed"]}, sent=False)  # crash before the send
    await _claim(ctx, "telegram:3", None, sent=False)  # nothing was kept to answer again
    member = await _member(ctx, await _open_wave(ctx), 1)
    async with ctx.db.write() as tx:
        old_button = await tx.add_pending_action(member, "close", {}, clock.now())

    clock.advance(timedelta(days=31))
    (fresh,) = await _announce(ctx, "opened", [CHAT])
    await _finish(ctx, fresh, "sent")
    await _claim(ctx, "telegram:4", {"replies": []}, sent=True)
    async with ctx.db.write() as tx:
        new_button = await tx.add_pending_action(member, "close", {}, clock.now())

    done = await prune(ctx, KEEP)

    left = {row[0] for row in await query(db, "SELECT id FROM deliveries")}
    assert sent not in left and gone not in left and digest_delivery not in left
    assert {waiting, fresh} <= left
    attempts = await query(db, "SELECT DISTINCT delivery_id FROM delivery_attempts")
    assert {row[0] for row in attempts} == {waiting, fresh}
    kinds = await query(db, "SELECT kind, body FROM announcements ORDER BY id")
    # the first still owes a message; the digest is a marker (when the last one went) and
    # keeps its row without its body; the fresh one is within the retention
    assert [kind for kind, _ in kinds] == ["opened", "digest", "opened"]
    assert kinds[1][1] == "null" and kinds[0][1] != "null"
    async with ctx.db.read() as tx:
        assert await tx.last_announcement_at("digest") == last_digest
        assert await tx.unsent_answer("telegram:2") == {"replies": ["owed"]}
        assert await tx.get_pending_action(old_button) is None
        assert await tx.get_pending_action(new_button) is not None
    keys = {row[0] for row in await query(db, "SELECT key FROM processed_keys")}
    assert keys == {"telegram:2", "telegram:4"}
    assert (done.deliveries, done.keys, done.pending_actions) == (6, 2, 1)  # 3 + 3 attempts

    again = await prune(ctx, KEEP)
    assert again.total == 0  # idempotent: a second run finds nothing

    await _finish(ctx, waiting, "sent")  # once the owed message went and aged, it goes too
    clock.advance(timedelta(days=31))
    await prune(ctx, KEEP)
    assert await query(db, "SELECT kind FROM announcements") == [("digest",)]


async def _open_wave(ctx: Context, title: str = "Pan #kitchen") -> int:
    idea = await approved_idea(ctx, title)
    return (await waves.launch(ctx, OWNER, plan(idea, (1, 10_000), (5, 9_000), moq=1))).id


async def test_a_review_request_is_never_asked_again_after_its_row_ages(
    ctx: Context, clock: FakeClock, db_path: Path
) -> None:
    wave = await _open_wave(ctx)
    await waves.join(ctx, person(1), wave)
    await lifecycle.close(ctx, OWNER, wave)
    await paying.mark_paid(ctx, OWNER, wave, person(1).account)
    async with ctx.db.write() as tx:
        await tx.set_wave_status(wave, WaveStatus.COMPLETED, clock.now())
    await fulfilment.deliver(ctx, OWNER, wave)  # asks the paid member in the same commit
    assert rows(db_path, "SELECT COUNT(*) FROM announcements WHERE kind LIKE 'review_ask:%'") == [
        (1,)
    ]
    async with ctx.db.read() as tx:
        due = await tx.due_deliveries(clock.now(), 100)
    for delivery in due:
        await _finish(ctx, delivery.id, "sent")

    clock.advance(timedelta(days=60))
    await prune(ctx, KEEP)

    assert rows(db_path, "SELECT COUNT(*) FROM deliveries") == [(0,)]
    assert await talk.ask_reviews(ctx) == 0


async def _wave_with_events(ctx: Context, clock: FakeClock, title: str, events: int) -> int:
    """A wave whose log has `events` joins and leaves, one a minute, then closed."""
    wave = await _open_wave(ctx, title)
    member = await _member(ctx, wave, 1)
    async with ctx.db.write() as tx:
        start = clock.now()
        for n in range(events):
            at = start + timedelta(minutes=n)
            await tx.record_pledge_event(wave, member, "join", 1, (n * 7) % 90, at)
    clock.advance(timedelta(minutes=events))
    await lifecycle.close(ctx, OWNER, wave)
    return wave


async def _finish_wave(ctx: Context, wave: int) -> None:
    async with ctx.db.write() as tx:
        await tx.set_wave_status(wave, WaveStatus.COMPLETED, ctx.clock.now())


async def test_ended_waves_pledge_logs_are_compacted_keeping_the_chart_and_the_count(
    ctx: Context, clock: FakeClock, db_path: Path
) -> None:
    ended = await _wave_with_events(ctx, clock, "Pan #kitchen", 3_000)
    await _finish_wave(ctx, ended)
    before = await stats.wave_series(ctx, OWNER, ended)
    clock.advance(timedelta(days=31))
    recent = await _wave_with_events(ctx, clock, "Lid #kitchen", 50)
    await _finish_wave(ctx, recent)  # ended, but within the retention
    still_open = await _open_wave(ctx, "Spoon #kitchen")
    for n in range(2, 6):
        await waves.join(ctx, person(n), still_open)
    log = "SELECT id, kind, quantity, units_after, at FROM pledge_events WHERE wave_id = ?"
    untouched = {wave: rows(db_path, log, wave) for wave in (recent, still_open)}

    done = await prune(ctx, RetentionPolicy(timedelta(days=30), batch=400))

    after = await stats.wave_series(ctx, OWNER, ended)
    assert after.events == before.events == 3_001  # the count /stats prints is exact
    assert len(after.points) <= 500 + 2 < len(before.points)
    # each kept point is a slot's last; the end point is drawn at the deadline, as before
    assert set(after.points[:-1]) <= set(before.points[:-1])
    assert after.points[-2] == before.points[-2] and after.points[0] == before.points[0]
    assert done.pledge_events == 3_001
    assert done.transactions >= 3_001 // 400  # batches of at most 400 events
    for wave, kept in untouched.items():
        assert rows(db_path, log, wave) == kept

    again = await prune(ctx, RetentionPolicy(timedelta(days=30), batch=400))
    assert again.pledge_events == 0


async def test_compaction_gives_the_same_rows_whatever_the_batches(
    ctx: Context, clock: FakeClock, db_path: Path
) -> None:
    small = await _wave_with_events(ctx, clock, "Pan #kitchen", 1_000)
    large = await _wave_with_events(ctx, clock, "Lid #kitchen", 1_000)
    for wave in (small, large):
        await _finish_wave(ctx, wave)
    clock.advance(timedelta(days=31))
    cut = clock.now() - timedelta(days=30)
    async with ctx.db.read() as tx:
        found = await tx.waves_to_compact(cut, 10)
    assert [wave for wave, _, _ in found] == [small, large]
    _, opens, closes = found[0]
    async with ctx.db.write() as tx:  # a run stopped after one batch (a crash or a stop)
        assert await tx.compact_pledge_events(small, opens, (closes - opens) / 500, cut, 7) == 7

    await prune(ctx, RetentionPolicy(timedelta(days=30), batch=7))
    await prune(ctx, RetentionPolicy(timedelta(days=30), batch=100_000))

    log = "SELECT quantity, units_after FROM pledge_events WHERE wave_id = ? ORDER BY at, id"
    assert rows(db_path, log, small) == rows(db_path, log, large)
    assert sum(q for q, _ in rows(db_path, log, small)) == 1_001


async def test_deliveries_go_in_bounded_batches(
    ctx: Context, clock: FakeClock, db_path: Path
) -> None:
    delivered = await _announce(ctx, "opened", [_target(n) for n in range(3_000)])
    for delivery in delivered:
        await _finish(ctx, delivery, "sent")
    clock.advance(timedelta(days=31))
    async with ctx.db.write() as tx:
        removed = await tx.prune_deliveries(clock.now() - timedelta(days=30), 1_000)
    assert removed == 2_000  # 1,000 deliveries and their 1,000 attempts
    assert rows(db_path, "SELECT COUNT(*) FROM deliveries") == [(2_000,)]

    done = await prune(ctx, RetentionPolicy(timedelta(days=30), batch=1_000))
    assert done.deliveries == 4_000 and done.transactions >= 4
    assert rows(db_path, "SELECT COUNT(*) FROM delivery_attempts") == [(0,)]


async def test_keep_forever_deletes_nothing(ctx: Context, clock: FakeClock, db_path: Path) -> None:
    (delivery,) = await _announce(ctx, "opened", [CHAT])
    await _finish(ctx, delivery, "sent")
    clock.advance(timedelta(days=3_000))
    assert (await prune(ctx, RetentionPolicy(None))).total == 0
    assert rows(db_path, "SELECT COUNT(*) FROM deliveries") == [(1,)]


async def test_an_open_waves_old_events_are_compacted_and_its_recent_ones_kept(
    ctx: Context, clock: FakeClock, db_path: Path
) -> None:
    idea = await approved_idea(ctx)
    long_plan = plan(idea, (1, 10_000), (5, 9_000), moq=1, duration=timedelta(days=90))
    wave = (await waves.launch(ctx, OWNER, long_plan)).id
    member = await _member(ctx, wave, 1)
    async with ctx.db.write() as tx:
        for n in range(2_000):
            at = clock.now() + timedelta(minutes=n)
            await tx.record_pledge_event(wave, member, "join", 1, n % 50, at)
    clock.advance(timedelta(days=40))
    for n in range(2, 6):
        await waves.join(ctx, person(n), wave)
    before = await stats.wave_series(ctx, OWNER, wave)

    await prune(ctx, KEEP)

    after = await stats.wave_series(ctx, OWNER, wave)
    assert after.events == before.events == 2_005
    assert set(after.points) <= set(before.points) and len(after.points) < 100
    assert after.points[-5:] == before.points[-5:]  # the last old point, the recent joins
    recent = "SELECT kind, units_after FROM pledge_events WHERE wave_id = ? AND kind = 'join'"
    assert rows(db_path, recent, wave) == [("join", units) for units in (2, 3, 4, 5)]
    async with ctx.db.read() as tx:
        assert (await tx.get_wave(wave)) is not None
    assert rows(db_path, "SELECT COUNT(*) FROM pledges WHERE wave_id = ?", wave) == [(5,)]
