"""Who may open which page: every page needs a login except the public few, and
nobody reaches another person's entries or flags."""

import pytest
from django.urls import reverse

from tests import factories
from triage.models import Flag

pytestmark = pytest.mark.django_db

PRIVATE_PAGES = [
    "/",
    "/log/episode/",
    "/log/workout/",
    "/log/hydration/",
    "/log/checkin/",
    "/history/",
    "/episodes/",
    "/load/",
    "/flags/",
    "/settings/",
    "/settings/password/",
]
PUBLIC_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password_reset/",
    "/offline/",
    "/outbox/",
    "/log/episode/?shell=1",
    "/sw.js",
    "/manifest.webmanifest",
    "/session/",
]


@pytest.fixture
def logged_in(client, athlete):
    client.force_login(athlete)
    return client


@pytest.mark.parametrize("url", PRIVATE_PAGES)
def test_private_pages_send_visitors_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", PRIVATE_PAGES)
def test_private_pages_open_for_their_owner(logged_in, url):
    assert logged_in.get(url).status_code == 200


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_open_for_anyone(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "factory",
    [
        factories.EpisodeFactory,
        factories.WorkoutFactory,
        factories.HydrationFactory,
        factories.CheckinFactory,
    ],
    ids=["episode", "workout", "hydration", "checkin"],
)
def test_another_athletes_entry_cannot_be_seen_changed_or_deleted(
    logged_in, other_athlete, factory
):
    theirs = factory(user=other_athlete)
    kind = {
        "TwitchEpisode": "episode",
        "Workout": "workout",
        "HydrationEntry": "hydration",
        "DailyCheckin": "checkin",
    }[type(theirs).__name__]
    before = type(theirs).objects.values().get(pk=theirs.pk)

    edit_url = reverse("edit_entry", args=[kind, theirs.pk])
    assert logged_in.get(edit_url).status_code == 404
    assert logged_in.post(edit_url, {"notes": "mine now"}).status_code == 404
    assert logged_in.post(reverse("delete_entry", args=[kind, theirs.pk])).status_code == 404

    assert type(theirs).objects.values().get(pk=theirs.pk) == before


def test_a_form_posted_with_another_athletes_entry_id_answers_404(logged_in, other_athlete):
    theirs = factories.EpisodeFactory(user=other_athlete, pain=1)

    response = logged_in.post(
        "/log/episode/",
        {
            "id": theirs.pk,
            "kind": "cramp",
            "body_region": "calf",
            "side": "left",
            "duration_s_min": 0,
            "duration_s_s": 30,
            "pain": 9,
            "timing": "unrelated",
            "started_at": "2026-11-20T07:00",
        },
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.user, theirs.pain) == (other_athlete, 1)


def test_another_athletes_flag_cannot_be_acknowledged(logged_in, other_athlete):
    flag = Flag.objects.create(
        user=other_athlete,
        rule="severe_pain",
        severity="see_doctor",
        window_start="2026-11-01",
        window_end="2026-11-01",
        message="m",
        advice="a",
        source="s",
    )

    response = logged_in.post(reverse("acknowledge_flag", args=[flag.pk]))

    assert response.status_code == 404
    flag.refresh_from_db()
    assert flag.status == "open"


def test_pages_show_only_the_requesters_entries(logged_in, athlete, other_athlete):
    factories.EpisodeFactory(user=athlete, notes="", body_region="calf")
    factories.EpisodeFactory(user=other_athlete, body_region="eyelid")
    factories.WorkoutFactory(user=other_athlete, rpe=10, duration_min=300)

    history = logged_in.get("/history/").content.decode()
    episodes = logged_in.get("/episodes/")
    today = logged_in.get("/")

    assert "Calf" in history or "calf" in history
    assert "eyelid" not in history.lower()
    assert episodes.context["total"] == 1
    assert today.context["load"] == 0


def test_the_session_check_says_who_is_signed_in(client, athlete):
    assert client.get("/session/").json()["authenticated"] is False
    client.force_login(athlete)
    answer = client.get("/session/").json()
    assert answer["authenticated"] is True
    assert answer["csrf_token"]
