"""Training-load metrics: plain functions over a daily load series.

A daily load series is a list with one number per calendar day in the
athlete's own time zone, oldest first, ending today. A day's load is the sum
of its workouts' Foster session-RPE loads (RPE x minutes, in arbitrary units,
AU); a day without a workout counts as 0. The series starts on the day of the
athlete's first workout: before that there is no history, which is different
from rest.

These are heuristics that describe how training changed, not forecasts: the
acute:chronic ratio's power to predict injury is disputed (Impellizzeri et al.
2020), so nothing here is, or should be presented as, an injury risk.
"""

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

ACUTE_DAYS = 7
CHRONIC_DAYS = 28
# EWMA decay, lambda = 2 / (N + 1) (Williams et al. 2017).
ACUTE_LAMBDA = 2 / (ACUTE_DAYS + 1)
CHRONIC_LAMBDA = 2 / (CHRONIC_DAYS + 1)

NOT_ENOUGH_HISTORY = "not_enough_history"
# The zones of the acute:chronic ratio, (name, from, to, in words); see zone().
# The words describe where this week stands against the person's own usual;
# they are not risk levels.
ZONES = [
    ("below_usual", 0, 0.8, "below your usual"),
    ("usual", 0.8, 1.3, "about your usual"),
    ("above_usual", 1.3, 1.5, "above your usual"),
    ("well_above_usual", 1.5, None, "well above your usual"),
]
ZONE_BOUNDS = [(name, lower, upper) for name, lower, upper, _ in ZONES]
ZONE_WORDS = {name: words for name, _, _, words in ZONES}


def acute_load(series: Sequence[float]) -> float | None:
    """Mean daily load of the last 7 days; None with fewer than 7 days of history."""
    if len(series) < ACUTE_DAYS:
        return None
    return sum(series[-ACUTE_DAYS:]) / ACUTE_DAYS


def chronic_load(series: Sequence[float]) -> float | None:
    """Mean daily load of the last 28 days, the acute week included ("coupled")."""
    if len(series) < CHRONIC_DAYS:
        return None
    return sum(series[-CHRONIC_DAYS:]) / CHRONIC_DAYS


def coupled_acwr(series: Sequence[float]) -> float | None:
    """Acute (7-day) over chronic (28-day) mean load, the chronic window
    including the acute week.

    None until 28 days of history exist, and when the chronic load is 0 (no
    training for four weeks: there is nothing to compare against).
    """
    chronic = chronic_load(series)
    if not chronic:
        return None
    return acute_load(series) / chronic


def ewma(series: Sequence[float], decay: float) -> list[float]:
    """Exponentially weighted moving average: EWMA_t = decay * load_t + (1 - decay) * EWMA_t-1.

    Seeded with the mean daily load of the first 28 days (or of all, if fewer),
    the athlete's usual day: seeded with the first day alone, a series that
    starts on a training day inflates the slow chronic average for weeks, and a
    steady athlete read 0.7 instead of about 1.
    """
    if not series:
        return []
    previous = statistics.fmean(series[:CHRONIC_DAYS])
    averages: list[float] = []
    for load in series:
        previous = decay * load + (1 - decay) * previous
        averages.append(previous)
    return averages


def ewma_acwr(series: Sequence[float]) -> float | None:
    """Acute EWMA (lambda 2/8) over chronic EWMA (lambda 2/29), on the last day.

    None until 28 days of history exist, like the coupled ratio, and when the
    chronic EWMA is 0.
    """
    if len(series) < CHRONIC_DAYS:
        return None
    chronic = ewma(series, CHRONIC_LAMBDA)[-1]
    if not chronic:
        return None
    return ewma(series, ACUTE_LAMBDA)[-1] / chronic


def monotony(series: Sequence[float]) -> float | None:
    """Foster's monotony over the last 7 days: mean / sample standard deviation (n - 1).

    None with fewer than 7 days, and when every day had the same load (a
    standard deviation of 0 would divide by zero).
    """
    if len(series) < ACUTE_DAYS:
        return None
    week = series[-ACUTE_DAYS:]
    spread = statistics.stdev(week)
    if math.isclose(spread, 0, abs_tol=1e-9):
        return None
    return statistics.fmean(week) / spread


def strain(series: Sequence[float]) -> float | None:
    """Foster's strain: the last 7 days' total load x monotony; None when monotony is."""
    week_monotony = monotony(series)
    if week_monotony is None:
        return None
    return sum(series[-ACUTE_DAYS:]) * week_monotony


def change_pct(this: float, before: float) -> float | None:
    """% change from `before` to `this`; None when `before` is 0 (any training after
    a week off would be an infinite increase). Every "x % more than" of the app."""
    if not before:
        return None
    return (this - before) / before * 100


