"""Repeated benchmark figures are judged on their median and shown with their range."""

from devtools.bench.report import spread


def test_a_spread_is_judged_on_its_median_and_shows_its_range() -> None:
    figure = spread([3.0, 1.0, 2.0, 10.0])

    assert (figure.low, figure.median, figure.high) == (1.0, 2.0, 10.0)
    assert figure.show(" ms", 1) == "2.0 ms (min 1.0, max 10.0; 4 runs)"


def test_a_single_run_is_its_own_median() -> None:
    assert spread([7.0]).median == 7.0
