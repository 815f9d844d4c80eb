"""GET /api/v1/flags/, acknowledging a flag, and GET /api/v1/load/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from triage.models import Flag

pytestmark = pytest.mark.django_db


def make_flag(user, **fields):
    today = timezone.now().date()
    defaults = {
        "rule": "recurring_episodes",
        "severity": "watch",
        "window_start": today - timedelta(days=3),
        "window_end": today,
        "evidence": {"episodes": [{"id": "x", "count": 1}], "twitch_count": 1},
        "message": "3 episodes in the calf in 3 days.",
        "advice": "Keep logging.",
        "source": "“If any muscle twitch ... keeps coming back” (Nall)",
    }
    return Flag.objects.create(user=user, **{**defaults, **fields})


def test_the_list_shows_only_the_requesters_flags_with_everything_they_say(
    api, athlete, other_athlete
):
    mine = make_flag(athlete)
    make_flag(other_athlete)

    rows = api.get("/api/v1/flags/").json()["results"]

    assert [row["id"] for row in rows] == [str(mine.pk)]
    assert set(rows[0]) >= {
        "code",
        "severity",
        "window_start",
        "window_end",
        "message",
        "advice",
        "source",
        "status",
        "evidence",
    }
    assert rows[0]["code"] == "recurring_episodes"


@pytest.mark.parametrize(
    ("params", "expected"),
    [({"status": "open"}, ["a"]), ({"severity": "see_doctor"}, ["b"]), ({}, ["a", "b"])],
)
def test_flags_filter_by_status_and_severity(api, athlete, params, expected):
    today = timezone.now().date()
    make_flag(athlete, message="a", window_start=today - timedelta(days=9))
    make_flag(
        athlete,
        message="b",
        severity="see_doctor",
        status="reviewed",
        rule="severe_pain",
    )

    rows = api.get("/api/v1/flags/", params).json()["results"]

    assert sorted(row["message"] for row in rows) == expected


def test_an_unknown_filter_value_is_a_400_naming_it(api):
    response = api.get("/api/v1/flags/", {"severity": "apocalyptic"})

    assert response.status_code == 400
    assert "severity" in response.json()


def test_acknowledging_marks_a_flag_seen_and_leaves_it_to_the_reviewers(api, athlete):
    flag = make_flag(athlete)

    response = api.post(f"/api/v1/flags/{flag.pk}/acknowledge/")

    assert response.status_code == 200
    assert response.json()["status"] == "open"
    assert response.json()["seen_at"] is not None
    flag.refresh_from_db()
    assert (flag.status, flag.seen_at is not None) == ("open", True)
    assert Flag.objects.awaiting_review().filter(pk=flag.pk).exists()


def test_acknowledging_a_reviewed_flag_keeps_the_review(api, athlete):
    flag = make_flag(athlete, status="reviewed")

    response = api.post(f"/api/v1/flags/{flag.pk}/acknowledge/")

    assert response.json()["status"] == "reviewed"


def test_another_athletes_flag_answers_404_and_cannot_be_acknowledged(api, other_athlete):
    theirs = make_flag(other_athlete)

    assert api.get(f"/api/v1/flags/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/v1/flags/{theirs.pk}/acknowledge/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "open"


def test_anonymous_visitors_see_no_flags_and_no_load(anonymous_api, athlete):
    flag = make_flag(athlete)

    assert anonymous_api.get("/api/v1/flags/").status_code == 401
    assert anonymous_api.post(f"/api/v1/flags/{flag.pk}/acknowledge/").status_code == 401
    assert anonymous_api.get("/api/v1/load/").status_code == 401


def test_flags_cannot_be_written_through_the_api(api, athlete):
    flag = make_flag(athlete)

    assert api.post("/api/v1/flags/", {"code": "severe_pain"}, format="json").status_code == 405
    assert (
        api.patch(f"/api/v1/flags/{flag.pk}/", {"status": "dismissed"}, format="json").status_code
        == 405
    )
    assert api.delete(f"/api/v1/flags/{flag.pk}/").status_code == 405


def workout_every_day(user, days, load_per_day, *, ending=None):
    """One workout a day at 10:00 UTC for `days` days ending today."""
    ending = ending or timezone.now()
    for n in range(days):
        factories.WorkoutFactory(
            user=user,
            started_at=(ending - timedelta(days=n)).replace(hour=10, minute=0),
            rpe=5,
            duration_min=load_per_day // 5,
        )


def test_load_reports_each_day_and_today(api, athlete):
    now = timezone.now()
    workout_every_day(athlete, 7, 100)
    workout_every_day(athlete, 28, 50, ending=now - timedelta(days=7))

    report = api.get("/api/v1/load/", {"days": 90}).json()

    assert len(report["days"]) == 90
    last = report["days"][-1]
    assert set(last) == {"date", "load", "acute", "chronic", "acwr", "acwr_ewma"}
    assert last["date"] == now.date().isoformat()
    assert (last["load"], last["acute"], last["chronic"]) == (100, 100, 62.5)
    assert last["acwr"] == 1.6
    assert report["today"]["zone"] == "well_above_usual"
    assert report["today"]["zone_words"] == "well above your usual"
    assert report["today"]["status"] == "ok"
    assert round(report["today"]["acwr_ewma"], 4) == 1.3394
    # Before the first workout nothing is known.
    assert report["days"][0]["acwr"] is None


def test_load_says_when_there_is_not_enough_history(api, athlete):
    workout_every_day(athlete, 10, 60)

    today = api.get("/api/v1/load/", {"days": 7}).json()["today"]

    assert today["status"] == "not_enough_history"
    assert today["acwr"] is None


@pytest.mark.parametrize("days", ["0", "366", "ninety", "-5"])
def test_load_refuses_a_bad_number_of_days(api, days):
    response = api.get("/api/v1/load/", {"days": days})

    assert response.status_code == 400
    assert "days" in response.json()


def test_load_counts_only_the_requesters_workouts(api, other_athlete):
    workout_every_day(other_athlete, 30, 100)

    report = api.get("/api/v1/load/", {"days": 30}).json()

    assert all(day["load"] == 0 for day in report["days"])
