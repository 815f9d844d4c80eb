"""Every API URL, tried by the owner, another athlete and an anonymous visitor."""

import pytest

from tests.kinds import KIND_IDS, KINDS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_the_list_holds_only_the_requesters_entries(kind, api, athlete, other_athlete):
    mine = kind.factory(user=athlete)
    kind.factory(user=other_athlete)

    rows = api.get(kind.url).json()["results"]

    assert [row["id"] for row in rows] == [str(mine.pk)]


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_another_athletes_entry_answers_404_and_stays_unchanged(kind, method, other_api, athlete):
    entry = kind.factory(user=athlete)
    before = kind.model.objects.values().get(pk=entry.pk)
    field, value = kind.change
    body = kind.body(**{field: value})
    body.pop("id")

    response = getattr(other_api, method)(kind.detail_url(entry.pk), body, format="json")

    assert response.status_code == 404
    assert kind.model.objects.values().get(pk=entry.pk) == before


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_a_missing_entry_answers_the_same_404(kind, api, other_api, athlete):
    entry = kind.factory(user=athlete)

    theirs = other_api.get(kind.detail_url(entry.pk))
    missing = api.get(kind.detail_url("00000000-0000-4000-8000-000000000000"))

    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_anonymous_visitors_get_401_everywhere(kind, anonymous_api, athlete):
    entry = kind.factory(user=athlete)

    assert anonymous_api.get(kind.url).status_code == 401
    assert anonymous_api.post(kind.url, kind.body(), format="json").status_code == 401
    assert anonymous_api.get(kind.detail_url(entry.pk)).status_code == 401
    assert anonymous_api.delete(kind.detail_url(entry.pk)).status_code == 401
    assert kind.model.objects.count() == 1


def test_anonymous_visitors_cannot_sync(anonymous_api):
    response = anonymous_api.post("/api/v1/sync/", {"episodes": []}, format="json")

    assert response.status_code == 401


def test_a_bad_token_is_refused(anonymous_api):
    anonymous_api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert anonymous_api.get("/api/v1/episodes/").status_code == 401
