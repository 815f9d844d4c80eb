"""What comes before a person's episodes: each factor's days against the days without it.

The guidance names the usual companions of twitches and cramps: overexertion
and sudden jumps in training, a lack of fluids and minerals (worse in the
heat), fatigue, anxiety, too little warm-up or stretching, illness and some
medications; one of its cited studies looked at caffeine. FACTORS below turns
each into a yes or no for a day of the log, with the definition the athlete
reads. `patterns(history, first, last)` then sets, for each factor, the share
of days with an episode on the days with the factor against the days without.

It describes; it never claims a cause. And with a few dozen days, most
differences are chance, so it says how sure it is and stays quiet where the
log cannot tell:

- Each comparison counts days, not episodes: a day has an episode (of the
  kind and in the region asked for, if any) or it does not.
- A day on which a factor cannot be known is left out of that factor's
  comparison: a day without a check-in says nothing about sleep, a day with
  no drink logged says nothing about fluid, and training factors compare days
  after training with other days after training (a rest day has no warm-up to
  skip).
- Below MIN_DAYS days with the factor or without it, the factor says "not
  enough days yet" and how many more it needs; with fewer than
  MIN_EPISODE_DAYS days with an episode, no factor is compared.
- The ratio of the two shares and its 99 % confidence interval come from
  scipy.stats.contingency.relative_risk (Katz's log interval), each share's
  interval from scipy.stats.binomtest (Wilson's); the p-value from Fisher's
  exact test (scipy.stats.fisher_exact, two-sided). 99 % rather than 95 %:
  see CONFIDENCE.
- A difference is called clear only when the Benjamini–Hochberg adjusted
  p-value (scipy.stats.false_discovery_control), across every factor compared
  together, is at most Q = 0.01. That is stricter than the usual 0.05 on
  purpose: days are not independent (training blocks, drinking habits, hot
  spells and bad weeks last several days, and episodes come in runs), which
  makes chance differences look surer than they are. Simulated athletes with
  such runs (tests/test_patterns.py) show that, with no real association,
  fewer than 5 % of years of log report any pattern at all, and that a
  planted one is found.

Nothing here touches the database: the History is what triage/reading.py
reads for everything else, and a year of it computes in a few milliseconds
(bench/patterns.py).
"""

import bisect
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from scipy.stats import binomtest, false_discovery_control, fisher_exact
from scipy.stats.contingency import relative_risk

from triage import guidance, metrics
from triage.guidance import Passage
from triage.history import History

# --- The comparison -------------------------------------------------------------------

# Days with the factor, and days without it, that a comparison needs.
MIN_DAYS = 10
# Days with an episode (of the kind and region asked for) that any comparison needs.
MIN_EPISODE_DAYS = 5
# The confidence of every interval shown: 99 %, computed as if days were
# independent. They are not, so an interval covers the truth less often than it
# says: in 500 simulated years with realistic runs of days and a planted ratio,
# 95 % intervals covered it in 90 % of them, and these 99 % ones in 98 %.
CONFIDENCE = 0.99
# The largest Benjamini–Hochberg adjusted p-value that is called a clear difference.
Q = 0.01
# How far a page or the API looks back, and the days before that the factors read
# (a usual load needs the 28 days before the last 7).
DEFAULT_DAYS = 365
CONTEXT_DAYS = metrics.CHRONIC_DAYS + metrics.ACUTE_DAYS

# Statuses of a comparison.
MORE = "more"
FEWER = "fewer"
NO_CLEAR_DIFFERENCE = "no_clear_difference"
NOT_ENOUGH_DAYS = "not_enough_days"
STATUSES = (MORE, FEWER, NO_CLEAR_DIFFERENCE, NOT_ENOUGH_DAYS)

# --- The factors' lines ---------------------------------------------------------------

# Training on the day and the day before at least this many times the usual two
# days: the same doubling the load_spike rule calls a jump (settings.TRIAGE
# "week_jump_ratio"), over 48 hours instead of a week.
LOAD_JUMP_RATIO = 2.0
# RPE of a hard session: 8 of 10 and above is "very hard" on the scale the app asks.
HARD_RPE = 8
SHORT_SLEEP_HOURS = 6
# Caffeine over 400 mg, or 1.5 times the usual day: the lines at which the
# unexplained_twitching rule counts caffeine as a known cause (settings.TRIAGE).
HIGH_CAFFEINE_MG = 400
CAFFEINE_OVER_USUAL = 1.5
# The usual day is the median of the check-ins of the 28 days before, once 7 gave a figure.
USUAL_CAFFEINE_DAYS = 28
USUAL_CAFFEINE_CHECKINS = 7
# Stress of 7/10 or more: the rules' line for anxiety as a known cause.
HIGH_STRESS = 7
# A new medication counts on the day it was logged and the 6 days after.
MEDICATION_DAYS = 7


