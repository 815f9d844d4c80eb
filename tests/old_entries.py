"""Old entries with every field set away from any default a new form would offer,
their times with seconds (as the API and the phone's clock store them) and notes
with line breaks: what the edit tests, in Django's client and in Chromium, open."""

from datetime import UTC, datetime

from tests import factories


def an_old_episode(user):
    return factories.EpisodeFactory(
        user=user,
        started_at=datetime(2026, 10, 3, 21, 40, 37, tzinfo=UTC),
        duration_s=1234,
        kind="twitch",
        body_region="eyelid",
        side="right",
        pain=0,
        timing="unrelated",
        count=40,
        weakness=True,
        sensation_change=True,
        muscle_loss=False,
        relief=["massage", "heat"],
        notes="Left eye, in bed.\nStopped after a while.",
    )


def an_old_workout(user):
    return factories.WorkoutFactory(
        user=user,
        started_at=datetime(2026, 9, 14, 6, 5, 59, tzinfo=UTC),
        duration_min=95,
        kind="swim",
        rpe=3,
        distance_km=2.35,
        avg_hr=128,
        max_hr=161,
        hot_conditions=True,
        warmed_up=False,
        stretched_after=True,
        notes="Open water.\nCold.",
    )


def an_old_drink(user):
    return factories.HydrationFactory(
        user=user,
        taken_at=datetime(2026, 11, 1, 23, 59, 1, tzinfo=UTC),
        volume_ml=330,
        drink="electrolyte",
        notes="After the long run",
    )


def an_old_checkin(user):
    return factories.CheckinFactory(
        user=user,
        date=datetime(2026, 8, 30).date(),
        sleep_hours=5.5,
        caffeine_mg=420,
        stress=8,
        ill=True,
        new_medication=True,
        notes="Exams.\nSlept badly.",
    )


OLD_ENTRIES = {
    "episode": an_old_episode,
    "workout": an_old_workout,
    "hydration": an_old_drink,
    "checkin": an_old_checkin,
}
