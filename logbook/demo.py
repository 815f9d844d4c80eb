"""The demo athlete: ten believable weeks that show what the app notices.

Weeks 1-8 are steady training at about 1,200 load units a week. Week 9 jumps to
about 3,000 (five sessions on five days running, longer and harder), the
"exponential" increase the guidance warns about, and week 10 stays high. Those
two weeks are also the rushed ones: fewer warm-ups, little stretching, and
fluids short of the target on most days (on some days before, too). A left
calf cramp keeps coming back over the last two weeks, on days after the
heaviest training and the driest days, which the Patterns page sets against
the rest of the log.

The history is drawn from a seeded random generator and keyed by stable ids,
so every run describes the same entries.
"""

import random
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from logbook.models import DailyCheckin, HydrationEntry, Profile, TwitchEpisode, Workout

USERNAME = "demo"
PASSWORD = "demo-twitch-2026"
TIMEZONE = "Europe/London"
WEEKS = 10
DEMO_NAMESPACE = uuid.UUID("5d1f3f1e-6a43-4d0b-9a4e-0c3f1d2b7a10")

# Per week: (weekday, kind, minutes, rpe) for each session. Weekday 0 is the
# first day of the demo week.
STEADY_WEEK = [(0, "run", 45, 6), (2, "strength", 50, 6), (4, "cycle", 60, 5), (5, "run", 40, 6)]
LIGHT_WEEK = [(1, "run", 45, 6), (3, "strength", 50, 6), (5, "cycle", 60, 6)]
JUMP_WEEK = [
    (0, "run", 90, 8),
    (1, "strength", 75, 8),
    (2, "hiit", 60, 9),
    (3, "run", 90, 8),
    (4, "cycle", 100, 7),
]
HIGH_WEEK = [
    (0, "run", 75, 8),
    (1, "hiit", 60, 8),
    (2, "strength", 80, 8),
    (3, "run", 75, 8),
    (4, "cycle", 90, 7),
]
PLAN = [STEADY_WEEK] * 2 + [LIGHT_WEEK] + [STEADY_WEEK] * 5 + [JUMP_WEEK, HIGH_WEEK]

# (day of the demo, local time, kind, region, side, seconds, pain, timing)
EPISODES = [
    (3, "21:40", "twitch", "eyelid", "left", 20, 0, "unrelated"),
    (9, "19:15", "cramp", "foot", "right", 45, 4, "hours_after"),
    (12, "21:10", "twitch", "eyelid", "left", 25, 0, "unrelated"),
    (16, "18:30", "twitch", "calf", "right", 10, 1, "right_after"),
    (19, "07:50", "twitch", "thigh_front", "left", 30, 1, "right_after"),
    (25, "22:05", "twitch", "eyelid", "right", 15, 0, "unrelated"),
    (30, "10:20", "cramp", "thigh_back", "left", 60, 5, "during_exercise"),
    (33, "13:00", "spasm", "lower_back", "none", 120, 4, "hours_after"),
    (57, "19:45", "cramp", "calf", "left", 90, 6, "right_after"),
    (59, "20:30", "cramp", "calf", "left", 150, 6, "hours_after"),
    (60, "18:40", "spasm", "thigh_back", "right", 40, 3, "right_after"),
    (64, "20:05", "cramp", "calf", "left", 200, 7, "hours_after"),
    (65, "23:30", "cramp", "calf", "left", 120, 6, "hours_after"),
    (67, "19:20", "cramp", "calf", "left", 180, 7, "right_after"),
    (68, "08:15", "twitch", "eyelid", "left", 10, 0, "unrelated"),
]
# Days whose drinks fall short of the target, besides about one day in eight by chance:
# the rushed weeks 9 and 10.
DRY_DAYS = {56, 57, 58, 59, 60, 63, 64, 65, 66, 67}


def stable_id(kind: str, *parts) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, ":".join([kind, *map(str, parts)]))


def seed_demo(today: date) -> bool:
    """Create the demo athlete and their history ending on `today`.

    Returns False, creating nothing, when the demo athlete already has entries.
    """
    User = get_user_model()
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            username=USERNAME, defaults={"email": "demo@example.com"}
        )
        if created:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        if Workout.objects.filter(user=user).exists():
            return False
        Profile.objects.update_or_create(user=user, defaults={"timezone": TIMEZONE})
        for model, rows in demo_history(today).items():
            for row in rows:
                model(user=user, **row).save(force_insert=True)
        logged_as_it_happened(user)
    return True