@dataclass(frozen=True)
class Factor:
    """One thing that may come before episodes, as a day of the log shows it."""

    key: str
    name: str  # "Training load jump"
    definition: str  # what counts, in plain words, shown with every comparison
    days_with: str  # "with a training load jump": "on days …" in sentences
    # The days it is compared with: "other days", or "other days after training".
    others: str
    # Where the guidance names it: every factor is one of the guidance's own.
    passage: Passage
    present: Callable[["DayTable", int], bool | None]


class DayTable:
    """The days from `first` to `last`, with what the history says about each.

    Index 0 is `first`. Built once per history; every factor reads it.
    """

    def __init__(self, history: History, first: date, last: date):
        self.history = history
        self.first = first
        self.last = last
        self.days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        self.workouts_on: dict[date, list] = {}
        for workout in history.workouts:
            self.workouts_on.setdefault(workout.day, []).append(workout)
        self.checkin_on = history.checkin_on
        self.fluid = history.daily_fluid_ml
        self.target_ml = history.fluid_target_ml
        self._load_start, self._loads = history.load_series()
        self._medication_days = sorted(c.day for c in history.checkins if c.new_medication)
        self._caffeine = [
            (c.day, c.caffeine_mg) for c in history.checkins if c.caffeine_mg is not None
        ]
        self._caffeine_days = [day for day, _ in self._caffeine]

    # --- What the factors read -------------------------------------------------------

    def training(self, index: int) -> list:
        """The workouts of the day and the day before, or [] for a rest window."""
        return self._training[index]

    @cached_property
    def _training(self) -> list[list]:
        # Four factors read each day's window: it is gathered once.
        none: list = []
        return [
            self.workouts_on.get(day - timedelta(days=1), none) + self.workouts_on.get(day, none)
            for day in self.days
        ]

    def two_day_load(self, index: int) -> tuple[float, float] | None:
        """(load of the day and the day before, the usual two days), or None until
        the usual is known.

        The usual two days are twice the average day of the 28 days before the
        last week (metrics.chronic_load as it stood a week before): measured
        against what was usual before a block of hard training began, its second
        week is still a jump, as the load_spike rule reads it too."""
        offset = (self.days[index] - self._load_start).days
        before = offset - metrics.ACUTE_DAYS
        if before < metrics.CHRONIC_DAYS - 1 or offset >= len(self._loads):
            return None
        usual = self._usual_daily_load[before]
        if not usual:
            return None
        return self._loads[offset] + self._loads[offset - 1], 2 * usual

    @cached_property
    def _usual_daily_load(self) -> list[float | None]:
        return [m.chronic for m in metrics.daily_metrics(self._loads)]

    def drank_under_target(self, index: int) -> bool | None:
        """Under the target on the day before and on the day; not, if either reached
        it; unknown otherwise (a day without a drink logged is unknown, not dry)."""
        day = self.days[index]
        both = [self.fluid.get(day - timedelta(days=1)), self.fluid.get(day)]
        if any(ml is not None and ml >= self.target_ml for ml in both):
            return False
        return None if None in both else True

    def checkin(self, index: int):
        return self.checkin_on.get(self.days[index])

    def usual_caffeine(self, index: int) -> float | None:
        day = self.days[index]
        lo = bisect.bisect_left(self._caffeine_days, day - timedelta(days=USUAL_CAFFEINE_DAYS))
        hi = bisect.bisect_left(self._caffeine_days, day)
        if hi - lo < USUAL_CAFFEINE_CHECKINS:
            return None
        return statistics.median(mg for _, mg in self._caffeine[lo:hi])

    def new_medication(self, index: int) -> bool | None:
        day = self.days[index]
        lo = bisect.bisect_left(self._medication_days, day - timedelta(days=MEDICATION_DAYS - 1))
        if lo < len(self._medication_days) and self._medication_days[lo] <= day:
            return True
        return False if self.checkin(index) is not None else None

    @cached_property
    def first_logged(self) -> date | None:
        """The first day with anything logged: days before it say nothing."""
        history = self.history
        firsts = [
            *(x[0].day for x in (history.episodes, history.workouts, history.checkins) if x),
            *([min(history.daily_fluid_ml)] if history.daily_fluid_ml else []),
        ]
        return min(firsts, default=None)


