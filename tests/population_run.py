"""Run the triage rules over simulated athletes the way the sweep does, and measure them.

For each athlete (tests/populations), and for each day from day 28 to the
last, this builds the History the engine would load that day, runs
`rules.evaluate`, and merges the findings into the athlete's flags with the
engine's own merge (triage/flag_merge.py). It also evaluates once on the last
day, as a single sweep over the whole log would. Nothing touches the database.

What "the way the sweep does" means here:

- One evaluation per athlete per day, at the end of the athlete's local day:
  the sweep re-evaluates everyone at least daily (`reevaluate_hours`), and
  each save triggers one; evaluating once after the day's last entry sees
  what the last of those saw. Entries are logged as they happen.
- The History is engine.load_histories's: `today` is that day,
  `loaded_since` is `history_days` - 1 days before it, and the workouts,
  episodes and daily fluid totals are those from `loaded_since` on (none
  after today exists yet); `first_workout_day` is the first workout ever.
- The flags considered are those whose window ends on or after
  `loaded_since` (the engine's query), each rule's in order of window start;
  a new flag whose (rule, window start) is already taken is dropped, as the
  database's unique constraint makes `bulk_create(ignore_conflicts=True)` do.
- Nobody acknowledges or decides a flag: athletes and reviewers don't touch
  flags in the simulation, so every flag stays open.

A flag "detects" a planted pattern when it is of an intended rule, at the
intended severity or above, and its evidence names a planted entry: a
background cramp that happens to hurt after the plant day doesn't count for
a muscle explosion. The detection day is the first evaluation at which such
a flag exists; days to detection count from the plant day.
"""

import bisect
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from multiprocessing import get_context

from tests.populations import (
    FIRST_EVALUATED_DAY,
    HEALTHY,
    LAST_DAY,
    PATTERNS,
    Athlete,
    Pattern,
    day,
    simulate,
)
from triage import flag_merge, rules
from triage.history import History
from triage.rules import RULES_VERSION, Finding, Severity, Thresholds

DAYS_PER_MONTH = 365.25 / 12
EVALUATED_DAYS = LAST_DAY - FIRST_EVALUATED_DAY + 1
DOCTOR = Severity.SEE_DOCTOR


def settings_thresholds() -> tuple[Thresholds, int]:
    """The rules' thresholds and the engine's history length, from settings.TRIAGE."""
    from django.conf import settings

    return Thresholds.from_settings(), settings.TRIAGE["history_days"]


# --- One athlete ------------------------------------------------------------------


@dataclass
class SimFlag(flag_merge.FlagLife):
    """A flag kept in memory: the Flag model's fields that an evaluation sets, its
    life (flag_merge.FlagLife, as the model's), and when it was raised and changed."""

    rule: str
    severity: str
    window_start: date
    window_end: date
    evidence: dict
    message: str
    advice: str
    source: str
    status: str = flag_merge.OPEN
    seen_at: object = None
    rules_version: int = RULES_VERSION
    created_on: date | None = None
    # Each evaluation that created or changed it: (day, severity, names a planted entry).
    changes: list[tuple[date, Severity, bool]] = field(default_factory=list)

    @property
    def rank(self) -> int:
        return Severity(self.severity).rank


