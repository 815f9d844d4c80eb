"""The patterns the guidance calls concerning, each a small pure function.

Every rule reads one athlete's History and returns Findings: what was seen
(with the numbers), over which days, what the guidance says about it, and the
passage it rests on. A rule never predicts and never diagnoses.

Conventions shared by the rules:

- "Within N days" means N calendar days in the athlete's time zone, both ends
  included: 3 episodes on the 1st, 4th and 7th are within 7 days; 3 on the
  1st, 4th and 8th are not.
- A rule counts entries. A run of twitches logged as one entry (count > 1) is
  one episode; its count is shown in the evidence.
- A rule's hits that overlap in time merge into one finding, which takes the
  highest severity among them. So a rule never reports overlapping windows,
  and a pattern that goes on keeps one finding whose window grows.
- Load rules stay quiet until 28 days of training history exist.
"""

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from enum import StrEnum
from itertools import pairwise

from logbook import wording
from triage import guidance
from triage.history import EpisodeRecord, History, WorkoutRecord, days_between, window
from triage.metrics import daily_metrics


class Severity(StrEnum):
    INFO = "info"
    WATCH = "watch"
    SEE_DOCTOR = "see_doctor"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Rule(StrEnum):
    RECURRING_EPISODES = "recurring_episodes"
    LONG_EPISODE = "long_episode"
    PERSISTENT_TWITCHING = "persistent_twitching"
    RED_FLAG_SYMPTOMS = "red_flag_symptoms"
    SEVERE_PAIN = "severe_pain"
    LOAD_SPIKE = "load_spike"
    DEHYDRATION_RISK = "dehydration_risk"
    UNEXPLAINED_TWITCHING = "unexplained_twitching"
    RETURN_AFTER_BREAK = "return_after_break"
    NO_WARMUP_PATTERN = "no_warmup_pattern"


RULE_TITLES = {
    Rule.RECURRING_EPISODES: "episodes that keep coming back",
    Rule.LONG_EPISODE: "an episode that lasted a long time",
    Rule.PERSISTENT_TWITCHING: "long-term twitching",
    Rule.RED_FLAG_SYMPTOMS: "twitching with weakness or a change in sensation",
    Rule.SEVERE_PAIN: "severe pain",
    Rule.LOAD_SPIKE: "a sharp rise in training load",
    Rule.DEHYDRATION_RISK: "episodes after days short of fluid",
    Rule.UNEXPLAINED_TWITCHING: "twitching without a known cause",
    Rule.RETURN_AFTER_BREAK: "a heavy return after a break",
    Rule.NO_WARMUP_PATTERN: "episodes after workouts without a warm-up",
}


@dataclass(frozen=True)
class Thresholds:
    """The numbers the rules use; settings.TRIAGE holds their values."""

    recurring_watch_episodes: int
    recurring_watch_days: int
    recurring_doctor_episodes: int
    recurring_doctor_days: int
    long_cramp_minutes: int
    long_episode_minutes: int
    persistent_episode_days: int
    persistent_span_days: int
    persistent_lookback_days: int
    red_flag_frequent_episodes: int
    red_flag_frequent_days: int
    severe_pain: int
    min_load_history_days: int
    acwr_spike: float
    week_increase_pct: float
    week_min_load: float
    after_workout_hours: int
    dehydration_episodes: int
    dehydration_days: int
    unexplained_episodes: int
    unexplained_days: int
    unexplained_no_workout_hours: int
    break_days: int
    no_warmup_episodes: int
    no_warmup_days: int

    @classmethod
    def from_settings(cls) -> "Thresholds":
        from django.conf import settings

        return cls(**{f.name: settings.TRIAGE[f.name] for f in fields(cls)})


@dataclass(frozen=True)
class Finding:
    rule: Rule
    severity: Severity
    window_start: date
    window_end: date
    evidence: dict
    message: str
    advice: str
    source: str


