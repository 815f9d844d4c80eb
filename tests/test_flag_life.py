"""A flag's life: seen by the athlete, decided by a reviewer, reopened by a more
serious finding, and superseded when new rules no longer support it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests import factories
from tests.histories import at, days_ago
from triage import engine, flag_merge
from triage.models import Flag, FlagReview, FlagStatus
from triage.rules import RULES_VERSION, Rule

pytestmark = pytest.mark.django_db

NOW = at(days_ago(0), "20:00")


def test_the_pure_flag_life_spells_the_models_statuses():
    assert flag_merge.OPEN == FlagStatus.OPEN
    assert flag_merge.ESCALATED == FlagStatus.ESCALATED
    assert flag_merge.SUPERSEDED == FlagStatus.SUPERSEDED
    field_names = {f.name for f in Flag._meta.get_fields()}
    assert set(flag_merge.FIELDS_SET_BY_EVALUATION) <= field_names


def a_flag(user, **fields):
    defaults = {
        "rule": Rule.RECURRING_EPISODES,
        "severity": "watch",
        "window_start": days_ago(5),
        "window_end": days_ago(3),
        "message": "m",
        "advice": "a",
        "source": "s",
    }
    return Flag.objects.create(user=user, **{**defaults, **fields})


def test_seeing_a_flag_leaves_it_on_the_reviewers_queue(client, athlete):
    flag = a_flag(athlete)
    client.force_login(athlete)
    assert ">1</span>" in client.get("/").content.decode()  # the banner's count

    client.post(f"/flags/{flag.pk}/acknowledge/")

    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN
    assert flag.seen_at is not None
    assert list(Flag.objects.awaiting_review()) == [flag]
    assert "pattern" not in client.get("/").content.decode()  # nothing new to look at


def test_seeing_it_again_keeps_when_it_was_first_seen(athlete):
    flag = a_flag(athlete)
    flag.mark_seen()
    first = flag.seen_at

    flag.mark_seen()

    flag.refresh_from_db()
    assert flag.seen_at == first


def test_a_decision_is_the_flags_status_and_a_record(athlete, django_user_model):
    reviewer = django_user_model.objects.create_user("rev", is_staff=True)
    flag = a_flag(athlete)
    flag.mark_seen()

    review = flag.decide(reviewer, "escalated", "Ask about the calf.", shared=True)

    flag.refresh_from_db()
    assert flag.status == FlagStatus.ESCALATED
    assert (review.from_status, review.to_status, review.shared_with_athlete) == (
        "open",
        "escalated",
        True,
    )
    assert flag.awaiting_review  # escalated flags wait for a second look


# --- Superseded by new rules ------------------------------------------------------------


def painful_cramp(user, day):
    return factories.EpisodeFactory(
        user=user, started_at=at(day, "19:00"), kind="cramp", body_region="calf", pain=8
    )


def test_a_flag_the_new_rules_no_longer_support_is_superseded_and_kept(athlete, reviewers_group):
    # Raised by the old rules: one ordinary cramp of 8/10 was "see a doctor".
    cramp = painful_cramp(athlete, days_ago(4))
    old = a_flag(
        athlete,
        rule=Rule.SEVERE_PAIN,
        severity="see_doctor",
        window_start=days_ago(4),
        window_end=days_ago(4),
        rules_version=RULES_VERSION - 1,
        evidence={"episodes": [{"id": str(cramp.pk)}]},
    )
    reviewer = factories.UserFactory(username="reviewer", is_staff=True)
    FlagReview.objects.create(
        flag=old, reviewer=reviewer, from_status="open", to_status="escalated", note="why"
    )
    Flag.objects.filter(pk=old.pk).update(status=FlagStatus.OPEN)

    engine.evaluate([athlete.pk], now=NOW)

    old.refresh_from_db()
    assert (old.status, old.severity, old.rules_version) == (
        FlagStatus.SUPERSEDED,
        "see_doctor",
        RULES_VERSION - 1,
    )
    assert old.reviews.count() == 1  # its history stays
    now = Flag.objects.exclude(pk=old.pk).get(rule=Rule.SEVERE_PAIN)
    assert (now.severity, now.window_start, now.status) == ("watch", days_ago(4), "open")
    assert now.rules_version == RULES_VERSION

    # Evaluating again leaves both as they are.
    before = list(Flag.objects.order_by("pk").values())
    engine.evaluate([athlete.pk], now=NOW)
    assert list(Flag.objects.order_by("pk").values()) == before


def test_an_old_flag_the_new_rules_still_support_carries_on(athlete):
    for n in (6, 5, 4):
        factories.EpisodeFactory(user=athlete, started_at=at(days_ago(n), "19:00"))
    old = a_flag(athlete, window_start=days_ago(6), rules_version=RULES_VERSION - 1)

    engine.evaluate([athlete.pk], now=NOW)

    old.refresh_from_db()
    assert (old.status, old.rules_version) == (FlagStatus.OPEN, RULES_VERSION)
    assert Flag.objects.count() == 1


def test_an_old_flag_a_reviewer_decided_is_left_as_decided(athlete):
    old = a_flag(athlete, status=FlagStatus.REVIEWED, rules_version=RULES_VERSION - 1)

    engine.evaluate([athlete.pk], now=NOW)

    old.refresh_from_db()
    assert (old.status, old.rules_version) == (FlagStatus.REVIEWED, RULES_VERSION - 1)


def test_superseded_flags_leave_the_queue_and_the_banner(client, athlete):
    a_flag(athlete, status=FlagStatus.SUPERSEDED, severity="see_doctor")
    client.force_login(athlete)

    assert list(Flag.objects.awaiting_review()) == []
    assert "see a doctor" not in client.get("/").content.decode().lower()
    page = client.get("/flags/").content.decode()
    assert "Superseded by new rules" in page


# --- The migration -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_acknowledged_flags_into_open_seen_ones(athlete):
    executor = MigrationExecutor(connection)
    before, after = (
        [("triage", "0005_flag_severity_rank")],
        [("triage", "0006_flag_seen_at_rules_version_superseded")],
    )
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    OldFlag = old_apps.get_model("triage", "Flag")
    changed = timezone.now() - timedelta(days=2)
    OldFlag.objects.create(
        user_id=athlete.pk,
        rule="recurring_episodes",
        severity="watch",
        window_start=days_ago(5),
        window_end=days_ago(3),
        message="m",
        advice="a",
        source="s",
        status="acknowledged",
    )
    OldFlag.objects.update(updated_at=changed)

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    flag = Flag.objects.get()
    assert (flag.status, flag.seen_at, flag.rules_version) == ("open", changed, 1)
