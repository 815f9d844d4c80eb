"""logbook announces a person's saved and deleted entries once per transaction,
after it commits."""

import pytest
from django.db import transaction

from logbook.signals import entry_changed
from tests.kinds import KIND_IDS, KINDS


@pytest.fixture
def announcements():
    heard = []

    def listener(sender, **kwargs):
        heard.append((kwargs["user_id"], kwargs["entries"]))

    entry_changed.connect(listener, dispatch_uid="test-listener")
    yield heard
    entry_changed.disconnect(dispatch_uid="test-listener")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_saves_and_deletes_are_announced_with_the_user_id(kind, athlete, announcements):
    entry = kind.factory(user=athlete)
    entry_id = entry.pk
    entry.delete()

    assert announcements == [
        (athlete.pk, [(kind.model, entry_id, "saved")]),
        (athlete.pk, [(kind.model, entry_id, "deleted")]),
    ]


@pytest.mark.django_db(transaction=True)
def test_nothing_is_announced_before_the_commit(athlete, announcements):
    with transaction.atomic():
        KINDS[2].factory(user=athlete)
        assert announcements == []

    assert len(announcements) == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_save_is_never_announced(athlete, announcements):
    def save_then_fail():
        with transaction.atomic():
            KINDS[2].factory(user=athlete)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        save_then_fail()

    assert announcements == []


@pytest.mark.django_db(transaction=True)
def test_a_failing_listener_does_not_fail_the_save(api, athlete, announcements, caplog):
    def broken(sender, **kwargs):
        raise ConnectionError("broker down")

    entry_changed.connect(broken, dispatch_uid="broken-listener")
    try:
        response = api.post(KINDS[2].url, KINDS[2].body(notes="private words"), format="json")
    finally:
        entry_changed.disconnect(dispatch_uid="broken-listener")

    assert response.status_code == 201
    assert len(announcements) == 1
    assert "broken" in caplog.text
    assert "private words" not in caplog.text


@pytest.mark.django_db(transaction=True)
def test_an_api_sync_is_one_announcement_naming_each_saved_entry(api, athlete, announcements):
    batch = {"episodes": [KINDS[2].body() for _ in range(3)]}

    api.post("/api/v1/sync/", batch, format="json")
    api.post("/api/v1/sync/", batch, format="json")  # unchanged: nothing to announce

    [(user_id, entries)] = announcements
    assert user_id == athlete.pk
    assert [(str(entry_id), action) for _, entry_id, action in entries] == [
        (item["id"], "saved") for item in batch["episodes"]
    ]


@pytest.mark.django_db(transaction=True)
def test_one_transaction_announces_once_per_person(athlete, other_athlete, announcements):
    with transaction.atomic():
        for _ in range(3):
            KINDS[2].factory(user=athlete)
        KINDS[0].factory(user=other_athlete)
        KINDS[1].factory(user=athlete)

    assert sorted((user_id, len(entries)) for user_id, entries in announcements) == [
        (athlete.pk, 4),
        (other_athlete.pk, 1),
    ]


@pytest.mark.django_db(transaction=True)
def test_after_a_rolled_back_savepoint_the_next_save_is_still_announced(athlete, announcements):
    with transaction.atomic():
        try:
            with transaction.atomic():
                KINDS[2].factory(user=athlete)
                raise RuntimeError("this savepoint rolls back")
        except RuntimeError:
            pass
        kept = KINDS[2].factory(user=athlete)

    [(_, entries)] = announcements
    assert [entry_id for _, entry_id, _ in entries] == [kept.pk]


@pytest.mark.django_db(transaction=True)
def test_a_deleted_accounts_entries_are_not_announced(athlete, other_athlete, announcements):
    for kind in KINDS:
        kind.factory(user=athlete)
    KINDS[2].factory(user=other_athlete)
    announcements.clear()

    with transaction.atomic():
        athlete.delete()  # its entries go with it, announcing their deletion
        KINDS[2].factory(user=other_athlete)

    assert [user_id for user_id, _ in announcements] == [other_athlete.pk]
