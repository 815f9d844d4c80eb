"""One athlete's training load over recent days, for the API and the app's charts."""

from dataclasses import asdict
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from logbook.models import Workout
from triage import metrics
from triage.history import History, WorkoutRecord

# The chronic EWMA forgets its seed slowly ((27/29)^56 is under 2 %), so the
# series starts this many days before the first day shown.
EWMA_WARM_UP_DAYS = 56


def load_report(user, days: int, *, now=None) -> dict:
    """{"days": [{date, load, acute, chronic, acwr, acwr_ewma}], "today": {...}}."""
    zone = user.profile.zone
    today = (now or timezone.now()).astimezone(zone).date()
    first_shown = today - timedelta(days=days - 1)
    loaded_since = first_shown - timedelta(days=metrics.CHRONIC_DAYS + EWMA_WARM_UP_DAYS)

    workouts = Workout.objects.filter(user=user)
    first = workouts.order_by("started_at").values_list("started_at", flat=True).first()
    records = tuple(
        WorkoutRecord(str(pk), started_at.astimezone(zone), minutes, rpe)
        for pk, started_at, minutes, rpe in workouts.filter(
            started_at__gte=datetime.combine(loaded_since, time.min, tzinfo=zone)
        )
        .order_by("started_at")
        .values_list("pk", "started_at", "duration_min", "rpe")
    )
    history = History(
        today=today,
        loaded_since=loaded_since,
        workouts=records,
        first_workout_day=first.astimezone(zone).date() if first else None,
    )
    start, series = history.load_series()
    by_day = dict(zip(day_range(start, len(series)), metrics.daily_metrics(series), strict=True))
    return {
        "days": [day_row(day, by_day.get(day)) for day in day_range(first_shown, days)],
        "today": {key: rounded(value) for key, value in asdict(metrics.summary(series)).items()},
        # How many days of training history there are (0: nothing logged yet).
        "history_days": len(series),
    }


def day_range(first: date, count: int):
    return [first + timedelta(days=offset) for offset in range(count)]


def day_row(day: date, day_metrics) -> dict:
    if day_metrics is None:  # before the first workout: nothing known
        return {
            "date": day,
            "load": 0,
            "acute": None,
            "chronic": None,
            "acwr": None,
            "acwr_ewma": None,
        }
    return {"date": day, **{key: rounded(value) for key, value in asdict(day_metrics).items()}}


def rounded(value):
    return round(value, 4) if isinstance(value, float) else value