def week_over_week_change(series: Sequence[float]) -> float | None:
    """% change of the last 7 days' total load against the 7 days before; None
    without 14 days of history."""
    if len(series) < 2 * ACUTE_DAYS:
        return None
    return change_pct(sum(series[-ACUTE_DAYS:]), sum(series[-2 * ACUTE_DAYS : -ACUTE_DAYS]))


@dataclass(frozen=True)
class CalendarWeek:
    """A Monday-to-Sunday week of a daily load series."""

    monday: date
    load: float
    # The days of the week the series covers: 7, or fewer for a week it starts
    # or ends in (the current week, so far).
    days: int

    @property
    def whole(self) -> bool:
        return self.days == 7


def calendar_weeks(start: date, series: Sequence[float]) -> list[CalendarWeek]:
    """The series (daily loads from `start`) summed by calendar week, oldest first."""
    weeks: list[CalendarWeek] = []
    monday = start - timedelta(days=start.weekday())
    first = 0  # index of this week's first day in the series
    while first < len(series):
        last = min(first + 7 - (start.weekday() if not weeks else 0), len(series))
        weeks.append(CalendarWeek(monday, sum(series[first:last]), last - first))
        monday += timedelta(days=7)
        first = last
    return weeks


def usual_weeks(weeks: Sequence[CalendarWeek], count: int) -> list[float | None]:
    """For each week, the athlete's usual week before it: the median load of the
    last `count` whole weeks before it that had any training, so that a holiday
    neither lowers the usual nor counts as one. None until there are `count`."""
    usual: list[float | None] = []
    trained: list[float] = []
    for week in weeks:
        usual.append(statistics.median(trained[-count:]) if len(trained) >= count else None)
        if week.whole and week.load > 0:
            trained.append(week.load)
    return usual


def zone(acwr: float | None) -> str | None:
    """Where a ratio falls in ZONES: from each zone's lower bound up to (not
    including) the next one's, except that 1.3 itself is still "usual". None for
    no ratio."""
    if acwr is None:
        return None
    if acwr < 0.8:
        return "below_usual"
    if acwr <= 1.3:
        return "usual"
    if acwr < 1.5:
        return "above_usual"
    return "well_above_usual"


def monotony_words(value: float | None) -> str:
    """How alike a week's days were, in words: Foster's monotony below 1.5 reads
    as varied, 2 and above as very alike (his threshold for a monotonous week)."""
    if value is None:
        return ""
    if value < 1.5:
        return "varied"
    if value < 2:
        return "fairly alike"
    return "very alike"


@dataclass(frozen=True)
class DayMetrics:
    load: float
    acute: float | None
    chronic: float | None
    acwr: float | None
    acwr_ewma: float | None


def daily_metrics(series: Sequence[float]) -> list[DayMetrics]:
    """The metrics of every day of the series, each from the days up to it.

    The same definitions as the functions above, computed in one pass with
    rolling sums, so a whole history costs O(days) rather than O(days x 28).
    """
    acute_ewmas = ewma(series, ACUTE_LAMBDA)
    chronic_ewmas = ewma(series, CHRONIC_LAMBDA)
    result = []
    acute_sum = chronic_sum = 0.0
    for index, load in enumerate(series):
        acute_sum += load - (series[index - ACUTE_DAYS] if index >= ACUTE_DAYS else 0)
        chronic_sum += load - (series[index - CHRONIC_DAYS] if index >= CHRONIC_DAYS else 0)
        days = index + 1
        acute = acute_sum / ACUTE_DAYS if days >= ACUTE_DAYS else None
        chronic = chronic_sum / CHRONIC_DAYS if days >= CHRONIC_DAYS else None
        enough = days >= CHRONIC_DAYS
        result.append(
            DayMetrics(
                load=load,
                acute=acute,
                chronic=chronic,
                acwr=acute / chronic if enough and chronic else None,
                acwr_ewma=acute_ewmas[index] / chronic_ewmas[index]
                if enough and chronic_ewmas[index]
                else None,
            )
        )
    return result


@dataclass(frozen=True)
class Summary:
    """Where training stands on the last day of a series."""

    status: str  # "ok", or NOT_ENOUGH_HISTORY before 28 days
    acwr: float | None
    acwr_ewma: float | None
    monotony: float | None
    strain: float | None
    week_change_pct: float | None
    zone: str | None


def summary(series: Sequence[float]) -> Summary:
    ratio = coupled_acwr(series)
    return Summary(
        status="ok" if len(series) >= CHRONIC_DAYS else NOT_ENOUGH_HISTORY,
        acwr=ratio,
        acwr_ewma=ewma_acwr(series),
        monotony=monotony(series),
        strain=strain(series),
        week_change_pct=week_over_week_change(series),
        zone=zone(ratio),
    )
