"""The review desk: who may do what, the queue, the evidence, and the recorded decisions."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.forms import MultiWidget
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tests.conftest import token_client
from triage.models import Flag, FlagReview

pytestmark = pytest.mark.django_db

REVIEWER_PERMISSIONS = {
    "logbook.view_workout",
    "logbook.view_hydrationentry",
    "logbook.view_twitchepisode",
    "logbook.view_dailycheckin",
    "logbook.view_profile",
    "triage.view_flag",
    "triage.change_flag",
    "triage.view_flagreview",
}


def make_flag(user, days_old=1, **fields):
    flag = Flag.objects.create(
        user=user,
        **{
            "rule": "recurring_episodes",
            "severity": "watch",
            "window_start": timezone.localdate() - timedelta(days=5),
            "window_end": timezone.localdate() - timedelta(days=1),
            "message": "3 episodes in the calf in 5 days.",
            "advice": "Keep logging.",
            "source": "“...keeps coming back...” (Nall)",
            **fields,
        },
    )
    Flag.objects.filter(pk=flag.pk).update(created_at=timezone.now() - timedelta(days=days_old))
    flag.refresh_from_db()
    return flag


@pytest.fixture
def reviewer(reviewers_group):
    user = factories.UserFactory(username="kim-reviews", is_staff=True)
    user.groups.add(reviewers_group)
    return user


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


def client_for(client, persona, athlete, reviewer, superuser):
    user = {"anonymous": None, "athlete": athlete, "reviewer": reviewer, "superuser": superuser}[
        persona
    ]
    if user:
        client.force_login(user)
    return client


# --- The Reviewers group ------------------------------------------------------------


def test_the_migration_makes_the_reviewers_group_with_exactly_its_permissions(db):
    group = Group.objects.get(name="Reviewers")  # no fixture: as the migration left it
    member = factories.UserFactory(is_staff=True)
    member.groups.add(group)

    granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}

    assert granted == REVIEWER_PERMISSIONS
    assert member.get_all_permissions() == REVIEWER_PERMISSIONS


# --- The permission matrix ------------------------------------------------------------

PERSONAS = ["anonymous", "athlete", "reviewer", "superuser"]
# What each persona gets: (changelist, change view, change action, delete page)
EXPECTED = {
    "flag": {
        "anonymous": (302, 302, 302, 302),
        "athlete": (302, 302, 302, 302),
        "reviewer": (200, 200, 302, 403),
        "superuser": (200, 200, 302, 200),
    },
    "flagreview": {
        "anonymous": (302, 302, 302, 302),
        "athlete": (302, 302, 302, 302),
        "reviewer": (200, 200, 403, 403),
        "superuser": (200, 200, 403, 403),
    },
    "logbook": {
        "anonymous": (302, 302, 302, 302),
        "athlete": (302, 302, 302, 302),
        "reviewer": (200, 200, 403, 403),
        "superuser": (200, 200, 302, 200),
    },
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_flag_permissions(client, persona, athlete, reviewer, superuser):
    flag = make_flag(athlete)
    c = client_for(client, persona, athlete, reviewer, superuser)
    base = f"/admin/triage/flag/{flag.pk}"

    got = (
        c.get("/admin/triage/flag/").status_code,
        c.get(f"{base}/change/").status_code,
        c.post(f"{base}/decide/reviewed/", {"note": ""}).status_code,
        c.get(f"{base}/delete/").status_code,
    )

    assert got == EXPECTED["flag"][persona]
    flag.refresh_from_db()
    decided = persona in ("reviewer", "superuser")
    assert flag.status == ("reviewed" if decided else "open")
    assert FlagReview.objects.count() == (1 if decided else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_flag_review_permissions(client, persona, athlete, reviewer, superuser):
    flag = make_flag(athlete)
    record = flag.decide(superuser, "escalated", "See a GP.")
    c = client_for(client, persona, athlete, reviewer, superuser)
    base = f"/admin/triage/flagreview/{record.pk}"

    got = (
        c.get("/admin/triage/flagreview/").status_code,
        c.get(f"{base}/change/").status_code,
        c.post(f"{base}/change/", {"note": "quietly changed"}).status_code,
        c.get(f"{base}/delete/").status_code,
    )

    assert got == EXPECTED["flagreview"][persona]
    record.refresh_from_db()
    assert record.note == "See a GP."
    assert c.post(f"{base}/delete/", {"post": "yes"}).status_code in (302, 403)
    assert FlagReview.objects.filter(pk=record.pk).exists()


LOGBOOK = [
    ("workout", factories.WorkoutFactory, {"notes": "changed"}),
    ("hydrationentry", factories.HydrationFactory, {"notes": "changed"}),
    ("twitchepisode", factories.EpisodeFactory, {"notes": "changed"}),
    ("dailycheckin", factories.CheckinFactory, {"notes": "changed"}),
]


def admin_form_data(page) -> dict:
    """What the admin's change form would post back unchanged."""
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = part
        elif value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = value
    return data


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("model", "factory", "change"), LOGBOOK, ids=[m for m, _, _ in LOGBOOK])
def test_logbook_permissions(client, persona, model, factory, change, athlete, reviewer, superuser):
    entry = factory(user=athlete)
    c = client_for(client, persona, athlete, reviewer, superuser)
    base = f"/admin/logbook/{model}/{entry.pk}"
    form_page = c.get(f"{base}/change/")
    data = admin_form_data(form_page) if persona == "superuser" else {}

    got = (
        c.get(f"/admin/logbook/{model}/").status_code,
        form_page.status_code,
        c.post(f"{base}/change/", {**data, **change}).status_code,
        c.get(f"{base}/delete/").status_code,
    )

    assert got == EXPECTED["logbook"][persona]
    entry.refresh_from_db()
    assert entry.notes == ("changed" if persona == "superuser" else "")


