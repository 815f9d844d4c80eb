"""Leaving: deleting an account takes every row of the person's with it, keeps the
reviewers' decisions about their flags without any health detail, and says
nothing about their health in the log."""

import logging
from datetime import date

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from logbook.models import Profile
from records.deletion import REMOVED_NOTE, delete_account
from records.models import ShareLink
from tests import factories
from tests.conftest import token_client
from triage.models import DigestLog, EvaluationState, Flag, FlagReview

pytestmark = pytest.mark.django_db

User = get_user_model()

# What the athlete typed or was told; none of it may outlive the account.
NOTE = "left calf locked at night after the long run"
MEDICATIONS = "Magnesium citrate 300 mg"
SHARED_NOTE = "Please see your GP about the calf."
UNSHARED_NOTE = "Internal: cramps logged twice"
OTHERS_NOTE = "the other athlete's own note"
HEALTH_WORDS = [NOTE, MEDICATIONS, SHARED_NOTE, UNSHARED_NOTE, "calf", "Magnesium"]


@pytest.fixture
def reviewer(reviewers_group):
    user = factories.UserFactory(username="kim-reviews", is_staff=True)
    user.groups.add(reviewers_group)
    return user


def make_flag(user, **fields):
    return Flag.objects.create(
        user=user,
        **{
            "rule": "recurring_episodes",
            "severity": "watch",
            "window_start": date(2026, 11, 1),
            "window_end": date(2026, 11, 5),
            "message": "3 episodes in the calf in 5 days.",
            "advice": "Keep logging.",
            "source": "(Nall)",
            **fields,
        },
    )


def give_a_history(user, reviewer, note):
    """One of every row a person can have."""
    Profile.objects.filter(user=user).update(medications=MEDICATIONS)
    factories.WorkoutFactory(user=user, notes=note)
    factories.HydrationFactory(user=user, notes=note)
    factories.EpisodeFactory(user=user, notes=note)
    factories.CheckinFactory(user=user, notes=note)
    flag = make_flag(user)
    flag.decide(reviewer, "reviewed", UNSHARED_NOTE if note == NOTE else note)
    flag.decide(reviewer, "escalated", SHARED_NOTE if note == NOTE else note, shared=True)
    make_flag(user, rule="load_spike", severity="info")
    Token.objects.create(user=user)
    EvaluationState.objects.update_or_create(user=user, defaults={"changed_at": timezone.now()})
    DigestLog.objects.create(user=user, iso_year=2026, iso_week=47, status="sent")
    ShareLink.create(user, date(2026, 9, 1), date(2026, 11, 30), ["symptoms"])
    AccessLog.objects.create(**AXES_WHERE, username=user.username)
    AccessFailureLog.objects.create(**AXES_WHERE, username=user.username)
    failed_attempt(user)


AXES_WHERE = {
    "user_agent": "phone",
    "ip_address": "127.0.0.1",
    "http_accept": "*/*",
    "path_info": "/accounts/login/",
}


def failed_attempt(user):
    """django-axes' count of failed logins (a successful one clears it)."""
    AccessAttempt.objects.create(
        **AXES_WHERE, username=user.username, get_data="", post_data="", failures_since_start=1
    )


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def world(athlete, other_athlete, reviewer, superuser):
    give_a_history(athlete, reviewer, NOTE)
    give_a_history(other_athlete, reviewer, OTHERS_NOTE)
    # An administrator once changed the athlete's episode and the other's.
    for user in (athlete, other_athlete):
        episode = factories.EpisodeFactory(user=user, notes="edited in the admin")
        LogEntry.objects.log_actions(
            superuser.pk, [episode], CHANGE, change_message="[]", single_object=True
        )
    return athlete


def sign_in(client, user):
    return client.post(
        reverse("login"), {"username": user.username, "password": factories.PASSWORD}
    )


def signed_in(user) -> Client:
    """A browser signed in through the login page, as on a real device."""
    client = Client()
    assert sign_in(client, user).status_code == 302
    return client