@dataclass(frozen=True)
class Hit:
    """One match of a rule, before overlapping matches merge into a Finding."""

    start: date
    end: date
    severity: Severity
    episodes: tuple[EpisodeRecord, ...] = ()
    workouts: tuple[WorkoutRecord, ...] = ()
    figures: dict = field(default_factory=dict)

    @classmethod
    def of_run(cls, run: tuple[EpisodeRecord, ...], severity: Severity, **more) -> "Hit":
        """A hit spanning a run of episodes, from the first one's day to the last one's."""
        return cls(run[0].day, run[-1].day, severity, episodes=run, **more)


# --- The rules ------------------------------------------------------------------


def recurring_episodes(history: History, t: Thresholds) -> list[Finding]:
    """Episodes in one body region that keep coming back.

    watch: >= 3 within 7 days. see_doctor: >= 6 within 14 days.
    """
    hits = []
    for region_episodes in by_region(history.episodes).values():
        for at_least, days, severity in [
            (t.recurring_watch_episodes, t.recurring_watch_days, Severity.WATCH),
            (t.recurring_doctor_episodes, t.recurring_doctor_days, Severity.SEE_DOCTOR),
        ]:
            hits += [Hit.of_run(run, severity) for run in runs(region_episodes, at_least, days)]

    def describe(group: Hit) -> str:
        parts = []
        for region, episodes in by_region(group.episodes).items():
            first, last = episodes[0].day, episodes[-1].day
            parts.append(
                f"{len(episodes)} episodes in the {region_name(region)} in "
                f"{plural(days_between(first, last), 'day')} ({format_span(first, last)}): "
                f"{describe_kinds(episodes)}."
            )
        return " ".join(parts)

    return findings(
        Rule.RECURRING_EPISODES,
        hits,
        describe,
        advice={
            Severity.WATCH: guidance.WATCH_KEEPS_COMING_BACK,
            Severity.SEE_DOCTOR: guidance.SEE_A_DOCTOR_KEEPS_COMING_BACK,
        },
        source=guidance.KEEPS_COMING_BACK,
    )


def long_episode(history: History, t: Thresholds) -> list[Finding]:
    """A cramp or spasm longer than 15 minutes (watch); any episode longer than 60 (see_doctor)."""
    hits = []
    for episode in history.episodes:
        if episode.duration_s > t.long_episode_minutes * 60:
            hits.append(Hit(episode.day, episode.day, Severity.SEE_DOCTOR, episodes=(episode,)))
        elif episode.kind in ("cramp", "spasm") and episode.duration_s > t.long_cramp_minutes * 60:
            hits.append(Hit(episode.day, episode.day, Severity.WATCH, episodes=(episode,)))

    def describe(group: Hit) -> str:
        return " ".join(
            f"{a_kind(episode).capitalize()} in the {where(episode)} on {format_day(episode.day)} "
            f"lasted {wording.duration(episode.duration_s)}."
            for episode in group.episodes
        )

    return findings(
        Rule.LONG_EPISODE,
        hits,
        describe,
        advice={
            Severity.WATCH: guidance.LONGER_THAN_USUAL,
            Severity.SEE_DOCTOR: guidance.SEE_A_DOCTOR_LONG,
        },
        source={
            Severity.WATCH: guidance.CRAMPS_LAST_UP_TO_15_MIN,
            Severity.SEE_DOCTOR: guidance.KEEPS_COMING_BACK,
        },
    )


