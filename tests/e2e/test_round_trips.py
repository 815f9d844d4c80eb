"""What a person enters is what is stored, in real Chromium at a phone's size.

For each of the four kinds: a new entry with every field set is stored
exactly as entered; an old entry's edit page shows its own values, and saving
it unchanged changes nothing; an edit that changes one field changes only
that field. The athlete lives in Oslo while the phone's clock says New York,
so a time read on the wrong clock shows up as hours off.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.forms.models import model_to_dict
from playwright.sync_api import expect

from logbook.kinds import BY_SLUG
from tests import factories
from tests.e2e.conftest import log_in
from tests.e2e.forms import ZONE, fill_in, local_minute, new_entries, stored_values
from tests.factories import PASSWORD, UserFactory
from tests.old_entries import OLD_ENTRIES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
TODAY_URL = re.compile(r"^https?://[^/]+/$")


@pytest.fixture
def athlete():
    user = UserFactory(username="round-trip")
    user.profile.timezone = str(ZONE)
    user.profile.save()
    return user


@pytest.fixture
def page(new_context, live_server, athlete):
    context = new_context(viewport=PHONE, timezone_id="America/New_York", service_workers="block")
    page = context.new_page()
    log_in(page, athlete.username, PASSWORD)
    return page


def stored(entry) -> dict:
    entry.refresh_from_db()
    return {**model_to_dict(entry), "updated_at": entry.updated_at}


@pytest.mark.parametrize("slug", ["episode", "workout", "hydration", "checkin"])
def test_a_new_entry_with_every_field_set_is_stored_as_entered(page, athlete, slug, browser_log):
    fields = new_entries()[slug]
    model = BY_SLUG[slug].model
    page.goto(f"/log/{slug}/")
    form = page.locator("form.entry-form")
    client_id = form.locator("input[name=id]").input_value()

    fill_in(form, fields)
    form.get_by_role("button", name="Save").click()

    expect(page, f"the form was not saved{browser_log}").to_have_url(TODAY_URL)
    entry = model.objects.get(user=athlete)
    assert str(entry.pk) == client_id
    assert stored_values(entry, fields) == {field.name: field.stored for field in fields}
    assert browser_log.page_errors == []


def old_entries(user):
    return {slug: make(user) for slug, make in OLD_ENTRIES.items()}


SHOWN = {
    # What each old entry's edit page shows: Oslo's clock, summer and winter time.
    "episode": {
        "kind": "twitch",
        "body_region": "eyelid",
        "side": "right",
        "duration_s_min": "20",
        "duration_s_s": "34",
        "pain": "0",
        "timing": "unrelated",
        "weakness": True,
        "sensation_change": True,
        "muscle_loss": False,
        "started_at": "2026-10-03T23:40",
        "count": "40",
        "relief": ["massage", "heat"],
        "notes": "Left eye, in bed.\nStopped after a while.",
    },
    "workout": {
        "kind": "swim",
        "duration_min": "95",
        "rpe": "3",
        "warmed_up": False,
        "stretched_after": True,
        "hot_conditions": True,
        "started_at": "2026-09-14T08:05",
        "distance_km": "2.35",
        "avg_hr": "128",
        "max_hr": "161",
        "notes": "Open water.\nCold.",
    },
    "hydration": {
        "volume_ml": "330",
        "drink": "electrolyte",
        "taken_at": "2026-11-02T00:59",
        "notes": "After the long run",
    },
    "checkin": {
        "date": "2026-08-30",
        "sleep_hours": "5.5",
        "stress": "8",
        "caffeine_mg": "420",
        "ill": True,
        "new_medication": True,
        "notes": "Exams.\nSlept badly.",
    },
}

READ_FORM = """(form) => {
    const shown = {};
    for (const field of form.elements) {
        if (!field.name || field.type === "hidden") continue;
        if (field.name === "relief") { if (field.checked) (shown.relief ||= []).push(field.value); }
        else if (field.type === "radio") { if (field.checked) shown[field.name] = field.value; }
        else if (field.type === "checkbox") shown[field.name] = field.checked;
        else if (field.tagName !== "BUTTON") shown[field.name] = field.value;
    }
    return shown;
}"""


@pytest.mark.parametrize("slug", ["episode", "workout", "hydration", "checkin"])
def test_an_old_entry_is_shown_as_stored_and_an_unchanged_save_changes_nothing(page, athlete, slug):
    # What was logged since would be a new entry's "last used" values.
    factories.EpisodeFactory(user=athlete, kind="cramp", body_region="calf", pain=5)
    factories.WorkoutFactory(user=athlete, kind="run", rpe=6)
    entry = old_entries(athlete)[slug]
    before = stored(entry)

    page.goto(f"/log/{slug}/{entry.pk}/")
    form = page.locator("form.entry-form")
    shown = form.evaluate(READ_FORM)
    form.get_by_role("button", name="Save").click()

    expect(page).to_have_url(TODAY_URL)
    expect(page.locator(".messages")).to_contain_text("Nothing changed")
    expected = SHOWN[slug]
    assert {name: shown.get(name) for name in expected} == expected
    assert stored(entry) == before


@pytest.mark.parametrize(
    ("slug", "name", "how", "value", "stored_value"),
    [
        ("episode", "pain", "chip", "6", 6),
        ("episode", "duration_s", "duration", ("15", "0"), 900),
        ("workout", "rpe", "chip", "7", 7),
        ("hydration", "drink", "chip", "water", "water"),
        ("checkin", "ill", "toggle", False, False),
    ],
)
def test_an_edit_of_one_field_changes_only_that_field(
    page, athlete, slug, name, how, value, stored_value
):
    entry = old_entries(athlete)[slug]
    before = stored(entry)

    page.goto(f"/log/{slug}/{entry.pk}/")
    form = page.locator("form.entry-form")
    if how == "chip":
        form.locator(f"input[name={name}][value='{value}']").check()
    elif how == "toggle":
        form.locator(f"input[name={name}]").set_checked(value)
    else:
        form.locator(f"[name={name}_min]").fill(value[0])
        form.locator(f"[name={name}_s]").fill(value[1])
    form.get_by_role("button", name="Save").click()

    expect(page).to_have_url(TODAY_URL)
    after = stored(entry)
    assert after.pop(name) == stored_value
    assert after.pop("updated_at") > before.pop("updated_at")
    before.pop(name)
    assert after == before


def test_the_time_shown_on_an_edit_is_the_athletes_own(page, athlete):
    taken = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=5)
    drink = factories.HydrationFactory(user=athlete, taken_at=taken)

    page.goto(f"/log/hydration/{drink.pk}/")

    expect(page.locator("input[name=taken_at]")).to_have_value(local_minute(taken))
