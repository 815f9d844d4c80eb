"""Create, read, change, delete and list each kind of entry through the API."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.kinds import KIND_IDS, KINDS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_create_stores_the_entry_for_the_requester(kind, api, athlete):
    body = kind.body()

    response = api.post(kind.url, body, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["id"] == body["id"]
    row = kind.model.objects.get(pk=body["id"])
    assert row.user == athlete
    for field, value in kind.valid.items():
        assert getattr(row, field) == value


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_create_without_an_id_gets_a_server_uuid(kind, api):
    body = kind.body()
    del body["id"]

    response = api.post(kind.url, body, format="json")

    assert response.status_code == 201
    assert kind.model.objects.filter(pk=response.json()["id"]).exists()


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_retrieve_update_patch_and_delete(kind, api, athlete):
    entry = kind.factory(user=athlete)
    field, value = kind.change

    assert api.get(kind.detail_url(entry.pk)).json()["id"] == str(entry.pk)

    patched = api.patch(kind.detail_url(entry.pk), {field: value}, format="json")
    assert patched.status_code == 200
    entry.refresh_from_db()
    assert getattr(entry, field) == value

    full = kind.body(**{field: value})
    full.pop("id")
    put = api.put(kind.detail_url(entry.pk), full, format="json")
    assert put.status_code == 200, put.json()

    assert api.delete(kind.detail_url(entry.pk)).status_code == 204
    assert not kind.model.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_the_id_cannot_be_changed_by_an_update(kind, api, athlete):
    entry = kind.factory(user=athlete)
    new_id = "7f0c1f8e-51a4-4c2a-9a55-2b1b1c7d2a10"

    response = api.patch(kind.detail_url(entry.pk), {"id": new_id}, format="json")

    assert response.status_code == 400
    assert "id" in response.json()
    assert not kind.model.objects.filter(pk=new_id).exists()


def test_workout_load_is_rpe_times_minutes_and_follows_changes(api):
    body = {
        "started_at": "2026-11-20T07:00:00+01:00",
        "duration_min": 40,
        "kind": "run",
        "rpe": 5,
    }
    created = api.post("/api/v1/workouts/", body, format="json").json()
    assert created["load"] == 200

    patched = api.patch(f"/api/v1/workouts/{created['id']}/", {"rpe": 8}, format="json").json()

    assert patched["load"] == 320


def test_load_is_read_only(api):
    body = {"started_at": "2026-11-20T07:00:00Z", "duration_min": 10, "kind": "run", "rpe": 2}

    created = api.post("/api/v1/workouts/", {**body, "load": 9999}, format="json").json()

    assert created["load"] == 20


def test_times_come_back_in_utc(api):
    body = {"started_at": "2026-11-20T07:30:00+13:00", "duration_min": 10, "kind": "run", "rpe": 2}

    created = api.post("/api/v1/workouts/", body, format="json").json()

    assert created["started_at"] == "2026-11-19T18:30:00Z"


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_list_is_newest_first_and_paginated(kind, api, athlete):
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    for days_ago in (3, 1, 2):
        when = now - timedelta(days=days_ago)
        kind.factory(
            user=athlete, **{kind.time_field: when.date() if kind.time_field == "date" else when}
        )

    page = api.get(kind.url, {"page_size": 2}).json()

    assert page["count"] == 3
    assert len(page["results"]) == 2
    first, second = (row[kind.time_field] for row in page["results"])
    assert first > second
    assert page["next"]
    rest = api.get(page["next"]).json()
    assert len(rest["results"]) == 1
    assert rest["results"][0][kind.time_field] < second


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_since_and_until_filter_by_when_it_happened(kind, api, athlete):
    for day in (1, 10, 20):
        when = datetime(2026, 10, day, 12, tzinfo=UTC)
        kind.factory(
            user=athlete, **{kind.time_field: when.date() if kind.time_field == "date" else when}
        )

    def days(params):
        rows = api.get(kind.url, params).json()["results"]
        return sorted(int(row[kind.time_field][8:10]) for row in rows)

    assert days({"since": "2026-10-10"}) == [10, 20]
    assert days({"until": "2026-10-10"}) == [1, 10]
    assert days({"since": "2026-10-02", "until": "2026-10-19"}) == [10]
    # A check-in has a date, not a time: a date-time bound compares by its date.
    after_noon_on_10th = [10, 20] if kind.time_field == "date" else [20]
    assert days({"since": "2026-10-10T13:00:00Z"}) == after_noon_on_10th
    assert days({"until": "2026-10-10T12:00:00+00:00"}) == [1, 10]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"since": "last tuesday"}, "since"), ({"until": "2026-13-01"}, "until")],
)
def test_a_bad_time_filter_names_the_parameter(api, params, field):
    response = api.get("/api/v1/episodes/", params)

    assert response.status_code == 400
    assert field in response.json()


def test_until_before_since_is_refused(api):
    response = api.get("/api/v1/episodes/", {"since": "2026-10-10", "until": "2026-10-01"})

    assert response.status_code == 400
    assert "until" in response.json()