def persistent_twitching(history: History, t: Thresholds) -> list[Finding]:
    """Long-term twitching: episodes on >= 10 distinct days spread over >= 21 days.

    The days must also fall within 30 days (`persistent_lookback_days`): the
    guidance speaks of muscles that "frequently twitch", and ten episodes
    scattered over a season are not frequent.
    """
    days = sorted({episode.day for episode in history.episodes})
    stretches: list[list[date]] = []  # overlapping qualifying windows, joined
    first = 0
    for last, last_day in enumerate(days):
        earliest, _ = window(t.persistent_lookback_days, last_day)
        while days[first] < earliest:
            first += 1
        if (
            last - first + 1 >= t.persistent_episode_days
            and days_between(days[first], last_day) >= t.persistent_span_days
        ):
            if stretches and days[first] <= stretches[-1][1]:
                stretches[-1][1] = last_day
            else:
                stretches.append([days[first], last_day])
    hits = [
        Hit(
            start,
            end,
            Severity.SEE_DOCTOR,
            episodes=tuple(e for e in history.episodes if start <= e.day <= end),
        )
        for start, end in stretches
    ]

    def describe(group: Hit) -> str:
        distinct_days = len({episode.day for episode in group.episodes})
        return (
            f"Episodes on {distinct_days} different days over "
            f"{plural(days_between(group.start, group.end), 'day')} "
            f"({format_span(group.start, group.end)}): {describe_kinds(group.episodes)}."
        )

    return findings(
        Rule.PERSISTENT_TWITCHING,
        hits,
        describe,
        advice={Severity.SEE_DOCTOR: guidance.SEE_A_DOCTOR_LONG_TERM},
        source=guidance.LONG_TERM_TWITCHING,
    )


def red_flag_symptoms(history: History, t: Thresholds) -> list[Finding]:
    """An episode with weakness, sensation change or muscle loss (watch); the same
    with >= 3 episodes within 14 days (see_doctor: frequent twitching with them)."""
    hits = [
        Hit(episode.day, episode.day, Severity.WATCH, episodes=(episode,))
        for episode in history.episodes
        if episode.has_red_flag_symptom
    ]
    for run in runs(
        history.episodes,
        t.red_flag_frequent_episodes,
        t.red_flag_frequent_days,
        including=lambda episode: episode.has_red_flag_symptom,
    ):
        hits.append(Hit.of_run(run, Severity.SEE_DOCTOR))

    def describe(group: Hit) -> str:
        with_symptoms = [e for e in group.episodes if e.has_red_flag_symptom]
        text = " ".join(
            f"{a_kind(e).capitalize()} in the {where(e)} on {format_day(e.day)} came with "
            f"{symptoms(e)}."
            for e in with_symptoms
        )
        if group.severity == Severity.SEE_DOCTOR:
            text += (
                f" {len(group.episodes)} episodes in "
                f"{plural(days_between(group.start, group.end), 'day')} "
                f"({format_span(group.start, group.end)})."
            )
        return text

    return findings(
        Rule.RED_FLAG_SYMPTOMS,
        hits,
        describe,
        advice={
            Severity.WATCH: guidance.WATCH_SYMPTOMS,
            Severity.SEE_DOCTOR: guidance.SEE_A_DOCTOR_SYMPTOMS,
        },
        source=guidance.TWITCHING_WITH_SYMPTOMS,
    )


def severe_pain(history: History, t: Thresholds) -> list[Finding]:
    """A severe spasm (a "muscle explosion"), or any episode with pain >= 8."""
    hits = [
        Hit(episode.day, episode.day, Severity.SEE_DOCTOR, episodes=(episode,))
        for episode in history.episodes
        if episode.kind == "severe" or episode.pain >= t.severe_pain
    ]

    def describe(group: Hit) -> str:
        return " ".join(
            f"{a_kind(e).capitalize()} in the {where(e)} on {format_day(e.day)}, pain {e.pain}/10."
            for e in group.episodes
        )

    return findings(
        Rule.SEVERE_PAIN,
        hits,
        describe,
        advice={Severity.SEE_DOCTOR: guidance.CONTACT_YOUR_DOCTOR_PAIN},
        source=guidance.SEVERE_PAIN,
    )