@dataclass
class AthleteRun:
    athlete: Athlete
    flags: list[SimFlag]  # after the day-by-day sweep
    final: list[Finding]  # one evaluation on the last day

    def detection_day(self, pattern: Pattern) -> date | None:
        """The first day a flag detected the planted pattern (see the module's docstring)."""
        return min(
            (
                on
                for flag in self.flags
                if flag.rule in pattern.intended_rules
                for on, severity, planted in flag.changes
                if planted and severity.rank >= pattern.intended_severity.rank
            ),
            default=None,
        )

    def detected_at_end(self, pattern: Pattern) -> bool:
        return any(
            finding.rule in pattern.intended_rules
            and finding.severity.rank >= pattern.intended_severity.rank
            and names_planted(finding.evidence, self.athlete.planted_ids)
            for finding in self.final
        )

    def caught_by(self, pattern: Pattern) -> set[str]:
        """Every rule that named a planted entry at the intended severity or above."""
        return {
            flag.rule
            for flag in self.flags
            for _, severity, planted in flag.changes
            if planted and severity.rank >= pattern.intended_severity.rank
        }

    def intended_peak(self, pattern: Pattern) -> Severity | None:
        """The highest severity an intended rule reached while naming a planted entry."""
        severities = [
            severity
            for flag in self.flags
            if flag.rule in pattern.intended_rules
            for _, severity, planted in flag.changes
            if planted
        ]
        return max(severities, key=lambda s: s.rank, default=None)


class Timeline:
    """One athlete's entries indexed by day, to cut each day's History quickly."""

    def __init__(self, athlete: Athlete):
        self.athlete = athlete
        self.workout_days = [w.day for w in athlete.workouts]
        self.episode_days = [e.day for e in athlete.episodes]
        self.fluid_days = list(athlete.daily_fluid_ml)
        self.fluid_ml = list(athlete.daily_fluid_ml.values())
        self.first_workout_day = athlete.workouts[0].day if athlete.workouts else None
        self.checkin_days = [c.day for c in athlete.checkins]

    def history(self, today: date, history_days: int) -> History:
        """What engine.load_histories would read at the end of `today`."""
        loaded_since = today - timedelta(days=history_days - 1)

        def cut(days: list[date]) -> slice:
            return slice(bisect.bisect_left(days, loaded_since), bisect.bisect_right(days, today))

        fluid = cut(self.fluid_days)
        first = self.first_workout_day
        return History(
            today=today,
            loaded_since=loaded_since,
            episodes=self.athlete.episodes[cut(self.episode_days)],
            workouts=self.athlete.workouts[cut(self.workout_days)],
            daily_fluid_ml=dict(zip(self.fluid_days[fluid], self.fluid_ml[fluid], strict=True)),
            fluid_target_ml=self.athlete.fluid_target_ml,
            first_workout_day=first if first is not None and first <= today else None,
            checkins=self.athlete.checkins[cut(self.checkin_days)],
            zone=self.athlete.zone,
        )


def run_athlete(athlete: Athlete, thresholds: Thresholds, history_days: int) -> AthleteRun:
    """Sweep one athlete day by day, then evaluate the whole log once at the end."""
    timeline = Timeline(athlete)
    flags: list[SimFlag] = []
    for n in range(FIRST_EVALUATED_DAY, LAST_DAY + 1):
        history = timeline.history(day(n), history_days)
        evaluate_and_merge(flags, history, thresholds, athlete.planted_ids)
    final = rules.evaluate(timeline.history(day(LAST_DAY), history_days), thresholds)
    return AthleteRun(athlete, flags, final)


def evaluate_and_merge(
    flags: list[SimFlag], history: History, thresholds: Thresholds, planted_ids=frozenset()
) -> None:
    """One evaluation: the rules' findings merged into `flags` by the engine's merge."""
    findings = rules.evaluate(history, thresholds)
    if not findings:
        return
    by_rule = defaultdict(list)
    for flag in sorted(flags, key=lambda f: f.window_start):
        if flag.window_end >= history.loaded_since:
            by_rule[flag.rule].append(flag)
    taken = {(flag.rule, flag.window_start) for flag in flags}

    def new_flag(finding: Finding) -> SimFlag:
        return SimFlag(
            rule=finding.rule,
            severity=finding.severity,
            window_start=finding.window_start,
            window_end=finding.window_end,
            evidence=finding.evidence,
            message=finding.message,
            advice=finding.advice,
            source=finding.source,
            created_on=history.today,
        )

    merged = flag_merge.merge(findings, by_rule, new_flag)
    changed = {id(flag): flag for flag in merged.updated}
    for flag in merged.created:
        if (flag.rule, flag.window_start) not in taken:
            taken.add((flag.rule, flag.window_start))
            flags.append(flag)
            changed[id(flag)] = flag
    for flag in changed.values():
        flag.changes.append(
            (history.today, Severity(flag.severity), names_planted(flag.evidence, planted_ids))
        )