def user_models():
    """(model, field) for every foreign key or one-to-one to the user, in every app."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is User
    ]


def rows_of(user_pk: int, username: str, theirs: dict) -> dict[str, int]:
    """Every row left that is the person's or points at one of theirs, by where it is."""
    found = {"auth.User": User.objects.filter(pk=user_pk).count()}
    for model, field in user_models():
        found[f"{model._meta.label}.{field}"] = model.objects.filter(**{field: user_pk}).count()
    # Anything pointing at one of their rows: a decision at their flag, say.
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in theirs:
                pks = theirs[field.related_model]
                label = f"{model._meta.label}.{field.name}"
                found[label] = model.objects.filter(**{f"{field.name}__in": pks}).count()
    # The admin's log lines about their rows (content type and object id).
    for model, pks in theirs.items():
        content_type = ContentType.objects.get_for_model(model)
        label = f"admin.LogEntry about {model._meta.label}"
        found[label] = LogEntry.objects.filter(
            content_type=content_type, object_id__in=[str(pk) for pk in pks]
        ).count()
    found["sessions.Session"] = sum(
        session.get_decoded().get(SESSION_KEY) == str(user_pk) for session in Session.objects.all()
    )
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        found[model._meta.label] = model.objects.filter(username=username).count()
    return found


def their_rows(user) -> dict:
    """The pks of every row of theirs, by model (the user's own too)."""
    theirs = {User: [user.pk]}
    for model, field in user_models():
        if model is not FlagReview:  # a reviewer's, not the athlete's
            theirs.setdefault(model, []).extend(
                model.objects.filter(**{field: user.pk}).values_list("pk", flat=True)
            )
    return theirs


def delete(client, password=factories.PASSWORD):
    return client.post(reverse("delete_account"), {"password": password})


# --- What goes ------------------------------------------------------------------


def test_no_row_of_theirs_is_left_in_any_table(world, athlete):
    client = signed_in(athlete)
    signed_in(athlete)  # a second device
    failed_attempt(athlete)
    user_pk, username = athlete.pk, athlete.username
    theirs = their_rows(athlete)
    before = rows_of(user_pk, username, theirs)
    assert not [
        label
        for label in [
            "auth.User",
            "logbook.Workout.user",
            "logbook.HydrationEntry.user",
            "logbook.TwitchEpisode.user",
            "logbook.DailyCheckin.user",
            "logbook.Profile.user",
            "authtoken.Token.user",
            "triage.Flag.user",
            "triage.FlagReview.flag",
            "triage.EvaluationState.user",
            "triage.DigestLog.user",
            "records.ShareLink.user",
            "admin.LogEntry about logbook.TwitchEpisode",
            "sessions.Session",
            "axes.AccessAttempt",
            "axes.AccessLog",
            "axes.AccessFailureLog",
        ]
        if not before[label]
    ]

    response = delete(client)

    assert response.status_code == 200
    assert "Your account is gone" in response.content.decode()
    left = {label: n for label, n in rows_of(user_pk, username, theirs).items() if n}
    assert left == {}


def test_the_other_athletes_rows_are_untouched(world, athlete, other_athlete):
    theirs = their_rows(other_athlete)
    before = rows_of(other_athlete.pk, other_athlete.username, theirs)
    notes = sorted(FlagReview.objects.filter(flag__user=other_athlete).values_list("note"))

    delete(signed_in(athlete))

    assert rows_of(other_athlete.pk, other_athlete.username, theirs) == before
    assert sorted(FlagReview.objects.filter(flag__user=other_athlete).values_list("note")) == notes
    assert Profile.objects.get(user=other_athlete).medications == MEDICATIONS


def test_the_reviewers_decisions_stay_with_who_and_when_but_no_flag_and_no_note(
    world, athlete, reviewer
):
    decided = list(
        FlagReview.objects.filter(flag__user=athlete)
        .order_by("pk")
        .values_list("pk", "reviewer", "from_status", "to_status", "created_at")
    )
    assert len(decided) == 2

    delete(signed_in(athlete))

    kept = FlagReview.objects.filter(pk__in=[row[0] for row in decided]).order_by("pk")
    assert list(kept.values_list("pk", "reviewer", "from_status", "to_status", "created_at")) == (
        decided
    )
    assert list(kept.values_list("flag", "note")) == [(None, REMOVED_NOTE)] * 2
    assert not FlagReview.objects.filter(note__in=[SHARED_NOTE, UNSHARED_NOTE]).exists()