# --- The factors ----------------------------------------------------------------------


def load_jump(table: DayTable, i: int) -> bool | None:
    loads = table.two_day_load(i)
    return None if loads is None else loads[0] >= LOAD_JUMP_RATIO * loads[1]


def after_training(test: Callable) -> Callable[[DayTable, int], bool | None]:
    """A factor of the workouts of the day and the day before; None without any."""

    def present(table: DayTable, i: int) -> bool | None:
        workouts = table.training(i)
        return any(test(w) for w in workouts) if workouts else None

    return present


def from_checkin(test: Callable) -> Callable[[DayTable, int], bool | None]:
    """A factor of the day's check-in; None without one, or without the figure."""

    def present(table: DayTable, i: int) -> bool | None:
        checkin = table.checkin(i)
        return None if checkin is None else test(checkin)

    return present


def more_caffeine(table: DayTable, i: int) -> bool | None:
    checkin = table.checkin(i)
    if checkin is None or checkin.caffeine_mg is None:
        return None
    usual = table.usual_caffeine(i)
    if usual is None:
        return None
    mg = checkin.caffeine_mg
    return mg > HIGH_CAFFEINE_MG or (mg > usual and mg >= CAFFEINE_OVER_USUAL * usual)


def figure(name: str, test: Callable) -> Callable:
    def check(checkin) -> bool | None:
        value = getattr(checkin, name)
        return None if value is None else test(value)

    return check


AFTER_TRAINING = "other days after training"
OTHER_DAYS = "other days"

FACTORS: tuple[Factor, ...] = (
    Factor(
        "load_jump",
        "Training load jump",
        "Your training load on the day and the day before came to at least twice your usual "
        "two days (your average over the 4 weeks before the last one). Load is effort (RPE) "
        "times minutes.",
        "with a training load jump",
        OTHER_DAYS,
        guidance.SUDDEN_CHANGES,
        load_jump,
    ),
    Factor(
        "hard_session",
        "Hard session",
        f"A workout at an effort (RPE) of {HARD_RPE} or more on the day or the day before.",
        "after a hard session",
        AFTER_TRAINING,
        guidance.KNOWN_CAUSES,  # overexertion
        after_training(lambda w: w.rpe >= HARD_RPE),
    ),
    Factor(
        "no_warm_up",
        "No warm-up",
        "A workout without a warm-up on the day or the day before.",
        "after a workout without a warm-up",
        AFTER_TRAINING,
        guidance.WARM_UP_AND_STRETCH,
        after_training(lambda w: not w.warmed_up),
    ),
    Factor(
        "no_stretching",
        "No stretching after",
        "A workout without stretching after it on the day or the day before.",
        "after a workout without stretching",
        AFTER_TRAINING,
        guidance.WARM_UP_AND_STRETCH,
        after_training(lambda w: not w.stretched_after),
    ),
    Factor(
        "hot",
        "Hot conditions",
        "A workout in hot conditions on the day or the day before.",
        "after a workout in the heat",
        AFTER_TRAINING,
        guidance.HOT_WEATHER,
        after_training(lambda w: w.hot_conditions),
    ),
    Factor(
        "low_fluid",
        "Fluid under target",
        "Less fluid logged than your daily target on the day before and on the day. A day "
        "without any drink logged counts as unknown, not as dry.",
        "with fluid under your target",
        OTHER_DAYS,
        guidance.FLUIDS_AND_MINERALS,
        DayTable.drank_under_target,
    ),
    Factor(
        "short_sleep",
        "Short sleep",
        f"Under {SHORT_SLEEP_HOURS} hours of sleep in the day's check-in.",
        "after under 6 hours of sleep",
        OTHER_DAYS,
        guidance.KNOWN_CAUSES,  # fatigue
        from_checkin(figure("sleep_hours", lambda hours: hours < SHORT_SLEEP_HOURS)),
    ),
    Factor(
        "caffeine",
        "More caffeine than usual",
        f"Caffeine over {HIGH_CAFFEINE_MG} mg in the day's check-in, or at least "
        f"{CAFFEINE_OVER_USUAL:g} times your usual day: the middle of your check-ins over "
        f"the {USUAL_CAFFEINE_DAYS} days before, once {USUAL_CAFFEINE_CHECKINS} of them give "
        "a figure.",
        "with more caffeine than usual",
        OTHER_DAYS,
        guidance.CAFFEINE_STUDY,
        more_caffeine,
    ),
    Factor(
        "stress",
        "High stress",
        f"Stress of {HIGH_STRESS}/10 or more in the day's check-in.",
        f"with stress of {HIGH_STRESS}/10 or more",
        OTHER_DAYS,
        guidance.KNOWN_CAUSES,  # anxiety
        from_checkin(figure("stress", lambda stress: stress >= HIGH_STRESS)),
    ),
    Factor(
        "ill",
        "Ill",
        "Marked ill in the day's check-in.",
        "marked ill",
        OTHER_DAYS,
        guidance.RISK_FACTORS,
        from_checkin(lambda checkin: checkin.ill),
    ),
    Factor(
        "new_medication",
        "New medication",
        f"A new medication marked in a check-in on the day or in the {MEDICATION_DAYS - 1} "
        "days before.",
        "in the week after starting a new medication",
        OTHER_DAYS,
        guidance.RISK_FACTORS,
        DayTable.new_medication,
    ),
)
FACTOR_KEYS = tuple(factor.key for factor in FACTORS)


