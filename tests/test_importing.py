"""Importing workout files into the log (logbook/importing.py), from the real export
files in tests/data/imports: what is stored, nothing twice, no doubles with what was
logged by hand, one transaction per file, and the time zone of naive times."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum

from logbook import importing
from logbook.models import Workout, WorkoutSource
from tests.factories import WorkoutFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "imports"
STRONG = DATA / "strong" / "strongappanalytics_strong.csv"
STRONG_SEPTEMBER = DATA / "strong" / "strong-statistics_2025-09_semicolon.csv"
STRONG_OCTOBER = DATA / "strong" / "strong-statistics_2025-10_comma.csv"
HEVY = DATA / "hevy" / "strong-statistics_sample_hevy_15sessions.csv"
HEVY_NO_RPE = DATA / "hevy" / "hevy-coach_workout_data.csv"
FENIX2 = DATA / "fit" / "fitparse_activity-small-fenix2-run.fit"
TRIATHLON = DATA / "fit" / "fitparse_sample_mulitple_header.fit"
TCX = DATA / "tcx" / "python-tcxparser_test.tcx"
MOJSTROVKA = DATA / "gpx" / "gpxpy_Mojstrovka.gpx"


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.IMPORT_DIR = tmp_path / "imports"


def in_zone(athlete, zone: str):
    athlete.profile.timezone = zone
    athlete.profile.save()
    athlete.refresh_from_db()
    return athlete


def run(athlete, path: Path, **options) -> importing.FileReport:
    return importing.import_file(athlete, path, path.name, **options)


# --- What is stored ----------------------------------------------------------------


def test_a_strong_export_stores_every_session_but_the_ones_left_running(athlete):
    report = run(athlete, STRONG)

    assert report.error == ""
    assert (report.format, report.found, report.imported) == ("strong", 84, 84)
    assert len(report.left_out) == 2
    assert any("83h 31m" in line for line in report.left_out)
    assert any("42h 13m" in line for line in report.left_out)
    workouts = Workout.objects.filter(user=athlete)
    assert workouts.count() == 84
    # 17,254 minutes in the file's 86 sessions, less the two timers left running.
    assert workouts.aggregate(total=Sum("duration_min"))["total"] == 9_710
    assert set(workouts.values_list("source", "kind")) == {(WorkoutSource.STRONG, "strength")}


def test_naive_times_are_read_on_the_athletes_own_clock(athlete):
    in_zone(athlete, "Europe/Berlin")
    run(athlete, STRONG)

    first = Workout.objects.filter(user=athlete).order_by("started_at").first()
    # 2020-12-30 18:51:52 in Berlin (winter time, UTC+1).
    assert first.started_at == datetime(2020, 12, 30, 17, 51, 52, tzinfo=UTC)
    assert first.duration_min == 2 * 60 + 38
    assert first.notes == "Evening Workout (from Strong)"


def test_the_same_file_in_another_zone_lands_at_other_instants(athlete, other_athlete):
    in_zone(athlete, "Europe/Oslo")
    in_zone(other_athlete, "America/New_York")
    run(athlete, STRONG_OCTOBER)
    run(other_athlete, STRONG_OCTOBER)

    oslo = Workout.objects.filter(user=athlete).order_by("started_at").first().started_at
    new_york = Workout.objects.filter(user=other_athlete).order_by("started_at").first()
    assert new_york.started_at - oslo == timedelta(hours=6)


def test_a_device_file_keeps_its_own_utc_start_whatever_the_athletes_zone(athlete):
    in_zone(athlete, "Asia/Tokyo")
    report = run(athlete, FENIX2)

    assert (report.format, report.imported, report.duration_basis) == ("fit", 1, "timer")
    run_ = Workout.objects.get(user=athlete)
    assert run_.started_at == datetime(2015, 8, 15, 14, 45, 8, tzinfo=UTC)
    assert run_.kind == "run"
    assert run_.duration_min == 47  # 2,832 s of timer time
    assert run_.distance_km == pytest.approx(9.008, abs=0.001)
    # The session has no heart rate; the records' is used.
    assert (run_.avg_hr, run_.max_hr) == (154, 178)


def test_a_triathlon_is_one_workout_per_sport_without_the_transitions(athlete):
    report = run(athlete, TRIATHLON)

    kinds = list(Workout.objects.filter(user=athlete).order_by("started_at").values_list("kind"))
    assert kinds == [("swim",), ("cycle",), ("run",)]
    assert report.imported == 3
    assert len(report.left_out) == 2


def test_rpe_in_the_file_is_the_mean_of_its_sets_and_not_an_estimate(athlete):
    run(athlete, HEVY)

    session = Workout.objects.get(user=athlete, notes__startswith="Arms 1 + Weakpoint")
    assert session.rpe == 8  # 8.400
    assert not session.rpe_estimated
    assert session.duration_min == 49
    assert not Workout.objects.filter(user=athlete, rpe_estimated=True).exists()


def test_without_rpe_or_heart_rate_a_session_gets_5_marked_as_estimated(athlete):
    report = run(athlete, HEVY_NO_RPE)

    workouts = Workout.objects.filter(user=athlete)
    assert report.imported == workouts.count() == 17
    assert report.estimated == 17
    assert set(workouts.values_list("rpe", "rpe_estimated")) == {(5, True)}
    assert sorted(workouts.values_list("duration_min", flat=True)) == sorted(
        [62, 62, 76, 67, 75, 93, 75, 63, 60, 69, 79, 83, 57, 74, 61, 53, 55]
    )


def test_with_heart_rate_the_rpe_is_estimated_from_the_profiles_maximum(athlete):
    athlete.profile.max_hr = 250  # 154 beats a minute on average: 62 % of it
    athlete.profile.save()
    athlete.refresh_from_db()

    report = run(athlete, FENIX2)

    workout = Workout.objects.get(user=athlete)
    assert (report.estimated, workout.rpe, workout.rpe_estimated) == (1, 2, True)


def test_without_a_maximum_it_is_estimated_from_the_birth_year(athlete):
    # 69 in 2015: 208 - 0.7 x 69 = 160 beats a minute, and 154 is 96 % of it.
    athlete.profile.birth_year = 1946
    athlete.profile.save()
    athlete.refresh_from_db()

    run(athlete, FENIX2)

    workout = Workout.objects.get(user=athlete)
    assert (workout.rpe, workout.rpe_estimated) == (9, True)


# --- Nothing twice -----------------------------------------------------------------


def test_importing_the_same_file_again_creates_and_changes_nothing(athlete):
    run(athlete, STRONG)
    before = list(Workout.objects.filter(user=athlete).values_list("pk", "updated_at"))

    again = run(athlete, STRONG)

    assert (again.found, again.imported, again.already) == (84, 0, 84)
    assert list(Workout.objects.filter(user=athlete).values_list("pk", "updated_at")) == before


def test_a_newer_export_of_the_same_history_adds_only_the_new_sessions(athlete):
    """Strong's October export cuts minutes and renumbers sets: sessions are keyed on
    their date and name, never on the rows."""
    first = run(athlete, STRONG_SEPTEMBER)
    later = run(athlete, STRONG_OCTOBER)

    assert first.imported == 10
    assert (later.found, later.already, later.imported) == (15, 10, 5)
    assert Workout.objects.filter(user=athlete).count() == 15


def test_two_athletes_may_import_the_same_file(athlete, other_athlete):
    run(athlete, HEVY)
    report = run(other_athlete, HEVY)

    assert report.imported == 15
    assert Workout.objects.filter(user=other_athlete).count() == 15


def test_a_session_already_logged_by_hand_is_reported_and_not_imported(athlete):
    WorkoutFactory(
        user=athlete,
        started_at=datetime(2015, 8, 15, 14, 48, tzinfo=UTC),  # 3 minutes later
        duration_min=45,  # and about as long as the file's 47
        kind="run",
        rpe=6,
    )

    report = run(athlete, FENIX2)

    assert (report.imported, len(report.duplicates)) == (0, 1)
    assert "looks like the workout already logged" in report.duplicates[0]
    assert Workout.objects.filter(user=athlete).count() == 1


def test_a_likely_duplicate_is_imported_when_asked(athlete):
    start = datetime(2015, 8, 15, 14, 48, tzinfo=UTC)
    WorkoutFactory(user=athlete, started_at=start, duration_min=45)

    report = run(athlete, FENIX2, include_duplicates=True)

    assert (report.imported, report.duplicates_included, report.duplicates) == (1, 1, [])
    assert Workout.objects.filter(user=athlete).count() == 2


@pytest.mark.parametrize(
    ("minutes_later", "minutes_long"),
    [(6, 47), (-6, 47), (0, 20), (0, 80)],
    ids=["starts-6-min-later", "starts-6-min-earlier", "much-shorter", "much-longer"],
)
def test_a_workout_at_another_time_or_of_another_length_is_no_duplicate(
    athlete, minutes_later, minutes_long
):
    start = datetime(2015, 8, 15, 14, 45, 8, tzinfo=UTC) + timedelta(minutes=minutes_later)
    WorkoutFactory(user=athlete, started_at=start, duration_min=minutes_long)

    report = run(athlete, FENIX2)

    assert (report.imported, report.duplicates) == (1, [])


# --- Bad files save nothing --------------------------------------------------------


def broken_copy(tmp_path, source: Path, line: int, bad: str) -> Path:
    """The file with its line `line` (1-based) replaced by `bad`."""
    lines = source.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = bad
    copy = tmp_path / source.name
    copy.write_text("\n".join(lines), encoding="utf-8")
    return copy


def test_a_bad_row_late_in_a_file_saves_nothing_of_it_and_names_line_and_field(athlete, tmp_path):
    lines = STRONG.read_text(encoding="utf-8").splitlines()
    last = lines[-1].split(",")
    last[0] = '"2021-09-31 18:21:27"'  # September has 30 days
    broken = broken_copy(tmp_path, STRONG, len(lines), ",".join(last))

    report = run(athlete, broken)

    assert report.imported == 0
    assert report.error.startswith(f"{broken.name}, line {len(lines)}")
    assert '"Date"' in report.error
    assert not Workout.objects.filter(user=athlete).exists()


def test_an_empty_file_is_refused(athlete, tmp_path):
    empty = tmp_path / "strong.csv"
    empty.write_bytes(b"")

    report = run(athlete, empty)

    assert "strong.csv" in report.error
    assert "empty" in report.error
    assert not Workout.objects.filter(user=athlete).exists()


def test_a_file_that_is_not_what_its_name_says_is_refused(athlete, tmp_path):
    fake = tmp_path / "morning-run.fit"
    fake.write_bytes(STRONG.read_bytes())

    report = run(athlete, fake)

    assert report.error.startswith("morning-run.fit")
    assert not Workout.objects.filter(user=athlete).exists()


def test_a_file_over_the_size_limit_is_refused(athlete, settings):
    settings.IMPORT_MAX_BYTES = 10_000

    report = run(athlete, STRONG)

    assert report.error.startswith(STRONG.name)
    assert not Workout.objects.filter(user=athlete).exists()


def test_a_file_of_impossible_dates_is_refused(athlete):
    report = run(athlete, MOJSTROVKA)

    assert report.error.startswith(MOJSTROVKA.name)
    assert not Workout.objects.filter(user=athlete).exists()


def test_a_readers_own_bug_is_a_file_error_and_saves_nothing(athlete, monkeypatch):
    from logbook.importers import strong

    def broken(*args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(strong, "parse", broken)
    report = run(athlete, STRONG)

    assert report.error == (
        f"{STRONG.name}: twitchlog could not read this file, and saved nothing of it."
    )
    assert not Workout.objects.filter(user=athlete).exists()


# --- The estimate belongs to the importer until the athlete sets it ------------------


def test_setting_the_rpe_on_the_edit_form_clears_the_estimate(athlete, client):
    run(athlete, HEVY_NO_RPE)
    workout = Workout.objects.filter(user=athlete).first()
    client.force_login(athlete)
    page = client.get(f"/log/workout/{workout.pk}/")
    assert b"This RPE is an estimate" in page.content

    from tests.browser_form import form_data

    data = {**form_data(page.content.decode()), "rpe": "7"}
    assert client.post(f"/log/workout/{workout.pk}/", data).status_code in (200, 302)

    workout.refresh_from_db()
    assert (workout.rpe, workout.rpe_estimated) == (7, False)


def test_an_unchanged_save_keeps_the_estimate_and_unticking_confirms_it(athlete, client):
    from tests.browser_form import form_data

    run(athlete, HEVY_NO_RPE)
    workout = Workout.objects.filter(user=athlete).first()
    client.force_login(athlete)
    url = f"/log/workout/{workout.pk}/"
    data = form_data(client.get(url).content.decode())

    client.post(url, data)
    workout.refresh_from_db()
    assert (workout.rpe, workout.rpe_estimated) == (5, True)

    data.pop("rpe_estimated")  # the toggle unticked: 5 was right
    client.post(url, data)
    workout.refresh_from_db()
    assert (workout.rpe, workout.rpe_estimated) == (5, False)


def test_a_new_workout_form_has_no_estimate_toggle(athlete, client):
    client.force_login(athlete)
    assert b"rpe_estimated" not in client.get("/log/workout/").content


def test_the_api_clears_the_estimate_when_the_rpe_changes(athlete, api):
    run(athlete, HEVY_NO_RPE)
    workout = Workout.objects.filter(user=athlete).first()

    answer = api.patch(f"/api/v1/workouts/{workout.pk}/", {"rpe": 6}, format="json")

    assert answer.status_code == 200
    assert (answer.json()["rpe"], answer.json()["rpe_estimated"]) == (6, False)
    assert answer.json()["source"] == "hevy"


def test_the_api_cannot_change_where_a_workout_came_from(athlete, api):
    run(athlete, HEVY_NO_RPE)
    workout = Workout.objects.filter(user=athlete).first()

    api.patch(f"/api/v1/workouts/{workout.pk}/", {"source": "logged"}, format="json")

    workout.refresh_from_db()
    assert workout.source == "hevy"


def test_history_marks_estimated_rpe_and_the_source(athlete, client):
    run(athlete, HEVY_NO_RPE)
    client.force_login(athlete)

    page = client.get("/history/?type=workout").content.decode()

    assert "RPE 5 (estimated)" in page
    assert "from Hevy" in page


def test_an_imported_month_of_training_gives_load_figures_the_same_day(athlete, tmp_path):
    """The point of importing: a new athlete's load flags need 28 days of history."""
    from triage.load import load_report

    in_zone(athlete, "Europe/Oslo")
    today = datetime.now(ZoneInfo("Europe/Oslo")).date()
    rows = ["Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,RPE"]
    for days_ago in range(40, 0, -2):
        day = today - timedelta(days=days_ago)
        rows.append(f'"{day} 18:00:00","Legs","1h 5m","Squat","1","100","5","","","8"')
    export = tmp_path / "strong.csv"
    export.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert load_report(athlete, 28)["history_days"] == 0

    report = run(athlete, export)

    assert report.imported == 20
    after = load_report(athlete, 28)
    assert after["history_days"] >= 28
    assert after["today"]["acwr"] is not None
    assert after["days"][-3]["load"] == 8 * 65  # two days ago
