"""Stats maths without a database: demand curves, percentages, ratings and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from core.model import CategoryStats, ExportRow, PledgeStatus, Tier, Wave, WaveStatus, percent
from core.services.stats import DemandCurve, demand_curve, export_csv, safe_cell, sample_steps
from core.views import TalkSummary, talk_texts

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)


def test_demand_curve_counts_everyone_willing_at_each_price() -> None:
    curve = demand_curve([8000, None, 9500, 8000, 12000, None])
    assert curve.unlimited == 2
    assert curve.steps == ((8000, 6), (9500, 4), (12000, 3))
    assert curve.total == 6
    assert curve.buyers_at(5000) == 6  # below every stated max: all buy
    assert curve.buyers_at(8000) == 6  # a max of 80 € still buys at 80 €
    assert curve.buyers_at(8001) == 4
    assert curve.buyers_at(12000) == 3
    assert curve.buyers_at(20000) == 2  # only those without a limit
    assert curve.best() == (8000, 6)  # 480 € beats 4 × 95 = 380 € and 3 × 120 = 360 €
    assert demand_curve([5000, 12000, 12000, 12000]).best() == (12000, 3)  # 360 € > 200 €


def test_best_price_maximises_revenue_and_prefers_the_cheaper_on_ties() -> None:
    assert demand_curve([8000, 8000, 9500, 12000]).best() == (8000, 4)  # 320 € vs 190, 120
    assert demand_curve([5000, 10000]).best() == (5000, 2)  # 100 € both: cheaper wins
    assert demand_curve([None, None]).best() is None
    assert demand_curve([None, None]).total == 2
    assert demand_curve([]) == DemandCurve((), 0)


def test_sample_steps_keeps_both_ends_and_at_most_the_rows_asked() -> None:
    curve = demand_curve(list(range(100, 4100, 100)))  # 40 distinct prices
    rows = sample_steps(curve, rows=12)
    assert len(rows) == 12
    assert rows[0] == curve.steps[0] and rows[-1] == curve.steps[-1]
    assert rows == sorted(rows)
    assert sample_steps(demand_curve([100, 200])) == [(100, 2), (200, 1)]


def test_percentages_round_half_up_and_need_data() -> None:
    assert percent(1, 3) == 33
    assert percent(2, 3) == 67
    assert percent(1, 8) == 13  # 12.5 rounds up
    assert percent(0, 0) is None
    row = CategoryStats("kitchen", waves=5, decided=4, succeeded=3, confirmed=9, abandoned=3)
    assert (row.success_rate, row.abandonment_rate) == (75, 25)
    assert CategoryStats("x", 1, 0, 0, 0, 0).abandonment_rate is None


def test_card_rating_is_the_average_to_one_decimal() -> None:
    assert talk_texts(TalkSummary()) == ()
    questions, rating = talk_texts(TalkSummary(questions=2, answers=3, reviews=3,
                                               rating_total=13))  # fmt: skip
    assert questions.params == {"questions": 2, "answers": 3}
    assert rating.params == {"whole": 4, "tenth": 3, "count": 3}  # 13 / 3 = 4.33
    (only,) = talk_texts(TalkSummary(reviews=4, rating_total=18))  # 4.5 exactly
    assert (only.params["whole"], only.params["tenth"]) == (4, 5)


def test_formula_cells_are_defused() -> None:
    for dangerous in ('=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(dangerous) == "'" + dangerous
    assert safe_cell("Alice") == "Alice"
    assert safe_cell("a=b") == "a=b"
    assert safe_cell(None) == ""
    assert safe_cell(12) == "12"


def test_export_has_a_summary_then_one_row_per_pledge() -> None:
    wave = Wave(4, 1, "=Kettle", "", "kitchen", "EUR", (Tier(1, 10000), Tier(2, 9000)), 2,
                None, 3, NOW, NOW + timedelta(days=1), WaveStatus.SUCCEEDED, 1,
                units=5, pledgers=3, final_price_cents=9050, final_units=5)  # fmt: skip
    rows = [
        ExportRow("Alice", 2, None, PledgeStatus.CONFIRMED, NOW),
        ExportRow("=cmd|'/C calc'!A0", 1, 9500, PledgeStatus.ABANDONED, NOW),
        ExportRow('Chloé, "the" buyer', 2, 9900, PledgeStatus.CONFIRMED, NOW),
    ]
    data = export_csv(wave, rows, "en")
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read UTF-8
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    summary = dict(row for row in table[:9])
    assert summary["Wave"] == "#4"
    assert summary["Product"] == "'=Kettle"
    assert summary["Status"] == "succeeded"
    assert summary["Final unit price"] == "90.50"
    assert summary["Confirmed units"] == "4"
    assert summary["Confirmed total"] == "362.00"
    assert table[9] == []
    assert table[10] == ["Member", "Quantity", "Max unit price", "Status", "Pledged at (UTC)"]
    assert table[11] == ["Alice", "2", "", "confirmed", "2026-01-01 12:00:00"]
    assert table[12][0] == "'=cmd|'/C calc'!A0"
    assert table[12][2:4] == ["95.00", "abandoned"]
    assert table[13][0] == 'Chloé, "the" buyer'
    french = list(csv.reader(io.StringIO(export_csv(wave, rows, "fr").decode("utf-8-sig"))))
    assert french[10][0] == "Membre" and french[11][3] == "confirmé"
