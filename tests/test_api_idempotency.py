"""A create carrying the client's id can be sent any number of times."""

import threading

import pytest
from django.db import connection

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


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres")
@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_concurrent_sends_of_one_entry_store_it_once(kind, athlete):
    """Two requests race past the existence check; the loser finds the winner's row."""
    body = kind.body()
    barrier = threading.Barrier(4)
    statuses = []

    def send():
        client = token_client(athlete)
        barrier.wait()
        try:
            statuses.append(client.post(kind.url, body, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 200, 200, 201]
    assert kind.model.objects.count() == 1