def names_planted(evidence: dict, planted_ids: frozenset[str]) -> bool:
    if not planted_ids:
        return False
    entries = evidence.get("episodes", []) + evidence.get("workouts", [])
    return any(entry["id"] in planted_ids for entry in entries)


# --- Populations ------------------------------------------------------------------


def _run_one(job: tuple[str, int, int, Thresholds, int]) -> AthleteRun:
    population, index, seed, thresholds, history_days = job
    return run_athlete(simulate(population, index, seed), thresholds, history_days)


def run_populations(
    sizes: dict[str, int],
    seed: int,
    thresholds: Thresholds,
    history_days: int,
    *,
    workers: int = 1,
) -> dict[str, list[AthleteRun]]:
    """Simulate and run `sizes[population]` athletes of each population.

    With workers > 1 the athletes are shared among that many processes; each
    athlete is fixed by its seed and index, so the result is the same.
    """
    jobs = [
        (population, index, seed, thresholds, history_days)
        for population, count in sizes.items()
        for index in range(count)
    ]
    if workers > 1:
        with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
            runs = list(pool.map(_run_one, jobs, chunksize=8))
    else:
        runs = [_run_one(job) for job in jobs]
    result: dict[str, list[AthleteRun]] = {population: [] for population in sizes}
    for run in runs:
        result[run.athlete.population].append(run)
    return result


# --- Measuring --------------------------------------------------------------------


@dataclass(frozen=True)
class HealthyFigures:
    athletes: int
    athlete_months: float
    # Flags (by their final severity) per athlete-month, by (rule, severity).
    flags_per_month: dict[tuple[str, Severity], float]
    watch_or_above_per_month: float
    # Share of athletes ever told to see a doctor (see_doctor or urgent), and by which rule.
    see_doctor_share: float
    see_doctor_share_by_rule: dict[str, float]
    # The same from the one evaluation at the end (findings instead of flags).
    end_findings_per_month: dict[tuple[str, Severity], float]
    end_watch_or_above_per_month: float
    end_see_doctor_share: float


def measure_healthy(runs: Sequence[AthleteRun]) -> HealthyFigures:
    """Healthy athletes' flags per athlete-month (the 120 evaluated days make
    about 3.9 months each), and how many were ever told to see a doctor."""
    months = len(runs) * EVALUATED_DAYS / DAYS_PER_MONTH
    flags = Counter((f.rule, Severity(f.severity)) for run in runs for f in run.flags)
    end = Counter((f.rule, f.severity) for run in runs for f in run.final)
    doctor_rules = Counter(
        rule for run in runs for rule in {f.rule for f in run.flags if f.rank >= DOCTOR.rank}
    )

    def per_month(counts: Counter) -> dict:
        return {key: count / months for key, count in sorted(counts.items())}

    def watch_or_above(counts: Counter) -> float:
        return sum(c for (_, s), c in counts.items() if s.rank >= Severity.WATCH.rank) / months

    def share(predicate) -> float:
        return sum(1 for run in runs if predicate(run)) / len(runs)

    return HealthyFigures(
        athletes=len(runs),
        athlete_months=months,
        flags_per_month=per_month(flags),
        watch_or_above_per_month=watch_or_above(flags),
        see_doctor_share=share(lambda run: any(f.rank >= DOCTOR.rank for f in run.flags)),
        see_doctor_share_by_rule={
            rule: count / len(runs) for rule, count in doctor_rules.most_common()
        },
        end_findings_per_month=per_month(end),
        end_watch_or_above_per_month=watch_or_above(end),
        end_see_doctor_share=share(
            lambda run: any(f.severity.rank >= DOCTOR.rank for f in run.final)
        ),
    )


