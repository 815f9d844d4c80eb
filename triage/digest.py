"""The weekly digest: what a person's last week held, in a few honest lines.

`summarise(week)` is pure: plain data about one athlete's week in, the
digest's sections out. `load_weeks()` reads a batch of athletes' weeks in a
fixed number of queries, so that ten thousand digests cost a handful of
queries each, not dozens.
"""

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Q

from logbook import wording
from triage import guidance, metrics, patterns, reading
from triage import wording as says
from triage.flag_merge import AWAITING_REVIEW
from triage.metrics import ZONE_WORDS
from triage.models import Flag, FlagStatus
from triage.rules import Rule, Severity

# --- The week, as plain data ---------------------------------------------------------


@dataclass(frozen=True)
class EpisodeSummary:
    kind: str
    body_region: str
    side: str
    duration_s: int
    started_at: datetime


@dataclass(frozen=True)
class FlagSummary:
    rule: str
    severity: str
    message: str
    advice: str
    is_new: bool

    @property
    def sees_doctor(self) -> bool:
        """Still open, a see-a-doctor flag carries its advice in the digest too."""
        return Severity(self.severity).sees_doctor


@dataclass
class Week:
    """One athlete's week, Monday to Sunday in their own time zone."""

    monday: date
    fluid_target_ml: int
    # (minutes, load) of each workout, this week and the week before
    workouts: list[tuple[int, int]] = field(default_factory=list)
    previous_workouts: list[tuple[int, int]] = field(default_factory=list)
    # daily loads of the 8 weeks up to Sunday, oldest first, for the ratio
    daily_loads: list[float] = field(default_factory=list)
    # total fluid of each day this week that had a drink logged
    daily_fluid_ml: dict[date, int] = field(default_factory=dict)
    episodes: list[EpisodeSummary] = field(default_factory=list)
    previous_episode_count: int = 0
    flags: list[FlagSummary] = field(default_factory=list)
    drinks_logged: int = 0
    checkins_logged: int = 0
    # A pattern that became clear this week (triage/patterns.py), in a line; "" if none.
    new_patterns: str = ""

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def entries_logged(self) -> int:
        return len(self.workouts) + len(self.episodes) + self.drinks_logged + self.checkins_logged


# --- The digest ------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    percent: int  # of the largest bar in its chart, for the email's CSS bars


@dataclass(frozen=True)
class Digest:
    week: Week
    subject: str
    empty: bool
    workout_count: int
    workout_minutes: int
    workout_load: int
    load_change_pct: int | None
    acwr: float | None
    zone: str | None
    fluid_average_ml: int | None
    fluid_days_logged: int
    fluid_days_under: int
    episode_count: int
    episode_trend: int  # this week's count minus last week's
    by_kind: list[Bar]
    by_region: list[Bar]
    longest: str | None
    new_flags: list[FlagSummary]
    open_flags: list[FlagSummary]
    tip: str
    daily_load_bars: list[Bar]

    @property
    def zone_words(self) -> str:
        return ZONE_WORDS.get(self.zone, "")