def load_spike(history: History, t: Thresholds) -> list[Finding]:
    """Training increased sharply rather than incrementally (watch).

    On any day with 28 days of history behind it: the coupled acute:chronic
    ratio is >= 1.5, or the last 7 days' load is >= 30 % above the 7 days
    before, both weeks being >= 300 AU. The window is the 7 days to that day.
    """
    start, series = history.load_series()
    workouts_on = defaultdict(list)
    for workout in history.workouts:
        workouts_on[workout.day].append(workout)
    hits = []
    for index, day_metrics in enumerate(daily_metrics(series)):
        if index + 1 < t.min_load_history_days:
            continue
        day = start + timedelta(days=index)
        this_week = sum(series[index - 6 : index + 1])
        last_week = sum(series[index - 13 : index - 6])
        change = (this_week - last_week) / last_week * 100 if last_week else None
        ratio_spike = day_metrics.acwr is not None and day_metrics.acwr >= t.acwr_spike
        week_jump = (
            change is not None
            and change >= t.week_increase_pct
            and min(this_week, last_week) >= t.week_min_load
        )
        if ratio_spike or week_jump:
            week_start, _ = window(7, day)
            workouts = tuple(
                w for offset in range(7) for w in workouts_on[week_start + timedelta(days=offset)]
            )
            figures = {
                "date": day.isoformat(),
                "acwr": rounded(day_metrics.acwr),
                "acute_load": rounded(day_metrics.acute),
                "chronic_load": rounded(day_metrics.chronic),
                "week_load": this_week,
                "previous_week_load": last_week,
                "week_change_pct": rounded(change, 0),
            }
            hits.append(Hit(week_start, day, Severity.WATCH, workouts=workouts, figures=figures))

    def describe(group: Hit) -> str:
        peak = group.figures
        text = (
            f"In the 7 days to {format_day(date.fromisoformat(peak['date']))} your training load "
            f"was {peak['week_load']:,.0f} AU"
        )
        if peak["week_change_pct"] is not None:
            text += (
                f", {describe_change(peak['week_change_pct'])} the week before "
                f"({peak['previous_week_load']:,.0f} AU)"
            )
        text += "."
        if peak["acwr"] is not None:
            text += (
                f" Your acute:chronic load ratio reached {peak['acwr']:.2f} "
                f"(7-day average {peak['acute_load']:,.0f} AU a day against a 28-day "
                f"average of {peak['chronic_load']:,.0f})."
            )
        return text

    return findings(
        Rule.LOAD_SPIKE,
        hits,
        describe,
        advice={Severity.WATCH: guidance.GRADUAL_PROGRESSION},
        source=guidance.INCREMENTALLY,
        peak=lambda hit: (hit.figures["acwr"] or 0, hit.figures["week_change_pct"] or 0),
    )


def dehydration_risk(history: History, t: Thresholds) -> list[Finding]:
    """>= 2 episodes within 14 days, each beginning within 24 h after a workout on a
    day when the athlete drank less than their daily target (info).

    Only days with at least one drink logged count: a day with nothing logged
    says nothing about how much was drunk.
    """
    fluid = history.daily_fluid_ml

    def short_of_fluid(workout: WorkoutRecord) -> bool:
        return workout.day in fluid and fluid[workout.day] < history.fluid_target_ml

    dry = episodes_after_workouts(history, t.after_workout_hours, short_of_fluid)
    hits = [
        Hit.of_run(
            run,
            Severity.INFO,
            workouts=tuple(dry[e] for e in run),
            figures={"target_ml": history.fluid_target_ml},
        )
        for run in runs(list(dry), t.dehydration_episodes, t.dehydration_days)
    ]

    def describe(group: Hit) -> str:
        days = sorted({dry[e].day for e in group.episodes})
        drunk = "; ".join(f"{format_day(day)}: {fluid[day]:,} ml" for day in days)
        return (
            f"{len(group.episodes)} episodes in {format_span(group.start, group.end)} began "
            f"within {t.after_workout_hours} hours of a workout on a day you drank less than "
            f"your {history.fluid_target_ml:,} ml target ({drunk})."
        )

    return findings(
        Rule.DEHYDRATION_RISK,
        hits,
        describe,
        advice={Severity.INFO: guidance.DRINK_PLENTY},
        source=guidance.FLUIDS_AND_MINERALS,
    )


