"""Where people import from: the import page, POST /api/v1/imports/ with its status
URL, the import_workouts command, and a large upload handed to a real Celery worker."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from logbook.models import ImportJob, Workout
from tests.test_celery_worker import wait_for, worker  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "imports"
STRONG = DATA / "strong" / "strong-statistics_2025-10_comma.csv"
FIT = DATA / "fit" / "fitparse_2013-02-06-12-11-14.fit"
GPX = DATA / "gpx" / "togeojson_run_gpxtpx.gpx"


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.IMPORT_DIR = tmp_path / "imports"


def upload(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


# --- The API -------------------------------------------------------------------------


def test_posting_files_imports_them_and_reports_each(api, athlete, settings):
    answer = api.post(
        "/api/v1/imports/", {"files": [upload(STRONG), upload(FIT)]}, format="multipart"
    )

    assert answer.status_code == 201
    body = answer.json()
    assert body["status"] == "done"
    assert (body["files_total"], body["files_done"]) == (2, 2)
    strong, fit = body["files"]
    assert (strong["name"], strong["format"], strong["found"], strong["imported"]) == (
        STRONG.name,
        "strong",
        15,
        15,
    )
    assert (fit["format"], fit["imported"], fit["duration_basis"]) == ("fit", 1, "timer")
    assert Workout.objects.filter(user=athlete).count() == 16
    # The files waited on disk only while they were read.
    assert not any(Path(settings.IMPORT_DIR).rglob("*.*"))
    assert "stored" not in strong


def test_the_status_url_answers_the_same_report(api):
    body = api.post("/api/v1/imports/", {"files": [upload(GPX)]}, format="multipart").json()

    status = api.get(body["status_url"])

    assert status.status_code == 200
    assert status.json()["files"] == body["files"]
    assert body["status_url"].endswith(f"/api/v1/imports/{body['id']}/")


def test_posting_the_same_file_again_creates_nothing(api, athlete):
    api.post("/api/v1/imports/", {"files": [upload(STRONG)]}, format="multipart")
    again = api.post("/api/v1/imports/", {"files": [upload(STRONG)]}, format="multipart").json()

    assert (again["files"][0]["imported"], again["files"][0]["already"]) == (0, 15)
    assert Workout.objects.filter(user=athlete).count() == 15


def test_a_bad_file_among_good_ones_saves_only_the_good_ones(api, athlete):
    bad = SimpleUploadedFile("run.fit", b"Date,Workout Name\n2021-01-01,Legs\n")

    body = api.post("/api/v1/imports/", {"files": [upload(STRONG), bad]}, format="multipart").json()

    good, refused = body["files"]
    assert good["imported"] == 15
    assert refused["error"].startswith("run.fit")
    assert refused["imported"] == 0
    assert Workout.objects.filter(user=athlete).count() == 15


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([], "Choose one or more files to import."),
        ([SimpleUploadedFile("empty.csv", b"")], "empty.csv is empty."),
    ],
    ids=["no-file", "empty-file"],
)
def test_a_request_without_a_usable_file_is_a_400_naming_files(api, athlete, files, message):
    answer = api.post("/api/v1/imports/", {"files": files}, format="multipart")

    assert answer.status_code == 400
    assert message in " ".join(answer.json()["files"])
    assert not ImportJob.objects.exists()


def test_too_many_files_is_a_400_and_imports_nothing(api, athlete, settings):
    settings.IMPORT_MAX_FILES = 2
    files = [upload(STRONG), upload(FIT), upload(GPX)]

    answer = api.post("/api/v1/imports/", {"files": files}, format="multipart")

    assert answer.status_code == 400
    assert answer.json()["files"] == ["At most 2 files at a time."]
    assert not Workout.objects.exists()


def test_a_file_over_the_limit_is_a_400_naming_it(api, settings):
    settings.IMPORT_MAX_BYTES = 1000

    answer = api.post("/api/v1/imports/", {"files": [upload(STRONG)]}, format="multipart")

    assert answer.status_code == 400
    assert answer.json()["files"] == [
        f"{STRONG.name} is 19.1 KB, over the 1000 bytes a file may be."
    ]


def test_json_instead_of_files_is_a_415(api):
    answer = api.post("/api/v1/imports/", {"files": "strong.csv"}, format="json")

    assert answer.status_code == 415


def test_another_persons_import_is_not_found(api, other_api):
    body = api.post("/api/v1/imports/", {"files": [upload(GPX)]}, format="multipart").json()

    assert other_api.get(body["status_url"]).status_code == 404
    assert other_api.get("/api/v1/imports/").json() == []


def test_a_large_upload_is_accepted_at_once_and_imported_by_the_task(
    api, athlete, settings, monkeypatch
):
    """Above IMPORT_INLINE_MAX_BYTES the answer is 202 and a task imports the files."""
    from logbook import tasks

    settings.IMPORT_INLINE_MAX_BYTES = 1000
    queued = []
    monkeypatch.setattr(tasks.run_import, "delay", queued.append)

    answer = api.post("/api/v1/imports/", {"files": [upload(STRONG)]}, format="multipart")

    assert answer.status_code == 202
    assert answer.json()["status"] == "queued"
    assert answer.json()["files"] == [{"name": STRONG.name}]
    assert not Workout.objects.exists()
    tasks.run_import(queued[0])  # what the worker does
    status = api.get(answer.json()["status_url"]).json()
    assert status["status"] == "done"
    assert status["files"][0]["imported"] == 15


def test_running_a_job_twice_imports_once(api, athlete, settings, monkeypatch):
    from logbook import tasks

    settings.IMPORT_INLINE_MAX_BYTES = 1000
    queued = []
    monkeypatch.setattr(tasks.run_import, "delay", queued.append)
    api.post("/api/v1/imports/", {"files": [upload(STRONG)]}, format="multipart")

    tasks.run_import(queued[0])
    tasks.run_import(queued[0])  # a redelivered task

    assert Workout.objects.filter(user=athlete).count() == 15


def test_an_upload_the_broker_could_not_take_waits_for_the_sweep(
    api, athlete, settings, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    from logbook import tasks

    settings.IMPORT_INLINE_MAX_BYTES = 1000

    def broker_down(job_id):
        raise ConnectionError("the broker is down")

    monkeypatch.setattr(tasks.run_import, "delay", broker_down)
    answer = api.post("/api/v1/imports/", {"files": [upload(STRONG)]}, format="multipart")
    assert answer.status_code == 202
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=3))

    # The broker is back; run what it is handed here, as a worker would.
    monkeypatch.setattr(tasks.run_import, "delay", tasks.run_import)
    tasks.run_waiting_imports()

    job.refresh_from_db()
    assert job.status == "done"
    assert Workout.objects.filter(user=athlete).count() == 15


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("worker")
def test_a_large_upload_is_imported_by_a_real_worker(api, athlete, settings):
    settings.IMPORT_INLINE_MAX_BYTES = 1000

    answer = api.post("/api/v1/imports/", {"files": [upload(STRONG)]}, format="multipart")

    assert answer.status_code == 202
    url = answer.json()["status_url"]
    assert wait_for(lambda: api.get(url).json()["status"] == "done")
    assert api.get(url).json()["files"][0]["imported"] == 15
    assert Workout.objects.filter(user=athlete).count() == 15


# --- The page ------------------------------------------------------------------------


def test_the_import_page_uploads_and_shows_each_files_summary(client, athlete):
    client.force_login(athlete)
    assert client.get("/import/").status_code == 200

    answer = client.post("/import/", {"files": [upload(STRONG), upload(GPX)]}, follow=True)

    page = answer.content.decode()
    job = ImportJob.objects.get(user=athlete)
    assert answer.redirect_chain == [(f"/import/{job.pk}/", 302)]
    assert STRONG.name in page
    assert GPX.name in page
    assert "Sessions found" in page
    assert "hx-trigger" not in page  # done: nothing to poll
    assert Workout.objects.filter(user=athlete).count() == 16


def test_the_page_of_a_running_import_polls_itself(client, athlete):
    job = ImportJob.objects.create(user=athlete, files=[{"name": "a.csv"}, {"name": "b.fit"}])
    client.force_login(athlete)

    page = client.get(f"/import/{job.pk}/").content.decode()
    partial = client.get(f"/import/{job.pk}/", headers={"HX-Request": "true"}).content.decode()

    assert 'hx-trigger="every 1s"' in page
    assert "0 of 2 files done" in partial
    assert "<html" not in partial


def test_the_page_refuses_a_post_without_files_with_a_message(client, athlete):
    client.force_login(athlete)

    answer = client.post("/import/", {})

    assert answer.status_code == 400
    assert "Nothing was imported" in answer.content.decode()


def test_a_bad_file_on_the_page_says_where_and_saves_nothing(client, athlete):
    client.force_login(athlete)
    bad = SimpleUploadedFile("strong.csv", b"Date,Workout Name,Duration\nyesterday,Legs,1h\n")

    page = client.post("/import/", {"files": [bad]}, follow=True).content.decode()

    assert "strong.csv, line 2" in page
    assert "Nothing from this file was saved" in page
    assert not Workout.objects.exists()


# --- The command ---------------------------------------------------------------------


def test_the_command_imports_files_and_says_what_became_of_each(athlete):
    out = StringIO()

    call_command("import_workouts", "--user", athlete.username, str(STRONG), str(FIT), stdout=out)

    assert f"{STRONG.name} (strong): 15 sessions, 15 imported" in out.getvalue()
    assert f"{FIT.name} (fit): 1 sessions, 1 imported" in out.getvalue()
    assert Workout.objects.filter(user=athlete).count() == 16


def test_the_command_run_again_imports_nothing(athlete):
    call_command("import_workouts", "--user", athlete.username, str(STRONG), stdout=StringIO())
    out = StringIO()

    call_command("import_workouts", "--user", athlete.username, str(STRONG), stdout=out)

    assert "0 imported, 15 imported before" in out.getvalue()


def test_the_command_refuses_an_unknown_user_or_a_missing_file(athlete, tmp_path):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("import_workouts", "--user", "nobody", str(STRONG))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_workouts", "--user", athlete.username, str(tmp_path / "x.csv"))


def test_the_command_fails_when_a_file_was_refused(athlete, tmp_path):
    bad = tmp_path / "bad.fit"
    bad.write_bytes(b"not a fit file at all")
    out = StringIO()

    with pytest.raises(CommandError, match="1 of 2 files were not imported"):
        call_command(
            "import_workouts", "--user", athlete.username, str(STRONG), str(bad), stdout=out
        )

    assert "bad.fit: not imported." in out.getvalue()
    assert Workout.objects.filter(user=athlete).count() == 15
