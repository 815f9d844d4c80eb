"""The patterns the guidance calls concerning, each a small pure function.

Every rule reads one athlete's History and returns Findings: what was seen
(with the numbers), over which days, what the guidance says about it, and the
passage it rests on. A rule never predicts and never diagnoses. Its
thresholds are in settings.TRIAGE, each beside the sentence of the guidance it
comes from, or marked as a product decision where the guidance gives no number.

Conventions shared by the rules:

- "Within N days" means N calendar days in the athlete's time zone, both ends
  included: days on the 1st, 4th and 7th are within 7 days; on the 1st, 4th
  and 8th they are not.
- Rules about how often something happens count days, not entries: a run of
  twitches logged as one entry, or as ten, is one day (its count shows in the
  evidence).
- A rule's hits that overlap in time merge into one finding, which takes the
  highest severity among them. So a rule never reports overlapping windows,
  and a pattern that goes on keeps one finding whose window grows.
- Load rules stay quiet until 28 days of training history exist.
- Words: "serious condition" and "nervous disorders" are the guidance's words
  for when to see a doctor, and only see-a-doctor findings use them; the others
  say what the guidance says about not worrying, and what would change it.
"""

import bisect
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import NamedTuple

from logbook import wording
from triage import guidance, metrics
from triage.history import EpisodeRecord, History, WorkoutRecord, days_between, window

# The version of the rules. Bump it when a change means that flags raised before
# may no longer hold: each athlete's next evaluation then keeps the flags the
# rules still support and closes the others as superseded (triage/flag_merge.py).
# 2: issue 10's recalibration, measured on simulated populations.
RULES_VERSION = 2


class Severity(StrEnum):
    """How much a finding asks of the athlete; the one place that says so."""

    INFO = "info"
    WATCH = "watch"
    SEE_DOCTOR = "see_doctor"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)

    @property
    def label(self) -> str:
        """How the app names it to the athlete."""
        return SEVERITY_LABELS[self]

    @property
    def sees_doctor(self) -> bool:
        """Whether the guidance says to see a doctor about it."""
        return self.rank >= Severity.SEE_DOCTOR.rank

    @classmethod
    def doctor_levels(cls) -> list[str]:
        return [severity.value for severity in cls if severity.sees_doctor]


SEVERITY_LABELS = {
    Severity.INFO: "For your information",
    Severity.WATCH: "Watch",
    Severity.SEE_DOCTOR: "See a doctor",
    Severity.URGENT: "Urgent",
}


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
    Rule.DEHYDRATION_RISK: "episodes after hot or dry days",
    Rule.UNEXPLAINED_TWITCHING: "twitching without a known cause",
    Rule.RETURN_AFTER_BREAK: "a heavy return after a break",
    Rule.NO_WARMUP_PATTERN: "episodes after workouts without a warm-up",
}


@dataclass(frozen=True)
class Thresholds:
    """The numbers the rules use; settings.TRIAGE holds their values."""

    recurring_watch_days: int
    recurring_watch_window: int
    recurring_doctor_days: int
    recurring_doctor_window: int
    long_cramp_minutes: int
    long_cramp_repeats: int
    long_cramp_repeat_window: int
    long_episode_minutes: int
    persistent_episode_days: int
    persistent_span_days: int
    persistent_lookback_days: int
    symptom_frequent_days: int
    symptom_frequent_window: int
    symptom_repeat_window: int
    painful: int
    painful_repeats: int
    painful_repeat_window: int
    min_load_history_days: int
    usual_weeks: int
    week_jump_ratio: float
    ramp_weeks: int
    ramp_each_over_usual: float
    ramp_mean_over_usual: float
    ramp_last_over_usual: float
    week_min_load: float
    after_workout_hours: int
    dehydration_episodes: int
    dehydration_days: int
    unexplained_days: int
    unexplained_window: int
    unexplained_training_days: int
    known_cause_stress: int
    known_cause_caffeine_mg: int
    known_cause_caffeine_ratio: float
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
    def of_days(cls, days: Sequence["EpisodeDay"], severity: Severity, **more) -> "Hit":
        """A hit spanning a run of episode days, from the first to the last."""
        episodes = tuple(e for d in days for e in d.episodes)
        return cls(days[0].day, days[-1].day, severity, episodes=episodes, **more)


class EpisodeDay(NamedTuple):
    """The episodes of one calendar day: what rules about frequency count."""

    day: date
    episodes: tuple[EpisodeRecord, ...]


