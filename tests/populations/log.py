"""The calendar and the records of a simulated athlete, and the builder that writes them.

Every simulated log covers the same 148 local days, from Monday 5 January
2026 (day 0) to Monday 1 June 2026 (day 147): 28 days of lead-in, then the
120 days the sweep evaluates (the engine reads 120 days back). The span
crosses the spring clock changes of Europe and North America and the autumn
one of Australia and New Zealand, so time zones matter as they do in use.

Workouts and episodes are the plain records of triage/history.py, with aware
times in the athlete's own zone; fluid is a total per local day, as the
engine sums it, and check-ins are triage's CheckinRecord. Entry ids are UUIDs
derived from the athlete and the entry's number, so a simulated log can be
stored as it is, and the flags it raises name the same entries in memory and
in the database.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from triage.history import CheckinRecord, EpisodeRecord, WorkoutRecord

START = date(2026, 1, 5)  # a Monday: day 0, and the first day of week 0
LEAD_DAYS = 28  # before the first evaluated day, so the load rules have history
EVALUATED_DAYS = 120  # settings.TRIAGE["history_days"]
DAYS = LEAD_DAYS + EVALUATED_DAYS
FIRST_EVALUATED_DAY = LEAD_DAYS
LAST_DAY = DAYS - 1

# An episode is "right after" exercise within this long of a workout's end, and
# "hours after" up to HOURS_AFTER: the guidance says spasms "may occur during
# exercise, immediately after, or up to several hours later".
RIGHT_AFTER = timedelta(hours=1)
HOURS_AFTER = timedelta(hours=12)

_IDS = uuid.UUID("6f1c1f1e-3b8e-4d0c-9d55-7a0b6c2f4e10")


def day(n: int) -> date:
    """The calendar date of day n of the simulation."""
    return START + timedelta(days=n)


def day_number(on: date) -> int:
    return (on - START).days


class Break(NamedTuple):
    """Days without training, both ends included, and why: holiday, busy or ill."""

    first: int
    last: int
    reason: str

    def covers(self, n: int) -> bool:
        return self.first <= n <= self.last


@dataclass(frozen=True)
class Athlete:
    """One simulated athlete's whole log, and what the simulation knows about it."""

    key: str  # e.g. "healthy-0017", "long_cramps-0003"
    population: str
    zone: ZoneInfo
    fluid_target_ml: int
    workouts: tuple[WorkoutRecord, ...]  # in time order
    episodes: tuple[EpisodeRecord, ...]  # in time order
    daily_fluid_ml: dict[date, int]
    checkins: tuple[CheckinRecord, ...]
    breaks: tuple[Break, ...]
    traits: object  # the per-athlete parameters (healthy.Traits), for inspection
    # Concerning athletes only: the day the pattern starts, and its entries.
    plant_day: date | None = None
    planted_ids: frozenset[str] = frozenset()

    @property
    def planted_episodes(self) -> list[EpisodeRecord]:
        return [e for e in self.episodes if e.id in self.planted_ids]

    @property
    def planted_workouts(self) -> list[WorkoutRecord]:
        return [w for w in self.workouts if w.id in self.planted_ids]

    def on_break(self, n: int) -> bool:
        return any(b.covers(n) for b in self.breaks)


@dataclass
class LogBuilder:
    """Collects one athlete's entries while the simulator writes them."""

    key: str
    zone: ZoneInfo
    workouts: list[WorkoutRecord] = field(default_factory=list)
    episodes: list[EpisodeRecord] = field(default_factory=list)
    daily_fluid_ml: dict[date, int] = field(default_factory=dict)
    checkins: list[CheckinRecord] = field(default_factory=list)
    planted_ids: set[str] = field(default_factory=set)
    _numbers: dict[str, int] = field(default_factory=dict)
    _by_day: dict[date, list[WorkoutRecord]] | None = None

    def new_id(self, kind: str) -> str:
        n = self._numbers.get(kind, 0)
        self._numbers[kind] = n + 1
        return str(uuid.uuid5(_IDS, f"{self.key}/{kind}/{n}"))

    def at(self, n: int, minutes: float) -> datetime:
        """The moment `minutes` after local midnight of day n, on the athlete's clock.

        Whole seconds, and normalised through UTC, so that a wall time the
        clocks skip (02:30 on the spring-forward night) reads as the database
        would give it back.
        """
        midnight = datetime.combine(day(n), time(0), tzinfo=self.zone)
        moment = midnight + timedelta(seconds=round(minutes * 60))
        return moment.astimezone(UTC).astimezone(self.zone)

    def after(self, moment: datetime, minutes: float) -> datetime:
        """The moment `minutes` of real time later, in whole seconds, on the athlete's clock."""
        later = moment.astimezone(UTC) + timedelta(seconds=round(minutes * 60))
        return later.astimezone(self.zone)

    def add_workout(self, started_at: datetime, duration_min: int, rpe: int, **flags) -> str:
        entry_id = self.new_id("workout")
        self.workouts.append(WorkoutRecord(entry_id, started_at, duration_min, rpe, **flags))
        self._by_day = None
        return entry_id

    def add_episode(self, started_at: datetime, *, planted: bool = False, **fields) -> str:
        """An episode; unless given, its timing is what its moment says (timing_of)."""
        entry_id = self.new_id("episode")
        fields.setdefault("timing", self.timing_of(started_at))
        self.episodes.append(EpisodeRecord(entry_id, started_at, **fields))
        if planted:
            self.planted_ids.add(entry_id)
        return entry_id

    def workouts_on(self, n: int) -> list[WorkoutRecord]:
        if self._by_day is None:
            self._by_day = {}
            for workout in self.workouts:
                self._by_day.setdefault(workout.day, []).append(workout)
        return self._by_day.get(day(n), [])

    def remove_workouts(self, first: int, last: int) -> None:
        """Take out the workouts of days first to last, both included."""
        self.workouts = [w for w in self.workouts if not first <= day_number(w.day) <= last]
        self._by_day = None

    def timing_of(self, moment: datetime) -> str:
        """How an athlete would place this moment relative to their training.

        During a workout, within an hour of its end, up to 12 hours after it,
        or otherwise unrelated; measured in real elapsed time across clock changes.
        """
        instant = moment.timestamp()
        latest = None
        for workout in self.workouts:
            start = workout.started_at.timestamp()
            if start <= instant and (latest is None or start > latest[0]):
                latest = (start, start + workout.duration_min * 60)
        if latest is None:
            return "unrelated"
        start, end = latest
        if instant <= end:
            return "during_exercise"
        if instant - end <= RIGHT_AFTER.total_seconds():
            return "right_after"
        if instant - end <= HOURS_AFTER.total_seconds():
            return "hours_after"
        return "unrelated"

    def finish(self, population: str, **more) -> Athlete:
        by_time = lambda entry: (entry.started_at.timestamp(), entry.id)  # noqa: E731
        return Athlete(
            key=self.key,
            population=population,
            zone=self.zone,
            workouts=tuple(sorted(self.workouts, key=by_time)),
            episodes=tuple(sorted(self.episodes, key=by_time)),
            daily_fluid_ml=dict(sorted(self.daily_fluid_ml.items())),
            checkins=tuple(sorted(self.checkins)),
            planted_ids=frozenset(self.planted_ids),
            **more,
        )
