"""One athlete's training load over recent days, for the API and the app's charts."""

from dataclasses import asdict
from datetime import date, timedelta

from django.utils import timezone

from triage import metrics, reading

# The chronic EWMA forgets its seed slowly ((27/29)^56 is under 2 %), so the
# series starts this many days before the first day shown.
EWMA_WARM_UP_DAYS = 56


def load_report(user, days: int, *, now=None) -> dict:
    """{"days": [{date, load, acute, chronic, acwr, acwr_ewma}], "today": {...}}."""
    warm_up = metrics.CHRONIC_DAYS + EWMA_WARM_UP_DAYS
    history = reading.read_history(user, days + warm_up, now=now or timezone.now())
    first_shown = history.today - timedelta(days=days - 1)
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