def summarise(week: Week) -> Digest:
    minutes = sum(m for m, _ in week.workouts)
    load = sum(load for _, load in week.workouts)
    previous_load = sum(load for _, load in week.previous_workouts)
    change = metrics.change_pct(load, previous_load)
    change = round(change) if change is not None else None
    acwr = metrics.coupled_acwr(week.daily_loads)
    fluid = week.daily_fluid_ml
    kinds = Counter(e.kind for e in week.episodes)
    regions = Counter(e.body_region for e in week.episodes)
    longest = max(week.episodes, key=lambda e: e.duration_s, default=None)
    new_flags = [f for f in week.flags if f.is_new]
    open_flags = [f for f in week.flags if not f.is_new]
    last_seven = week.daily_loads[-7:]  # ends on Sunday; shorter if training began this week
    digest = Digest(
        week=week,
        subject="",
        empty=week.entries_logged == 0,
        workout_count=len(week.workouts),
        workout_minutes=minutes,
        workout_load=load,
        load_change_pct=change,
        acwr=round(acwr, 2) if acwr is not None else None,
        zone=metrics.zone(acwr),
        fluid_average_ml=round(sum(fluid.values()) / len(fluid)) if fluid else None,
        fluid_days_logged=len(fluid),
        fluid_days_under=sum(ml < week.fluid_target_ml for ml in fluid.values()),
        episode_count=len(week.episodes),
        episode_trend=len(week.episodes) - week.previous_episode_count,
        by_kind=bars(
            [(wording.kind_name(kind, n).capitalize(), n) for kind, n in kinds.most_common()]
        ),
        by_region=bars([(wording.region(r).capitalize(), n) for r, n in regions.most_common()]),
        longest=describe_longest(longest),
        new_flags=new_flags,
        open_flags=open_flags,
        tip="",
        daily_load_bars=bars(
            [
                ((week.sunday - timedelta(days=len(last_seven) - 1 - i)).strftime("%a"), round(v))
                for i, v in enumerate(last_seven)
            ]
        ),
    )
    return replace(digest, subject=subject(digest), tip=choose_tip(digest))


def choose_tip(d: Digest) -> str:
    """One tip a week: the first that fits, each restating the guidance."""
    flagged = {f.rule for f in d.new_flags + d.open_flags}
    if Rule.LOAD_SPIKE in flagged or (d.load_change_pct or 0) >= 30:
        return guidance.GRADUAL_PROGRESSION
    if d.fluid_days_under >= 3:
        return guidance.DRINK_PLENTY
    if Rule.NO_WARMUP_PATTERN in flagged:
        return guidance.WARM_UP
    if any(e.kind in ("cramp", "spasm") for e in d.week.episodes):
        return guidance.RELIEVE_A_CRAMP
    return guidance.WARM_UP


def subject(d: Digest) -> str:
    """e.g. "Your week: 4 workouts, load +35%, 1 new flag"."""
    if d.empty:
        return "Your week: nothing logged"
    parts = [wording.plural(d.workout_count, "workout")]
    if d.load_change_pct is not None:
        parts.append(f"load {d.load_change_pct:+d}%")
    if d.episode_count:
        parts.append(wording.plural(d.episode_count, "episode"))
    if d.new_flags:
        parts.append(wording.plural(len(d.new_flags), "new flag"))
    return "Your week: " + ", ".join(parts)


def describe_longest(episode: EpisodeSummary | None) -> str | None:
    if episode is None:
        return None
    return (
        f"a {wording.kind_name(episode.kind)} in the "
        f"{wording.where(episode.body_region, episode.side)}, "
        f"{wording.duration(episode.duration_s)}, on {episode.started_at:%A}"
    )


def bars(rows: list[tuple[str, int]]) -> list[Bar]:
    most = max((value for _, value in rows), default=0) or 1
    return [Bar(label, value, round(value * 100 / most)) for label, value in rows]


def new_patterns(history, sunday: date) -> str:
    """The line about patterns newly clear in the year up to Sunday, or "".

    Only a week with something logged in it can make a pattern newly clear, and
    only a year with enough days with an episode compares anything: other
    weeks spare the computation."""
    monday = sunday - timedelta(days=6)
    # Records are in time order: the last of each kind says when it was last logged.
    last_logged = [
        entries[-1].day
        for entries in (history.workouts, history.episodes, history.checkins)
        if entries
    ]
    logged_this_week = any(day >= monday for day in [*last_logged, *history.daily_fluid_ml])
    first = sunday - timedelta(days=patterns.DEFAULT_DAYS - 1)
    episode_days = {e.day for e in history.episodes if e.day >= first}
    if not logged_this_week or len(episode_days) < patterns.MIN_EPISODE_DAYS:
        return ""
    new, report = patterns.newly_clear(history, sunday)
    return says.digest_line(new, report) if new else ""


