"""One athlete's recent history as plain data: what the rules read.

Records are named tuples: the engine makes hundreds of thousands of them in a
sweep, and tuples are the cheapest objects Python makes.

The engine fills these from the database; tests build them by hand. Times are
aware datetimes in the athlete's own time zone, and `day` is the calendar date
there, so that an episode at 23:30 belongs to the evening it happened in.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from functools import cached_property
from typing import NamedTuple


class EpisodeRecord(NamedTuple):
    id: str
    started_at: datetime
    duration_s: int
    kind: str
    body_region: str
    side: str
    pain: int
    timing: str
    count: int = 1
    weakness: bool = False
    sensation_change: bool = False
    muscle_loss: bool = False

    @property
    def day(self) -> date:
        return self.started_at.date()

    @property
    def has_red_flag_symptom(self) -> bool:
        return self.weakness or self.sensation_change or self.muscle_loss


class WorkoutRecord(NamedTuple):
    id: str
    started_at: datetime
    duration_min: int
    rpe: int
    warmed_up: bool = False
    stretched_after: bool = False
    hot_conditions: bool = False
    kind: str = "other"

    @property
    def day(self) -> date:
        return self.started_at.date()

    @property
    def load(self) -> int:
        return self.rpe * self.duration_min


class CheckinRecord(NamedTuple):
    """A day's check-in: the context behind its twitches (numbers may be missing)."""

    day: date
    sleep_hours: float | None = None
    caffeine_mg: int | None = None
    stress: int | None = None  # 0-10
    ill: bool = False
    new_medication: bool = False


@dataclass(frozen=True)
class History:
    """Everything the rules may look at for one athlete, oldest first."""

    today: date
    # The first day loaded: nothing before it is known here.
    loaded_since: date
    episodes: tuple[EpisodeRecord, ...] = ()
    workouts: tuple[WorkoutRecord, ...] = ()
    # Total fluid per local day, only for days with at least one drink logged,
    # and how many drinks made it.
    daily_fluid_ml: dict[date, int] = field(default_factory=dict)
    daily_drinks: dict[date, int] = field(default_factory=dict)
    fluid_target_ml: int = 2000
    # The day of the athlete's first workout ever (it may precede `workouts`).
    first_workout_day: date | None = None
    checkins: tuple[CheckinRecord, ...] = ()
    # The athlete's time zone, whose calendar the days above are.
    zone: tzinfo | None = None

    @cached_property
    def workout_days(self) -> list[date]:
        """Each workout's local day, in order: for finding the last one before a day."""
        return [workout.day for workout in self.workouts]

    @cached_property
    def checkin_on(self) -> dict[date, CheckinRecord]:
        return {checkin.day: checkin for checkin in self.checkins}

    @cached_property
    def workout_timestamps(self) -> list[float]:
        """Each workout's start as a POSIX timestamp, for measuring elapsed time."""
        return [workout.started_at.timestamp() for workout in self.workouts]

    def load_series(self) -> tuple[date, list[float]]:
        """(first day, daily loads from then to today); rest days count 0.

        The series starts at the first workout, or where the loaded history
        starts if that was earlier: days before either are unknown, not rest.
        """
        if self.first_workout_day is None:
            return self.today, []
        start = max(self.first_workout_day, self.loaded_since)
        loads = [0.0] * ((self.today - start).days + 1)
        for workout in self.workouts:
            offset = (workout.day - start).days
            if 0 <= offset < len(loads):
                loads[offset] += workout.load
        return start, loads


def days_between(first: date, last: date) -> int:
    """How many calendar days a span covers, both ends included."""
    return (last - first).days + 1


def window(days: int, ending: date) -> tuple[date, date]:
    """The `days` calendar days that end on `ending`, both ends included."""
    return ending - timedelta(days=days - 1), ending
