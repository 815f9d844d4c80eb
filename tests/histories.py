"""Hand-made histories for tests of the rules and the engine."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from triage.history import EpisodeRecord, History, WorkoutRecord

ZONE = ZoneInfo("Europe/Oslo")
TODAY = date(2026, 11, 20)


def at(day: date, clock: str = "18:00") -> datetime:
    hour, minute = map(int, clock.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def every_pattern() -> History:
    """A history in which every rule finds something."""
    workouts, episodes = [], []

    def workout(n, minutes, rpe, **kw):
        workouts.append(
            WorkoutRecord(f"w{len(workouts)}", at(days_ago(n), "07:00"), minutes, rpe, **kw)
        )

    def episode(n, clock="19:00", **kw):
        fields = {
            "duration_s": 60,
            "kind": "cramp",
            "body_region": "calf",
            "side": "left",
            "pain": 4,
            "timing": "right_after",
            **kw,
        }
        episodes.append(EpisodeRecord(f"e{len(episodes)}", at(days_ago(n), clock), **fields))

    # Steady training from 100 to 60 days ago, a break of 20 days, then a heavy
    # comeback and a jump: return_after_break and load_spike.
    for n in range(100, 59, -1):
        workout(n, 30, 5, warmed_up=True)
    for n in range(39, -1, -1):
        workout(n, 90 if n < 7 else 40, 8 if n < 7 else 5, warmed_up=n > 20)
    # No warm-up 20..0 days ago; episodes after those workouts: no_warmup_pattern,
    # recurring_episodes, dehydration_risk (dry days below).
    for n in (20, 18, 16, 14, 12, 10):
        episode(n, "12:00")
    # A long cramp, a severe spasm and symptoms: long_episode, severe_pain, red_flag_symptoms.
    episode(9, "12:00", duration_s=20 * 60, body_region="thigh_back")
    episode(8, "12:00", kind="severe", pain=9, body_region="thigh_front")
    episode(
        8, "13:00", kind="twitch", weakness=True, body_region="forearm", timing="during_exercise"
    )
    # Twitches at night on days without a recent workout would need days off;
    # instead these are in the break (60..40 days ago): unexplained_twitching.
    for n in (55, 53, 51, 49, 47):
        episode(n, "23:30", kind="twitch", body_region="eyelid", timing="unrelated", count=20)
    # Ten twitch days over three weeks: persistent_twitching.
    for n in range(35, 14, -2):
        episode(n, "21:00", kind="twitch", body_region="shoulder", timing="unrelated")

    episodes.sort(key=lambda e: e.started_at)
    dry_days = {days_ago(n): 1200 for n in (20, 18)}
    return History(
        today=TODAY,
        loaded_since=days_ago(119),
        episodes=tuple(episodes),
        workouts=tuple(workouts),
        daily_fluid_ml=dry_days,
        fluid_target_ml=2000,
        first_workout_day=days_ago(100),
    )


def store(user, history: History) -> None:
    """Save a hand-made history as the user's log, for tests of the engine."""
    from logbook.models import HydrationEntry, Profile, TwitchEpisode, Workout

    Profile.objects.filter(user=user).update(
        timezone=str(history.workouts[0].started_at.tzinfo if history.workouts else ZONE),
        daily_fluid_target_ml=history.fluid_target_ml,
    )
    Workout.objects.bulk_create(
        Workout(
            user=user,
            started_at=w.started_at,
            duration_min=w.duration_min,
            rpe=w.rpe,
            kind="run",
            warmed_up=w.warmed_up,
            stretched_after=w.stretched_after,
            hot_conditions=w.hot_conditions,
        )
        for w in history.workouts
    )
    TwitchEpisode.objects.bulk_create(
        TwitchEpisode(
            user=user,
            **{name: getattr(e, name) for name in EpisodeRecord._fields if name != "id"},
        )
        for e in history.episodes
    )
    HydrationEntry.objects.bulk_create(
        HydrationEntry(user=user, taken_at=at(day, "12:00"), volume_ml=ml)
        for day, ml in history.daily_fluid_ml.items()
    )
