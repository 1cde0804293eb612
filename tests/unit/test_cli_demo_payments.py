"""`wavebot demo` runs the whole cycle with no payment account: launch → close → pay (the
simulated provider) → completed → shipped → delivered → reviewed, with piped input as a newcomer
types it."""

from __future__ import annotations

from pathlib import Path

from tests.texts import eur, said
from tests.unit.test_cli_demo_runs import demo

CYCLE = (
    "/idea Desk lamp #office\n/approve 1\n/launch 1 1:40 20:35 7d min=1\n/join 1\n"
    "/clock +8d\n/pay 1\n1\n/pay 1\n/clock +1h\n/wave 1\n"
    "/ship 1 Colissimo 6A12345678\n/delivered 1\n/review 1 5 Bright and quiet\n"
)


def test_the_demo_runs_launch_close_pay_completed_shipped_delivered_reviewed(
    tmp_path: Path,
) -> None:
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
    assert "bot> " + said("fulfilment.shipped", id=1, title="Desk lamp") in out
    assert said("fulfilment.tracking", tracking="Colissimo 6A12345678") in out
    assert "📣 " + said("fulfilment.shipped_notice", id=1, title="Desk lamp") in out
    assert "bot> " + said("fulfilment.delivered", id=1, title="Desk lamp") in out
    assert "📣 " + said("fulfilment.delivered_notice", id=1, title="Desk lamp") in out
    assert "📣 " + said("talk.review_ask", id=1, title="Desk lamp") in out
    assert "bot> " + said("talk.reviewed", id=1, title="Desk lamp", rating=5) in out
