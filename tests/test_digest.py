"""triage/digest.py: what a week's digest says, from plain data and from the database."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from triage import digest, guidance
from triage.digest import EpisodeSummary, FlagSummary, Week
from triage.models import Flag

MONDAY = date(2026, 11, 9)
OSLO = ZoneInfo("Europe/Oslo")


def week(**fields) -> Week:
    return Week(monday=MONDAY, fluid_target_ml=2000, **fields)


def episode(kind="cramp", region="calf", side="left", seconds=60, day=0):
    return EpisodeSummary(kind, region, side, seconds, datetime(2026, 11, 9 + day, 19, tzinfo=OSLO))


def test_workouts_are_counted_summed_and_compared_with_the_week_before():
    d = digest.summarise(week(workouts=[(60, 360), (45, 270)], previous_workouts=[(60, 420)]))

    assert (d.workout_count, d.workout_minutes, d.workout_load) == (2, 105, 630)
    assert d.load_change_pct == 50


def test_the_subject_carries_the_headline():
    flags = [FlagSummary("load_spike", "watch", "m", "a", is_new=True)]
    d = digest.summarise(
        week(
            workouts=[(60, 400)] * 4,
            previous_workouts=[(60, 400)] * 3,
            episodes=[episode()],
            flags=flags,
        )
    )

    assert d.subject == "Your week: 4 workouts, load +33%, 1 episode, 1 new flag"


def test_the_ratio_and_its_zone_come_from_the_eight_weeks_of_daily_loads():
    d = digest.summarise(week(daily_loads=[50] * 28 + [100] * 7, workouts=[(60, 100)]))

    assert (d.acwr, d.zone, d.zone_words) == (1.6, "well_above_usual", "well above your usual")
    assert digest.summarise(week(daily_loads=[50] * 20)).acwr is None


def test_fluids_average_the_logged_days_and_count_those_under_target():
    fluid = {MONDAY: 2500, MONDAY + timedelta(days=1): 1500, MONDAY + timedelta(days=3): 1000}

    d = digest.summarise(week(daily_fluid_ml=fluid, drinks_logged=6))

    assert (d.fluid_average_ml, d.fluid_days_logged, d.fluid_days_under) == (1667, 3, 2)


def test_episodes_by_kind_and_region_the_longest_and_the_trend():
    d = digest.summarise(
        week(
            episodes=[
                episode(),
                episode(seconds=200, day=4),
                episode("twitch", "eyelid", "right", 10),
            ],
            previous_episode_count=1,
        )
    )

    assert [(b.label, b.value, b.percent) for b in d.by_kind] == [
        ("Cramps", 2, 100),
        ("Twitch", 1, 50),
    ]
    assert [(b.label, b.value) for b in d.by_region] == [("Calf", 2), ("Eyelid", 1)]
    assert d.longest == "a cramp in the left calf, 3 min 20 s, on Friday"
    assert d.episode_trend == 2


def test_flags_are_split_into_new_and_still_open():
    flags = [
        FlagSummary("severe_pain", "see_doctor", "new one", "a", is_new=True),
        FlagSummary("long_episode", "watch", "older", "b", is_new=False),
    ]

    d = digest.summarise(week(flags=flags, episodes=[episode()]))

    assert [f.message for f in d.new_flags] == ["new one"]
    assert [f.message for f in d.open_flags] == ["older"]


@pytest.mark.parametrize(
    ("fields", "tip"),
    [
        ({"workouts": [(60, 600)], "previous_workouts": [(60, 300)]}, guidance.GRADUAL_PROGRESSION),
        (
            {"daily_fluid_ml": {MONDAY + timedelta(days=i): 1000 for i in range(3)}},
            guidance.DRINK_PLENTY,
        ),
        ({"episodes": [episode("cramp")]}, guidance.RELIEVE_A_CRAMP),
        ({"episodes": [episode("twitch")]}, guidance.WARM_UP),
    ],
    ids=["load-jump", "dry-week", "cramps", "default"],
)
def test_the_tip_fits_the_week(fields, tip):
    assert digest.summarise(week(**fields)).tip == tip


def test_a_week_with_nothing_logged_is_empty():
    d = digest.summarise(week())

    assert d.empty is True
    assert d.subject == "Your week: nothing logged"


def test_the_previous_week_starts_on_the_monday_before_last():
    assert digest.previous_week_monday(date(2026, 11, 16)) == date(2026, 11, 9)
    assert digest.previous_week_monday(date(2026, 11, 22)) == date(2026, 11, 9)


# --- From the database ------------------------------------------------------------------


@pytest.fixture
def oslo_athlete(athlete):
    athlete.profile.timezone = "Europe/Oslo"
    athlete.profile.daily_fluid_target_ml = 2000
    athlete.profile.save()
    return athlete


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=OSLO)


@pytest.mark.django_db
def test_the_week_runs_monday_to_sunday_on_the_athletes_clock(oslo_athlete):
    sunday_night = local(MONDAY + timedelta(days=6), 23, 30)  # 22:30 UTC, still Sunday in Oslo
    monday_early = local(MONDAY + timedelta(days=7), 0, 30)  # 23:30 UTC on Sunday, Monday in Oslo
    factories.EpisodeFactory(user=oslo_athlete, started_at=sunday_night)
    factories.EpisodeFactory(user=oslo_athlete, started_at=monday_early)
    factories.EpisodeFactory(user=oslo_athlete, started_at=local(MONDAY - timedelta(days=1), 12))
    factories.WorkoutFactory(user=oslo_athlete, started_at=local(MONDAY, 7), rpe=5, duration_min=60)
    factories.HydrationFactory(user=oslo_athlete, taken_at=sunday_night, volume_ml=800)
    factories.HydrationFactory(user=oslo_athlete, taken_at=monday_early, volume_ml=300)
    factories.CheckinFactory(user=oslo_athlete, date=MONDAY)

    w = digest.load_weeks([oslo_athlete.pk], MONDAY)[oslo_athlete.pk]

    assert [e.started_at for e in w.episodes] == [sunday_night]
    assert w.previous_episode_count == 1
    assert w.workouts == [(60, 300)]
    assert w.daily_fluid_ml == {MONDAY + timedelta(days=6): 800}
    assert (w.drinks_logged, w.checkins_logged, w.entries_logged) == (1, 1, 4)


@pytest.mark.django_db
def test_flags_new_this_week_and_still_open_ones_are_included(oslo_athlete):
    def make(created, **fields):
        flag = Flag.objects.create(
            user=oslo_athlete,
            rule=fields.pop("rule", "long_episode"),
            severity=fields.pop("severity", "watch"),
            window_start=MONDAY,
            window_end=MONDAY,
            message=fields.pop("message"),
            advice="a",
            source="s",
            **fields,
        )
        Flag.objects.filter(pk=flag.pk).update(created_at=created)

    make(local(MONDAY + timedelta(days=2), 9), message="new", rule="severe_pain")
    make(local(MONDAY - timedelta(days=20), 9), message="old open")
    make(
        local(MONDAY - timedelta(days=20), 9),
        message="old seen",
        seen_at=timezone.now(),
        rule="load_spike",
    )
    make(
        local(MONDAY - timedelta(days=20), 9),
        message="old seen, see a doctor",
        seen_at=timezone.now(),
        severity="see_doctor",
        rule="persistent_twitching",
    )
    make(
        local(MONDAY - timedelta(days=20), 9),
        message="decided",
        status="reviewed",
        rule="no_warmup_pattern",
    )

    flags = digest.load_weeks([oslo_athlete.pk], MONDAY)[oslo_athlete.pk].flags

    # Still open: unseen, or about seeing a doctor until a reviewer decides.
    assert sorted((f.message, f.is_new) for f in flags) == [
        ("new", True),
        ("old open", False),
        ("old seen, see a doctor", False),
    ]


@pytest.mark.django_db
def test_a_batch_of_weeks_takes_the_same_queries_for_3_athletes_as_for_30():
    def queries(count):
        users = [factories.UserFactory() for _ in range(count)]
        for user in users:
            factories.EpisodeFactory(user=user, started_at=local(MONDAY, 9))
            factories.WorkoutFactory(user=user, started_at=local(MONDAY, 7))
            factories.HydrationFactory(user=user, taken_at=local(MONDAY, 8))
        with CaptureQueriesContext(connection) as captured:
            digest.load_weeks([u.pk for u in users], MONDAY)
        return len(captured)

    assert queries(3) == queries(30) <= 7


@pytest.mark.django_db
def test_the_ratio_uses_the_days_since_the_first_workout(oslo_athlete):
    first = MONDAY - timedelta(days=30)
    for n in range(37):
        factories.WorkoutFactory(
            user=oslo_athlete,
            started_at=local(first + timedelta(days=n), 7),
            rpe=5,
            duration_min=10,
        )

    w = digest.load_weeks([oslo_athlete.pk], MONDAY)[oslo_athlete.pk]

    assert len(w.daily_loads) == 37
    assert digest.summarise(w).acwr == 1.0


def test_the_daily_load_bars_end_on_sunday_even_when_training_began_midweek():
    d = digest.summarise(week(daily_loads=[0, 100, 50, 0, 200]))  # Wednesday to Sunday

    assert [(bar.label, bar.value, bar.percent) for bar in d.daily_load_bars] == [
        ("Wed", 0, 0),
        ("Thu", 100, 50),
        ("Fri", 50, 25),
        ("Sat", 0, 0),
        ("Sun", 200, 100),
    ]


@pytest.mark.django_db
def test_a_see_a_doctor_flag_still_open_carries_its_advice(athlete):
    from triage import mail

    flags = [
        FlagSummary(
            "persistent_twitching", "see_doctor", "Twitching on 12 days.", "SEE A GP", False
        ),
        FlagSummary("load_spike", "watch", "A heavy week.", "EASE OFF", False),
    ]

    this_week = week(flags=flags, episodes=[episode()])
    message = mail.digest_message(athlete, digest.summarise(this_week), private=False)

    for body in (message.body, re.sub(r"<[^>]+>", "", message.alternatives[0][0])):
        assert "Still open: Twitching on 12 days." in body
        assert "SEE A GP" in body
        assert "EASE OFF" not in body
