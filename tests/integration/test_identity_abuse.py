"""Link codes resist guessing, reuse, expiry, same-platform links and public exposure."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from core.clock import FakeClock
from core.errors import DomainError
from core.ports import Actor, ChatKind, ChatRef
from core.services import identity
from core.services.context import Context
from tests.integration.conftest import refused, rows

TG = Actor("telegram:42", "Ana")
DC = Actor("discord:777", "ana#1")
MALLORY = Actor("discord:666", "mallory")
DM = ChatRef("telegram", "42", ChatKind.PRIVATE)
DC_DM = ChatRef("discord", "777", ChatKind.PRIVATE)
GROUP = ChatRef("telegram", "-100", ChatKind.GROUP, "Buyers")


def wrong(code: str) -> str:
    """Another valid-looking code."""
    return "".join("A" if ch != "A" else "B" for ch in code)


async def test_guessing_locks_the_account_for_an_hour(ctx: Context, clock: FakeClock) -> None:
    offer = await identity.create_code(ctx, TG, DM)
    guesses = [wrong(offer.code)[:-1] + ch for ch in "23456"]
    for left, guess in zip((4, 3, 2, 1, 0), guesses, strict=True):
        try:
            await identity.redeem(ctx, MALLORY, DC_DM, guess)
        except DomainError as error:
            assert (error.key, error.params["left"]) == ("error.link_unknown", left)
        else:
            raise AssertionError("a wrong code was accepted")
    with refused("error.link_locked"):
        await identity.redeem(ctx, MALLORY, DC_DM, offer.code)  # even the right one
    with refused("error.link_bad_format"):
        await identity.redeem(ctx, MALLORY, DC_DM, "nope")  # malformed input is not a guess

    # the lock is per account: the real owner of the other account is not affected
    await identity.redeem(ctx, DC, DC_DM, offer.code)

    clock.advance(timedelta(minutes=61))
    other = await identity.create_code(ctx, Actor("telegram:9", "Bo"), ChatRef("telegram", "9"))
    await identity.redeem(ctx, MALLORY, DC_DM, other.code)  # unlocked an hour later


async def test_a_code_works_once(ctx: Context, db_path: Path) -> None:
    offer = await identity.create_code(ctx, TG, DM)
    await identity.redeem(ctx, DC, DC_DM, offer.code.lower())
    with refused("error.link_used"):
        await identity.redeem(ctx, MALLORY, DC_DM, offer.code)
    with refused("error.link_already_linked"):
        await identity.redeem(ctx, DC, DC_DM, offer.code)
    assert rows(db_path, "SELECT used_by FROM link_codes") == [(DC.account,)]
    assert rows(db_path, "SELECT COUNT(*) FROM member_merges") == [(1,)]


async def test_a_code_expires_after_ten_minutes(ctx: Context, clock: FakeClock) -> None:
    offer = await identity.create_code(ctx, TG, DM)
    assert offer.expires_at == clock.now() + timedelta(minutes=10)
    clock.advance(timedelta(minutes=10))
    with refused("error.link_expired"):
        await identity.redeem(ctx, DC, DC_DM, offer.code)
    fresh = await identity.create_code(ctx, TG, DM)
    clock.advance(timedelta(minutes=9, seconds=59))
    await identity.redeem(ctx, DC, DC_DM, fresh.code)


async def test_a_new_code_replaces_the_previous_one(ctx: Context) -> None:
    first = await identity.create_code(ctx, TG, DM)
    second = await identity.create_code(ctx, TG, DM)
    assert first.code != second.code
    with refused("error.link_replaced"):
        await identity.redeem(ctx, DC, DC_DM, first.code)
    await identity.redeem(ctx, DC, DC_DM, second.code)


async def test_same_platform_and_own_code_are_refused(ctx: Context, db_path: Path) -> None:
    offer = await identity.create_code(ctx, TG, DM)
    with refused("error.link_own_code"):
        await identity.redeem(ctx, TG, DM, offer.code)
    with refused("error.link_same_platform"):
        await identity.redeem(ctx, Actor("telegram:43", "Twin"), DM, offer.code)
    await identity.redeem(ctx, DC, DC_DM, offer.code)  # still valid for the right account
    # the person now has Telegram and Discord: a second Discord account cannot join
    again = await identity.create_code(ctx, TG, DM)
    with refused("error.link_same_platform"):
        await identity.redeem(ctx, MALLORY, DC_DM, again.code)
    same_person = "SELECT member_id FROM accounts WHERE account = ?"
    query = f"SELECT COUNT(*) FROM accounts WHERE member_id = ({same_person})"
    assert rows(db_path, query, TG.account) == [(2,)]


async def test_code_creation_is_rate_limited(ctx: Context, clock: FakeClock) -> None:
    for _ in range(identity.MAX_CODES_PER_WINDOW):
        await identity.create_code(ctx, TG, DM)
    with refused("error.link_code_limit"):
        await identity.create_code(ctx, TG, DM)
    clock.advance(timedelta(hours=1, seconds=1))
    await identity.create_code(ctx, TG, DM)


async def test_codes_never_show_or_work_in_groups(ctx: Context) -> None:
    with refused("error.link_private_only"):
        await identity.create_code(ctx, TG, GROUP)
    offer = await identity.create_code(ctx, TG, DM)
    with refused("error.link_private_only"):
        await identity.redeem(ctx, DC, GROUP, offer.code)  # typed where others read it
    with refused("error.link_replaced"):
        await identity.redeem(ctx, DC, DC_DM, offer.code)  # so it was voided