def unexplained_twitching(history: History, t: Thresholds) -> list[Finding]:
    """>= 5 episodes within 14 days, unrelated to exercise and with no workout in
    the 48 h before each (see_doctor: twitching "in the absence of known causes")."""
    unexplained = [
        episode
        for episode in history.episodes
        if episode.timing == "unrelated"
        and last_workout_before(history, episode.started_at, t.unexplained_no_workout_hours) is None
    ]
    hits = [
        Hit.of_run(run, Severity.SEE_DOCTOR)
        for run in runs(unexplained, t.unexplained_episodes, t.unexplained_days)
    ]

    def describe(group: Hit) -> str:
        return (
            f"{len(group.episodes)} episodes in "
            f"{plural(days_between(group.start, group.end), 'day')} "
            f"({format_span(group.start, group.end)}) were unrelated to exercise, with no "
            f"workout in the {t.unexplained_no_workout_hours} hours before each: "
            f"{describe_kinds(group.episodes)}."
        )

    return findings(
        Rule.UNEXPLAINED_TWITCHING,
        hits,
        describe,
        advice={Severity.SEE_DOCTOR: guidance.SPEAK_TO_YOUR_DOCTOR_UNKNOWN},
        source=guidance.UNKNOWN_CAUSES,
    )


def return_after_break(history: History, t: Thresholds) -> list[Finding]:
    """After >= 14 days without a workout, the first 7 days back carry more load
    than the average week of the 28 days before the break (info)."""
    hits = []
    for before, after in pairwise(history.workouts):
        days_off = (after.day - before.day).days - 1
        if days_off < t.break_days:
            continue
        before_start, _ = window(t.min_load_history_days, before.day)
        if not has_load_history_since(history, before_start):
            continue
        back_start, back_end = after.day, after.day + timedelta(days=6)
        comeback = tuple(w for w in history.workouts if back_start <= w.day <= back_end)
        comeback_load = sum(w.load for w in comeback)
        usual_week = sum(
            w.load for w in history.workouts if before_start <= w.day <= before.day
        ) / (t.min_load_history_days / 7)
        if comeback_load > usual_week:
            figures = {
                "days_off": days_off,
                "comeback_week_load": comeback_load,
                "usual_week_load": round(usual_week),
            }
            hits.append(
                Hit(back_start, back_end, Severity.INFO, workouts=comeback, figures=figures)
            )

    def describe(group: Hit) -> str:
        f = group.figures
        return (
            f"You came back on {format_day(group.start)} after {f['days_off']} days without a "
            f"workout, with {f['comeback_week_load']:,} AU in the first 7 days: more than your "
            f"average week before the break ({f['usual_week_load']:,} AU)."
        )

    return findings(
        Rule.RETURN_AFTER_BREAK,
        hits,
        describe,
        advice={Severity.INFO: guidance.EASE_BACK_IN},
        source=guidance.RETURNING_AFTER_INACTIVITY,
    )


def no_warmup_pattern(history: History, t: Thresholds) -> list[Finding]:
    """>= 3 episodes within 14 days, each within 24 h after a workout with neither
    a warm-up nor stretching (info)."""
    after = episodes_after_workouts(
        history,
        t.after_workout_hours,
        lambda workout: not workout.warmed_up and not workout.stretched_after,
    )
    hits = [
        Hit.of_run(run, Severity.INFO, workouts=tuple(after[e] for e in run))
        for run in runs(list(after), t.no_warmup_episodes, t.no_warmup_days)
    ]

    def describe(group: Hit) -> str:
        return (
            f"{len(group.episodes)} episodes in {format_span(group.start, group.end)} began "
            f"within {t.after_workout_hours} hours of a workout with no warm-up and no "
            f"stretching: {describe_kinds(group.episodes)}."
        )

    return findings(
        Rule.NO_WARMUP_PATTERN,
        hits,
        describe,
        advice={Severity.INFO: guidance.WARM_UP},
        source=guidance.WARM_UP_AND_STRETCH,
    )


RULES: tuple[Callable[[History, Thresholds], list[Finding]], ...] = (
    recurring_episodes,
    long_episode,
    persistent_twitching,
    red_flag_symptoms,
    severe_pain,
    load_spike,
    dehydration_risk,
    unexplained_twitching,
    return_after_break,
    no_warmup_pattern,
)


def evaluate(history: History, thresholds: Thresholds) -> list[Finding]:
    """Every rule's findings for one athlete."""
    return [finding for rule in RULES for finding in rule(history, thresholds)]


