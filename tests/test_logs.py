"""Production logs are structured JSON, and hold no health data.

The app runs as production runs it (gunicorn, DEBUG off, tasks in-process, at
LOG_LEVEL=DEBUG to see the most), and one person goes through a whole cycle:
signs in, logs an episode on a page and more over the API, raises a flag,
syncs a batch with a bad item, sends values the app refuses, edits, reads
every page, deletes, signs out. Every value they typed carries a marker; the
log must hold none of them.
"""

import json
import re
import uuid
from datetime import timedelta

import pytest
from django.conf import global_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests import factories
from tests.browser_form import form_data
from tests.servers import Browser, Gunicorn
from triage.models import Flag

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres")]

PASSWORD = "a long pass phrase 4 logs"
# What the person typed, each word unlikely to appear in a log by chance.
NOTES = ["quokka-left-calf", "pangolin-after-sprints", "axolotl-med-change"]
MEDICATION = "zebrafish-statin-40mg"
REGION = "calf"


def entry_id(html: str) -> str:
    return re.search(r'name="id" value="([0-9a-f-]{36})"', html).group(1)


def cramp(days_ago: int, notes: str) -> dict:
    when = timezone.now() - timedelta(days=days_ago, hours=2)
    return {
        "id": str(uuid.uuid4()),
        "started_at": when.isoformat(),
        "duration_s": 95,
        "kind": "cramp",
        "body_region": REGION,
        "side": "left",
        "pain": 7,
        "timing": "right_after",
        "notes": notes,
    }


def a_whole_cycle(server: Gunicorn, user) -> None:
    person = Browser(server.url)
    assert person.get("/accounts/login/")[0] == 200
    status, _ = person.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert status == 200, _  # followed the redirect to Today

    _, page = person.get("/log/episode/")
    episode_id = entry_id(page)
    form = {
        "id": episode_id,
        "kind": "cramp",
        "body_region": REGION,
        "side": "left",
        "duration_s_min": 2,
        "duration_s_s": 5,
        "pain": 8,
        "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "timing": "right_after",
        "count": 1,
        "notes": NOTES[0],
    }
    assert person.post("/log/episode/", form)[0] == 200

    token = Token.objects.create(user=user).key
    for days_ago in (3, 5):
        assert person.json("POST", "/api/v1/episodes/", cramp(days_ago, NOTES[1]), token)[0] == 201
    bad = {**cramp(1, NOTES[1]), "duration_s": "quokka-bad-duration"}
    assert person.json("POST", "/api/v1/episodes/", bad, token)[0] == 400
    impossible = {**cramp(1, NOTES[1]), "started_at": "2026-02-30T24:00"}
    assert person.json("POST", "/api/v1/episodes/", impossible, token)[0] == 400
    batch = {"episodes": [cramp(6, NOTES[2]), {**cramp(7, NOTES[2]), "pain": 99}]}
    status, answer = person.json("POST", "/api/v1/sync/", batch, token)
    assert status == 200
    assert [item["status"] for item in json.loads(answer)["results"]] == ["created", "invalid"]

    settings_form = form_data(person.get("/settings/")[1], "settings-form")
    settings_form.pop("csrfmiddlewaretoken")
    assert person.post("/settings/", {**settings_form, "medications": MEDICATION})[0] == 200

    edit_url = f"/log/episode/{episode_id}/"
    edit = form_data(person.get(edit_url)[1])
    edit.pop("csrfmiddlewaretoken")
    assert person.post(edit_url, {**edit, "notes": NOTES[2], "pain": 9})[0] == 200

    for path in ("/", "/history/", "/episodes/", "/load/", "/flags/", "/settings/"):
        assert person.get(path)[0] == 200, path
    for path in ("/api/v1/episodes/", "/api/v1/flags/", "/api/v1/load/"):
        assert person.json("GET", path, None, token)[0] == 200, path
    assert person.get(f"/log/episode/{uuid.uuid4()}/")[0] == 404

    assert person.post(f"/log/episode/{episode_id}/delete/", {})[0] == 200
    assert person.post("/accounts/logout/", {})[0] == 200


def test_a_whole_cycle_logs_json_lines_and_no_health_data(tmp_path, settings):
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # the server's own
    user = factories.UserFactory(username="logger")
    user.set_password(PASSWORD)
    user.save()
    server = Gunicorn(tmp_path / "gunicorn.log", LOG_LEVEL="DEBUG")
    try:
        a_whole_cycle(server, user)
    finally:
        server.stop()
    log = server.log()

    assert Flag.objects.filter(user=user).exists()  # the cycle did reach triage
    records = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert all({"time", "level", "logger", "message"} <= set(record) for record in records)
    loggers = {record["logger"] for record in records}
    assert {"gunicorn.error", "django.request"} <= loggers  # the refusals were logged
    for typed in [*NOTES, MEDICATION, REGION, "quokka-bad-duration", "2026-02-30"]:
        assert typed not in log
