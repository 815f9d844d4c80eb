"""The one place that reads histories in bulk and writes flags.

`evaluate(user_ids)` loads the last 120 days of a batch of athletes in a fixed
number of queries (profiles, workouts, episodes, daily fluid totals, flags),
runs the pure rules on each history, and upserts the flags in bulk. `sweep()`
does that for everyone who is due, batch by batch.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, DateField, F, Func, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from logbook.models import HydrationEntry, Profile, TwitchEpisode, Workout
from triage import flag_merge, rules
from triage.history import EpisodeRecord, History, WorkoutRecord
from triage.models import EvaluationState, Flag

FLAG_FIELDS_SET_BY_EVALUATION = [*flag_merge.FIELDS_SET_BY_EVALUATION, "updated_at"]


@dataclass
class Outcome:
    users: int = 0
    flags_created: int = 0
    flags_updated: int = 0

    def __iadd__(self, other: "Outcome") -> "Outcome":
        self.users += other.users
        self.flags_created += other.flags_created
        self.flags_updated += other.flags_updated
        return self


def evaluate(user_ids, *, now: datetime | None = None) -> Outcome:
    """Run every rule over these athletes' recent history and save what they find.

    `now` is when the evaluation began: changes committed after it will be
    evaluated again, so it is what `last_evaluated_at` records.
    """
    now = now or timezone.now()
    histories = load_histories(user_ids, now)
    thresholds = rules.Thresholds.from_settings()
    found = {user_id: rules.evaluate(history, thresholds) for user_id, history in histories.items()}
    outcome = save_findings(found, histories)
    EvaluationState.objects.bulk_create(
        [EvaluationState(user_id=user_id, last_evaluated_at=now) for user_id in histories],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["last_evaluated_at"],
    )
    outcome.users = len(histories)
    return outcome


def due_user_ids(now: datetime, *, everyone: bool = False) -> list[int]:
    """Active athletes whose log changed since their last evaluation, or who have
    not been evaluated for `reevaluate_hours`, or never."""
    users = get_user_model().objects.filter(is_active=True)
    if not everyone:
        stale = now - timedelta(hours=settings.TRIAGE["reevaluate_hours"])
        users = users.filter(
            Q(triage_state__isnull=True)
            | Q(triage_state__last_evaluated_at__isnull=True)
            | Q(triage_state__last_evaluated_at__lt=stale)
            | Q(triage_state__changed_at__gt=F("triage_state__last_evaluated_at"))
        )
    return list(users.order_by("pk").values_list("pk", flat=True))


def batches(user_ids: list[int]) -> list[list[int]]:
    size = settings.TRIAGE["batch_size"]
    return [user_ids[start : start + size] for start in range(0, len(user_ids), size)]


def sweep(*, now: datetime | None = None, everyone: bool = False, user_ids=None) -> Outcome:
    """Evaluate everyone who is due (or everyone, or these users), batch by batch, here."""
    now = now or timezone.now()
    if user_ids is None:
        user_ids = due_user_ids(now, everyone=everyone)
    outcome = Outcome()
    for batch in batches(user_ids):
        outcome += evaluate(batch, now=now)
    return outcome


# --- Loading ----------------------------------------------------------------------


def load_histories(user_ids, now: datetime) -> dict[int, History]:
    days = settings.TRIAGE["history_days"]
    # A day more than asked for, in UTC, covers the earliest local day of any zone.
    since = now - timedelta(days=days + 1)

    first_workout = (
        Workout.objects.filter(user=OuterRef("user_id")).order_by("started_at").values("started_at")
    )
    profiles = (
        Profile.objects.filter(user_id__in=user_ids)
        .annotate(first_workout_at=Subquery(first_workout[:1]))
        .values_list("user_id", "timezone", "daily_fluid_target_ml", "first_workout_at")
    )
    people = {
        user_id: (ZoneInfo(zone), target, first_workout_at)
        for user_id, zone, target, first_workout_at in profiles
    }
    zones = {user_id: person[0] for user_id, person in people.items()}

    workouts = defaultdict(list)
    for user_id, *fields in (
        Workout.objects.filter(user_id__in=people, started_at__gte=since)
        .order_by("started_at")
        .values_list(
            "user_id",
            "id",
            "started_at",
            "duration_min",
            "rpe",
            "warmed_up",
            "stretched_after",
            "hot_conditions",
        )
    ):
        entry_id, started_at, *rest = fields
        workouts[user_id].append(
            WorkoutRecord(str(entry_id), started_at.astimezone(zones[user_id]), *rest)
        )

    episodes = defaultdict(list)
    for user_id, *fields in (
        TwitchEpisode.objects.filter(user_id__in=people, started_at__gte=since)
        .order_by("started_at")
        .values_list(
            "user_id",
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
    ):
        entry_id, started_at, *rest = fields
        episodes[user_id].append(
            EpisodeRecord(str(entry_id), started_at.astimezone(zones[user_id]), *rest)
        )

    fluid = daily_fluid_totals(zones, since)

    histories = {}
    for user_id, (zone, target, first_workout_at) in people.items():
        today = now.astimezone(zone).date()
        loaded_since = today - timedelta(days=days - 1)
        histories[user_id] = History(
            today=today,
            loaded_since=loaded_since,
            episodes=tuple(e for e in episodes[user_id] if e.day >= loaded_since),
            workouts=tuple(w for w in workouts[user_id] if w.day >= loaded_since),
            daily_fluid_ml={d: f.ml for d, f in fluid[user_id].items() if d >= loaded_since},
            fluid_target_ml=target,
            first_workout_day=first_workout_at.astimezone(zone).date()
            if first_workout_at
            else None,
        )
    return histories


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


# --- Saving -----------------------------------------------------------------------


def save_findings(found: dict[int, list[rules.Finding]], histories: dict) -> Outcome:
    """Upsert the findings as flags: one query to read, one to create, one to update.

    Which finding updates which flag, and how, is decided by flag_merge.merge
    (a finding updates the flag of the same rule whose window it overlaps, so
    a pattern that goes on keeps one flag; otherwise it becomes a new flag).
    """
    if not histories:
        return Outcome()
    earliest = min(h.loaded_since for h in histories.values())
    # Flags that ended before the history loaded cannot overlap any finding.
    existing = defaultdict(lambda: defaultdict(list))
    for flag in Flag.objects.filter(user_id__in=found, window_end__gte=earliest).order_by(
        "window_start"
    ):
        existing[flag.user_id][flag.rule].append(flag)

    to_create, to_update = [], []
    for user_id, findings in found.items():
        merged = flag_merge.merge(findings, existing[user_id], partial(new_flag, user_id))
        to_create += merged.created
        to_update += merged.updated

    # ignore_conflicts: an evaluation of the same person running at the same
    # moment may have just created the flag; the next evaluation updates it.
    Flag.objects.bulk_create(to_create, ignore_conflicts=True)
    if to_update:
        now = timezone.now()
        for flag in to_update:
            flag.updated_at = now
        Flag.objects.bulk_update(to_update, FLAG_FIELDS_SET_BY_EVALUATION)
    return Outcome(flags_created=len(to_create), flags_updated=len(to_update))


def new_flag(user_id: int, finding: rules.Finding) -> Flag:
    return Flag(
        user_id=user_id,
        rule=finding.rule,
        severity=finding.severity,
        window_start=finding.window_start,
        window_end=finding.window_end,
        evidence=finding.evidence,
        message=finding.message,
        advice=finding.advice,
        source=finding.source,
    )
