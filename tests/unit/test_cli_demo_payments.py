"""`wavebot demo` runs the whole cycle with no payment account: launch → close → pay (the
simulated provider) → completed, with piped input as a newcomer types it."""

from __future__ import annotations

from pathlib import Path

from tests.texts import eur, said
from tests.unit.test_cli_demo_runs import demo

CYCLE = (
    "/idea Desk lamp #office\n/approve 1\n/launch 1 1:40 20:35 7d min=1\n/join 1\n"
    "/clock +8d\n/pay 1\n1\n/pay 1\n/clock +1h\n/wave 1\n"
)


def test_the_demo_runs_launch_close_pay_completed(tmp_path: Path) -> None:
    out, _, code = demo(tmp_path, CYCLE)
    assert code == 0
    assert said("announce.closed_success", id=1, title="Desk lamp", units=1, price=eur(40)) in out
    assert "[1] " + said("button.simpay", total=eur(40)) in out
    assert "bot> " + said("pay.simulated_done", id=1, amount=eur(40)) in out
    assert "bot> " + said("error.pay_already_paid", id=1) in out
    assert said("pay.paid_notice", id=1, title="Desk lamp", amount=eur(40)) in out
    assert said("pay.completed", id=1, title="Desk lamp", units=1, price=eur(40)) in out
    assert said("pay.result_completed", units=1, price=eur(40)) in out
    assert said("pay.outlook_paid", paid=1, paid_units=1) in out
