"""Your data: the export of everything a person logged, as one zip, streamed.

Its rows are checked against the database and against the API's own answers,
so an export is the person's log, all of it, and nobody else's.
"""

import base64
import csv
import io
import json
import random
import sys
import tracemalloc
import types
import uuid
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.authtoken.models import Token

from logbook.kinds import BY_API_KEY, KINDS
from logbook.models import Profile, TwitchEpisode, Workout
from records import export
from tests import factories
from tests.conftest import token_client
from triage.models import Flag, FlagReview

pytestmark = pytest.mark.django_db

FILES = {
    *(
        f"{name}.{ext}"
        for name in ["workouts", "hydration", "episodes", "checkins", "flags", "decisions"]
        for ext in ["json", "csv"]
    ),
    "profile.json",
    "fhir-bundle.json",
    "README.txt",
}
# Text that must never leave the other athlete's account, or the reviewer's.
OTHERS_SECRET = "other-athlete-private-note"
UNSHARED_NOTE = "Internal: probably logged twice"
SHARED_NOTE = 'Please see your GP about the calf, "soon".'


def make_flag(user, **fields):
    return Flag.objects.create(
        user=user,
        **{
            "rule": "recurring_episodes",
            "severity": "watch",
            "window_start": date(2026, 11, 1),
            "window_end": date(2026, 11, 5),
            "evidence": {"episodes": [str(uuid.uuid4())], "days": 3},
            "message": "3 episodes in the calf in 5 days.",
            "advice": "Keep logging.",
            "source": "“...keeps coming back...” (Nall)",
            **fields,
        },
    )


@pytest.fixture
def reviewer(reviewers_group):
    user = factories.UserFactory(username="kim-reviews", is_staff=True)
    user.groups.add(reviewers_group)
    return user


@pytest.fixture
def history(athlete, other_athlete, reviewer):
    """A bit of everything, with the values that trip exports up: commas, quotes,
    line breaks and accents in notes, empty optional fields, lists."""
    Profile.objects.filter(user=athlete).update(
        timezone="Europe/Oslo", medications="Magnesium, 300 mg; ibuprofen “as needed”"
    )
    factories.WorkoutFactory(
        user=athlete, notes='Hills, then "sprints"\nlegs heavy', distance_km=8.5, avg_hr=152
    )
    factories.WorkoutFactory(user=athlete, kind="swim", hot_conditions=True)
    factories.HydrationFactory(user=athlete, drink="electrolyte", notes="Ærlig talt, salt")
    factories.HydrationFactory(user=athlete)
    factories.EpisodeFactory(user=athlete, relief=["stretch", "massage"], weakness=True)
    factories.EpisodeFactory(user=athlete, relief=[], notes="at night; woke me")
    factories.CheckinFactory(user=athlete)
    factories.CheckinFactory(
        user=athlete, date=date(2026, 1, 2), sleep_hours=None, caffeine_mg=None, stress=None
    )
    flag = make_flag(athlete, seen_at=timezone.now())
    flag.decide(reviewer, "reviewed", UNSHARED_NOTE)
    flag.decide(reviewer, "escalated", SHARED_NOTE, shared=True)
    make_flag(athlete, rule="load_spike", severity="info", evidence={})
    Token.objects.create(user=athlete)

    for make in [
        factories.WorkoutFactory,
        factories.HydrationFactory,
        factories.EpisodeFactory,
        factories.CheckinFactory,
    ]:
        make(user=other_athlete, notes=OTHERS_SECRET)
    others_flag = make_flag(other_athlete, message=OTHERS_SECRET)
    others_flag.decide(reviewer, "dismissed", OTHERS_SECRET, shared=True)
    return athlete


def download(client, url="/settings/export/"):
    response = client.get(url)
    assert response.status_code == 200, response
    return response, zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def read_json(archive, name):
    return json.loads(archive.read(name).decode())


def read_csv(archive, name):
    return list(csv.DictReader(io.StringIO(archive.read(name).decode(), newline="")))


def same(exported, stored) -> bool:
    """An exported JSON value says the stored one."""
    if isinstance(stored, datetime):
        return parse_datetime(exported) == stored
    if isinstance(stored, date):
        return date.fromisoformat(exported) == stored
    if isinstance(stored, uuid.UUID):
        return uuid.UUID(exported) == stored
    return exported == stored and type(exported) is type(stored)


