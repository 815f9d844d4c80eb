"""logbook.kinds: the one registry of entry kinds, and the timing guess."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import resolve

from logbook import kinds
from logbook.kinds import KINDS, guess_timing
from logbook.pwa import shell_pages

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.slug)
def test_each_kind_is_described_once_and_everything_reads_it(client, api, athlete, kind):
    client.force_login(athlete)

    assert kind.form._meta.model is kind.model
    assert kind.serializer.Meta.model is kind.model
    assert kind.time_field == kind.model.time_field
    assert client.get(f"/log/{kind.slug}/?shell=1").status_code == 200
    assert f"/log/{kind.slug}/?shell=1" in shell_pages()
    assert resolve(f"/api/v1/{kind.api_key}/").func.cls.kind is kind
    assert api.get(f"/api/v1/{kind.api_key}/").status_code == 200
    sync = api.post("/api/v1/sync/", {kind.api_key: []}, format="json")
    assert sync.status_code == 200
    assert kinds.client_data()["kinds"][kind.api_key] == {
        "slug": kind.slug,
        "title": kind.title,
        "timeField": kind.time_field,
    }


def test_the_registry_reaches_the_phone_as_data(client, athlete):
    client.force_login(athlete)

    html = client.get("/").content.decode()

    assert '<script id="twitchlog-data" type="application/json">' in html
    assert '"timeField": "started_at"' in html
    assert '"rightAfterMs": 3600000' in html


def test_an_unknown_kind_is_not_found(client, athlete):
    client.force_login(athlete)

    assert client.get("/log/meal/").status_code == 404


ENDED = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
WORKOUT = (ENDED - timedelta(minutes=45), ENDED)


@pytest.mark.parametrize(
    ("after", "guess"),
    [
        (timedelta(minutes=-10), "during_exercise"),
        (timedelta(0), "during_exercise"),
        (timedelta(seconds=1), "right_after"),
        (timedelta(hours=1), "right_after"),
        (timedelta(hours=1, minutes=1), "hours_after"),
        (timedelta(hours=24), "hours_after"),
        (timedelta(hours=24, minutes=1), None),
    ],
)
def test_timing_is_guessed_from_a_logged_workout_and_never_as_unrelated(after, guess):
    assert guess_timing(WORKOUT, ENDED + after) == guess


def test_with_no_workout_there_is_no_guess():
    assert guess_timing(None, ENDED) is None


def test_new_entry_defaults_answer_nothing_that_feeds_a_flag(athlete):
    from tests import factories

    factories.EpisodeFactory(user=athlete, pain=9, weakness=True, timing="unrelated")

    initial = kinds.BY_SLUG["episode"].new_entry_defaults(
        athlete, {"body_region": "neck", "id": "x", "shoe_size": "44"}
    )

    assert initial["body_region"] == "neck"  # a link may pre-fill, as the body map does
    assert {"pain", "timing", "weakness", "id", "shoe_size"}.isdisjoint(initial)
