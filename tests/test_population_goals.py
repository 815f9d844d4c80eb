"""The rules judged by how they treat realistic people (issue 10's goals).

Two hundred simulated athletes (tests/populations), evaluated day by day as the
sweep does: 130 healthy recreational athletes, and 10 of each pattern the
guidance calls concerning. bench/triage_quality.py prints the same figures for
more athletes, rule by rule.
"""

import pytest

from tests.population_run import (
    GOAL_SEE_DOCTOR_SHARE,
    GOAL_SENSITIVITY,
    GOAL_WATCH_PER_MONTH,
    goal_figures,
)

pytestmark = pytest.mark.django_db  # the thresholds come from settings; nothing is stored


@pytest.fixture(scope="module")
def figures():
    return goal_figures(seed=2026)


def test_healthy_athletes_are_almost_never_told_to_see_a_doctor(figures):
    assert figures.healthy_see_doctor_share <= GOAL_SEE_DOCTOR_SHARE


def test_healthy_athletes_get_few_flags_to_watch(figures):
    assert figures.healthy_watch_or_above_per_month <= GOAL_WATCH_PER_MONTH


def test_every_concerning_pattern_is_caught_at_its_severity(figures):
    missed = {
        name: share for name, share in figures.sensitivity.items() if share < GOAL_SENSITIVITY
    }
    assert missed == {}
