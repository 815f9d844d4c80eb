"""The one place that reads people's logs from the database: in bulk, as plain data.

`read_histories(user_ids, days, ...)` turns a batch of athletes' logs into
Histories (triage/history.py) in a fixed number of queries, whatever the batch
holds: profiles, workouts, episodes, check-ins, and daily fluid totals summed
by the database on each athlete's own calendar. Everything that computes with
a log reads it here: the engine before the rules, the weekly digest, the load
page and the API, and the review desk's evidence timeline.

Days are each athlete's own: a history "on" a day runs from midnight to
midnight of their zone, so an episode at 23:30 belongs to the evening it
happened in.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, DateField, Func, Min, OuterRef, Subquery, Sum
from django.db.models.functions import TruncDate

from logbook.models import DailyCheckin, HydrationEntry, Profile, TwitchEpisode, Workout
from triage.history import CheckinRecord, EpisodeRecord, History, WorkoutRecord

WORKOUT_FIELDS = (
    "id",
    "started_at",
    "duration_min",
    "rpe",
    "warmed_up",
    "stretched_after",
    "hot_conditions",
    "kind",
)
EPISODE_FIELDS = (
    "id",
    "started_at",
    "duration_s",
    "kind",
    "body_region",
    "side",
    "pain",
    "timing",
    "count",
    "weakness",
    "sensation_change",
    "muscle_loss",
)
CHECKIN_FIELDS = ("date", "sleep_hours", "caffeine_mg", "stress", "ill", "new_medication")


def read_histories(
    user_ids, days: int, *, now: datetime | None = None, on: date | None = None
) -> dict[int, History]:
    """Each athlete's last `days` local days, as a History, in 6 queries.

    The last day is "today" where each athlete is at `now`, or the local day
    `on` for everyone (a digest's Sunday); the history holds what happened up
    to the end of that day.
    """
    if (now is None) == (on is None):
        raise ValueError("read_histories takes either now or on")
    people = read_people(user_ids)
    last_days = {
        user_id: on if on is not None else now.astimezone(person.zone).date()
        for user_id, person in people.items()
    }
    # UTC bounds a day wider than any zone's local days need.
    since = utc_midnight(min(last_days.values(), default=date.today()) - timedelta(days=days))
    until = utc_midnight(max(last_days.values(), default=date.today()) + timedelta(days=2))
    zones = {user_id: person.zone for user_id, person in people.items()}

    workouts = defaultdict(list)
    for user_id, entry_id, started_at, *rest in rows(Workout, people, since, until, WORKOUT_FIELDS):
        workouts[user_id].append(
            WorkoutRecord(str(entry_id), started_at.astimezone(zones[user_id]), *rest)
        )
    episodes = defaultdict(list)
    for user_id, entry_id, started_at, *rest in rows(
        TwitchEpisode, people, since, until, EPISODE_FIELDS
    ):
        episodes[user_id].append(
            EpisodeRecord(str(entry_id), started_at.astimezone(zones[user_id]), *rest)
        )
    checkins = defaultdict(list)
    for user_id, *fields in (
        DailyCheckin.objects.filter(
            user_id__in=people, date__gte=since.date(), date__lte=until.date()
        )
        .order_by("date")
        .values_list("user_id", *CHECKIN_FIELDS)
    ):
        checkins[user_id].append(CheckinRecord(*fields))
    fluid = daily_fluid_totals(zones, since, until)

    histories = {}
    for user_id, person in people.items():
        today = last_days[user_id]
        first = today - timedelta(days=days - 1)

        def within(day, first=first, today=today):
            return first <= day <= today

        day_fluid = {d: f for d, f in fluid[user_id].items() if within(d)}
        histories[user_id] = History(
            today=today,
            loaded_since=first,
            episodes=tuple(e for e in episodes[user_id] if within(e.day)),
            workouts=tuple(w for w in workouts[user_id] if within(w.day)),
            daily_fluid_ml={d: f.ml for d, f in day_fluid.items()},
            daily_drinks={d: f.drinks for d, f in day_fluid.items()},
            fluid_target_ml=person.fluid_target_ml,
            first_workout_day=person.first_workout_at.astimezone(person.zone).date()
            if person.first_workout_at
            else None,
            checkins=tuple(c for c in checkins[user_id] if within(c.day)),
            zone=person.zone,
        )
    return histories


def read_history(user, days: int, *, now: datetime | None = None, on: date | None = None):
    """One athlete's History (see read_histories)."""
    return read_histories([user.pk], days, now=now, on=on)[user.pk]


def first_episodes(user_id: int) -> dict[tuple[str, str], datetime]:
    """When each (body region, side) first had an episode logged, ever, in UTC:
    the onset a doctor asks about, which may lie before any history read above."""
    firsts = (
        TwitchEpisode.objects.filter(user_id=user_id)
        .values_list("body_region", "side")
        .annotate(first=Min("started_at"))
        .order_by()
    )
    return {(region, side): first for region, side, first in firsts}


class Person(NamedTuple):
    zone: ZoneInfo
    fluid_target_ml: int
    first_workout_at: datetime | None


def read_people(user_ids) -> dict[int, Person]:
    first_workout = (
        Workout.objects.filter(user=OuterRef("user_id")).order_by("started_at").values("started_at")
    )
    profiles = (
        Profile.objects.filter(user_id__in=list(user_ids))
        .annotate(first_workout_at=Subquery(first_workout[:1]))
        .values_list("user_id", "timezone", "daily_fluid_target_ml", "first_workout_at")
    )
    return {
        user_id: Person(ZoneInfo(zone), target, first_workout_at)
        for user_id, zone, target, first_workout_at in profiles
    }


def rows(model, people, since: datetime, until: datetime, fields):
    time_field = model.time_field
    return (
        model.objects.filter(
            user_id__in=people, **{f"{time_field}__gte": since, f"{time_field}__lt": until}
        )
        .order_by(time_field, "id")
        .values_list("user_id", *fields)
    )


def utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


class LocalDate(Func):
    """PostgreSQL: the calendar date of a timestamp in the zone another column names."""

    template = "(timezone(%(expressions)s))::date"
    output_field = DateField()

    def __init__(self, timestamp, zone_name):
        super().__init__(zone_name, timestamp)


class DayFluid(NamedTuple):
    ml: int
    drinks: int


def daily_fluid_totals(
    zones: dict[int, ZoneInfo], since: datetime, until: datetime | None = None
) -> dict[int, dict]:
    """{user_id: {local date: DayFluid(ml, drinks)}}, summed by the database.

    PostgreSQL converts each drink's time with its owner's zone in one query.
    Other databases need the zone as a constant, so they run one query per
    zone present in the batch.
    """
    totals = defaultdict(dict)
    drinks = HydrationEntry.objects.filter(taken_at__gte=since)
    if until is not None:
        drinks = drinks.filter(taken_at__lt=until)
    if connection.vendor == "postgresql":
        queries = [
            drinks.filter(user_id__in=zones).annotate(
                day=LocalDate("taken_at", "user__profile__timezone")
            )
        ]
    else:
        users_by_zone = defaultdict(list)
        for user_id, zone in zones.items():
            users_by_zone[zone].append(user_id)
        queries = [
            drinks.filter(user_id__in=user_ids).annotate(day=TruncDate("taken_at", tzinfo=zone))
            for zone, user_ids in users_by_zone.items()
        ]
    for query in queries:
        for user_id, day, total, count in (
            query.values("user_id", "day")
            .annotate(total=Sum("volume_ml"), count=Count("id"))
            .values_list("user_id", "day", "total", "count")
        ):
            totals[user_id][day] = DayFluid(total, count)
    return totals