def same_cell(cell: str, stored) -> bool:
    """A CSV cell says the stored value, as README.txt explains the cells."""
    if stored is None:
        return cell == ""
    if isinstance(stored, bool):
        return cell == ("true" if stored else "false")
    if isinstance(stored, list):
        return cell.split(";") == stored if stored else cell == ""
    if isinstance(stored, dict):
        return json.loads(cell) == stored
    if isinstance(stored, int | float):
        return float(cell) == stored
    if isinstance(stored, datetime | date | uuid.UUID):
        return same(cell, stored)
    return cell == stored


# --- What is in it ------------------------------------------------------------------


def test_the_zip_holds_a_json_and_a_csv_file_per_kind_the_profile_fhir_and_a_readme(
    client, history
):
    client.force_login(history)

    response, archive = download(client)

    assert set(archive.namelist()) == FILES
    assert archive.testzip() is None
    readme = archive.read("README.txt").decode()
    for name in FILES - {"README.txt"}:
        assert name in readme
    assert "workouts.json, workouts.csv: 2 rows." in readme
    assert "decisions.json, decisions.csv: 1 row." in readme
    assert response["Content-Type"] == "application/zip"


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.api_key)
def test_each_kinds_rows_in_json_and_csv_equal_the_database(client, history, kind):
    client.force_login(history)
    stored = {entry.pk: entry for entry in kind.model.objects.filter(user=history)}

    _, archive = download(client)

    as_json = read_json(archive, f"{kind.api_key}.json")
    as_csv = read_csv(archive, f"{kind.api_key}.csv")
    assert len(as_json) == len(as_csv) == len(stored) == 2
    for row, line in zip(as_json, as_csv, strict=True):
        entry = stored[uuid.UUID(row["id"])]
        assert list(row) == list(line)  # the same columns, in the same order
        assert {"created_at", "updated_at", "notes"} <= set(row)
        for column in row:
            assert same(row[column], getattr(entry, column)), column
            assert same_cell(line[column], getattr(entry, column)), column


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.api_key)
def test_each_kinds_rows_are_what_the_api_answers_for_them(client, history, kind):
    client.force_login(history)
    api = token_client(history)

    _, archive = download(client)

    for row in read_json(archive, f"{kind.api_key}.json"):
        assert row == api.get(f"/api/v1/{kind.api_key}/{row['id']}/").json()


def test_the_rows_come_oldest_first(client, history):
    client.force_login(history)

    _, archive = download(client)

    for kind in KINDS:
        times = [row[kind.time_field] for row in read_json(archive, f"{kind.api_key}.json")]
        assert times == sorted(times, key=lambda text: parse_datetime(text) or text)


def test_the_flags_equal_the_database(client, history):
    client.force_login(history)
    stored = {flag.pk: flag for flag in Flag.objects.filter(user=history)}

    _, archive = download(client)

    as_json, as_csv = read_json(archive, "flags.json"), read_csv(archive, "flags.csv")
    assert len(as_json) == len(as_csv) == len(stored) == 2
    for row, line in zip(as_json, as_csv, strict=True):
        flag = stored[uuid.UUID(row["id"])]
        assert {
            "rule",
            "severity",
            "window_start",
            "window_end",
            "message",
            "advice",
            "source",
            "status",
            "seen_at",
            "created_at",
        } <= set(row)
        for column in row:
            assert same(row[column], getattr(flag, column)), column
            assert same_cell(line[column], getattr(flag, column)), column


def test_shared_decisions_appear_without_the_reviewer_and_unshared_ones_not_at_all(
    client, history, reviewer
):
    client.force_login(history)
    shared = FlagReview.objects.get(shared_with_athlete=True, flag__user=history)

    _, archive = download(client)

    expected = {
        "flag_id": str(shared.flag_id),
        "from_status": "reviewed",
        "to_status": "escalated",
        "note": SHARED_NOTE,
    }
    [row] = read_json(archive, "decisions.json")
    [line] = read_csv(archive, "decisions.csv")
    assert {**row, "decided_at": None} == {**expected, "decided_at": None}
    assert parse_datetime(row["decided_at"]) == shared.created_at
    assert {**line, "decided_at": None} == {**expected, "decided_at": None}
    everything = all_text(archive)
    assert UNSHARED_NOTE not in everything
    assert reviewer.username not in everything
    assert reviewer.email not in everything


