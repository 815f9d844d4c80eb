"""triage/metrics.py: the worked examples, the edge cases and the invariants."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage import metrics

STEADY_THEN_DOUBLE = [50] * 28 + [100] * 7
WEEK = [0, 80, 40, 0, 90, 60, 80]


def test_coupled_acwr_of_the_worked_example_is_1_6():
    assert metrics.coupled_acwr(STEADY_THEN_DOUBLE) == pytest.approx(1.6)


def test_ewma_acwr_of_the_worked_example_is_1_3394():
    assert round(metrics.ewma_acwr(STEADY_THEN_DOUBLE), 4) == 1.3394


def test_monotony_and_strain_of_the_worked_week():
    assert round(metrics.monotony(WEEK), 4) == 1.3207
    assert round(metrics.strain(WEEK), 1) == 462.2


def test_acute_and_chronic_are_the_7_and_28_day_means():
    assert metrics.acute_load(STEADY_THEN_DOUBLE) == 100
    assert metrics.chronic_load(STEADY_THEN_DOUBLE) == pytest.approx((21 * 50 + 7 * 100) / 28)


def test_ratios_wait_for_28_days_of_history():
    assert metrics.coupled_acwr([50] * 27) is None
    assert metrics.ewma_acwr([50] * 27) is None
    assert metrics.coupled_acwr([50] * 28) == 1
    assert metrics.summary([50] * 27).status == metrics.NOT_ENOUGH_HISTORY
    assert metrics.summary([50] * 28).status == "ok"


def test_four_weeks_without_training_give_no_ratio():
    assert metrics.coupled_acwr([0] * 40) is None
    assert metrics.ewma_acwr([0] * 40) is None


def test_monotony_is_none_when_every_day_is_the_same():
    assert metrics.monotony([60] * 7) is None
    assert metrics.strain([60] * 7) is None
    assert metrics.monotony([0] * 7) is None


def test_week_over_week_change():
    assert metrics.week_over_week_change([100] * 7 + [130] * 7) == pytest.approx(30)
    assert metrics.week_over_week_change([100] * 7 + [50] * 7) == pytest.approx(-50)
    assert metrics.week_over_week_change([0] * 7 + [50] * 7) is None
    assert metrics.week_over_week_change([50] * 13) is None


def test_ewma_is_seeded_with_the_usual_day_of_the_first_four_weeks():
    assert metrics.ewma([80, 0], 0.25) == [50, 37.5]  # seeded with 40, the mean of the two


def test_a_steady_athlete_reads_about_one():
    # Four sessions a week, five weeks, starting on a training day: seeded with
    # that first day alone, the chronic average stayed inflated (a week's mean of
    # 0.92, as low as 0.79 on rest days).
    series = [60, 60, 0, 60, 0, 60, 0] * 5

    daily = [m.acwr_ewma for m in metrics.daily_metrics(series)][-7:]

    assert sum(daily) / 7 == pytest.approx(1, abs=0.02)
    assert all(0.8 < ratio < 1.2 for ratio in daily)


@pytest.mark.parametrize(
    ("ratio", "zone"),
    [
        (None, None),
        (0.79, "below_usual"),
        (0.8, "usual"),
        (1.3, "usual"),
        (1.31, "above_usual"),
        (1.49, "above_usual"),
        (1.5, "well_above_usual"),
        (2.4, "well_above_usual"),
    ],
)
def test_zones(ratio, zone):
    assert metrics.zone(ratio) == zone


def test_summary_reports_where_the_last_day_stands():
    summary = metrics.summary(STEADY_THEN_DOUBLE)

    assert summary.acwr == pytest.approx(1.6)
    assert summary.zone == "well_above_usual"
    assert summary.week_change_pct == pytest.approx(100)


loads = st.lists(st.integers(min_value=0, max_value=2000), min_size=28, max_size=120)


@given(st.integers(min_value=1, max_value=3000), st.integers(min_value=28, max_value=120))
def test_a_constant_load_gives_a_ratio_of_one(load, days):
    series = [load] * days

    assert metrics.coupled_acwr(series) == pytest.approx(1)
    assert metrics.ewma_acwr(series) == pytest.approx(1)


@given(loads, st.floats(min_value=0.01, max_value=100))
def test_scaling_every_load_leaves_the_ratio_unchanged(series, k):
    scaled = [load * k for load in series]

    for ratio in (metrics.coupled_acwr, metrics.ewma_acwr):
        original = ratio(series)
        if original is None:
            assert ratio(scaled) is None
        else:
            assert ratio(scaled) == pytest.approx(original, rel=1e-9)


@given(st.lists(st.integers(min_value=0, max_value=500), min_size=7, max_size=7), st.randoms())
def test_monotony_does_not_depend_on_the_order_of_the_days(week, random):
    shuffled = list(week)
    random.shuffle(shuffled)

    original = metrics.monotony(week)
    if original is None:
        assert metrics.monotony(shuffled) is None
    else:
        assert metrics.monotony(shuffled) == pytest.approx(original)


@given(loads)
def test_the_daily_series_agrees_with_the_one_day_functions(series):
    last = metrics.daily_metrics(series)[-1]

    for value, expected in [
        (last.acute, metrics.acute_load(series)),
        (last.chronic, metrics.chronic_load(series)),
        (last.acwr, metrics.coupled_acwr(series)),
        (last.acwr_ewma, metrics.ewma_acwr(series)),
    ]:
        if expected is None:
            assert value is None
        else:
            assert math.isclose(value, expected, rel_tol=1e-9, abs_tol=1e-9)
