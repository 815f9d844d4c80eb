"""POST /api/v1/sync/: a batch from the offline outbox, item by item, replay-safe."""

import uuid

import pytest

from logbook.models import DailyCheckin, HydrationEntry, TwitchEpisode, Workout
from tests.kinds import KINDS

pytestmark = pytest.mark.django_db

SYNC = "/api/v1/sync/"
WORKOUTS, HYDRATION, EPISODES, CHECKINS = KINDS


def a_full_batch():
    return {
        "workouts": [WORKOUTS.body()],
        "hydration": [HYDRATION.body(), HYDRATION.body(volume_ml=500)],
        "episodes": [EPISODES.body()],
        "checkins": [CHECKINS.body()],
    }


def statuses(response):
    return [result["status"] for result in response.json()["results"]]


def test_a_batch_creates_every_item_and_reports_each_by_id(api, athlete):
    batch = a_full_batch()

    response = api.post(SYNC, batch, format="json")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["type"], r["id"], r["status"], r["errors"]) for r in results] == [
        (kind, item["id"], "created", {}) for kind, items in batch.items() for item in items
    ]
    assert Workout.objects.filter(user=athlete).count() == 1
    assert HydrationEntry.objects.filter(user=athlete).count() == 2
    assert TwitchEpisode.objects.filter(user=athlete).count() == 1
    assert DailyCheckin.objects.filter(user=athlete).count() == 1


def test_replaying_the_whole_batch_changes_nothing(api):
    batch = a_full_batch()
    api.post(SYNC, batch, format="json")
    stamps = {e.pk: e.updated_at for e in HydrationEntry.objects.all()}

    replay = api.post(SYNC, batch, format="json")

    assert set(statuses(replay)) == {"unchanged"}
    assert HydrationEntry.objects.count() == 2
    assert {e.pk: e.updated_at for e in HydrationEntry.objects.all()} == stamps


def test_an_edited_item_is_updated(api):
    item = EPISODES.body(pain=3)
    api.post(SYNC, {"episodes": [item]}, format="json")

    response = api.post(SYNC, {"episodes": [{**item, "pain": 7}]}, format="json")

    assert statuses(response) == ["updated"]
    assert TwitchEpisode.objects.get(pk=item["id"]).pain == 7


def test_an_invalid_item_is_reported_and_the_others_are_saved(api):
    good, bad = EPISODES.body(), EPISODES.body(pain=42, kind="explosion")

    response = api.post(SYNC, {"episodes": [good, bad]}, format="json")

    results = response.json()["results"]
    assert response.status_code == 200
    assert results[0]["status"] == "created"
    assert results[1]["status"] == "invalid"
    assert set(results[1]["errors"]) == {"pain", "kind"}
    assert list(TwitchEpisode.objects.values_list("pk", flat=True)) == [uuid.UUID(good["id"])]


def test_an_invalid_edit_leaves_the_stored_row_as_it_was(api):
    item = EPISODES.body(pain=3)
    api.post(SYNC, {"episodes": [item]}, format="json")

    response = api.post(SYNC, {"episodes": [{**item, "pain": 12}]}, format="json")

    assert statuses(response) == ["invalid"]
    assert TwitchEpisode.objects.get(pk=item["id"]).pain == 3


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"duration_s": 30}, "id"),
        ({"id": "123"}, "id"),
        ("a string", "non_field_errors"),
    ],
)
def test_items_without_a_usable_id_are_invalid(api, item, field):
    response = api.post(SYNC, {"episodes": [item, EPISODES.body()]}, format="json")

    results = response.json()["results"]
    assert results[0]["status"] == "invalid"
    assert field in results[0]["errors"]
    assert results[1]["status"] == "created"
    assert TwitchEpisode.objects.count() == 1


def test_another_athletes_id_is_invalid_and_their_row_is_untouched(api, other_athlete):
    theirs = EPISODES.factory(user=other_athlete, pain=1)

    response = api.post(
        SYNC, {"episodes": [EPISODES.body(id=str(theirs.pk), pain=9)]}, format="json"
    )

    assert statuses(response) == ["invalid"]
    assert "id" in response.json()["results"][0]["errors"]
    theirs.refresh_from_db()
    assert (theirs.user, theirs.pain) == (other_athlete, 1)


def test_the_same_id_twice_in_one_batch_is_stored_once(api):
    item = EPISODES.body(pain=3)

    response = api.post(SYNC, {"episodes": [item, {**item, "pain": 5}]}, format="json")

    assert statuses(response) == ["created", "updated"]
    assert TwitchEpisode.objects.get().pain == 5


def test_two_check_ins_for_one_day_in_a_batch_keep_the_first(api):
    first, second = CHECKINS.body(), CHECKINS.body()

    response = api.post(SYNC, {"checkins": [first, second]}, format="json")

    assert statuses(response) == ["created", "invalid"]
    assert response.json()["results"][1]["errors"] == {
        "date": ["You already have a check-in for this date."]
    }
    assert list(DailyCheckin.objects.values_list("pk", flat=True)) == [uuid.UUID(first["id"])]


def test_five_hundred_items_are_accepted(api):
    batch = {"hydration": [HYDRATION.body() for _ in range(500)]}

    response = api.post(SYNC, batch, format="json")

    assert response.status_code == 200
    assert HydrationEntry.objects.count() == 500


def test_more_than_five_hundred_items_answer_413_and_save_nothing(api):
    batch = {
        "hydration": [HYDRATION.body() for _ in range(300)],
        "episodes": [EPISODES.body() for _ in range(201)],
    }

    response = api.post(SYNC, batch, format="json")

    assert response.status_code == 413
    assert "at most 500" in response.json()["detail"]
    assert HydrationEntry.objects.count() == TwitchEpisode.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"workout": []}, "workout"),
        ({"episodes": {"id": "x"}}, "episodes"),
        ([EPISODES.body()], "non_field_errors"),
    ],
)
def test_a_badly_shaped_batch_is_a_400_that_names_the_key(api, body, field):
    response = api.post(SYNC, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert TwitchEpisode.objects.count() == 0


def test_an_empty_batch_is_fine(api):
    response = api.post(SYNC, {}, format="json")

    assert response.status_code == 200
    assert response.json() == {"results": []}