def factor_columns(table: DayTable) -> dict[str, list[bool | None]]:
    """{factor key: [present on each day of the table: True, False, or None if unknown]}."""
    count = len(table.days)
    return {f.key: [f.present(table, i) for i in range(count)] for f in FACTORS}


# --- The comparison -------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """One factor: the share of days with an episode with it and without it."""

    factor: Factor
    days_with: int
    episode_days_with: int
    days_without: int
    episode_days_without: int
    status: str  # one of STATUSES
    ratio: float | None = None  # the share with / the share without; None if either is 0
    ratio_low: float | None = None
    ratio_high: float | None = None
    p_value: float | None = None
    adjusted_p_value: float | None = None  # Benjamini–Hochberg, across the factors compared

    @property
    def clear(self) -> bool:
        return self.status in (MORE, FEWER)

    @property
    def compared(self) -> bool:
        return self.status != NOT_ENOUGH_DAYS

    @property
    def share_with(self) -> float | None:
        return self.episode_days_with / self.days_with if self.days_with else None

    @property
    def share_without(self) -> float | None:
        return self.episode_days_without / self.days_without if self.days_without else None

    @property
    def more_days_with(self) -> int:
        """How many more days with the factor a comparison needs."""
        return max(0, MIN_DAYS - self.days_with)

    @property
    def more_days_without(self) -> int:
        return max(0, MIN_DAYS - self.days_without)

    @cached_property
    def share_intervals(self) -> tuple[tuple[float, float], tuple[float, float]] | None:
        """Each share's interval (Wilson's, at CONFIDENCE), with and without, for the charts."""
        if not (self.days_with and self.days_without):
            return None
        return (
            share_interval(self.episode_days_with, self.days_with),
            share_interval(self.episode_days_without, self.days_without),
        )


def share_interval(successes: int, trials: int) -> tuple[float, float]:
    interval = binomtest(successes, trials).proportion_ci(CONFIDENCE, method="wilson")
    return float(interval.low), float(interval.high)


@dataclass(frozen=True)
class Outcome:
    """Which episodes count: of one kind, in one region, or any (None)."""

    kind: str | None = None
    region: str | None = None

    def matches(self, episode) -> bool:
        return (self.kind is None or episode.kind == self.kind) and (
            self.region is None or episode.body_region == self.region
        )


ANY_EPISODE = Outcome()


@dataclass(frozen=True)
class Patterns:
    """Every factor's comparison over the days from `first` to `last`."""

    first: date  # the first day compared: the range's, or the first day anything was logged
    last: date
    outcome: Outcome
    days: int
    episode_days: int
    comparisons: tuple[Comparison, ...]

    @property
    def enough_episode_days(self) -> bool:
        return self.episode_days >= MIN_EPISODE_DAYS

    @property
    def clear(self) -> list[Comparison]:
        return [c for c in self.comparisons if c.clear]

    @property
    def compared(self) -> list[Comparison]:
        return [c for c in self.comparisons if c.compared]

    @property
    def not_enough(self) -> list[Comparison]:
        return [c for c in self.comparisons if not c.compared]

    def comparison(self, key: str) -> Comparison:
        return next(c for c in self.comparisons if c.factor.key == key)


