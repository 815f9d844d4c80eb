"""triage/engine.py: loading histories in bulk and keeping one flag per pattern."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from logbook.models import TwitchEpisode
from tests import factories
from tests.histories import at, days_ago, every_pattern, store
from triage import engine, reading
from triage.models import EvaluationState, Flag
from triage.rules import Rule

pytestmark = pytest.mark.django_db

NOW = at(days_ago(0), "20:00")


def cramp(user, day, clock="19:00", **fields):
    return factories.EpisodeFactory(
        user=user, started_at=at(day, clock), kind="cramp", body_region="calf", **fields
    )


@pytest.fixture
def oslo_athlete(athlete):
    athlete.profile.timezone = "Europe/Oslo"
    athlete.profile.save()
    return athlete


def test_every_rule_raises_its_flag_from_the_stored_log(athlete):
    store(athlete, every_pattern())

    outcome = engine.evaluate([athlete.pk], now=NOW)

    assert {flag.rule for flag in Flag.objects.filter(user=athlete)} == set(Rule)
    assert outcome.users == 1
    assert outcome.flags_created == Flag.objects.count()


def test_evaluating_again_changes_nothing(athlete):
    store(athlete, every_pattern())
    engine.evaluate([athlete.pk], now=NOW)
    before = list(Flag.objects.values())

    outcome = engine.evaluate([athlete.pk], now=NOW)

    assert (outcome.flags_created, outcome.flags_updated) == (0, 0)
    assert list(Flag.objects.values()) == before


def test_a_pattern_that_goes_on_keeps_its_flag_and_its_severity_rises(oslo_athlete):
    for n in (6, 5, 4):
        cramp(oslo_athlete, days_ago(n))
    engine.evaluate([oslo_athlete.pk], now=NOW)
    flag = Flag.objects.get(rule=Rule.RECURRING_EPISODES)
    assert (flag.severity, flag.window_end) == ("watch", days_ago(4))

    for n in (3, 2, 1):
        cramp(oslo_athlete, days_ago(n))
    engine.evaluate([oslo_athlete.pk], now=NOW)

    flag.refresh_from_db()
    assert Flag.objects.filter(rule=Rule.RECURRING_EPISODES).count() == 1
    assert (flag.severity, flag.window_start, flag.window_end) == (
        "see_doctor",
        days_ago(6),
        days_ago(1),
    )
    assert len(flag.evidence["episodes"]) == 6


def test_severity_never_falls_while_the_flag_is_open(oslo_athlete):
    cramps = [cramp(oslo_athlete, days_ago(n)) for n in (6, 5, 4, 3, 2, 1)]
    engine.evaluate([oslo_athlete.pk], now=NOW)

    TwitchEpisode.objects.filter(pk__in=[c.pk for c in cramps[3:]]).delete()
    engine.evaluate([oslo_athlete.pk], now=NOW)

    flag = Flag.objects.get(rule=Rule.RECURRING_EPISODES)
    assert (flag.severity, flag.status) == ("see_doctor", "open")


def test_a_seen_flag_is_unseen_again_when_it_grows_more_serious(oslo_athlete):
    for n in (6, 5, 4):
        cramp(oslo_athlete, days_ago(n))
    engine.evaluate([oslo_athlete.pk], now=NOW)
    Flag.objects.get().mark_seen()

    cramp(oslo_athlete, days_ago(3))
    engine.evaluate([oslo_athlete.pk], now=NOW)
    flag = Flag.objects.get()
    assert (flag.status, flag.seen_at is None, flag.severity, len(flag.evidence["episodes"])) == (
        "open",
        False,  # still seen: it says nothing more serious
        "watch",
        4,
    )

    for n in (2, 1):
        cramp(oslo_athlete, days_ago(n))
    engine.evaluate([oslo_athlete.pk], now=NOW)
    flag.refresh_from_db()
    assert (flag.status, flag.severity, flag.seen_at) == ("open", "see_doctor", None)


def test_a_new_pattern_later_gets_a_new_flag(oslo_athlete):
    for n in (40, 39, 38, 6, 5, 4):
        cramp(oslo_athlete, days_ago(n))

    engine.evaluate([oslo_athlete.pk], now=NOW)

    windows = list(
        Flag.objects.filter(rule=Rule.RECURRING_EPISODES)
        .order_by("window_start")
        .values_list("window_start", "window_end")
    )
    assert windows == [(days_ago(40), days_ago(38)), (days_ago(6), days_ago(4))]


def test_an_entry_logged_late_moves_the_window_start_earlier(oslo_athlete):
    for n in (5, 4, 3):
        cramp(oslo_athlete, days_ago(n))
    engine.evaluate([oslo_athlete.pk], now=NOW)

    cramp(oslo_athlete, days_ago(7))
    engine.evaluate([oslo_athlete.pk], now=NOW)

    flag = Flag.objects.get()
    assert (flag.window_start, flag.window_end) == (days_ago(7), days_ago(3))


def test_an_episode_at_23_30_counts_on_the_athletes_local_day(athlete):
    athlete.profile.timezone = "Pacific/Auckland"
    athlete.profile.save()
    zone = ZoneInfo("Pacific/Auckland")
    late = NOW.astimezone(zone).replace(hour=23, minute=30) - timedelta(days=3)
    # 23:30 in Auckland is 10:30 or 11:30 UTC the same day; 00:30 the next day
    # local is still the previous day in UTC. Three local days, two UTC days: the
    # rule counts days, so only the local reading raises it.
    for offset in (timedelta(0), timedelta(hours=1), timedelta(days=1, hours=1)):
        factories.EpisodeFactory(
            user=athlete, started_at=late + offset, kind="cramp", body_region="calf"
        )

    engine.evaluate([athlete.pk], now=NOW)

    flag = Flag.objects.get(rule=Rule.RECURRING_EPISODES)
    assert (flag.window_start, flag.window_end) == (late.date(), late.date() + timedelta(days=2))


def test_daily_fluid_is_totalled_by_the_athletes_local_day():
    users = {}
    for zone in ("Pacific/Auckland", "America/Los_Angeles"):
        user = factories.UserFactory(username=zone.split("/")[1])
        user.profile.timezone = zone
        user.profile.save()
        local_evening = NOW.astimezone(ZoneInfo(zone)).replace(hour=23, minute=30) - timedelta(
            days=2
        )
        factories.HydrationFactory(user=user, taken_at=local_evening, volume_ml=700)
        factories.HydrationFactory(
            user=user, taken_at=local_evening + timedelta(hours=1), volume_ml=300
        )
        users[user.pk] = (ZoneInfo(zone), local_evening.date())

    totals = reading.daily_fluid_totals(
        {pk: zone for pk, (zone, _) in users.items()}, NOW - timedelta(days=10)
    )

    for pk, (_, day) in users.items():
        assert totals[pk] == {day: (700, 1), day + timedelta(days=1): (300, 1)}


def queries_to_evaluate(count) -> list[str]:
    users = [factories.UserFactory() for _ in range(count)]
    for user in users:
        store(user, every_pattern())
    with CaptureQueriesContext(connection) as captured:
        engine.evaluate([u.pk for u in users], now=NOW)
    return [query["sql"] for query in captured]


def test_a_batch_reads_in_the_same_number_of_queries_for_3_athletes_as_for_30():
    def reads(count):
        return [sql for sql in queries_to_evaluate(count) if sql.startswith("SELECT")]

    assert len(reads(3)) == len(reads(30)) <= 6


@pytest.mark.usefixtures("postgres")
def test_on_postgresql_a_whole_batch_takes_the_same_queries_for_3_athletes_as_for_30():
    # (SQLite splits big bulk writes to stay under its limit on parameters.)
    assert len(queries_to_evaluate(3)) == len(queries_to_evaluate(30)) <= 10


def test_a_healthy_history_raises_nothing(athlete):
    for n in range(70, 0, -1):
        if n % 7 in (1, 3, 5, 6):
            factories.WorkoutFactory(
                user=athlete,
                started_at=at(days_ago(n), "07:00"),
                rpe=6,
                duration_min=45,
                warmed_up=True,
            )
        factories.HydrationFactory(user=athlete, taken_at=at(days_ago(n), "12:00"), volume_ml=2500)
    factories.EpisodeFactory(
        user=athlete,
        started_at=at(days_ago(12)),
        kind="twitch",
        body_region="eyelid",
        timing="unrelated",
    )

    outcome = engine.evaluate([athlete.pk], now=NOW)

    assert outcome.flags_created == 0
    assert not Flag.objects.exists()


def test_evaluation_records_when_it_began(athlete):
    engine.evaluate([athlete.pk], now=NOW)

    assert EvaluationState.objects.get(user=athlete).last_evaluated_at == NOW


def test_who_is_due_for_the_sweep():
    never = factories.UserFactory()
    changed = factories.UserFactory()
    fresh = factories.UserFactory()
    stale = factories.UserFactory()
    factories.UserFactory(is_active=False)
    EvaluationState.objects.create(
        user=changed, changed_at=NOW, last_evaluated_at=NOW - timedelta(minutes=1)
    )
    EvaluationState.objects.create(
        user=fresh, changed_at=NOW - timedelta(hours=2), last_evaluated_at=NOW - timedelta(hours=1)
    )
    EvaluationState.objects.create(user=stale, last_evaluated_at=NOW - timedelta(hours=25))

    due = engine.due_user_ids(NOW)

    assert set(due) == {never.pk, changed.pk, stale.pk}
    assert fresh.pk in engine.due_user_ids(NOW, everyone=True)


def test_sweeping_twice_creates_no_duplicates(settings):
    settings.TRIAGE = {**settings.TRIAGE, "batch_size": 2}
    users = [factories.UserFactory() for _ in range(5)]
    for user in users:
        store(user, every_pattern())

    first = engine.sweep(now=NOW)
    second = engine.sweep(now=NOW, everyone=True)

    assert first.users == second.users == 5
    assert first.flags_created == Flag.objects.count()
    for user in users:
        assert {flag.rule for flag in Flag.objects.filter(user=user)} == set(Rule)
    assert (second.flags_created, second.flags_updated) == (0, 0)


def test_flags_of_people_outside_the_batch_are_left_alone(athlete, other_athlete):
    store(other_athlete, every_pattern())
    engine.evaluate([other_athlete.pk], now=NOW)
    before = list(Flag.objects.values())

    engine.evaluate([athlete.pk], now=NOW)

    assert list(Flag.objects.values()) == before
