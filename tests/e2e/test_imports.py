"""Importing, as a new athlete does it in Chromium: a Strong export and a Garmin FIT
file uploaded together from the import page, each file's summary read, the load
page showing figures the same day, and the same files again changing nothing."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from logbook.models import ImportJob, Workout
from tests import factories
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DATA = Path(__file__).parent.parent / "data" / "imports"
STRONG = DATA / "strong" / "strong-statistics_2025-10_comma.csv"
FIT = DATA / "fit" / "fitparse_activity-small-fenix2-run.fit"
BAD = DATA / "gpx" / "gpxpy_Mojstrovka.gpx"


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.IMPORT_DIR = tmp_path / "imports"


@pytest.fixture
def newcomer(transactional_db):
    user = factories.UserFactory(username="newcomer")
    user.set_password("a-long-new-password-1")
    user.save()
    user.profile.timezone = "Europe/Oslo"
    user.profile.save()
    return user


def upload(page, *files: Path) -> None:
    page.goto("/import/")
    page.set_input_files("#id_files", [str(path) for path in files])
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Import", exact=True)).to_be_visible()
    expect(page.get_by_text("Sessions found").first).to_be_visible()


def figure(section, name: str) -> str:
    return section.locator(f"dt:text-is('{name}') + dd").inner_text()


def test_a_strong_export_and_a_fit_file_import_once(new_context, newcomer, screenshots_dir):
    page = new_context(service_workers="block").new_page()
    log_in(page, "newcomer", "a-long-new-password-1")
    page.goto("/settings/")
    page.get_by_role("link", name="Import workouts").click()
    expect(page).to_have_url(re.compile(r"/import/$"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshots_dir / "import-form-390.png", full_page=True)

    upload(page, STRONG, FIT)

    strong = page.locator("section.import-file").filter(has_text=STRONG.name)
    fit = page.locator("section.import-file").filter(has_text=FIT.name)
    assert (figure(strong, "Sessions found"), figure(strong, "Imported")) == ("15", "15")
    assert (figure(fit, "Imported"), figure(fit, "RPE estimated")) == ("1", "1")
    expect(fit.get_by_text("timer time")).to_be_visible()
    assert Workout.objects.filter(user=newcomer).count() == 16
    for width, height, name in ((390, 844, "import-390"), (320, 700, "import-320")):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=screenshots_dir / f"{name}.png", full_page=True)
    stored = list(Workout.objects.filter(user=newcomer).values_list("pk", "updated_at"))

    upload(page, STRONG, FIT)

    strong = page.locator("section.import-file").filter(has_text=STRONG.name)
    assert (figure(strong, "Imported"), figure(strong, "Imported before")) == ("0", "15")
    assert list(Workout.objects.filter(user=newcomer).values_list("pk", "updated_at")) == stored
    assert ImportJob.objects.filter(user=newcomer).count() == 2

    page.get_by_role("link", name="Your workouts").click()
    expect(page.get_by_text("(estimated)").first).to_be_visible()
    expect(page.get_by_text("from Strong").first).to_be_visible()


def test_a_bad_file_says_where_and_the_edit_form_clears_the_estimate(new_context, newcomer):
    page = new_context(service_workers="block").new_page()
    log_in(page, "newcomer", "a-long-new-password-1")

    upload(page, BAD, FIT)

    bad = page.locator("section.import-file").filter(has_text=BAD.name)
    expect(bad.get_by_text("Nothing from this file was saved")).to_be_visible()
    assert Workout.objects.filter(user=newcomer).count() == 1

    workout = Workout.objects.get(user=newcomer)
    page.goto(f"/log/workout/{workout.pk}/")
    expect(page.get_by_text("This RPE is an estimate")).to_be_visible()
    page.get_by_role("radio", name="7").check()
    page.get_by_role("button", name="Save").click()
    expect(page).not_to_have_url(re.compile(f"/log/workout/{workout.pk}/$"))
    workout.refresh_from_db()
    assert (workout.rpe, workout.rpe_estimated) == (7, False)
