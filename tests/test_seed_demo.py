"""`manage.py seed_demo`: a believable ten weeks for the demo athlete, created once."""

from collections import Counter, defaultdict
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from rest_framework.test import APIClient

from logbook import demo
from logbook.models import DailyCheckin, HydrationEntry, TwitchEpisode, Workout

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_user(settings, django_user_model):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    return django_user_model.objects.get(username="demo")


def weekly_loads(user):
    workouts = Workout.objects.filter(user=user).order_by("started_at")
    first = workouts[0].started_at.astimezone(demo.ZoneInfo(demo.TIMEZONE)).date()
    loads, sessions = defaultdict(int), Counter()
    for workout in workouts:
        local_day = workout.started_at.astimezone(demo.ZoneInfo(demo.TIMEZONE)).date()
        week = (local_day - first).days // 7
        loads[week] += workout.load
        sessions[week] += 1
    return [loads[w] for w in range(10)], [sessions[w] for w in range(10)]


def test_the_demo_athlete_can_log_in_with_the_published_password(demo_user):
    assert demo_user.check_password("demo-twitch-2026")
    assert demo_user.profile.timezone == demo.TIMEZONE


def test_ten_weeks_of_three_to_five_workouts_with_a_jump_in_week_nine(demo_user):
    loads, sessions = weekly_loads(demo_user)

    assert all(3 <= count <= 5 for count in sessions), sessions
    steady = sum(loads[:8]) / 8
    assert loads[8] > 2 * steady, loads
    assert all(0.7 * steady < load < 1.3 * steady for load in loads[:8]), loads


def test_hydration_most_days_with_some_under_target(demo_user):
    daily = (
        HydrationEntry.objects.filter(user=demo_user)
        .annotate(day=TruncDate("taken_at", tzinfo=demo.ZoneInfo(demo.TIMEZONE)))
        .values("day")
        .annotate(total=Sum("volume_ml"))
    )
    totals = [row["total"] for row in daily]

    assert len(totals) >= 60
    under = sum(total < demo_user.profile.daily_fluid_target_ml for total in totals)
    assert 5 <= under <= len(totals) // 3


def test_check_ins_and_about_fifteen_episodes_with_a_recurring_calf_cramp(demo_user):
    assert DailyCheckin.objects.filter(user=demo_user).count() >= 50
    episodes = TwitchEpisode.objects.filter(user=demo_user)
    assert 13 <= episodes.count() <= 17
    last = episodes.order_by("-started_at")[0].started_at
    recent_calf_cramps = episodes.filter(
        kind="cramp", body_region="calf", started_at__gte=last - timedelta(days=14)
    )
    assert recent_calf_cramps.count() >= 3
    assert not episodes.filter(
        kind="cramp", body_region="calf", started_at__lt=last - timedelta(days=14)
    ).exists()


def test_the_history_ends_before_now(demo_user):
    latest = Workout.objects.filter(user=demo_user).latest("started_at").started_at
    assert latest < timezone.now()


def test_running_it_again_creates_nothing(demo_user):
    counts = [
        model.objects.count() for model in (Workout, HydrationEntry, DailyCheckin, TwitchEpisode)
    ]

    call_command("seed_demo", stdout=StringIO())

    assert [
        model.objects.count() for model in (Workout, HydrationEntry, DailyCheckin, TwitchEpisode)
    ] == counts


def test_it_refuses_to_run_with_debug_off(settings, django_user_model):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")

    assert not django_user_model.objects.filter(username="demo").exists()


def test_force_seeds_with_debug_off(settings, django_user_model):
    settings.DEBUG = False

    call_command("seed_demo", "--force", stdout=StringIO())

    assert django_user_model.objects.filter(username="demo").exists()


def test_the_demo_athlete_can_get_a_token_and_list_episodes(demo_user):
    client = APIClient()
    token = client.post(
        "/api/v1/auth/token/", {"username": "demo", "password": "demo-twitch-2026"}, format="json"
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    page = client.get("/api/v1/episodes/").json()

    assert page["count"] == TwitchEpisode.objects.filter(user=demo_user).count()