def all_text(archive) -> str:
    return "\n".join(archive.read(name).decode() for name in archive.namelist())


def test_the_other_athletes_rows_never_appear(client, history, other_athlete):
    client.force_login(history)
    others = [
        str(pk)
        for model in [*(kind.model for kind in KINDS), Flag]
        for pk in model.objects.filter(user=other_athlete).values_list("pk", flat=True)
    ]

    _, archive = download(client)

    everything = all_text(archive)
    assert OTHERS_SECRET not in everything
    for pk in others:
        assert pk not in everything


def test_the_profile_holds_the_settings_and_no_password_or_token(client, history):
    client.force_login(history)
    profile = Profile.objects.get(user=history)

    _, archive = download(client)

    exported = read_json(archive, "profile.json")
    assert exported["account"]["username"] == history.username
    assert exported["account"]["email"] == history.email
    settings = exported["settings"]
    assert settings["medications"] == profile.medications
    assert settings["timezone"] == "Europe/Oslo"
    for name in ["units", "daily_fluid_target_ml", "digest_enabled", "digest_detail"]:
        assert settings[name] == getattr(profile, name)
    everything = all_text(archive)
    assert history.password not in everything
    assert Token.objects.get(user=history).key not in everything
    assert "password" not in everything.replace("Not your password", "")


def test_the_fhir_bundle_is_there_and_parses(client, history):
    client.force_login(history)

    _, archive = download(client)

    bundle = read_json(archive, "fhir-bundle.json")
    assert bundle["resourceType"] == "Bundle"


def test_an_athlete_with_nothing_logged_gets_empty_files(client, athlete):
    client.force_login(athlete)

    _, archive = download(client)

    for kind in KINDS:
        assert read_json(archive, f"{kind.api_key}.json") == []
        assert read_csv(archive, f"{kind.api_key}.csv") == []
        header = archive.read(f"{kind.api_key}.csv").decode().splitlines()
        assert header == [",".join(kind.serializer().fields)]
    assert read_json(archive, "decisions.json") == []


def test_the_download_is_named_for_the_day_where_the_athlete_is(client, athlete):
    Profile.objects.filter(user=athlete).update(timezone="Pacific/Kiritimati")  # UTC+14
    client.force_login(athlete)

    with time_machine.travel(datetime(2026, 11, 30, 12, 0, tzinfo=UTC), tick=False):
        response = client.get("/settings/export/")

    assert response["Content-Disposition"] == (
        'attachment; filename="twitchlog-export-2026-12-01.zip"'
    )


# --- The API --------------------------------------------------------------------------


def test_the_api_sends_the_same_zip_to_a_token(history):
    response, archive = download(token_client(history), "/api/v1/export/")

    assert response["Content-Type"] == "application/zip"
    assert set(archive.namelist()) == FILES
    assert len(read_json(archive, "episodes.json")) == 2


def test_the_api_sends_the_zip_to_a_signed_in_browser_too(client, history):
    client.force_login(history)

    _, archive = download(client, "/api/v1/export/")

    assert set(archive.namelist()) == FILES


def test_the_api_sends_the_zip_whatever_the_client_accepts(history):
    api = token_client(history)

    response = api.get("/api/v1/export/", HTTP_ACCEPT="application/zip")

    assert response.status_code == 200
    assert response.streaming