def by_day(episodes: Iterable[EpisodeRecord]) -> list[EpisodeDay]:
    days: list[EpisodeDay] = []
    for episode in episodes:
        if days and days[-1].day == episode.day:
            days[-1] = EpisodeDay(episode.day, (*days[-1].episodes, episode))
        else:
            days.append(EpisodeDay(episode.day, (episode,)))
    return days


# --- The rules ------------------------------------------------------------------


def recurring_episodes(history: History, t: Thresholds) -> list[Finding]:
    """Episodes in one body region that keep coming back, counted in days.

    watch: on >= 3 days within 7. see_doctor: on >= 6 days within 14.
    """
    hits = []
    for region_episodes in by_region(history.episodes).values():
        days = by_day(region_episodes)
        for at_least, within, severity in [
            (t.recurring_watch_days, t.recurring_watch_window, Severity.WATCH),
            (t.recurring_doctor_days, t.recurring_doctor_window, Severity.SEE_DOCTOR),
        ]:
            hits += [Hit.of_days(run, severity) for run in runs(days, at_least, within)]

    def describe(group: Hit) -> str:
        parts = []
        for region, episodes in by_region(group.episodes).items():
            first, last = episodes[0].day, episodes[-1].day
            parts.append(
                f"Episodes in the {wording.region(region)} on "
                f"{wording.plural(len(by_day(episodes)), 'day')} within "
                f"{wording.plural(days_between(first, last), 'day')} "
                f"({wording.span(first, last)}): {wording.kinds(episodes)}."
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
        source={
            Severity.WATCH: guidance.OCCASIONAL_TWITCH,
            Severity.SEE_DOCTOR: guidance.KEEPS_COMING_BACK,
        },
    )