@pytest.mark.parametrize("persona", ["reviewer", "superuser"])
def test_profiles_are_viewable_but_not_addable_by_reviewers(
    client, persona, athlete, reviewer, superuser
):
    c = client_for(client, persona, athlete, reviewer, superuser)

    assert c.get(f"/admin/logbook/profile/{athlete.profile.pk}/change/").status_code == 200
    assert c.get("/admin/logbook/profile/add/").status_code == (
        403 if persona == "reviewer" else 200
    )


def test_reviewers_have_no_user_admin(client, reviewer):
    client.force_login(reviewer)

    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403
    assert "/admin/auth/" not in client.get("/admin/").content.decode()


def test_nobody_adds_flags_or_reviews_by_hand(client, superuser):
    client.force_login(superuser)

    assert client.get("/admin/triage/flag/add/").status_code == 403
    assert client.get("/admin/triage/flagreview/add/").status_code == 403


# --- The queue ------------------------------------------------------------


def test_the_queue_shows_open_and_escalated_flags_worst_then_oldest_first(
    client, reviewer, athlete
):
    make_flag(athlete, days_old=9, message="old watch")
    make_flag(athlete, days_old=2, message="new doctor", severity="see_doctor", rule="severe_pain")
    make_flag(athlete, days_old=5, message="old doctor", severity="see_doctor", rule="long_episode")
    make_flag(
        athlete,
        days_old=1,
        message="escalated info",
        severity="info",
        status="escalated",
        rule="dehydration_risk",
    )
    make_flag(athlete, days_old=1, message="dismissed", status="dismissed", rule="load_spike")
    client.force_login(reviewer)

    rows = client.get("/admin/triage/flag/").context["cl"].result_list

    assert [f.message for f in rows] == ["old doctor", "new doctor", "old watch", "escalated info"]


def test_the_queue_can_show_every_flag_or_one_status(client, reviewer, athlete):
    make_flag(athlete)
    make_flag(athlete, status="dismissed", rule="load_spike")
    client.force_login(reviewer)

    assert client.get("/admin/triage/flag/?queue=all").context["cl"].result_count == 2
    dismissed = client.get("/admin/triage/flag/?status__exact=dismissed").context["cl"]
    assert [f.status for f in dismissed.result_list] == ["dismissed"]


def test_the_queue_columns_and_search(client, reviewer, athlete, other_athlete):
    make_flag(athlete)
    make_flag(other_athlete)
    client.force_login(reviewer)

    page = client.get("/admin/triage/flag/", {"q": "other"})

    html = page.content.decode()
    assert page.context["cl"].result_count == 1
    for column in ["User", "Rule", "Severity", "Window", "Age", "Status"]:
        assert f">{column}<" in html or f">{column.lower()}<" in html.lower()
    assert 'class="severity-badge severity-watch"' in html


