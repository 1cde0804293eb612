"""Link codes and the pledge folding of a merge: pure rules, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.model import Pledge, PledgeStatus
from core.services.identity import (
    CODE_ALPHABET,
    CODE_LENGTH,
    code_hash,
    fold_pledges,
    new_code,
    normalize_code,
    platforms,
    totals_delta,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
S = PledgeStatus


def pledge(member: int, qty: int, status: PledgeStatus = S.ACTIVE, age: int = 0) -> Pledge:
    at = T0 + timedelta(hours=age)
    return Pledge(1, member, qty, None, status, at, at)


def test_codes_use_the_unambiguous_alphabet_and_vary() -> None:
    codes = {new_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert len(code) == CODE_LENGTH
        assert set(code) <= set(CODE_ALPHABET)
    assert not set("01IO") & set(CODE_ALPHABET)
    assert len(CODE_ALPHABET) == 32  # 32**8 ≈ 1.1e12 codes


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("ABCD2345", "ABCD2345"),
        ("abcd2345", "ABCD2345"),
        (" abcd-2345 ", "ABCD2345"),
        ("ABCD 2345", "ABCD2345"),
        ("ABCD234", None),
        ("ABCD23456", None),
        ("ABCD0345", None),  # 0 is not in the alphabet
        ("ABCDO345", None),  # nor O
        ("ABCD#345", None),
        ("", None),
    ],
)
def test_typed_codes_are_normalised_or_refused(typed: str, code: str | None) -> None:
    assert normalize_code(typed) == code


def test_only_a_hash_is_stored() -> None:
    assert code_hash("ABCD2345") == code_hash("ABCD2345")
    assert code_hash("ABCD2345") != code_hash("ABCD2346")
    assert "ABCD2345" not in code_hash("ABCD2345")
    assert len(code_hash("ABCD2345")) == 64


def test_platforms_of_accounts() -> None:
    assert platforms(["telegram:1", "discord:2", "telegram:3"]) == {"telegram", "discord"}


def test_two_active_pledges_keep_the_larger_and_count_once() -> None:
    mine, theirs = pledge(1, 2, age=5), pledge(2, 3, age=1)
    kept = fold_pledges(mine, theirs, kept_member=1)
    assert (kept.member_id, kept.quantity, kept.status) == (1, 3, S.ACTIVE)
    assert kept.created_at == theirs.created_at  # the earlier pledge date
    assert totals_delta(mine, theirs, kept) == (-2, -1, 0)


def test_equal_quantities_keep_the_owners_pledge() -> None:
    mine, theirs = pledge(1, 2), pledge(2, 2)
    mine = Pledge(1, 1, 2, 9000, S.ACTIVE, T0, T0)
    kept = fold_pledges(mine, theirs, kept_member=1)
    assert kept.max_price_cents == 9000
    assert totals_delta(mine, theirs, kept) == (-2, -1, 0)


def test_a_withdrawn_pledge_never_wins_and_changes_no_count() -> None:
    mine, theirs = pledge(1, 5, S.WITHDRAWN), pledge(2, 1)
    kept = fold_pledges(mine, theirs, kept_member=1)
    assert (kept.member_id, kept.quantity, kept.status) == (1, 1, S.ACTIVE)
    assert totals_delta(mine, theirs, kept) == (0, 0, 0)


def test_after_a_close_final_units_are_corrected_too() -> None:
    mine, theirs = pledge(1, 1, S.CONFIRMED), pledge(2, 2, S.AWAITING)
    kept = fold_pledges(mine, theirs, kept_member=1)
    assert (kept.quantity, kept.status) == (2, S.AWAITING)
    assert totals_delta(mine, theirs, kept) == (-1, -1, -1)
    same = fold_pledges(pledge(1, 2, S.AWAITING), pledge(2, 2, S.CONFIRMED), kept_member=1)
    assert same.status is S.CONFIRMED  # a tie goes to the pledge further along


def test_a_pledge_in_the_deal_beats_a_dropped_one() -> None:
    mine, theirs = pledge(1, 4, S.DROPPED), pledge(2, 1, S.AWAITING)
    kept = fold_pledges(mine, theirs, kept_member=1)
    assert (kept.quantity, kept.status) == (1, S.AWAITING)
    assert totals_delta(mine, theirs, kept) == (-4, -1, 0)