# --- Weeks ------------------------------------------------------------------------------


def parse_iso_week(text: str) -> date:
    """The Monday of an ISO week written like 2026-W47; ValueError, saying why,
    for anything else or a week the app cannot have (before 2000, or next year)."""
    year, _, week = text.upper().partition("-W")
    if not (year.isascii() and year.isdigit() and week.isascii() and week.isdigit()):
        raise ValueError("write the ISO week like 2026-W47.")
    if not 2000 <= int(year) <= date.today().year + 1:
        raise ValueError("the year must be from 2000 to next year.")
    try:
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise ValueError(f"{year} has no week {int(week)}.") from None


def previous_week_monday(local_today: date) -> date:
    """The Monday of the week before the one `local_today` is in."""
    return local_today - timedelta(days=local_today.weekday() + 7)


LOAD_WEEKS = 8  # of daily loads behind the ratio at the week's end
# The patterns of the year up to Sunday, and up to the Sunday before, need this much.
PATTERN_READ_DAYS = patterns.DEFAULT_DAYS + patterns.CONTEXT_DAYS + 7


def load_weeks(user_ids, monday: date) -> dict[int, Week]:
    """Each athlete's week from `monday`, in their own time zone: 6 queries a batch
    (the histories, from triage/reading.py, and the flags)."""
    sunday = monday + timedelta(days=6)
    histories = reading.read_histories(user_ids, max(LOAD_WEEKS * 7, PATTERN_READ_DAYS), on=sunday)
    weeks = {}
    for uid, history in histories.items():
        this_week = [w for w in history.workouts if monday <= w.day]
        week_before = [w for w in history.workouts if monday - timedelta(days=7) <= w.day < monday]
        episodes = [e for e in history.episodes if monday <= e.day]
        _, daily_loads = history.load_series()
        weeks[uid] = Week(
            monday=monday,
            fluid_target_ml=history.fluid_target_ml,
            workouts=[(w.duration_min, w.load) for w in this_week],
            previous_workouts=[(w.duration_min, w.load) for w in week_before],
            daily_loads=daily_loads[-LOAD_WEEKS * 7 :],
            daily_fluid_ml={d: ml for d, ml in history.daily_fluid_ml.items() if monday <= d},
            episodes=[
                EpisodeSummary(e.kind, e.body_region, e.side, e.duration_s, e.started_at)
                for e in episodes
            ],
            previous_episode_count=sum(
                1 for e in history.episodes if monday - timedelta(days=7) <= e.day < monday
            ),
            drinks_logged=sum(n for d, n in history.daily_drinks.items() if monday <= d),
            checkins_logged=sum(1 for c in history.checkins if monday <= c.day),
            new_patterns=new_patterns(history, sunday),
        )
    zones = {uid: history.zone for uid, history in histories.items()}

    def utc(day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=UTC)

    # New this week, or still open: awaiting review and either not seen yet or
    # about seeing a doctor (that stays in the digest until a reviewer decides).
    still_open = Q(status__in=AWAITING_REVIEW) & (
        Q(seen_at__isnull=True) | Q(severity__in=Severity.doctor_levels())
    )
    flags = (
        Flag.objects.filter(still_open | Q(created_at__gte=utc(monday - timedelta(days=1))))
        .filter(user_id__in=weeks)
        .exclude(status=FlagStatus.SUPERSEDED)
        .order_by("-created_at")
    )
    for uid, rule, severity, message, advice, status, seen_at, created_at in flags.values_list(
        "user_id", "rule", "severity", "message", "advice", "status", "seen_at", "created_at"
    ):
        is_new = monday <= created_at.astimezone(zones[uid]).date() <= sunday
        awaiting = status in AWAITING_REVIEW
        if is_new or (awaiting and (seen_at is None or Severity(severity).sees_doctor)):
            weeks[uid].flags.append(FlagSummary(rule, severity, message, advice, is_new))
    return weeks
