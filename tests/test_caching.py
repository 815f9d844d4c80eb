"""Answers with health data are never kept by an HTTP cache: every page and
API answer to a signed-in person carries Cache-Control: no-store."""

import pytest
from django.contrib.staticfiles import finders

from tests import factories
from tests.test_admin_review import make_flag

pytestmark = pytest.mark.django_db


def is_no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


@pytest.fixture
def entries(athlete):
    return {
        "episode": factories.EpisodeFactory(user=athlete),
        "workout": factories.WorkoutFactory(user=athlete),
        "flag": make_flag(athlete),
    }


PAGES = ["/", "/history/", "/episodes/", "/load/", "/flags/", "/settings/", "/outbox/"]


@pytest.mark.parametrize("path", PAGES)
def test_a_signed_in_persons_pages_are_not_stored(client, athlete, entries, path):
    client.force_login(athlete)

    response = client.get(path)

    assert response.status_code == 200
    assert is_no_store(response), response.get("Cache-Control")


def test_an_entrys_edit_page_is_not_stored(client, athlete, entries):
    client.force_login(athlete)

    response = client.get(f"/log/episode/{entries['episode'].pk}/")

    assert is_no_store(response)


@pytest.mark.parametrize(
    "path", ["/api/v1/episodes/", "/api/v1/workouts/", "/api/v1/flags/", "/api/v1/load/"]
)
def test_api_answers_to_a_token_are_not_stored(api, entries, path):
    response = api.get(path)

    assert response.status_code == 200
    assert is_no_store(response), response.get("Cache-Control")


def test_an_api_detail_answer_is_not_stored(api, entries):
    response = api.get(f"/api/v1/episodes/{entries['episode'].pk}/")

    assert response.status_code == 200
    assert is_no_store(response)


def test_a_reviewers_admin_pages_are_not_stored(client, reviewers_group, entries):
    reviewer = factories.UserFactory(username="kim", is_staff=True)
    reviewer.groups.add(reviewers_group)
    client.force_login(reviewer)

    response = client.get(f"/admin/triage/flag/{entries['flag'].pk}/change/")

    assert response.status_code == 200
    assert is_no_store(response)


def test_static_files_stay_cacheable_for_a_signed_in_person(client, athlete):
    assert finders.find("css/app.css")
    client.force_login(athlete)

    response = client.get("/static/css/app.css")

    assert response.status_code == 200
    assert not is_no_store(response)