@dataclass(frozen=True)
class PatternFigures:
    pattern: Pattern
    athletes: int
    sensitivity: float  # share detected by the day-by-day sweep
    median_days_to_detection: float | None
    end_sensitivity: float  # share detected by one evaluation on the last day
    # Share whose planted entries any rule named at >= the intended severity, and which rules.
    any_rule_share: float
    caught_by: dict[str, float]
    # Of all, the highest severity an intended rule reached on planted entries (None: never).
    intended_peaks: dict[str | None, float]


def measure_pattern(pattern: Pattern, runs: Sequence[AthleteRun]) -> PatternFigures:
    delays = []
    for run in runs:
        detected = run.detection_day(pattern)
        if detected is not None:
            delays.append((detected - run.athlete.plant_day).days)
    caught = [run.caught_by(pattern) for run in runs]
    peaks = Counter(run.intended_peak(pattern) for run in runs)
    return PatternFigures(
        pattern=pattern,
        athletes=len(runs),
        sensitivity=len(delays) / len(runs),
        median_days_to_detection=statistics.median(delays) if delays else None,
        end_sensitivity=sum(run.detected_at_end(pattern) for run in runs) / len(runs),
        any_rule_share=sum(1 for named in caught if named) / len(runs),
        caught_by={
            rule: count / len(runs)
            for rule, count in Counter(r for named in caught for r in named).most_common()
        },
        intended_peaks={
            (peak.value if peak else None): count / len(runs) for peak, count in peaks.items()
        },
    )


# --- The goals --------------------------------------------------------------------

# Issue 10's goals for the recalibrated rules.
GOAL_SEE_DOCTOR_SHARE = 0.01
GOAL_WATCH_PER_MONTH = 0.25
GOAL_SENSITIVITY = 0.95


@dataclass(frozen=True)
class GoalFigures:
    """The three figures issue 10 sets goals for, from the day-by-day sweep."""

    healthy_see_doctor_share: float
    healthy_watch_or_above_per_month: float
    sensitivity: dict[str, float]

    @property
    def worst_sensitivity(self) -> float:
        return min(self.sensitivity.values())

    def meets_goals(self) -> bool:
        return (
            self.healthy_see_doctor_share <= GOAL_SEE_DOCTOR_SHARE
            and self.healthy_watch_or_above_per_month <= GOAL_WATCH_PER_MONTH
            and self.worst_sensitivity >= GOAL_SENSITIVITY
        )


def goal_figures(
    seed: int = 2026,
    healthy: int = 130,
    per_pattern: int = 10,
    *,
    thresholds: Thresholds | None = None,
    history_days: int | None = None,
    workers: int = 1,
) -> GoalFigures:
    """The goal figures of one seeded run: by default 130 healthy athletes and 10
    of each of the 7 patterns, 200 in all. Thresholds default to settings."""
    if thresholds is None or history_days is None:
        default_thresholds, default_days = settings_thresholds()
        thresholds = thresholds or default_thresholds
        history_days = history_days or default_days
    sizes = {HEALTHY: healthy, **{name: per_pattern for name in PATTERNS}}
    runs = run_populations(sizes, seed, thresholds, history_days, workers=workers)
    figures = measure_healthy(runs[HEALTHY])
    return GoalFigures(
        healthy_see_doctor_share=figures.see_doctor_share,
        healthy_watch_or_above_per_month=figures.watch_or_above_per_month,
        sensitivity={
            name: measure_pattern(pattern, runs[name]).sensitivity
            for name, pattern in PATTERNS.items()
        },
    )


def worst_first(runs: Iterable[AthleteRun]) -> list[AthleteRun]:
    """Runs with the most severe flags first, then the most flags: examples to read."""
    return sorted(
        runs,
        key=lambda run: (-max((f.rank for f in run.flags), default=-1), -len(run.flags)),
    )
