"""The doctor's questions, answered from a log: plain functions over plain data.

The guidance says a doctor "will take a detailed history. Be prepared to answer
questions about: the location of the twitching, its duration, its frequency, its
onset or when you first noticed the twitching, other symptoms"
(guidance.DETAILED_HISTORY). Each function here answers a part of that, or of
the context around it, for a range of days; records/summary.py reads the
database and puts the parts together. Nothing here reads the database, and
nothing here judges: the guidance's signs are the rules' own findings
(triage/rules.py), read over the same range.
"""

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from logbook import wording
from triage import guidance, metrics
from triage.history import CheckinRecord, EpisodeRecord, History
from triage.rules import Finding, Rule, Severity

# A trend needs this many days on each side of the range's middle.
TREND_MIN_DAYS = 14
# "More often lately": at least this many episodes in the second half, at
# this many times the first half's rate.
TREND_RATIO = 1.5
TREND_MIN_EPISODES = 3
TOO_FEW = "too few to tell a trend"
TIMINGS = {
    "during_exercise": "during exercise",
    "right_after": "right after exercise",
    "hours_after": "hours after exercise",
    "unrelated": "unrelated to exercise",
}


# --- Location, duration, frequency, onset -----------------------------------------


@dataclass(frozen=True)
class Trend:
    earlier_per_week: float
    later_per_week: float
    words: str


@dataclass(frozen=True)
class Place:
    """One body region and side: the five questions for it."""

    region: str
    side: str
    first_ever: datetime  # onset: the first episode logged there, before the range too
    first: datetime  # the first in the range
    latest: datetime
    episodes: int
    days: int
    per_week: float
    days_per_week: float
    trend: Trend | None
    median_duration_s: int
    longest_duration_s: int
    kinds: str
    pain_median: float
    pain_max: int
    timings: tuple[tuple[str, int], ...]  # (timing, episodes), the most common first
    kind_key: str  # the most common kind
    symptom_days: int

    @property
    def where(self) -> str:
        return wording.where(self.region, self.side)

    @property
    def began_in_range(self) -> bool:
        return self.first_ever == self.first

    @property
    def how_often(self) -> str:
        return self.often(halves=True)

    def often(self, *, halves: bool) -> str:
        """ "5 episodes on 4 days: 0.4 a week; more often lately", with each half's
        rate if `halves`."""
        count = wording.plural(self.episodes, "episode")
        on = "each on its own day" if self.days == self.episodes else f"on {self.days} days"
        text = f"{count}, {on}: {rate(self.per_week)} a week"
        if self.trend and self.trend.words != TOO_FEW:
            text += f"; {self.trend.words}"
            if halves:
                earlier, later = self.trend.earlier_per_week, self.trend.later_per_week
                first = f"{rate(earlier)} a week" if earlier else "none"
                second = f"{rate(later)} a week" if later else "none"
                text += f" ({first} in the first half of the range, {second} in the second)"
        return text

    @property
    def once(self) -> str:
        """A place with one episode, in a line: "right calf: a twitch of 10 s, 1/10,
        right after exercise"."""
        return (
            f"{self.where}: {wording.a_kind(self.kind_key)} of "
            f"{wording.duration(self.longest_duration_s)}, "
            f"pain {self.pain_max}/10, {TIMINGS[self.timings[0][0]]}"
        )

    @property
    def timing(self) -> str:
        """ "right after exercise (4), unrelated to exercise (2)"."""
        return ", ".join(f"{TIMINGS[timing]} ({n})" for timing, n in self.timings)


def rate(value: float) -> str:
    """How many a week: 1.25 -> "1.3"; below 0.1 -> "less than 0.1"."""
    return "less than 0.1" if value < 0.1 else f"{value:.1f}"


def weeks_in(start: date, end: date) -> float:
    return ((end - start).days + 1) / 7


def places(
    episodes: Sequence[EpisodeRecord],
    first_ever: dict[tuple[str, str], datetime],
    start: date,
    end: date,
) -> list[Place]:
    """Each region and side with episodes in the range, the most episodes first.

    `first_ever` maps (region, side) to the first episode ever logged there;
    a place missing from it began in the range."""
    weeks = weeks_in(start, end)
    by_place: dict[tuple[str, str], list[EpisodeRecord]] = {}
    for episode in sorted(episodes, key=lambda e: e.started_at):
        by_place.setdefault((episode.body_region, episode.side), []).append(episode)
    found = []
    for (region, side), there in by_place.items():
        days = sorted({e.day for e in there})
        durations = [e.duration_s for e in there]
        pains = [e.pain for e in there]
        found.append(
            Place(
                region=region,
                side=side,
                first_ever=min(
                    first_ever.get((region, side), there[0].started_at), there[0].started_at
                ),
                first=there[0].started_at,
                latest=there[-1].started_at,
                episodes=len(there),
                days=len(days),
                per_week=len(there) / weeks,
                days_per_week=len(days) / weeks,
                trend=trend([e.day for e in there], start, end),
                median_duration_s=round(statistics.median(durations)),
                longest_duration_s=max(durations),
                kinds=wording.kinds(there),
                pain_median=statistics.median(pains),
                pain_max=max(pains),
                timings=tuple(Counter(e.timing for e in there).most_common()),
                kind_key=Counter(e.kind for e in there).most_common(1)[0][0],
                symptom_days=len({e.day for e in there if e.has_red_flag_symptom}),
            )
        )
    return sorted(found, key=lambda place: (-place.episodes, -place.latest.timestamp()))