def long_episode(history: History, t: Thresholds) -> list[Finding]:
    """A cramp or spasm longer than 15 minutes (watch); a second such day within
    28 days, or any episode longer than 60 minutes (see_doctor)."""
    long_days = by_day(
        e
        for e in history.episodes
        if e.kind in ("cramp", "spasm", "severe") and e.duration_s > t.long_cramp_minutes * 60
    )
    hits = [Hit.of_days([d], Severity.WATCH) for d in long_days]
    hits += [
        Hit.of_days(run, Severity.SEE_DOCTOR)
        for run in runs(long_days, t.long_cramp_repeats, t.long_cramp_repeat_window)
    ]
    hits += [
        Hit(e.day, e.day, Severity.SEE_DOCTOR, episodes=(e,))
        for e in history.episodes
        if e.duration_s > t.long_episode_minutes * 60
    ]

    def describe(group: Hit) -> str:
        return " ".join(
            f"{wording.a_kind(e.kind).capitalize()} in the {where(e)} on "
            f"{wording.day(e.day)} lasted {wording.duration(e.duration_s)}."
            for e in group.episodes
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
        return (
            f"Episodes on {len(by_day(group.episodes))} different days over "
            f"{wording.plural(days_between(group.start, group.end), 'day')} "
            f"({wording.span(group.start, group.end)}): {wording.kinds(group.episodes)}."
        )

    return findings(
        Rule.PERSISTENT_TWITCHING,
        hits,
        describe,
        advice={Severity.SEE_DOCTOR: guidance.SEE_A_DOCTOR_LONG_TERM},
        source=guidance.LONG_TERM_TWITCHING,
    )


def red_flag_symptoms(history: History, t: Thresholds) -> list[Finding]:
    """Twitching with weakness, a change in sensation or a loss of muscle size.

    see_doctor, as the guidance's own sentence reads ("if your muscles
    frequently twitch and you experience any of the following symptoms"):
    - frequent twitching alongside a symptom: episodes on >= 3 days within 14,
      one of them with a symptom;
    - a symptom that comes back: on a second day within 28;
    - any loss of muscle size.
    watch: a symptom once, without frequent twitching (say, after one cramp).
    """
    days = by_day(history.episodes)
    with_symptoms = [d for d in days if any(e.has_red_flag_symptom for e in d.episodes)]
    hits = [Hit.of_days([d], Severity.WATCH) for d in with_symptoms]
    hits += [
        Hit.of_days(run, Severity.SEE_DOCTOR)
        for run in runs(
            days,
            t.symptom_frequent_days,
            t.symptom_frequent_window,
            including=lambda d: any(e.has_red_flag_symptom for e in d.episodes),
        )
    ]
    hits += [
        Hit.of_days(run, Severity.SEE_DOCTOR)
        for run in runs(with_symptoms, 2, t.symptom_repeat_window)
    ]
    hits += [
        Hit.of_days([d], Severity.SEE_DOCTOR)
        for d in with_symptoms
        if any(e.muscle_loss for e in d.episodes)
    ]

    def describe(group: Hit) -> str:
        text = " ".join(
            f"{wording.a_kind(e.kind).capitalize()} in the {where(e)} on {wording.day(e.day)} "
            f"came with {wording.and_list(wording.symptom_names(e))}."
            for e in group.episodes
            if e.has_red_flag_symptom
        )
        episode_days = len(by_day(group.episodes))
        if episode_days > 1:
            text += (
                f" Episodes on {wording.plural(episode_days, 'day')} within "
                f"{wording.plural(days_between(group.start, group.end), 'day')} "
                f"({wording.span(group.start, group.end)})."
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
        source={
            Severity.WATCH: guidance.OCCASIONAL_TWITCH,
            Severity.SEE_DOCTOR: guidance.TWITCHING_WITH_SYMPTOMS,
        },
    )


def severe_pain(history: History, t: Thresholds) -> list[Finding]:
    """A severe spasm, a "muscle explosion" (see_doctor: "contact your doctor").

    A painful ordinary episode, pain 8/10 or more, is watch on its own: cramps
    are "sustained and painful contractions". It is see_doctor when it is also
    long (over 15 minutes), or when painful days come back (a second within 28).
    """
    explosions = [e for e in history.episodes if e.kind == "severe"]
    painful = [e for e in history.episodes if e.kind != "severe" and e.pain >= t.painful]
    painful_days = by_day(painful)
    hits = [Hit(e.day, e.day, Severity.SEE_DOCTOR, episodes=(e,)) for e in explosions]
    for d in painful_days:
        long = any(e.duration_s > t.long_cramp_minutes * 60 for e in d.episodes)
        hits.append(Hit.of_days([d], Severity.SEE_DOCTOR if long else Severity.WATCH))
    hits += [
        Hit.of_days(run, Severity.SEE_DOCTOR)
        for run in runs(painful_days, t.painful_repeats, t.painful_repeat_window)
    ]

    def describe(group: Hit) -> str:
        return " ".join(
            f"{wording.a_kind(e.kind).capitalize()} in the {where(e)} on {wording.day(e.day)}, "
            f"pain {e.pain}/10, {wording.duration(e.duration_s)}."
            for e in group.episodes
        )

    return findings(
        Rule.SEVERE_PAIN,
        hits,
        describe,
        advice={
            Severity.WATCH: guidance.WATCH_PAINFUL,
            Severity.SEE_DOCTOR: guidance.CONTACT_YOUR_DOCTOR_PAIN,
        },
        source={
            Severity.WATCH: guidance.CRAMPS_ARE_PAINFUL,
            Severity.SEE_DOCTOR: guidance.SEVERE_PAIN,
        },
    )


def load_spike(history: History, t: Thresholds) -> list[Finding]:
    """Training increased sharply rather than incrementally (watch).

    Calendar weeks (Monday to Sunday, on the athlete's clock) are compared with
    the athlete's usual week: the median of the 4 whole weeks before that had
    any training, so that a holiday neither lowers the usual nor counts as one.
    - a jump: a week (the current one too, so far) of 2 times the usual week;
    - a sustained rise: three weeks running, each at least 1.2 times the usual
      week before them, together 1.4 times on average, the last 1.5 times.
    Both need weeks of 300 AU or more and 28 days of training history before
    them. A week straight after 14 days or more without training is a return
    from a break, which return_after_break reads. The acute:chronic ratio is shown as
    context, and decides nothing.

    A single heavy week of one and a half times the usual is ordinary for a
    recreational athlete (a 5-session week among 3-session ones); simulated
    healthy athletes have one in twenty weeks like it. Doubling in a week, or
    three heavy weeks that keep climbing, is what the guidance's "not
    exponentially" is about.
    """
    start, series = history.load_series()
    if not series:
        return []
    weeks = metrics.calendar_weeks(start, series)
    usual_before = metrics.usual_weeks(weeks, t.usual_weeks)
    hits = []

    def enough_history(week: metrics.CalendarWeek) -> bool:
        return (week.monday - start).days >= t.min_load_history_days

    def hit(first: metrics.CalendarWeek, last: metrics.CalendarWeek, usual, shown, kind):
        end = min(last.monday + timedelta(days=6), history.today)
        acwr = metrics.coupled_acwr(series[: (end - start).days + 1])
        figures = {
            "kind": kind,
            "week_start": last.monday.isoformat(),
            "week_load": round(last.load),
            "week_days": last.days,
            "usual_week_load": round(usual),
            "times_usual": round(last.load / usual, 2),
            "weeks": [round(w.load) for w in shown],
            "acwr": rounded(acwr),
        }
        workouts = tuple(w for w in history.workouts if first.monday <= w.day <= end)
        return Hit(first.monday, end, Severity.WATCH, workouts=workouts, figures=figures)

    def after_a_break(week: metrics.CalendarWeek) -> bool:
        """Straight after >= 14 days without training: return_after_break's to read."""
        before = bisect.bisect_left(history.workout_days, week.monday) - 1
        if before < 0:
            return False
        return (week.monday - history.workout_days[before]).days - 1 >= t.break_days

    for index, week in enumerate(weeks):
        if index == 0 or week.load < t.week_min_load or after_a_break(week):
            continue
        usual = usual_before[index]
        if usual and enough_history(week) and week.load >= t.week_jump_ratio * usual:
            hits.append(hit(week, week, usual, weeks[index - 1 : index + 1], "jump"))
        first = index - t.ramp_weeks + 1
        if first < 1 or after_a_break(weeks[first]) or not enough_history(weeks[first]):
            continue
        rise = weeks[first : index + 1]
        usual = usual_before[first]
        if (
            usual
            and all(w.load >= t.ramp_each_over_usual * usual for w in rise)
            and sum(w.load for w in rise) / len(rise) >= t.ramp_mean_over_usual * usual
            and week.load >= t.ramp_last_over_usual * usual
        ):
            hits.append(hit(rise[0], week, usual, rise, "rise"))

    def describe(group: Hit) -> str:
        f = group.figures
        monday = date.fromisoformat(f["week_start"])
        week = "this week so far" if f["week_days"] < 7 else f"the week of {wording.day(monday)}"
        usual = (
            f"your usual week ({f['usual_week_load']:,} AU, the middle of your "
            f"{t.usual_weeks} weeks of training before)"
        )
        if f["kind"] == "rise":
            loads = wording.and_list(f"{load:,}" for load in f["weeks"])
            text = (
                f"Your training load stayed well above {usual} for {len(f['weeks'])} weeks "
                f"running ({loads} AU), reaching {f['times_usual']:.1f} times it in {week}."
            )
        else:
            text = (
                f"Your training load in {week} was {f['week_load']:,} AU, "
                f"{f['times_usual']:.1f} times {usual}."
            )
        if f["acwr"] is not None:
            text += (
                f" Your last 7 days against your last 28 (the acute:chronic ratio): "
                f"{f['acwr']:.2f}."
            )
        return text

    return findings(
        Rule.LOAD_SPIKE,
        hits,
        describe,
        advice={Severity.WATCH: guidance.GRADUAL_PROGRESSION},
        source=guidance.INCREMENTALLY,
        peak=lambda hit: hit.figures["times_usual"],
    )


def dehydration_risk(history: History, t: Thresholds) -> list[Finding]:
    """>= 2 episodes within 14 days, each beginning within 24 h after a workout in
    hot conditions or on a day the athlete drank less than their target (info).

    Only days with a drink logged count as dry: a day with nothing logged says
    nothing about how much was drunk.
    """
    fluid = history.daily_fluid_ml

    def dry(workout: WorkoutRecord) -> bool:
        return workout.day in fluid and fluid[workout.day] < history.fluid_target_ml

    after = episodes_after_workouts(
        history, t.after_workout_hours, lambda w: w.hot_conditions or dry(w)
    )
    hits = [
        Hit.of_days(
            run,
            Severity.INFO,
            workouts=tuple(after[e] for d in run for e in d.episodes),
            figures={"target_ml": history.fluid_target_ml},
        )
        for run in runs(by_day(after), t.dehydration_episodes, t.dehydration_days)
    ]

    def describe(group: Hit) -> str:
        workouts = sorted({after[e] for e in group.episodes}, key=lambda w: w.started_at)
        said = []
        for w in workouts:
            why = []
            if w.hot_conditions:
                why.append("hot")
            if dry(w):
                why.append(f"{fluid[w.day]:,} ml drunk")
            said.append(f"{wording.day(w.day)}: {', '.join(why)}")
        return (
            f"Episodes on {wording.plural(len(by_day(group.episodes)), 'day')} in "
            f"{wording.span(group.start, group.end)} began within {t.after_workout_hours} "
            f"hours of a workout in the heat or on a day you drank less than your "
            f"{history.fluid_target_ml:,} ml target ({'; '.join(said)})."
        )

    return findings(
        Rule.DEHYDRATION_RISK,
        hits,
        describe,
        advice={Severity.INFO: guidance.DRINK_PLENTY},
        source=guidance.HOT_WEATHER,
    )


def unexplained_twitching(history: History, t: Thresholds) -> list[Finding]:
    """Twitching "in the absence of known causes" (see_doctor): episodes on >= 5
    days within 14, each logged as unrelated to exercise by an athlete who logs
    training (a workout in the 28 days before), on a day whose check-in names no
    known cause the guidance lists: illness, a new medicine, stress 7/10 or more
    (anxiety), caffeine of 400 mg or 1.5 times the athlete's usual (the cited
    study's "caffeine consumption")."""
    caffeine = [c.caffeine_mg for c in history.checkins if c.caffeine_mg]
    usual_caffeine = statistics.median(caffeine) if caffeine else None
    training = t.unexplained_training_days * 24

    def known_cause(day: date) -> str | None:
        checkin = history.checkin_on.get(day)
        if checkin is None:
            return None
        if checkin.ill:
            return "illness"
        if checkin.new_medication:
            return "a new medicine"
        if checkin.stress is not None and checkin.stress >= t.known_cause_stress:
            return "stress"
        mg = checkin.caffeine_mg or 0
        if mg >= t.known_cause_caffeine_mg or (
            usual_caffeine and mg >= t.known_cause_caffeine_ratio * usual_caffeine
        ):
            return "caffeine"
        return None

    at_rest = [
        e
        for e in history.episodes
        if e.timing == "unrelated" and last_workout_before(history, e.started_at, training)
    ]
    explained = {e.day: cause for e in at_rest if (cause := known_cause(e.day))}
    unexplained = by_day(e for e in at_rest if e.day not in explained)
    hits = [
        Hit.of_days(run, Severity.SEE_DOCTOR)
        for run in runs(unexplained, t.unexplained_days, t.unexplained_window)
    ]

    def describe(group: Hit) -> str:
        text = (
            f"Episodes on {wording.plural(len(by_day(group.episodes)), 'day')} within "
            f"{wording.plural(days_between(group.start, group.end), 'day')} "
            f"({wording.span(group.start, group.end)}) were unrelated to exercise, on days "
            f"whose check-in named no known cause: {wording.kinds(group.episodes)}."
        )
        set_aside = sorted(d for d in explained if group.start <= d <= group.end)
        if set_aside:
            causes = wording.and_list(sorted({explained[d] for d in set_aside}))
            text += (
                f" {wording.plural(len(set_aside), 'other day')} with such episodes "
                f"{'was' if len(set_aside) == 1 else 'were'} left out: its check-in named "
                f"{causes}."
            )
        return text

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
            f"You came back on {wording.day(group.start)} after {f['days_off']} days without "
            f"a workout, with {f['comeback_week_load']:,} AU in the first 7 days: more than "
            f"your average week before the break ({f['usual_week_load']:,} AU)."
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
        Hit(
            run[0].day,
            run[-1].day,
            Severity.INFO,
            episodes=run,
            workouts=tuple(after[e] for e in run),
        )
        for run in runs(list(after), t.no_warmup_episodes, t.no_warmup_days)
    ]

    def describe(group: Hit) -> str:
        return (
            f"{len(group.episodes)} episodes in {wording.span(group.start, group.end)} began "
            f"within {t.after_workout_hours} hours of a workout with no warm-up and no "
            f"stretching: {wording.kinds(group.episodes)}."
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


def runs(episodes: Sequence, at_least: int, days: int, *, including=None):
    """The stretches of time in which >= `at_least` items fall within `days` days.

    Items are anything with a `.day`, in time order: episodes, or EpisodeDays
    for rules that count days. Every window of `days` days that holds enough
    items (and, if given, an item for which `including(item)` is true)
    qualifies; overlapping qualifying windows are joined, and each joined
    stretch is yielded as the tuple of its items. One pass: a person who logs
    thousands of twitches costs no more than linear time.
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
                **({"symptoms": wording.symptom_names(e)} if e.has_red_flag_symptom else {}),
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


def where(episode: EpisodeRecord) -> str:
    return wording.where(episode.body_region, episode.side)


def rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)
