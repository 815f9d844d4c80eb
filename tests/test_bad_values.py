"""Any value the server cannot read answers 400 naming the field, never 500, and
changes nothing; a sync keeps the good items of a batch with a bad one."""

import json
import uuid

import pytest

from tests.kinds import KINDS
from triage.models import Flag

pytestmark = pytest.mark.django_db

EPISODES = KINDS[2]
IMPOSSIBLE_TIMES = [
    "2026-02-30T10:00:00Z",
    "2026-11-20T24:00:00Z",
    "2026-11-20T12:99:00Z",
    "2026-11-20T12:00:00+25:00",
    "0000-01-01T00:00:00Z",
]


@pytest.mark.parametrize("value", IMPOSSIBLE_TIMES)
def test_an_impossible_time_in_a_create_is_a_400_naming_it(api, value):
    response = api.post(EPISODES.url, EPISODES.body(started_at=value), format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["started_at"]
    assert not EPISODES.model.objects.exists()


@pytest.mark.parametrize("value", IMPOSSIBLE_TIMES)
def test_an_impossible_time_in_a_patch_is_a_400_and_changes_nothing(api, athlete, value):
    entry = EPISODES.factory(user=athlete)

    response = api.patch(EPISODES.detail_url(entry.pk), {"started_at": value}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["started_at"]
    before = entry.started_at
    entry.refresh_from_db()
    assert entry.started_at == before


@pytest.mark.parametrize("value", IMPOSSIBLE_TIMES)
def test_a_sync_keeps_the_good_items_of_a_batch_with_an_impossible_time(api, athlete, value):
    good = [EPISODES.body(), EPISODES.body()]
    bad = EPISODES.body(started_at=value)

    response = api.post("/api/v1/sync/", {"episodes": [good[0], bad, good[1]]}, format="json")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created", "invalid", "created"]
    assert list(results[1]["errors"]) == ["started_at"]
    assert set(EPISODES.model.objects.values_list("pk", flat=True)) == {
        uuid.UUID(item["id"]) for item in good
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"until": "9999-12-31"}, None),
        ({"since": "0001-01-01"}, None),
        ({"since": "2026-01-01T00:00+23:59"}, None),
        ({"since": "0001-01-01T00:00+23:59"}, "since"),
        ({"until": "9999-12-31T23:59-23:59"}, "until"),
        ({"since": "2026-13-01"}, "since"),
        ({"until": "tomorrow"}, "until"),
    ],
)
def test_list_filters_take_any_date_or_name_the_one_they_cannot(api, params, field):
    response = api.get(EPISODES.url, params)

    if field is None:
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        assert list(response.json()) == [field]


@pytest.mark.parametrize("days", ["²", "٣", "0", "366", "-1", "1e3", ""])
def test_a_load_request_for_an_unreadable_number_of_days_is_a_400(api, days):
    response = api.get("/api/v1/load/", {"days": days})

    assert response.status_code == 400
    assert list(response.json()) == ["days"]


@pytest.mark.parametrize("depth", [50, 1000, 100_000])
def test_json_nested_deep_is_a_400(api, depth):
    body = "[" * depth + "]" * depth

    response = api.generic("POST", "/api/v1/sync/", body, content_type="application/json")

    assert response.status_code in (400, 413)
    assert "body" in response.json() or "non_field_errors" in response.json()


def test_json_nested_deep_inside_a_field_is_a_400(api):
    nested = json.loads("[" * 400 + "]" * 400)  # deep, but within what JSON reading takes
    body = EPISODES.body(relief=nested)

    response = api.post(EPISODES.url, body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["relief"]


def test_relief_errors_are_a_flat_list_of_messages(api):
    response = api.post(EPISODES.url, EPISODES.body(relief=["stretch", "magic"]), format="json")

    assert response.status_code == 400
    errors = response.json()["relief"]
    assert isinstance(errors, list)
    assert all(isinstance(message, str) for message in errors)
    assert "magic" in errors[0]


@pytest.mark.parametrize("bad_id", [123, ["x"], {"a": 1}, "not-a-uuid"])
def test_a_sync_reports_an_unreadable_id_as_text_or_null(api, bad_id):
    response = api.post("/api/v1/sync/", {"episodes": [EPISODES.body(id=bad_id)]}, format="json")

    (result,) = response.json()["results"]
    assert result["status"] == "invalid"
    assert result["id"] is None or isinstance(result["id"], str)


def test_a_bad_flag_id_in_the_admins_decide_url_is_a_404(admin_client):
    response = admin_client.post("/admin/triage/flag/not-a-uuid/decide/reviewed/")

    assert response.status_code == 404


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "2026-W54", "W12", "2026-Wxx"])
def test_a_digest_preview_of_an_impossible_week_is_a_400(admin_client, athlete, week):
    response = admin_client.get(f"/digest/preview/{athlete.pk}/", {"week": week})

    assert response.status_code == 400


@pytest.mark.parametrize("value", ["2026-02-30", "0001-01-01", "x" * 5000])
def test_a_page_with_an_unreadable_day_shows_the_usual_page(client, athlete, value):
    client.force_login(athlete)

    assert client.get("/history/", {"on": value}).status_code == 200
    assert client.get("/history/", {"before": value}).status_code == 200


def test_nothing_is_half_saved_when_one_field_of_many_is_wrong(api):
    body = EPISODES.body(pain=99, duration_s=-4, started_at="2026-02-30T00:00:00Z")

    response = api.post(EPISODES.url, body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"pain", "duration_s", "started_at"}
    assert not EPISODES.model.objects.exists()
    assert not Flag.objects.exists()
