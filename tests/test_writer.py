"""logbook.writer: the one write path. For an entry's id it decides created,
unchanged, updated, not yours or invalid, for forms, the API and sync alike."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from logbook import writer
from logbook.kinds import BY_SLUG
from logbook.models import TwitchEpisode
from logbook.writer import Checked, NotYours, Status
from tests import factories

pytestmark = pytest.mark.django_db

EPISODE = BY_SLUG["episode"]


def values(**overrides):
    return {
        "started_at": timezone.now() - timedelta(hours=1),
        "duration_s": 60,
        "kind": "cramp",
        "body_region": "calf",
        "side": "left",
        "pain": 4,
        "timing": "right_after",
        **overrides,
    }


def accepting(**overrides):
    """A check that accepts these values, as a form or serializer would."""
    given = values(**overrides)
    return lambda stored: Checked(dict(given))


def refusing(stored):
    return Checked(errors={"pain": ["Must be at most 10."]})


def test_a_free_id_is_created_for_its_owner(athlete):
    entry_id = uuid.uuid4()

    outcome = writer.save(TwitchEpisode, athlete, entry_id, accepting(), may_change=False)

    assert outcome.status == Status.CREATED
    stored = TwitchEpisode.objects.get(pk=entry_id)
    assert (stored.user, stored.pain, stored.duration_s) == (athlete, 4, 60)


def test_a_repeated_create_keeps_what_is_stored(athlete):
    entry_id = uuid.uuid4()
    writer.save(TwitchEpisode, athlete, entry_id, accepting(pain=4), may_change=False)

    outcome = writer.save(TwitchEpisode, athlete, entry_id, accepting(pain=9), may_change=False)

    assert outcome.status == Status.UNCHANGED
    assert TwitchEpisode.objects.get().pain == 4


def test_a_change_that_changes_no_value_writes_nothing(athlete):
    entry = factories.EpisodeFactory(user=athlete, **values())
    before = entry.updated_at
    same = values(started_at=entry.started_at)

    outcome = writer.save(
        TwitchEpisode, athlete, entry.pk, lambda stored: Checked(same), may_change=True
    )

    entry.refresh_from_db()
    assert outcome.status == Status.UNCHANGED
    assert entry.updated_at == before


def test_a_change_writes_only_the_fields_that_changed(athlete):
    entry = factories.EpisodeFactory(user=athlete, **values(), notes="as logged")
    # Meanwhile another writer changes the notes in the database.
    TwitchEpisode.objects.filter(pk=entry.pk).update(notes="changed elsewhere")

    outcome = writer.save(
        TwitchEpisode,
        athlete,
        entry.pk,
        lambda stored: Checked(values(started_at=entry.started_at, pain=8, notes="as logged")),
        may_change=True,
        stored=entry,
    )

    entry.refresh_from_db()
    assert outcome.status == Status.UPDATED
    assert entry.pain == 8
    assert entry.notes == "changed elsewhere"  # not part of the change: not written


def test_another_persons_id_is_not_yours_and_their_entry_stays(athlete, other_athlete):
    theirs = factories.EpisodeFactory(user=other_athlete, pain=1)

    for may_change in (False, True):
        with pytest.raises(NotYours):
            writer.save(TwitchEpisode, athlete, theirs.pk, accepting(pain=9), may_change=may_change)

    theirs.refresh_from_db()
    assert (theirs.user, theirs.pain) == (other_athlete, 1)


def test_refused_data_is_invalid_and_writes_nothing(athlete):
    entry = factories.EpisodeFactory(user=athlete, pain=2)

    created = writer.save(TwitchEpisode, athlete, uuid.uuid4(), refusing, may_change=False)
    updated = writer.save(TwitchEpisode, athlete, entry.pk, refusing, may_change=True)

    assert created.status == updated.status == Status.INVALID
    assert created.errors == {"pain": ["Must be at most 10."]}
    assert TwitchEpisode.objects.count() == 1
    entry.refresh_from_db()
    assert entry.pain == 2


def test_a_batch_decides_each_item_on_its_own(athlete, other_athlete):
    mine = factories.EpisodeFactory(user=athlete, **values())
    same = factories.EpisodeFactory(user=athlete, **values())
    theirs = factories.EpisodeFactory(user=other_athlete)
    new_id = uuid.uuid4()

    outcomes = writer.save_batch(
        TwitchEpisode,
        athlete,
        [
            (new_id, accepting()),
            (mine.pk, accepting(started_at=mine.started_at, pain=9)),
            (same.pk, accepting(started_at=same.started_at)),
            (theirs.pk, accepting()),
            (uuid.uuid4(), refusing),
            (new_id, accepting(pain=7)),  # the same id again: it edits the first
        ],
    )

    assert [o.status for o in outcomes] == [
        Status.CREATED,
        Status.UPDATED,
        Status.UNCHANGED,
        Status.INVALID,
        Status.INVALID,
        Status.UPDATED,
    ]
    assert outcomes[3].errors == {"id": [writer.NOT_YOURS]}
    assert TwitchEpisode.objects.get(pk=new_id).pain == 7
    assert TwitchEpisode.objects.get(pk=mine.pk).pain == 9
    assert TwitchEpisode.objects.filter(user=athlete).count() == 3


@pytest.mark.parametrize("path", ["form", "api", "sync"])
def test_the_one_check_in_a_day_rule_says_the_same_everywhere(client, api, athlete, path):
    day = timezone.localdate()
    factories.CheckinFactory(user=athlete, date=day)
    body = {"id": str(uuid.uuid4()), "date": day.isoformat()}

    if path == "form":
        client.force_login(athlete)
        errors = client.post("/log/checkin/", body).context["form"].errors
    elif path == "api":
        errors = api.post("/api/v1/checkins/", body, format="json").json()
    else:
        response = api.post("/api/v1/sync/", {"checkins": [body]}, format="json")
        errors = response.json()["results"][0]["errors"]

    assert errors == {"date": ["You already have a check-in for this date."]}