def test_the_queue_takes_the_same_queries_for_10_flags_as_for_200(
    client, reviewer, django_assert_num_queries
):
    users = [factories.UserFactory() for _ in range(20)]

    def fill(count):
        Flag.objects.all().delete()
        for n in range(count):
            make_flag(
                users[n % 20],
                window_start=timezone.localdate() - timedelta(days=n + 1),
                window_end=timezone.localdate() - timedelta(days=n),
            )

    client.force_login(reviewer)
    fill(10)
    with CaptureQueriesContext(connection) as ten:
        assert client.get("/admin/triage/flag/?queue=all").status_code == 200
    fill(200)
    with django_assert_num_queries(len(ten)):
        client.get("/admin/triage/flag/?queue=all")


# --- A flag's page -------------------------------------------------------------------------------


def test_a_flag_page_shows_the_evidence_in_context(client, reviewer, athlete):
    day = timezone.now() - timedelta(days=3)
    episode = factories.EpisodeFactory(user=athlete, started_at=day)
    factories.WorkoutFactory(
        user=athlete, started_at=day - timedelta(days=10), rpe=5, duration_min=40
    )
    factories.HydrationFactory(user=athlete, taken_at=day, volume_ml=900)
    factories.CheckinFactory(user=athlete, date=day.date(), sleep_hours=5.5)
    flag = make_flag(
        athlete,
        window_start=day.date(),
        window_end=day.date(),
        evidence={
            "episodes_total": 1,
            "twitch_count": 1,
            "episodes": [
                {
                    "id": str(episode.pk),
                    "started_at": episode.started_at.isoformat(),
                    "kind": "cramp",
                    "body_region": "calf",
                    "side": "left",
                    "duration_s": 30,
                    "pain": 4,
                    "count": 1,
                }
            ],
        },
    )
    client.force_login(reviewer)

    page = client.get(f"/admin/triage/flag/{flag.pk}/change/")

    html = page.content.decode()
    assert "3 episodes in the calf in 5 days." in html
    assert "Keep logging." in html
    assert "(Nall)" in html
    assert f'href="/admin/logbook/twitchepisode/{episode.pk}/change/"' in html
    context = page.context["context"]
    assert (context["first"], context["last"]) == (
        day.date() - timedelta(days=14),
        day.date() + timedelta(days=7),
    )
    assert len(context["days"]) == 22
    in_day = next(d for d in context["days"] if d["date"] == day.date())
    assert (in_day["fluid_ml"], in_day["checkin"].sleep_hours, len(in_day["episodes"])) == (
        900,
        5.5,
        1,
    )
    assert sum(len(d["workouts"]) for d in context["days"]) == 1
    assert 'class="chart load-chart"' in html
    assert "Mark reviewed" in html


# --- Decisions ------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "note"), [("reviewed", ""), ("escalated", "GP"), ("dismissed", "Logged twice")]
)
def test_each_decision_is_recorded(client, reviewer, athlete, decision, note):
    flag = make_flag(athlete)
    client.force_login(reviewer)

    client.post(
        f"/admin/triage/flag/{flag.pk}/decide/{decision}/",
        {"note": note, "shared_with_athlete": "on"},
    )

    flag.refresh_from_db()
    record = FlagReview.objects.get()
    assert flag.status == decision
    assert (record.flag, record.reviewer, record.from_status, record.to_status) == (
        flag,
        reviewer,
        "open",
        decision,
    )
    assert record.note == note
    assert record.shared_with_athlete is bool(note)
    assert timezone.now() - record.created_at < timedelta(minutes=1)


@pytest.mark.parametrize("decision", ["escalated", "dismissed"])
def test_escalating_and_dismissing_need_a_note(client, reviewer, athlete, decision):
    flag = make_flag(athlete)
    client.force_login(reviewer)

    response = client.post(
        f"/admin/triage/flag/{flag.pk}/decide/{decision}/", {"note": "   "}, follow=True
    )

    assert "needs a note" in response.content.decode()
    flag.refresh_from_db()
    assert flag.status == "open"
    assert not FlagReview.objects.exists()


def test_the_database_refuses_an_escalation_without_a_note(athlete, reviewer):
    flag = make_flag(athlete)

    with pytest.raises(IntegrityError), transaction.atomic():
        FlagReview.objects.create(
            flag=flag, reviewer=reviewer, from_status="open", to_status="escalated"
        )


