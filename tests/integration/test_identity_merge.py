"""Linking two accounts merges two members on a real SQLite file, in one transaction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.model import PledgeStatus
from core.ports import Actor, ChatKind, ChatRef
from core.services import community, ideas, identity, lifecycle, waves
from core.services.context import Context
from tests.integration.conftest import OWNER, approved_idea, plan, refused, rows

TG = Actor("telegram:42", "Ana")
DC = Actor("discord:777", "ana#1")
DM = ChatRef("telegram", "42", ChatKind.PRIVATE)
DC_DM = ChatRef("discord", "777", ChatKind.PRIVATE)


async def link(ctx: Context, owner: Actor = TG, other: Actor = DC) -> identity.MergeReport:
    """Code on the owner's platform, typed on the other's."""
    offer = await identity.create_code(ctx, owner, DM)
    return await identity.redeem(ctx, other, DC_DM, offer.code)


async def member_id(ctx: Context, actor: Actor) -> int:
    async with ctx.db.read() as tx:
        member = await tx.member_for_account(actor.account)
    assert member is not None
    return member.id


async def test_pledges_on_both_accounts_become_one_with_exact_counts(
    ctx: Context, db_path: Path
) -> None:
    wave = await waves.launch(ctx, OWNER, plan(await approved_idea(ctx), (1, 1000), per_member=5))
    other = await waves.launch(
        ctx, OWNER, plan(await approved_idea(ctx, "Lamp #home"), (1, 500), per_member=5)
    )
    await waves.join(ctx, TG, wave.id, 2)
    await waves.join(ctx, DC, wave.id, 3)
    await waves.join(ctx, Actor("telegram:5", "Bystander"), wave.id, 1)
    await waves.join(ctx, DC, other.id, 4)
    async with ctx.db.write() as tx:
        await tx.add_card("telegram", "-100", "9", wave.id, "en", ctx.clock.now())
    assert (await waves.get(ctx, wave.id)).units == 6
    assert rows(db_path, "SELECT dirty FROM cards WHERE wave_id = ?", wave.id) == [(0,)]

    report = await link(ctx)

    kept = await member_id(ctx, TG)
    assert await member_id(ctx, DC) == kept == report.kept_id
    assert set(report.accounts) == {TG.account, DC.account}
    assert (report.pledges_moved, report.pledges_folded) == (1, 1)
    bystander = await member_id(ctx, Actor("telegram:5", "Bystander"))
    assert rows(db_path, "SELECT member_id, quantity, status FROM pledges WHERE wave_id = ? "
                "ORDER BY member_id", wave.id) == [(kept, 3, "active"),
                                                   (bystander, 1, "active")]  # fmt: skip
    after = await waves.get(ctx, wave.id)
    assert (after.units, after.pledgers) == (4, 2)  # 3 + 1, nothing counted twice
    assert rows(db_path, "SELECT SUM(quantity), COUNT(*) FROM pledges WHERE wave_id = ?",
                wave.id) == [(4, 2)]  # fmt: skip
    assert rows(db_path, "SELECT member_id, quantity FROM pledges WHERE wave_id = ?", other.id) == [
        (kept, 4)
    ]
    assert (await waves.get(ctx, other.id)).units == 4
    assert rows(db_path, "SELECT dirty FROM cards WHERE wave_id = ?", wave.id) == [(1,)]
    told = "SELECT d.platform, d.chat_id FROM deliveries d JOIN announcements a ON a.id = "
    told += "d.announcement_id WHERE a.kind = 'link'"
    assert rows(db_path, told) == [("telegram", "42")]  # the code's owner hears about it

    # the merged person keeps pledging as one: joining again changes the one pledge
    outcome = await waves.join(ctx, DC, wave.id, 5)
    assert (outcome.previous, outcome.wave.units, outcome.wave.pledgers) == (3, 6, 2)


async def test_wants_are_not_double_counted_and_ideas_follows_settings_move(
    ctx: Context, db_path: Path
) -> None:
    both = await approved_idea(ctx, "Kettle #kitchen")
    only_discord = await approved_idea(ctx, "Pan #kitchen")
    await ideas.want(ctx, TG, both, None)
    await ideas.want(ctx, DC, both, 2500)
    await ideas.want(ctx, DC, only_discord, None)
    authored = await ideas.propose(ctx, DC, "Discord idea")
    await community.follow(ctx, TG, ["kitchen"], on=True)
    await community.follow(ctx, DC, ["kitchen", "garden"], on=True)
    await community.set_lang(ctx, DC, "fr")
    await community.set_notify(ctx, DC, False)
    gone = await member_id(ctx, DC)

    report = await link(ctx)

    kept = report.kept_id
    assert report.merged_id == gone
    idea_both, _ = await ideas.get(ctx, both)
    assert idea_both.wants == 1
    assert (await ideas.get(ctx, only_discord))[0].wants == 1
    assert rows(db_path, "SELECT idea_id, member_id FROM wants ORDER BY idea_id") == [
        (both, kept),
        (only_discord, kept),
    ]
    assert rows(db_path, "SELECT author_id FROM ideas WHERE id = ?", authored.id) == [(kept,)]
    async with ctx.db.read() as tx:
        assert await tx.follows_of(kept) == ["garden", "kitchen"]
        assert await tx.follows_of(gone) == []
        assert await tx.accounts_of(gone) == []
        member = await tx.get_member(kept)
    assert member is not None
    assert (member.lang, member.notify_milestones) == ("fr", False)

    audit = rows(db_path, "SELECT kept_member_id, merged_member_id, by_account, details "
                 "FROM member_merges")  # fmt: skip
    assert len(audit) == 1
    assert audit[0][:3] == (kept, gone, DC.account)
    details = json.loads(audit[0][3])
    assert details["wants_dropped"] == 1 and details["wants_moved"] == 1
    assert details["ideas"] == 1 and set(details["accounts"]) == {TG.account, DC.account}


async def test_after_a_successful_close_final_units_are_corrected(
    ctx: Context, db_path: Path
) -> None:
    wave = await waves.launch(
        ctx, OWNER, plan(await approved_idea(ctx), (1, 1000), (3, 900), per_member=3, moq=2)
    )
    await waves.join(ctx, TG, wave.id, 1)
    await waves.join(ctx, DC, wave.id, 2)
    await waves.join(ctx, Actor("telegram:5", "Bystander"), wave.id, 1)
    closed = await lifecycle.close(ctx, OWNER, wave.id)
    assert (closed.final_units, closed.final_price_cents) == (4, 900)
    await lifecycle.confirm(ctx, TG, wave.id)

    await link(ctx)

    after = await waves.get(ctx, wave.id)
    assert (after.units, after.pledgers, after.final_units) == (3, 2, 3)
    assert after.final_price_cents == 900  # the price was fixed at the close
    kept = await member_id(ctx, TG)
    pledge = rows(db_path, "SELECT quantity, status FROM pledges WHERE member_id = ?", kept)
    assert pledge == [(2, PledgeStatus.AWAITING.value)]  # the larger pledge, still to confirm


async def test_a_failure_in_the_merge_rolls_everything_back(
    ctx: Context, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wave = await waves.launch(ctx, OWNER, plan(await approved_idea(ctx), (1, 1000), per_member=5))
    await waves.join(ctx, TG, wave.id, 2)
    await waves.join(ctx, DC, wave.id, 3)
    offer = await identity.create_code(ctx, TG, DM)

    async def broken(*_: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(identity, "_tell_owner", broken)
    with pytest.raises(RuntimeError):
        await identity.redeem(ctx, DC, DC_DM, offer.code)
    assert rows(db_path, "SELECT COUNT(*) FROM pledges WHERE wave_id = ?", wave.id) == [(2,)]
    assert (await waves.get(ctx, wave.id)).units == 5
    assert rows(db_path, "SELECT COUNT(*) FROM member_merges") == [(0,)]
    assert rows(db_path, "SELECT used_at FROM link_codes") == [(None,)]
    monkeypatch.undo()
    report = await identity.redeem(ctx, DC, DC_DM, offer.code)  # the code was not spent
    assert report.pledges_folded == 1
    with refused("error.link_already_linked"):
        await identity.redeem(ctx, TG, DM, (await identity.create_code(ctx, DC, DC_DM)).code)
