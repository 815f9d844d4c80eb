"""A flag's evidence in context, for the reviewer: the entries that raised it, and
the athlete's days around its window."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.urls import reverse

from logbook import wording
from logbook.models import TwitchEpisode, Workout, WorkoutKind
from triage import charts, reading
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
    parts = [wording.duration(item["duration_s"]), f"pain {item['pain']}/10", item["side"]]
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
    """The athlete's days from 14 before the window to 7 after, in words, and the
    load chart of them."""
    user = flag.user
    first = flag.window_start - timedelta(days=DAYS_BEFORE)
    last = flag.window_end + timedelta(days=DAYS_AFTER)
    span = (last - first).days + 1
    history = reading.read_history(user, span, on=last)
    days = defaultdict(lambda: {"workouts": [], "episodes": [], "fluid_ml": 0, "checkin": None})
    for workout in history.workouts:
        text = (
            f"{WorkoutKind(workout.kind).label} {wording.minutes(workout.duration_min)}, "
            f"RPE {workout.rpe} ({workout.load} AU)"
        )
        days[workout.day]["workouts"].append(text + ("" if workout.warmed_up else ", no warm-up"))
    for episode in history.episodes:
        text = wording.episode(episode.kind, episode.body_region, episode.side, episode.duration_s)
        text += f", pain {episode.pain}"
        if episode.has_red_flag_symptom:
            text += f", with {wording.and_list(wording.symptom_names(episode))}"
        days[episode.day]["episodes"].append(text)
    for day, ml in history.daily_fluid_ml.items():
        days[day]["fluid_ml"] = ml
    for checkin in history.checkins:
        days[checkin.day]["checkin"] = checkin

    end_of_last_day = datetime.combine(last + timedelta(days=1), time.min, tzinfo=history.zone)
    report = load_report(user, span, now=end_of_last_day - timedelta(seconds=1))
    return {
        "first": first,
        "last": last,
        "days": [
            {"date": day, "in_window": flag.window_start <= day <= flag.window_end, **days[day]}
            for day in (first + timedelta(days=n) for n in range(span))
        ],
        "fluid_target_ml": history.fluid_target_ml,
        "chart": charts.load_chart(report),
        "chart_days": span,
    }