def test_a_decision_opens_the_next_flag_in_the_queue(client, reviewer, athlete):
    first = make_flag(athlete, severity="see_doctor", rule="severe_pain")
    second = make_flag(athlete)
    client.force_login(reviewer)

    response = client.post(f"/admin/triage/flag/{first.pk}/decide/reviewed/")

    assert response["Location"] == f"/admin/triage/flag/{second.pk}/change/"


def test_the_admin_actions_ask_for_the_note_then_decide_every_selected_flag(
    client, reviewer, athlete
):
    flags = [make_flag(athlete), make_flag(athlete, rule="load_spike")]
    client.force_login(reviewer)
    selected = {"action": "dismiss", "_selected_action": [str(f.pk) for f in flags]}

    asked = client.post("/admin/triage/flag/", selected)
    refused = client.post("/admin/triage/flag/", {**selected, "apply": "1", "note": ""})
    done = client.post("/admin/triage/flag/", {**selected, "apply": "1", "note": "Duplicates"})

    assert "needs a note" in refused.content.decode()
    assert "Dismiss: 2 flag(s)" in asked.content.decode()
    assert done.status_code == 302
    assert sorted(Flag.objects.values_list("status", flat=True)) == ["dismissed", "dismissed"]
    assert list(FlagReview.objects.values_list("note", flat=True)) == ["Duplicates", "Duplicates"]


def test_a_recorded_decision_cannot_be_changed(athlete, reviewer):
    record = make_flag(athlete).decide(reviewer, "reviewed")

    record.note = "rewritten"
    with pytest.raises(ValueError, match="cannot be changed"):
        record.save()


def test_the_decision_history_shows_on_the_flag_read_only(client, reviewer, superuser, athlete):
    flag = make_flag(athlete)
    flag.decide(reviewer, "escalated", "Seen twice this month")
    client.force_login(superuser)

    page = client.get(f"/admin/triage/flag/{flag.pk}/change/")

    html = page.content.decode()
    assert "Seen twice this month" in html
    assert 'name="reviews-0-note"' not in html  # shown, not editable


# --- What the athlete sees ------------------------------------------------------------


def test_the_athlete_sees_the_outcome_and_shared_notes_only(client, athlete, reviewer):
    flag = make_flag(athlete)
    flag.decide(reviewer, "reviewed", "Internal: checked the logs")
    flag.decide(reviewer, "escalated", "Please see your GP about the calf.", shared=True)

    api = token_client(athlete).get(f"/api/v1/flags/{flag.pk}/").json()
    client.force_login(athlete)
    page = client.get("/flags/").content.decode()

    assert api["status"] == "escalated"
    assert [(n["outcome"], n["note"]) for n in api["review_notes"]] == [
        ("escalated", "Please see your GP about the calf.")
    ]
    assert set(api["review_notes"][0]) == {"outcome", "note", "decided_at"}
    assert "Please see your GP about the calf." in page
    assert "Internal: checked the logs" not in page
    assert reviewer.username not in page
    assert "Escalated" in page


def test_the_flags_api_stays_free_of_n_plus_one_with_notes(athlete, reviewer):
    for n in range(5):
        flag = make_flag(athlete, window_start=timezone.localdate() - timedelta(days=30 + n))
        flag.decide(reviewer, "reviewed", f"note {n}", shared=True)
    api = token_client(athlete)

    with CaptureQueriesContext(connection) as captured:
        rows = api.get("/api/v1/flags/").json()["results"]

    assert len(rows) == 5
    assert len(captured) <= 4


# --- Dashboard ------------------------------------------------------------


def test_the_dashboard_counts_open_flags_their_age_and_rules(client, reviewer, athlete):
    make_flag(athlete, days_old=3, severity="see_doctor", rule="severe_pain")
    make_flag(athlete, days_old=1)
    make_flag(athlete, days_old=40, status="dismissed", rule="load_spike")
    client.force_login(reviewer)

    context = client.get("/admin/triage/flag/dashboard/").context

    counts = {code: count for code, _, count in context["by_severity"]}
    assert (counts["see_doctor"], counts["watch"], counts["info"], context["open_total"]) == (
        1,
        1,
        0,
        2,
    )
    assert context["oldest_age"].startswith("3")
    by_rule = dict(context["by_rule"])
    assert (by_rule["Severe pain"], by_rule["Episodes that keep coming back"]) == (1, 1)
    assert by_rule["A sharp rise in training load"] == 0


def test_athletes_cannot_see_the_dashboard(client, athlete):
    client.force_login(athlete)

    assert client.get("/admin/triage/flag/dashboard/").status_code == 302