# --- Shared machinery -------------------------------------------------------------


def runs(episodes: Sequence[EpisodeRecord], at_least: int, days: int, *, including=None):
    """The stretches of time in which >= `at_least` episodes fall within `days` days.

    Every window of `days` days that holds enough episodes (and, if given, an
    episode for which `including(episode)` is true) qualifies; overlapping
    qualifying windows are joined, and each joined stretch is yielded as the
    tuple of its episodes. One pass: a person who logs thousands of twitches
    costs no more than linear time. `episodes` must be in time order.
    """
    first = 0
    last_included = -1
    stretch = None  # [first index, last index] of the stretch being joined
    for last, episode in enumerate(episodes):
        earliest, _ = window(days, episode.day)
        while episodes[first].day < earliest:
            first += 1
        if including is None or including(episode):
            last_included = last
        if last - first + 1 < at_least or (including is not None and last_included < first):
            continue
        if stretch and episodes[first].day <= episodes[stretch[1]].day:
            stretch[1] = last
        else:
            if stretch:
                yield tuple(episodes[stretch[0] : stretch[1] + 1])
            stretch = [first, last]
    if stretch:
        yield tuple(episodes[stretch[0] : stretch[1] + 1])


def by_region(episodes: Iterable[EpisodeRecord]) -> dict[str, list[EpisodeRecord]]:
    regions = defaultdict(list)
    for episode in episodes:
        regions[episode.body_region].append(episode)
    return dict(regions)


def last_workout_before(history: History, moment: datetime, hours: int) -> WorkoutRecord | None:
    """The latest workout that started in the `hours` before `moment`, if any.

    Compared as instants, not clock readings: Python subtracts two datetimes of
    the same zone by their clocks, which is an hour off across a DST change.
    """
    starts = history.workout_timestamps
    index = bisect.bisect_right(starts, moment.timestamp()) - 1
    if index >= 0 and moment.timestamp() - starts[index] <= hours * 3600:
        return history.workouts[index]
    return None


def episodes_after_workouts(
    history: History, hours: int, workout_counts: Callable[[WorkoutRecord], bool]
) -> dict[EpisodeRecord, WorkoutRecord]:
    """{episode: the workout it followed}, for the episodes that began within
    `hours` after a workout for which `workout_counts(workout)` is true."""
    after = {}
    for episode in history.episodes:
        workout = last_workout_before(history, episode.started_at, hours)
        if workout is not None and workout_counts(workout):
            after[episode] = workout
    return after


def has_load_history_since(history: History, day: date) -> bool:
    return (
        history.first_workout_day is not None
        and history.first_workout_day <= day
        and history.loaded_since <= day
    )


def findings(rule, hits, describe, *, advice, source, peak=None) -> list[Finding]:
    """Merge overlapping hits and word each merged group as a Finding.

    `advice` and `source` may depend on the group's severity. `peak`, if
    given, picks the one hit whose figures and workouts speak for the group
    (a load spike's worst week); otherwise the group keeps every hit's
    entries and the last hit's figures.
    """
    result = []
    for group in overlapping(hits):
        severity = max((hit.severity for hit in group), key=lambda s: s.rank)
        worst = max(group, key=peak) if peak else None
        merged = Hit(
            start=min(hit.start for hit in group),
            end=max(hit.end for hit in group),
            severity=severity,
            episodes=unique_in_order(e for hit in group for e in hit.episodes),
            workouts=worst.workouts
            if worst
            else unique_in_order(w for hit in group for w in hit.workouts),
            figures=(worst or group[-1]).figures,
        )
        passage = source[severity] if isinstance(source, dict) else source
        result.append(
            Finding(
                rule=rule,
                severity=severity,
                window_start=merged.start,
                window_end=merged.end,
                evidence=evidence(merged),
                message=describe(merged),
                advice=advice[severity],
                source=str(passage),
            )
        )
    return result