def test_without_a_token_the_api_answers_401_in_json(anonymous_api):
    response = anonymous_api.get("/api/v1/export/", HTTP_ACCEPT="application/zip")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_the_schema_documents_the_export_as_a_zip_or_a_401(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    responses = schema["paths"]["/api/v1/export/"]["get"]["responses"]

    assert set(responses) == {"200", "401"}
    assert responses["200"]["content"] == {
        "application/zip": {"schema": {"type": "string", "format": "binary"}}
    }


def test_the_page_sends_a_visitor_to_sign_in(client):
    response = client.get("/settings/export/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_settings_links_to_the_export_and_to_deleting_the_account(client, athlete):
    client.force_login(athlete)

    html = client.get("/settings/").content.decode()

    assert 'href="/settings/export/"' in html
    assert 'href="/settings/delete/"' in html


# --- Streaming --------------------------------------------------------------------------


def long_note(rng: random.Random) -> str:
    """About 1,000 characters that compress about as little as typed text at worst,
    so that a zip kept whole in memory would show."""
    return base64.b64encode(rng.randbytes(750)).decode()


def make_long_history(user, episodes=3000, workouts=1000):
    rng = random.Random(20261130)
    start = timezone.now() - timedelta(days=400)
    TwitchEpisode.objects.bulk_create(
        TwitchEpisode(
            user=user,
            started_at=start + timedelta(hours=3 * n),
            duration_s=30 + n % 600,
            kind="cramp",
            body_region="calf",
            side="left",
            pain=n % 11,
            timing="unrelated",
            relief=["stretch", "massage"],
            notes=long_note(rng),
        )
        for n in range(episodes)
    )
    Workout.objects.bulk_create(
        Workout(
            user=user,
            started_at=start + timedelta(hours=9 * n),
            duration_min=45,
            kind="run",
            rpe=6,
            notes=long_note(rng),
        )
        for n in range(workouts)
    )


def test_the_export_is_streamed_in_pieces(client, athlete):
    make_long_history(athlete, episodes=600, workouts=0)
    client.force_login(athlete)

    response = client.get("/settings/export/")

    assert response.streaming
    sizes = [len(piece) for piece in response.streaming_content]
    assert len(sizes) > 5
    assert max(sizes) < 4 * export.SEND_BYTES


def minimal_bundle(user):
    yield b'{"resourceType": "Bundle", "type": "collection", "entry": []}'


def test_a_long_history_is_exported_in_bounded_memory(
    client, athlete, other_athlete, tmp_path, monkeypatch
):
    """4,000 entries with long notes: the memory the export takes while it is sent
    stays a small part of what it writes. Reading every row at once takes more
    than the whole export; keeping the zip in memory, most of it. (The FHIR
    bundle is left out: under tracemalloc it takes minutes to build, and its
    own memory is records.fhir's tests' to pin.)"""
    monkeypatch.setitem(
        sys.modules, "records.fhir", types.SimpleNamespace(stream_bundle=minimal_bundle)
    )
    make_long_history(other_athlete, episodes=5, workouts=5)
    client.force_login(other_athlete)
    b"".join(client.get("/settings/export/").streaming_content)  # imports, caches: once
    make_long_history(athlete)
    client.force_login(athlete)
    kept = tmp_path / "export.zip"

    tracemalloc.start()
    try:
        response = client.get("/settings/export/")
        with kept.open("wb") as file:
            for piece in response.streaming_content:
                file.write(piece)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    with zipfile.ZipFile(kept) as archive:
        written = sum(info.file_size for info in archive.infolist())
        assert len(json.loads(archive.read("episodes.json"))) == 3000
        assert len(read_csv(archive, "workouts.csv")) == 1000
    print(
        f"\nexport: {written / 2**20:.1f} MiB written, {kept.stat().st_size / 2**20:.1f} MiB "
        f"sent, peak memory {peak / 2**20:.2f} MiB"
    )
    assert written > 9 * 2**20
    assert peak < written / 3


def test_rows_are_read_in_chunks(client, athlete, monkeypatch):
    """The chunked reads are what keeps the memory bounded: each query of rows asks
    for CHUNK_ROWS at a time (with PostgreSQL, through a server-side cursor)."""
    queryset_class = type(Workout.objects.all())
    real_iterator = queryset_class.iterator
    exported = {*(kind.model for kind in KINDS), Flag, FlagReview}
    seen = []

    def iterator(queryset, chunk_size=None):
        if queryset.model in exported:
            seen.append((queryset.model, chunk_size))
        return real_iterator(queryset, chunk_size=chunk_size)

    monkeypatch.setattr(queryset_class, "iterator", iterator)
    client.force_login(athlete)

    b"".join(client.get("/settings/export/").streaming_content)

    assert {model for model, _ in seen} == exported
    assert {size for _, size in seen} == {export.CHUNK_ROWS}


def test_the_export_has_a_table_per_kind_of_the_registry():
    assert [table.name for table in export.tables()][:4] == list(BY_API_KEY)