def logged_as_it_happened(user) -> None:
    """Date each demo entry's "logged" a few minutes after it happened (a check-in
    that evening), as a diligent athlete's would be, rather than at seeding time."""
    zone = ZoneInfo(TIMEZONE)
    for model in (Workout, HydrationEntry, TwitchEpisode):
        field = model.time_field
        model.objects.filter(user=user).update(
            created_at=F(field) + timedelta(minutes=4), updated_at=F(field) + timedelta(minutes=4)
        )
    checkins = list(DailyCheckin.objects.filter(user=user))
    for checkin in checkins:
        checkin.created_at = checkin.updated_at = datetime.combine(
            checkin.date, time(21, 30), tzinfo=zone
        )
    DailyCheckin.objects.bulk_update(checkins, ["created_at", "updated_at"])


def demo_history(today: date) -> dict[type, list[dict]]:
    """Field values for every demo entry, by model."""
    rng = random.Random(2026)
    zone = ZoneInfo(TIMEZONE)
    first_day = today - timedelta(days=WEEKS * 7 - 1)

    def at(day: int, clock: str) -> datetime:
        hour, minute = map(int, clock.split(":"))
        return datetime.combine(first_day + timedelta(days=day), time(hour, minute), tzinfo=zone)

    workouts = []
    for week, sessions in enumerate(PLAN):
        for weekday, kind, minutes, rpe in sessions:
            day = week * 7 + weekday
            workouts.append(
                {
                    "id": stable_id("workout", day),
                    "started_at": at(
                        day, rng.choice(["06:30", "07:15", "12:10", "17:45", "18:30"])
                    ),
                    "kind": kind,
                    "duration_min": minutes + rng.randint(-5, 5),
                    "rpe": rpe,
                    "distance_km": round(minutes / 6 * rng.uniform(0.9, 1.1), 1)
                    if kind == "run"
                    else None,
                    "hot_conditions": kind == "hiit" or rng.random() < 0.1,
                    # The harder weeks are also the rushed ones.
                    "warmed_up": rng.random() < (0.5 if week >= 8 else 0.9),
                    "stretched_after": rng.random() < (0.3 if week >= 8 else 0.7),
                }
            )

    hydration, checkins = [], []
    for day in range(WEEKS * 7):
        short_day = rng.random() < 0.12 or day in DRY_DAYS
        target = rng.randint(1100, 1700) if short_day else rng.randint(2000, 2900)
        clocks = sorted(
            rng.sample(["07:30", "10:00", "12:30", "15:00", "17:30", "19:30", "21:00"], 4)
        )
        for index, clock in enumerate(clocks):
            hydration.append(
                {
                    "id": stable_id("hydration", day, index),
                    "taken_at": at(day, clock),
                    "volume_ml": target // 4,
                    "drink": rng.choice(
                        ["water", "water", "water", "electrolyte", "coffee", "tea"]
                    ),
                }
            )
        if rng.random() < 0.9:
            checkins.append(
                {
                    "id": stable_id("checkin", day),
                    "date": first_day + timedelta(days=day),
                    "sleep_hours": rng.choice([6, 6.5, 7, 7.5, 8, 8.5]),
                    "caffeine_mg": rng.choice([0, 80, 95, 160, 190, 300]),
                    "stress": rng.randint(2, 6),
                    "ill": 24 <= day <= 25,
                }
            )

    episodes = [
        {
            "id": stable_id("episode", day, clock),
            "started_at": at(day, clock),
            "kind": kind,
            "body_region": region,
            "side": side,
            "duration_s": seconds,
            "pain": pain,
            "timing": timing,
            "relief": ["stretch", "massage"] if kind == "cramp" else [],
        }
        for day, clock, kind, region, side, seconds, pain, timing in EPISODES
    ]
    return {
        Workout: workouts,
        HydrationEntry: hydration,
        DailyCheckin: checkins,
        TwitchEpisode: episodes,
    }
