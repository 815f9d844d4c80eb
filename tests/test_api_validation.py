"""Bad input: a 400 that names the field, and nothing saved."""

from datetime import timedelta

import pytest
from django.utils import timezone

from logbook.models import TwitchEpisode, Workout
from tests.kinds import KIND_IDS, KINDS

pytestmark = pytest.mark.django_db

EPISODES = KINDS[2]
WORKOUTS = KINDS[0]
CHECKINS = KINDS[3]

OUT_OF_RANGE = [
    (WORKOUTS, "duration_min", 0),
    (WORKOUTS, "duration_min", 1441),
    (WORKOUTS, "rpe", 0),
    (WORKOUTS, "rpe", 11),
    (WORKOUTS, "avg_hr", 29),
    (WORKOUTS, "avg_hr", 251),
    (WORKOUTS, "distance_km", -0.1),
    (WORKOUTS, "notes", "x" * 2001),
    (KINDS[1], "volume_ml", 0),
    (KINDS[1], "volume_ml", 5001),
    (EPISODES, "duration_s", 0),
    (EPISODES, "duration_s", 86401),
    (EPISODES, "pain", -1),
    (EPISODES, "pain", 11),
    (EPISODES, "count", 0),
    (EPISODES, "count", 10001),
    (CHECKINS, "sleep_hours", 24.5),
    (CHECKINS, "sleep_hours", -1),
    (CHECKINS, "caffeine_mg", 2001),
    (CHECKINS, "stress", 11),
]


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    OUT_OF_RANGE,
    ids=[f"{k.name}-{f}-{str(v)[:8]}" for k, f, v in OUT_OF_RANGE],
)
def test_out_of_range_values_are_refused(api, kind, field, value):
    response = api.post(kind.url, kind.body(**{field: value}), format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert kind.model.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        (WORKOUTS, "duration_min", 1),
        (WORKOUTS, "duration_min", 1440),
        (EPISODES, "pain", 0),
        (EPISODES, "count", 10000),
        (CHECKINS, "sleep_hours", 24),
    ],
)
def test_range_ends_are_accepted(api, kind, field, value):
    response = api.post(kind.url, kind.body(**{field: value}), format="json")

    assert response.status_code == 201, response.json()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "explosion"),
        ("body_region", "elbow"),
        ("side", "up"),
        ("timing", "sometimes"),
        ("relief", ["stretch", "yoga"]),
        ("relief", "stretch"),
    ],
)
def test_unknown_choices_are_refused(api, field, value):
    response = api.post(EPISODES.url, EPISODES.body(**{field: value}), format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert TwitchEpisode.objects.count() == 0


@pytest.mark.parametrize(
    ("relief", "message_part"),
    [(["none", "heat"], "none"), (["heat", "heat"], "once")],
)
def test_relief_none_stands_alone_and_options_appear_once(api, relief, message_part):
    response = api.post(EPISODES.url, EPISODES.body(relief=relief), format="json")

    assert response.status_code == 400
    assert message_part in response.json()["relief"][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("duration_s", "long"),
        ("duration_s", [30]),
        ("pain", {"level": 3}),
        ("weakness", "maybe"),
        ("started_at", 1732000000),
        ("started_at", "yesterday"),
        ("id", "not-a-uuid"),
        ("id", 5),
        ("id", False),
    ],
)
def test_wrong_types_are_refused(api, field, value):
    response = api.post(EPISODES.url, EPISODES.body(**{field: value}), format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert TwitchEpisode.objects.count() == 0


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_missing_required_fields_are_named(api, kind):
    response = api.post(kind.url, {}, format="json")

    assert response.status_code == 400
    assert kind.time_field in response.json()


def test_an_unknown_field_is_refused_rather_than_ignored(api, athlete):
    workout = WORKOUTS.factory(user=athlete, rpe=5)

    response = api.patch(WORKOUTS.detail_url(workout.pk), {"rpee": 9}, format="json")

    assert response.status_code == 400
    assert response.json() == {"rpee": ["Unknown field."]}
    workout.refresh_from_db()
    assert workout.rpe == 5


def test_a_bad_update_changes_nothing(api, athlete):
    workout = WORKOUTS.factory(user=athlete, rpe=5, duration_min=30)

    response = api.patch(
        WORKOUTS.detail_url(workout.pk), {"rpe": 7, "duration_min": 0}, format="json"
    )

    assert response.status_code == 400
    workout.refresh_from_db()
    assert (workout.rpe, workout.duration_min) == (5, 30)


def test_a_time_without_utc_offset_is_refused(api):
    body = EPISODES.body(started_at="2026-11-20T07:30:00")

    response = api.post(EPISODES.url, body, format="json")

    assert response.status_code == 400
    assert "offset" in response.json()["started_at"][0]


@pytest.mark.parametrize("kind", [k for k in KINDS if k.time_field != "date"], ids=lambda k: k.name)
def test_times_far_in_the_future_or_before_2000_are_refused(api, kind):
    now = timezone.now()
    future = api.post(kind.url, kind.body(when=now + timedelta(hours=25)), format="json")
    ancient = api.post(
        kind.url, kind.body(**{kind.time_field: "1999-12-31T23:59:59Z"}), format="json"
    )
    tomorrow_morning = api.post(kind.url, kind.body(when=now + timedelta(hours=23)), format="json")

    assert future.status_code == 400
    assert "future" in future.json()[kind.time_field][0]
    assert ancient.status_code == 400
    assert "2000" in ancient.json()[kind.time_field][0]
    assert tomorrow_morning.status_code == 201
    assert kind.model.objects.count() == 1


def test_check_in_dates_far_in_the_future_or_before_2000_are_refused(api):
    in_two_days = (timezone.now() + timedelta(days=2)).date().isoformat()

    future = api.post(CHECKINS.url, CHECKINS.body(date=in_two_days), format="json")
    ancient = api.post(CHECKINS.url, CHECKINS.body(date="1999-12-31"), format="json")

    assert future.status_code == 400
    assert ancient.status_code == 400
    assert CHECKINS.model.objects.count() == 0


def test_a_second_check_in_for_the_same_day_is_refused(api, athlete):
    CHECKINS.factory(user=athlete, date=timezone.now().date())

    response = api.post(CHECKINS.url, CHECKINS.body(when=timezone.now()), format="json")

    assert response.status_code == 400
    assert response.json() == {"date": ["You already have a check-in for this date."]}


def test_another_athletes_check_in_does_not_take_the_day(api, other_athlete):
    CHECKINS.factory(user=other_athlete, date=timezone.now().date())

    response = api.post(CHECKINS.url, CHECKINS.body(when=timezone.now()), format="json")

    assert response.status_code == 201


def test_malformed_json_is_a_400_naming_the_body(api):
    response = api.post(EPISODES.url, '{"duration_s": 30,', content_type="application/json")

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["body"][0]
    assert TwitchEpisode.objects.count() == 0


def test_nan_is_not_json(api):
    body = '{"started_at": "2026-11-20T07:00:00Z", "duration_min": NaN, "kind": "run", "rpe": 3}'

    response = api.post(WORKOUTS.url, body, content_type="application/json")

    assert response.status_code == 400
    assert Workout.objects.count() == 0


def test_a_body_over_one_mebibyte_is_a_413(api):
    body = EPISODES.body(notes="x" * (1024 * 1024))

    response = api.post(EPISODES.url, body, format="json")

    assert response.status_code == 413
    assert "1 MiB" in response.json()["detail"]
    assert TwitchEpisode.objects.count() == 0


def test_a_form_encoded_body_is_not_accepted(api):
    response = api.post(EPISODES.url, {"duration_s": 30})  # multipart

    assert response.status_code == 415


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/workouts/01./",  # the router's ids have no dot: no route matches
        "/api/v1/flags/T./acknowledge/",
        "/api/v1/episodes/%3F.S/",
        "/api/v1/no-such-thing/",
    ],
)
def test_an_api_url_that_no_route_matches_answers_json_like_the_api(api, path):
    response = api.delete(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_a_page_that_does_not_exist_still_answers_html(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