def patterns(
    history: History,
    first: date | None = None,
    last: date | None = None,
    outcome: Outcome = ANY_EPISODE,
    *,
    table: DayTable | None = None,
    columns: dict[str, list[bool | None]] | None = None,
) -> Patterns:
    """The comparisons over the days from `first` to `last` (by default the
    history's last DEFAULT_DAYS days, up to its today).

    The history should reach CONTEXT_DAYS before `first`, for the usual load
    and caffeine. A table and its factor columns built before (for the same
    history, reaching over these days) may be passed to compute several
    ranges or outcomes from one reading.
    """
    last = last or history.today
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if table is None:
        table = DayTable(history, first, last)
        columns = None
    if columns is None:
        columns = factor_columns(table)
    if table.first_logged is not None:
        first = max(first, table.first_logged)
    lo = max(0, (first - table.first).days)
    hi = (last - table.first).days + 1
    episode_days = {e.day for e in history.episodes if outcome.matches(e)}
    had = [day in episode_days for day in table.days[lo:hi]]
    counted = [(column[lo:hi]) for column in columns.values()]
    tallies = [tally(column, had) for column in counted]
    total_episode_days = sum(had)
    comparisons = compare(tallies, enough=total_episode_days >= MIN_EPISODE_DAYS)
    return Patterns(
        first=first,
        last=last,
        outcome=outcome,
        days=max(0, hi - lo),
        episode_days=total_episode_days,
        comparisons=tuple(comparisons),
    )


def tally(column: Sequence[bool | None], had: Sequence[bool]) -> tuple[int, int, int, int]:
    """(days with, episode days with, days without, episode days without)."""
    days_with = with_episode = days_without = without_episode = 0
    for present, episode in zip(column, had, strict=True):
        if present is None:
            continue
        if present:
            days_with += 1
            with_episode += episode
        else:
            days_without += 1
            without_episode += episode
    return days_with, with_episode, days_without, without_episode


def compare(tallies: Sequence[tuple[int, int, int, int]], *, enough: bool) -> list[Comparison]:
    """Each factor's tally (in FACTORS' order) tested, and the tests corrected together."""
    tested: dict[int, tuple] = {}
    for index, (n1, a, n0, c) in enumerate(tallies):
        if enough and n1 >= MIN_DAYS and n0 >= MIN_DAYS:
            p_value = float(fisher_exact([[a, n1 - a], [c, n0 - c]]).pvalue)
            tested[index] = (p_value, *ratio_of(a, n1, c, n0))
    adjusted = (
        dict(zip(tested, false_discovery_control([t[0] for t in tested.values()]), strict=True))
        if tested
        else {}
    )
    comparisons = []
    for index, (factor, (n1, a, n0, c)) in enumerate(zip(FACTORS, tallies, strict=True)):
        if index not in tested:
            comparisons.append(Comparison(factor, n1, a, n0, c, NOT_ENOUGH_DAYS))
            continue
        p, ratio, low, high = tested[index]
        q = float(adjusted[index])
        status = (MORE if a / n1 > c / n0 else FEWER) if q <= Q else NO_CLEAR_DIFFERENCE
        comparisons.append(Comparison(factor, n1, a, n0, c, status, ratio, low, high, p, q))
    return comparisons


def ratio_of(a: int, n1: int, c: int, n0: int) -> tuple[float | None, float | None, float | None]:
    """(ratio, low, high): the share with over the share without and its interval;
    all None when either share is 0 (no ratio, and no interval, exists)."""
    if not a or not c:
        return None, None, None
    result = relative_risk(a, n1, c, n0)
    interval = result.confidence_interval(CONFIDENCE)
    return float(result.relative_risk), float(interval.low), float(interval.high)


def newly_clear(history: History, last: date, days: int = DEFAULT_DAYS) -> tuple[list, Patterns]:
    """The differences clear over the `days` days up to `last` that were not clear
    (in that direction) over the `days` days up to a week before; and the
    patterns up to `last`. For the weekly digest: one table serves both."""
    week_before = last - timedelta(days=7)
    table = DayTable(history, week_before - timedelta(days=days - 1), last)
    columns = factor_columns(table)
    now = patterns(history, last - timedelta(days=days - 1), last, table=table, columns=columns)
    if not now.clear:
        return [], now
    then = patterns(
        history, week_before - timedelta(days=days - 1), week_before, table=table, columns=columns
    )
    before = {(c.factor.key, c.status) for c in then.clear}
    return [c for c in now.clear if (c.factor.key, c.status) not in before], now
