"""The fair-share rule: budgets per member and per group chat, one notice, then a penalty."""

from __future__ import annotations

from datetime import timedelta

from core.clock import FakeClock
from core.ports import Actor, ChatKind, ChatRef
from core.services.fairshare import Budget, FairShare, FairShareRules, Outcome

ANN = Actor("console:ann", "Ann")
BOB = Actor("console:bob", "Bob")
GROUP = ChatRef("console", "-100", ChatKind.GROUP, "Buyers")
ANN_DM = ChatRef("console", "ann", ChatKind.PRIVATE)
RULES = FairShareRules(
    member=Budget(3, timedelta(seconds=10)),
    chat=Budget(5, timedelta(seconds=10)),
    penalty=timedelta(seconds=15),
)


def outcomes(
    share: FairShare, actor: Actor, chat: ChatRef, n: int, typed: bool = True
) -> list[str]:
    """The outcomes of n actions in a row, at the same moment."""
    return [share.admit(actor, chat, typed=typed).outcome.value for _ in range(n)]


def test_over_the_budget_one_notice_then_silence_then_served_again() -> None:
    clock = FakeClock()
    share = FairShare(RULES, clock)
    assert outcomes(share, ANN, ANN_DM, 3) == ["serve"] * 3
    warned = share.admit(ANN, ANN_DM, typed=True)
    assert (warned.outcome, warned.notice, warned.seconds) == (
        Outcome.WARN, "fairshare.slow_down", 15
    )  # fmt: skip
    assert outcomes(share, ANN, ANN_DM, 5) == ["drop"] * 5
    clock.advance(timedelta(seconds=14))
    assert outcomes(share, ANN, ANN_DM, 1) == ["drop"]
    clock.advance(timedelta(seconds=1))
    assert outcomes(share, ANN, ANN_DM, 4) == ["serve"] * 3 + ["warn"]


def test_the_window_moves() -> None:
    clock = FakeClock()
    share = FairShare(RULES, clock)
    assert outcomes(share, ANN, ANN_DM, 2) == ["serve"] * 2
    clock.advance(timedelta(seconds=6))
    assert outcomes(share, ANN, ANN_DM, 1) == ["serve"]
    clock.advance(timedelta(seconds=4))  # the first two are 10 s old: out of the window
    assert outcomes(share, ANN, ANN_DM, 3) == ["serve", "serve", "warn"]


def test_one_member_over_budget_does_not_touch_another() -> None:
    share = FairShare(RULES, FakeClock())
    assert outcomes(share, ANN, ANN_DM, 6) == ["serve"] * 3 + ["warn", "drop", "drop"]
    assert outcomes(share, BOB, GROUP, 3) == ["serve"] * 3


def test_a_group_has_a_budget_for_typed_commands_only() -> None:
    share = FairShare(RULES, FakeClock())
    people = [Actor(f"console:p{n}", f"P{n}") for n in range(8)]
    presses = [share.admit(person, GROUP, typed=False).outcome for person in people]
    assert presses == [Outcome.SERVE] * 8  # a crowd pressing Join under one card is not a flood
    typed = [share.admit(person, GROUP, typed=True) for person in people]
    assert [verdict.outcome.value for verdict in typed] == ["serve"] * 5 + ["warn", "drop", "drop"]
    assert typed[5].notice == "fairshare.chat_slow_down"
    assert share.admit(people[7], GROUP, typed=True).outcome is Outcome.DROP  # chat penalised
    assert share.admit(people[7], GROUP, typed=False).outcome is Outcome.SERVE  # presses go on


def test_no_budget_means_no_limit() -> None:
    share = FairShare(FairShareRules(member=None, chat=None), FakeClock())
    assert outcomes(share, ANN, GROUP, 500) == ["serve"] * 500


def test_the_wait_is_promised_in_whole_seconds_rounded_up() -> None:
    rules = FairShareRules(member=Budget(1, timedelta(seconds=1)), penalty=timedelta(seconds=1.2))
    share = FairShare(rules, FakeClock())
    share.admit(ANN, ANN_DM, typed=True)
    assert share.admit(ANN, ANN_DM, typed=True).seconds == 2


def test_idle_members_are_forgotten_once_there_are_many() -> None:
    clock = FakeClock()
    share = FairShare(RULES, clock)
    share._sweep_at = 50
    for n in range(50):
        share.admit(Actor(f"console:{n}", "N"), ANN_DM, typed=False)
    clock.advance(timedelta(seconds=11))
    share.admit(ANN, ANN_DM, typed=False)
    assert len(share._members) == 1
