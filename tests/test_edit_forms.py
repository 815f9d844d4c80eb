"""Editing an entry: the form shows the entry's own values, an unchanged save
changes nothing, and a change to one field changes only that field.

Each form is read from the rendered page and sent back as a browser would
(tests/browser_form.py), so these tests see what a person sees.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.forms.models import model_to_dict

from logbook.models import DailyCheckin, HydrationEntry, TwitchEpisode, Workout
from tests import factories
from tests.browser_form import form_data
from tests.old_entries import OLD_ENTRIES, an_old_checkin, an_old_episode

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def at_a_fixed_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def logged_in(client, athlete):
    athlete.profile.timezone = "America/New_York"
    athlete.profile.save()
    client.force_login(athlete)
    return client


# One field each, and a new value for it, as a person would enter it on the form.
ONE_CHANGE = {
    "episode": ("pain", "6", 6),
    "workout": ("rpe", "7", 7),
    "hydration": ("volume_ml", "500", 500),
    "checkin": ("stress", "2", 2),
}


def stored(entry) -> dict:
    entry.refresh_from_db()
    values = model_to_dict(entry)
    values["updated_at"] = entry.updated_at
    return values


@pytest.mark.parametrize("slug", list(OLD_ENTRIES))
def test_an_edit_page_shows_the_entrys_own_values(logged_in, athlete, slug):
    entry = OLD_ENTRIES[slug](athlete)
    # Something logged since would be the "last used" values of a new entry.
    factories.EpisodeFactory(user=athlete, kind="cramp", body_region="calf", side="left", pain=5)
    factories.WorkoutFactory(user=athlete, kind="run", rpe=6)

    page = logged_in.get(f"/log/{slug}/{entry.pk}/")

    shown = form_data(page.content.decode())
    expected = {
        "episode": {
            "kind": "twitch",
            "body_region": "eyelid",
            "side": "right",
            "duration_s_min": "20",
            "duration_s_s": "34",
            "pain": "0",
            "timing": "unrelated",
            "weakness": "on",
            "sensation_change": "on",
            "started_at": "2026-10-03T17:40",  # New York, summer time
            "count": "40",
            "relief": ["massage", "heat"],
            "notes": "Left eye, in bed.\r\nStopped after a while.",
        },
        "workout": {
            "kind": "swim",
            "duration_min": "95",
            "rpe": "3",
            "stretched_after": "on",
            "hot_conditions": "on",
            "started_at": "2026-09-14T02:05",
            "distance_km": "2.35",
            "avg_hr": "128",
            "max_hr": "161",
            "notes": "Open water.\r\nCold.",
        },
        "hydration": {
            "volume_ml": "330",
            "drink": "electrolyte",
            "taken_at": "2026-11-01T18:59",
            "notes": "After the long run",
        },
        "checkin": {
            "date": "2026-08-30",
            "sleep_hours": "5.5",
            "stress": "8",
            "caffeine_mg": "420",
            "ill": "on",
            "new_medication": "on",
            "notes": "Exams.\r\nSlept badly.",
        },
    }[slug]
    shown.pop("csrfmiddlewaretoken")
    assert shown == expected


@pytest.mark.parametrize("slug", list(OLD_ENTRIES))
def test_saving_an_edit_unchanged_changes_nothing(logged_in, athlete, slug):
    entry = OLD_ENTRIES[slug](athlete)
    before = stored(entry)
    url = f"/log/{slug}/{entry.pk}/"

    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        response = logged_in.post(url, form_data(logged_in.get(url).content.decode()))

    assert response.status_code == 302, response.context and response.context["form"].errors
    assert stored(entry) == before  # updated_at included: nothing was written
    assert type(entry).objects.count() == 1


@pytest.mark.parametrize("slug", list(OLD_ENTRIES))
def test_an_edit_that_changes_one_field_changes_only_that_field(logged_in, athlete, slug):
    entry = OLD_ENTRIES[slug](athlete)
    before = stored(entry)
    name, entered, value = ONE_CHANGE[slug]
    url = f"/log/{slug}/{entry.pk}/"
    body = {**form_data(logged_in.get(url).content.decode()), name: entered}

    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        response = logged_in.post(url, body)

    assert response.status_code == 302, response.context and response.context["form"].errors
    after = stored(entry)
    assert after.pop(name) == value
    assert after.pop("updated_at") == NOW + timedelta(hours=1)
    before.pop(name), before.pop("updated_at")
    assert after == before


def test_moving_an_episode_by_a_minute_keeps_it_to_the_minute(logged_in, athlete):
    entry = an_old_episode(athlete)
    url = f"/log/episode/{entry.pk}/"
    body = {**form_data(logged_in.get(url).content.decode()), "started_at": "2026-10-03T17:41"}

    logged_in.post(url, body)

    entry.refresh_from_db()
    assert entry.started_at == datetime(2026, 10, 3, 21, 41, tzinfo=UTC)


def test_the_edit_form_offers_no_new_entry_defaults(logged_in, athlete):
    entry = an_old_episode(athlete)
    factories.WorkoutFactory(user=athlete, started_at=NOW - timedelta(minutes=50))

    form = logged_in.get(f"/log/episode/{entry.pk}/").context["form"]

    assert form.initial["timing"] == "unrelated"  # not "right after" the recent workout
    assert form.initial["started_at"] == entry.started_at


def test_an_edited_check_in_may_keep_its_own_date(logged_in, athlete):
    checkin = an_old_checkin(athlete)
    url = f"/log/checkin/{checkin.pk}/"
    body = {**form_data(logged_in.get(url).content.decode()), "sleep_hours": "8"}

    response = logged_in.post(url, body)

    assert response.status_code == 302
    assert DailyCheckin.objects.get().sleep_hours == 8


def test_an_edit_cannot_move_a_check_in_onto_another_days(logged_in, athlete):
    checkin = an_old_checkin(athlete)
    factories.CheckinFactory(user=athlete, date=datetime(2026, 8, 31).date())
    url = f"/log/checkin/{checkin.pk}/"
    body = {**form_data(logged_in.get(url).content.decode()), "date": "2026-08-31"}

    response = logged_in.post(url, body)

    assert response.status_code == 422
    assert response.context["form"].errors == {
        "date": ["You already have a check-in for this date."]
    }
    checkin.refresh_from_db()
    assert str(checkin.date) == "2026-08-30"


@pytest.mark.parametrize(
    ("model", "factory"),
    [
        (TwitchEpisode, factories.EpisodeFactory),
        (Workout, factories.WorkoutFactory),
        (HydrationEntry, factories.HydrationFactory),
    ],
)
def test_someone_elses_entry_cannot_be_opened_or_saved(logged_in, other_athlete, model, factory):
    entry = factory(user=other_athlete)
    slug = {TwitchEpisode: "episode", Workout: "workout", HydrationEntry: "hydration"}[model]
    before = model_to_dict(entry)

    assert logged_in.get(f"/log/{slug}/{entry.pk}/").status_code == 404
    assert logged_in.post(f"/log/{slug}/{entry.pk}/", {"notes": "mine now"}).status_code == 404
    entry.refresh_from_db()
    assert model_to_dict(entry) == before
