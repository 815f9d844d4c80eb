"""A create carrying the client's id can be sent any number of times."""

import threading

import pytest
from django.db import connection

from logbook import writer
from tests import factories
from tests.conftest import token_client
from tests.kinds import KIND_IDS, KINDS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_the_same_id_again_answers_200_with_the_same_row(kind, api):
    body = kind.body()

    first = api.post(kind.url, body, format="json")
    second = api.post(kind.url, body, format="json")

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json() == first.json()
    assert kind.model.objects.count() == 1


def test_a_replay_with_other_content_keeps_the_stored_row(api):
    kind = KINDS[2]
    body = kind.body(pain=3)
    api.post(kind.url, body, format="json")

    replay = api.post(kind.url, {**body, "pain": 9}, format="json")

    assert replay.status_code == 200
    assert replay.json()["pain"] == 3
    assert kind.model.objects.get(pk=body["id"]).pain == 3


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_an_id_of_another_athletes_entry_answers_404_and_leaves_it_alone(kind, api, other_athlete):
    theirs = kind.factory(user=other_athlete)
    before = kind.model.objects.values().get(pk=theirs.pk)

    response = api.post(kind.url, kind.body(id=str(theirs.pk)), format="json")

    assert response.status_code == 404
    assert str(theirs.pk) not in response.content.decode()
    assert kind.model.objects.values().get(pk=theirs.pk) == before
    assert kind.model.objects.count() == 1


def post_at_once(user, url, bodies):
    """POST each body from its own thread and connection, all released together."""
    barrier = threading.Barrier(len(bodies))
    responses = [None] * len(bodies)

    def send(index, body):
        client = token_client(user)
        barrier.wait()
        try:
            responses[index] = client.post(url, body, format="json")
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=item) for item in enumerate(bodies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres")
@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_concurrent_sends_of_one_entry_store_it_once(kind, athlete):
    """Requests race to insert one id; the losers find the winner's row."""
    body = kind.body()

    responses = post_at_once(athlete, kind.url, [body] * 4)

    assert sorted(r.status_code for r in responses) == [200, 200, 200, 201]
    assert kind.model.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres")
def test_concurrent_check_ins_for_one_day_keep_one_and_name_the_date(athlete):
    kind = KINDS[3]

    responses = post_at_once(athlete, kind.url, [kind.body() for _ in range(4)])

    assert sorted(r.status_code for r in responses) == [201, 400, 400, 400]
    refused = [r.json() for r in responses if r.status_code == 400]
    assert all(
        errors == {"date": ["You already have a check-in for this date."]} for errors in refused
    )
    assert kind.model.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres")
def test_concurrent_syncs_of_one_batch_store_each_entry_once(athlete):
    """Two phones (or two tabs) flush the same outbox at the same moment."""
    batch = {
        "episodes": [KINDS[2].body() for _ in range(30)],
        "hydration": [KINDS[1].body() for _ in range(30)],
    }

    responses = post_at_once(athlete, "/api/v1/sync/", [batch] * 3)

    assert KINDS[2].model.objects.count() == 30
    assert KINDS[1].model.objects.count() == 30
    for position in range(60):
        statuses = sorted(r.json()["results"][position]["status"] for r in responses)
        assert statuses == ["created", "unchanged", "unchanged"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres")
def test_concurrent_syncs_with_edits_keep_one_row_holding_one_of_the_versions(athlete):
    items = [KINDS[2].body(pain=1) for _ in range(20)]
    edited = [{**item, "pain": 9} for item in items]

    responses = post_at_once(athlete, "/api/v1/sync/", [{"episodes": items}, {"episodes": edited}])

    assert KINDS[2].model.objects.count() == 20
    for position, item in enumerate(items):
        statuses = sorted(r.json()["results"][position]["status"] for r in responses)
        assert statuses in (["created", "updated"], ["created", "unchanged"])
        stored = KINDS[2].model.objects.get(pk=item["id"]).pain
        assert stored in (1, 9)


# The races above depend on timing. These pin each interleaving: a rival
# request stores its row between this request's check and its INSERT.


def test_a_check_in_that_loses_the_race_for_its_date_is_refused_by_field(api, athlete, monkeypatch):
    real_insert = writer.insert

    def rival_first(entry):
        factories.CheckinFactory(user=entry.user, date=entry.date)
        real_insert(entry)

    monkeypatch.setattr(writer, "insert", rival_first)

    response = api.post(KINDS[3].url, KINDS[3].body(), format="json")

    assert response.status_code == 400
    assert response.json() == {"date": ["You already have a check-in for this date."]}
    assert KINDS[3].model.objects.count() == 1


@pytest.fixture
def rival_sync(monkeypatch):
    """Before the batch's INSERT, a rival stores the same ids for `owner` with pain 1."""

    def arrange(owner):
        real_bulk_insert = writer.bulk_insert

        def rival_first(model, rows):
            for row in rows:
                factories.EpisodeFactory(id=row.id, user=owner, pain=1)
            real_bulk_insert(model, rows)

        monkeypatch.setattr(writer, "bulk_insert", rival_first)

    return arrange


def test_a_sync_that_loses_the_race_updates_the_rivals_row(api, athlete, rival_sync):
    rival_sync(athlete)
    items = [KINDS[2].body(pain=7), KINDS[2].body(pain=1)]

    response = api.post("/api/v1/sync/", {"episodes": items}, format="json")

    # The rival's rows differ (pain, and the factory's other values): ours win.
    assert [r["status"] for r in response.json()["results"]] == ["updated", "updated"]
    stored = KINDS[2].model.objects.values_list("pk", "pain", "duration_s")
    assert {(str(pk), pain, duration) for pk, pain, duration in stored} == {
        (item["id"], item["pain"], item["duration_s"]) for item in items
    }


def test_a_sync_that_loses_the_race_to_another_athlete_leaves_their_row(
    api, other_athlete, rival_sync
):
    rival_sync(other_athlete)

    response = api.post("/api/v1/sync/", {"episodes": [KINDS[2].body(pain=7)]}, format="json")

    (result,) = response.json()["results"]
    assert (result["status"], list(result["errors"])) == ("invalid", ["id"])
    assert KINDS[2].model.objects.get().user == other_athlete
    assert KINDS[2].model.objects.get().pain == 1