def trend(days: Sequence[date], start: date, end: date) -> Trend | None:
    """Episodes a week in the range's first half against its second; None when
    the range is too short to halve, or holds a single episode.

    "More often lately" needs at least TREND_MIN_EPISODES in the second half and
    TREND_RATIO times the first half's rate (a first half without any counts as
    zero): two episodes against one is chance, five against none is not."""
    length = (end - start).days + 1
    if length < 2 * TREND_MIN_DAYS or len(days) < 2:
        return None
    middle = start + timedelta(days=length // 2)
    earlier_count = sum(1 for day in days if day < middle)
    later_count = len(days) - earlier_count
    earlier = earlier_count / ((middle - start).days / 7)
    later = later_count / (((end - middle).days + 1) / 7)
    if later_count >= TREND_MIN_EPISODES and later >= TREND_RATIO * earlier:
        words = "more often lately"
    elif earlier_count >= TREND_MIN_EPISODES and earlier >= TREND_RATIO * later:
        words = "less often lately"
    elif min(earlier_count, later_count) >= 2:
        words = "about as often throughout"
    else:
        words = TOO_FEW
    return Trend(earlier, later, words)


# --- Other symptoms ---------------------------------------------------------------


@dataclass(frozen=True)
class Symptom:
    name: str  # "weakness", "a change in sensation", "a loss of muscle size"
    days: tuple[date, ...]
    places: str  # "left calf and neck"


def symptoms(episodes: Sequence[EpisodeRecord]) -> list[Symptom]:
    """Each of the guidance's symptoms (weakness, a change in sensation, a loss of
    muscle size), with the days it came with an episode; all three, logged or not."""
    found = []
    for field, name in wording.SYMPTOMS:
        with_it = [e for e in episodes if getattr(e, field)]
        found.append(
            Symptom(
                name=name,
                days=tuple(sorted({e.day for e in with_it})),
                places=wording.and_list(
                    list(dict.fromkeys(wording.where(e.body_region, e.side) for e in with_it))
                ),
            )
        )
    return found


# --- Context: training, fluids, the days' check-ins ----------------------------------


@dataclass(frozen=True)
class LoadWeek:
    monday: date
    load: float
    sessions: int
    usual: float | None  # the median of the 4 trained weeks before it
    words: str  # "2.1 times the usual week", "" without a usual


@dataclass(frozen=True)
class Training:
    weeks: tuple[LoadWeek, ...]
    sessions: int
    peaks: tuple[LoadWeek, ...]  # weeks well above their usual, the highest first
    words: str


# A week this many times its usual is a peak: the load page's "well above usual".
PEAK_RATIO = 1.5


def training(history: History, start: date, end: date) -> Training:
    """Weekly training load (session RPE x minutes) over the range, each week
    against the athlete's usual week before it, as the load page reads it."""
    series_start, series = history.load_series()
    all_weeks = metrics.calendar_weeks(series_start, series)
    usual = metrics.usual_weeks(all_weeks, 4)
    sessions_by_week = Counter(w.day - timedelta(days=w.day.weekday()) for w in history.workouts)
    first_monday = start - timedelta(days=start.weekday())
    weeks = []
    for week, before in zip(all_weeks, usual, strict=True):
        if not first_monday <= week.monday <= end:
            continue
        ratio = week.load / before if before else None
        weeks.append(
            LoadWeek(
                monday=week.monday,
                load=week.load,
                sessions=sessions_by_week.get(week.monday, 0),
                usual=before,
                words=f"{ratio:.1f} times the usual week" if ratio is not None else "",
            )
        )
    peaks = sorted(
        (w for w in weeks if w.usual and w.load >= PEAK_RATIO * w.usual),
        key=lambda w: -w.load / w.usual,
    )
    sessions = sum(1 for w in history.workouts if start <= w.day <= end)
    return Training(tuple(weeks), sessions, tuple(peaks), training_words(weeks, peaks, sessions))


def training_words(weeks: Sequence[LoadWeek], peaks: Sequence[LoadWeek], sessions: int) -> str:
    if not sessions:
        return "No workouts logged in this range."
    text = f"{wording.plural(sessions, 'workout')} logged"
    trained = [w for w in weeks if w.load]
    if len(trained) >= 2:
        first, last = trained[0].load, trained[-1].load
        change = metrics.change_pct(last, first)
        if change is not None and abs(change) >= 20:
            direction = "higher" if change > 0 else "lower"
            text += (
                f"; the last trained week's load was {abs(change):.0f} % {direction} than the first"
            )
    if peaks:
        text += "; " + wording.and_list(
            [f"the week of {wording.day(p.monday)} was {p.words}" for p in peaks[:3]]
        )
    else:
        text += "; no week was well above the athlete's usual"
    return text + "."


@dataclass(frozen=True)
class Fluids:
    target_ml: int
    days_logged: int
    days_in_range: int
    median_ml: int | None  # on the days with drinks logged
    days_at_target: int


def fluids(history: History, start: date, end: date) -> Fluids:
    """Fluid against the daily target, on the days with drinks logged: a day
    without any is unknown, not dry."""
    totals = [ml for day, ml in history.daily_fluid_ml.items() if start <= day <= end]
    return Fluids(
        target_ml=history.fluid_target_ml,
        days_logged=len(totals),
        days_in_range=(end - start).days + 1,
        median_ml=round(statistics.median(totals)) if totals else None,
        days_at_target=sum(1 for ml in totals if ml >= history.fluid_target_ml),
    )


@dataclass(frozen=True)
class Days:
    checkins: int
    sleep_hours: float | None
    caffeine_mg: float | None
    stress: float | None
    ill: tuple[date, ...]
    new_medication: tuple[date, ...]


def days(checkins: Sequence[CheckinRecord], start: date, end: date) -> Days:
    """Averages of the daily check-ins' numbers (over the check-ins that gave one),
    and the days marked ill or with a new medication."""
    within = [c for c in checkins if start <= c.day <= end]

    def mean(values):
        values = [v for v in values if v is not None]
        return round(statistics.fmean(values), 1) if values else None

    return Days(
        checkins=len(within),
        sleep_hours=mean(c.sleep_hours for c in within),
        caffeine_mg=mean(c.caffeine_mg for c in within),
        stress=mean(c.stress for c in within),
        ill=tuple(c.day for c in within if c.ill),
        new_medication=tuple(c.day for c in within if c.new_medication),
    )


# --- The guidance's signs -----------------------------------------------------------


@dataclass(frozen=True)
class Sign:
    """One of the guidance's reasons to see a doctor, and whether the log shows it."""

    title: str
    passage: guidance.Passage
    rule: Rule
    # "matched" at the guidance's see-a-doctor line; "partly" when the rule found
    # the pattern below it (watch); "not seen" otherwise.
    state: str
    found: str  # what the rule saw, in its own words ("" if nothing)
    episode_ids: tuple[str, ...]


SIGNS = (
    ("Severe pain, like a muscle explosion", guidance.SEVERE_PAIN, Rule.SEVERE_PAIN),
    ("A twitch or spasm that lasts a long time", guidance.KEEPS_COMING_BACK, Rule.LONG_EPISODE),
    (
        "A twitch or spasm that keeps coming back",
        guidance.KEEPS_COMING_BACK,
        Rule.RECURRING_EPISODES,
    ),
    ("Frequent, long-term twitching", guidance.LONG_TERM_TWITCHING, Rule.PERSISTENT_TWITCHING),
    (
        "Frequent twitching with weakness, a change in sensation or a loss of muscle size",
        guidance.TWITCHING_WITH_SYMPTOMS,
        Rule.RED_FLAG_SYMPTOMS,
    ),
    ("Frequent twitching with no known cause", guidance.UNKNOWN_CAUSES, Rule.UNEXPLAINED_TWITCHING),
)
MATCHED, PARTLY, NOT_SEEN = "matched", "partly", "not seen"


def signs(findings: Sequence[Finding]) -> list[Sign]:
    """Each sign, with the rule's most serious finding in the range."""
    worst: dict[Rule, Finding] = {}
    for finding in findings:
        rule = Rule(finding.rule)
        if (
            rule not in worst
            or Severity(finding.severity).rank > Severity(worst[rule].severity).rank
        ):
            worst[rule] = finding
    found = []
    for title, passage, rule in SIGNS:
        finding = worst.get(rule)
        if finding is None:
            state = NOT_SEEN
        elif Severity(finding.severity).sees_doctor:
            state = MATCHED
        else:
            state = PARTLY
        found.append(
            Sign(
                title=title,
                passage=passage,
                rule=rule,
                state=state,
                found=finding.message if finding else "",
                episode_ids=tuple(entry["id"] for entry in finding.evidence.get("episodes", []))
                if finding
                else (),
            )
        )
    return found