def overlapping(hits: Iterable[Hit]) -> list[list[Hit]]:
    """The hits in groups whose windows overlap, in time order."""
    groups: list[list[Hit]] = []
    group_end = None
    for hit in sorted(hits, key=lambda h: (h.start, h.end)):
        if groups and hit.start <= group_end:
            groups[-1].append(hit)
            group_end = max(group_end, hit.end)
        else:
            groups.append([hit])
            group_end = hit.end
    return groups


def unique_in_order(items):
    return tuple(sorted(set(items), key=lambda item: (item.started_at.timestamp(), item.id)))


# Evidence lists at most this many entries of each kind (the latest), with totals.
EVIDENCE_LIMIT = 100


def evidence(hit: Hit) -> dict:
    """The entries behind a finding, by id with what identifies them, and its figures."""
    result = {}
    if hit.episodes:
        result["episodes_total"] = len(hit.episodes)
        result["twitch_count"] = sum(e.count for e in hit.episodes)
        result["episodes"] = [
            {
                "id": e.id,
                "started_at": e.started_at.isoformat(),
                "kind": e.kind,
                "body_region": e.body_region,
                "side": e.side,
                "duration_s": e.duration_s,
                "pain": e.pain,
                "count": e.count,
                **({"symptoms": symptom_names(e)} if e.has_red_flag_symptom else {}),
            }
            for e in hit.episodes[-EVIDENCE_LIMIT:]
        ]
    if hit.workouts:
        result["workouts_total"] = len(hit.workouts)
        result["workouts"] = [
            {"id": w.id, "started_at": w.started_at.isoformat(), "load": w.load}
            for w in hit.workouts[-EVIDENCE_LIMIT:]
        ]
    if hit.figures:
        result["figures"] = hit.figures
    return result


# --- Wording ----------------------------------------------------------------------

KIND_NAMES = {
    "twitch": ("twitch", "twitches"),
    "spasm": ("spasm", "spasms"),
    "cramp": ("cramp", "cramps"),
    "severe": ("severe spasm", "severe spasms"),
}
REGION_NAMES = {"thigh_front": "front of the thigh", "thigh_back": "back of the thigh"}


def region_name(region: str) -> str:
    return REGION_NAMES.get(region, region.replace("_", " "))


def where(episode: EpisodeRecord) -> str:
    side = f"{episode.side} " if episode.side in ("left", "right") else ""
    both = " (both sides)" if episode.side == "both" else ""
    return f"{side}{region_name(episode.body_region)}{both}"


def a_kind(episode: EpisodeRecord) -> str:
    name = KIND_NAMES[episode.kind][0]
    if episode.kind == "severe":
        name += " (“muscle explosion”)"
    return f"a {name}"


def describe_kinds(episodes: Sequence[EpisodeRecord]) -> str:
    counts = defaultdict(int)
    for episode in episodes:
        counts[episode.kind] += 1
    parts = [
        f"{n} {KIND_NAMES[kind][0] if n == 1 else KIND_NAMES[kind][1]}"
        for kind, n in counts.items()
    ]
    text = and_list(parts)
    twitches = sum(e.count for e in episodes)
    if twitches > len(episodes):
        text += f", about {twitches:,} twitches counted in all"
    return text


def symptom_names(episode: EpisodeRecord) -> list[str]:
    return [
        name
        for present, name in [
            (episode.weakness, "weakness"),
            (episode.sensation_change, "a change in sensation"),
            (episode.muscle_loss, "a loss of muscle size"),
        ]
        if present
    ]


def symptoms(episode: EpisodeRecord) -> str:
    return and_list(symptom_names(episode))


def and_list(parts: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def format_day(day: date) -> str:
    return f"{day.day} {day:%b} {day.year}"


def format_span(first: date, last: date) -> str:
    if first == last:
        return format_day(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%b} {last.year}"
    if first.year == last.year:
        return f"{first.day} {first:%b} – {last.day} {last:%b} {last.year}"
    return f"{format_day(first)} – {format_day(last)}"


def describe_change(percent: float) -> str:
    return f"{abs(percent):.0f}% {'more than' if percent >= 0 else 'less than'}"


def rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)