def test_share_links_stop_working_at_once(world, athlete):
    link = ShareLink.objects.get(user=athlete)
    address = reverse("shared_summary", args=[link.token])
    assert Client().get(address).status_code == 200

    delete(signed_in(athlete))

    assert Client().get(address).status_code == 404
    assert not ShareLink.objects.filter(pk=link.pk).exists()


def test_they_are_signed_out_everywhere_and_cannot_sign_in_again(world, athlete):
    client, other_device = signed_in(athlete), signed_in(athlete)
    api = token_client(athlete)

    delete(client)

    assert client.get(reverse("settings")).status_code == 302
    assert other_device.get(reverse("settings")).status_code == 302
    assert api.get("/api/v1/workouts/").status_code == 401
    browser = Client()
    login = sign_in(browser, athlete)
    assert login.status_code == 200  # the form again, with its error
    assert SESSION_KEY not in browser.session


def test_the_log_says_the_user_id_and_counts_and_no_health_data(world, athlete, caplog):
    user_pk = athlete.pk

    with caplog.at_level(logging.DEBUG):
        delete(signed_in(athlete))

    [line] = [record for record in caplog.records if record.name == "records.account"]
    assert str(user_pk) in line.getMessage()
    assert "logbook.TwitchEpisode" in line.getMessage()
    everything = "\n".join(record.getMessage() for record in caplog.records)
    for words in [*HEALTH_WORDS, athlete.username, athlete.email]:
        assert words not in everything
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


@pytest.mark.django_db(transaction=True)
def test_deleting_leaves_triage_nothing_to_evaluate(world, athlete, caplog):
    """Committed for real: the entries go without announcing their deletion, which
    would ask triage to evaluate a person who is gone (and fail, logging an error)."""
    user_pk = athlete.pk

    with caplog.at_level(logging.INFO):
        delete_account(athlete)

    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert not EvaluationState.objects.filter(user=user_pk).exists()
    assert not User.objects.filter(pk=user_pk).exists()


# --- What stays -----------------------------------------------------------------------


def test_a_wrong_password_deletes_nothing_and_says_which_field(world, athlete):
    client = signed_in(athlete)
    theirs = their_rows(athlete)
    before = rows_of(athlete.pk, athlete.username, theirs)

    response = delete(client, password="not-my-password")

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "password": ["That is not your password; nothing was deleted."]
    }
    html = response.content.decode()
    assert "That is not your password" in html
    assert 'class="field has-error"' in html
    assert rows_of(athlete.pk, athlete.username, theirs) == before
    assert client.get(reverse("settings")).status_code == 200  # still signed in


def test_an_account_that_recorded_decisions_is_not_deleted_here(world, reviewer):
    client = signed_in(reviewer)

    page = client.get(reverse("delete_account"))
    refused = delete(client)

    assert "an administrator must deactivate it" in page.content.decode()
    assert 'name="password"' not in page.content.decode()
    assert User.objects.filter(pk=reviewer.pk).exists()
    assert refused.status_code == 200
    assert FlagReview.objects.filter(reviewer=reviewer).count() == 4


# --- The pages ---------------------------------------------------------------------------


def test_the_page_says_what_will_go_and_asks_for_the_password(world, athlete):
    client = signed_in(athlete)

    html = client.get(reverse("delete_account")).content.decode()

    assert 'name="password"' in html
    assert 'type="password"' in html
    for said in ["1 workout", "1 hydration entry", "2 twitch episodes", "1 daily check-in"]:
        assert f"<li>{said}</li>" in html
    assert "<li>2 flags</li>" in html
    assert "<li>1 share link</li>" in html
    assert reverse("export") in html
    assert "style=" not in html  # the strict CSP: no inline style, no inline script
    assert "<script>" not in html


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("delete_account"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_review_desk_shows_a_decision_whose_flag_is_gone(client, world, athlete, superuser):
    delete(signed_in(athlete))
    review = FlagReview.objects.filter(flag__isnull=True).first()
    client.force_login(superuser)

    listing = client.get("/admin/triage/flagreview/")
    detail = client.get(f"/admin/triage/flagreview/{review.pk}/change/")

    assert listing.status_code == detail.status_code == 200
    assert "(deleted with the athlete&#x27;s account)" in listing.content.decode()
    assert REMOVED_NOTE.replace("'", "&#x27;") in detail.content.decode()
