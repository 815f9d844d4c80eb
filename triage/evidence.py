"""A flag's evidence in context, for the reviewer: the entries that raised it, and
the athlete's days around its window."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.urls import reverse

from logbook.models import DailyCheckin, HydrationEntry, TwitchEpisode, Workout
from triage import charts
from triage.load import load_report

DAYS_BEFORE, DAYS_AFTER = 14, 7
FIGURE_LABELS = {
    "date": "Peak day",
    "acwr": "Acute:chronic ratio",
    "acute_load": "7-day average load (AU/day)",
    "chronic_load": "28-day average load (AU/day)",
    "week_load": "Load of the 7 days (AU)",
    "previous_week_load": "Load of the 7 days before (AU)",
    "week_change_pct": "Change on the week before (%)",
    "target_ml": "Daily fluid target (ml)",
    "days_off": "Days without a workout",
    "comeback_week_load": "Load of the first week back (AU)",
    "usual_week_load": "Average week before the break (AU)",
}


def admin_url(entry) -> str:
    meta = entry._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[entry.pk])


def entries(flag) -> list[dict]:
    """The entries named in the evidence, linked to their admin pages (if they still exist)."""
    listed = flag.evidence.get("episodes", []) + flag.evidence.get("workouts", [])
    found = {
        str(entry.pk): entry
        for model, key in ((TwitchEpisode, "episodes"), (Workout, "workouts"))
        for entry in model.objects.filter(pk__in=[e["id"] for e in flag.evidence.get(key, [])])
    }
    zone = flag.user.profile.zone
    rows = []
    for item in listed:
        entry = found.get(item["id"])
        rows.append(
            {
                "when": datetime.fromisoformat(item["started_at"]).astimezone(zone),
                "what": str(entry) if entry else "(deleted since)",
                "details": describe(item),
                "url": admin_url(entry) if entry else None,
            }
        )
    return sorted(rows, key=lambda row: row["when"])


def describe(item: dict) -> str:
    if "load" in item:
        return f"load {item['load']} AU"
    parts = [f"{item['duration_s']} s", f"pain {item['pain']}/10", item["side"]]
    if item.get("count", 1) > 1:
        parts.append(f"{item['count']} twitches")
    parts += item.get("symptoms", [])
    return ", ".join(parts)


def figures(flag) -> list[tuple[str, object]]:
    rows = [
        (FIGURE_LABELS.get(name, name.replace("_", " ")), value)
        for name, value in flag.evidence.get("figures", {}).items()
        if value is not None
    ]
    for key, label in (
        ("episodes_total", "Episodes"),
        ("twitch_count", "Twitches counted"),
        ("workouts_total", "Workouts"),
    ):
        if key in flag.evidence:
            rows.append((label, flag.evidence[key]))
    return rows


def timeline(flag) -> dict:
    """The athlete's days from 14 before the window to 7 after, and the load chart of them."""
    user = flag.user
    zone = user.profile.zone
    first = flag.window_start - timedelta(days=DAYS_BEFORE)
    last = flag.window_end + timedelta(days=DAYS_AFTER)
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    days = defaultdict(lambda: {"workouts": [], "episodes": [], "fluid_ml": 0, "checkin": None})

    for workout in Workout.objects.filter(user=user, started_at__gte=start, started_at__lt=end):
        days[workout.started_at.astimezone(zone).date()]["workouts"].append(workout)
    for episode in TwitchEpisode.objects.filter(
        user=user, started_at__gte=start, started_at__lt=end
    ):
        days[episode.started_at.astimezone(zone).date()]["episodes"].append(episode)
    drinks = HydrationEntry.objects.filter(user=user, taken_at__gte=start, taken_at__lt=end)
    for taken_at, ml in drinks.values_list("taken_at", "volume_ml"):
        days[taken_at.astimezone(zone).date()]["fluid_ml"] += ml
    for checkin in DailyCheckin.objects.filter(user=user, date__range=(first, last)):
        days[checkin.date]["checkin"] = checkin

    report = load_report(user, (last - first).days + 1, now=end - timedelta(seconds=1))
    return {
        "first": first,
        "last": last,
        "days": [
            {
                "date": day,
                "in_window": flag.window_start <= day <= flag.window_end,
                **days[day],
            }
            for day in (first + timedelta(days=n) for n in range((last - first).days + 1))
        ],
        "fluid_target_ml": user.profile.daily_fluid_target_ml,
        "chart": charts.load_chart(report),
        "chart_days": (last - first).days + 1,
    }
