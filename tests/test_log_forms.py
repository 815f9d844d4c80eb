"""The log forms: quick defaults, plain POST and htmx, errors in place, one entry per form."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from logbook.models import DailyCheckin, HydrationEntry, TwitchEpisode, Workout
from tests import factories
from tests.browser_form import form_data

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def logged_in(client, athlete):
    client.force_login(athlete)
    return client


def form_id(response) -> str:
    return str(response.context["form"]["id"].value())


def episode_post(form_page, **overrides):
    return {
        "id": form_id(form_page),
        "kind": "cramp",
        "body_region": "calf",
        "side": "left",
        "duration_s_min": 1,
        "duration_s_s": 30,
        "pain": 5,
        "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "timing": "right_after",
        "count": 1,
        **overrides,
    }


def test_an_episode_posted_without_javascript_is_saved_and_goes_to_today(logged_in, athlete):
    page = logged_in.get("/log/episode/")

    response = logged_in.post("/log/episode/", episode_post(page))

    assert response.status_code == 302
    assert response["Location"] == "/"
    episode = TwitchEpisode.objects.get()
    assert (episode.user, episode.body_region, episode.duration_s) == (athlete, "calf", 90)
    assert str(episode.pk) == form_id(page)


def test_with_htmx_a_saved_form_redirects_the_page(logged_in):
    page = logged_in.get("/log/episode/")

    response = logged_in.post("/log/episode/", episode_post(page), **HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/"
    assert TwitchEpisode.objects.count() == 1


def test_errors_name_the_field_and_save_nothing(logged_in):
    page = logged_in.get("/log/episode/")

    response = logged_in.post(
        "/log/episode/", episode_post(page, pain=12, duration_s_min="", duration_s_s="")
    )

    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) == {"pain", "duration_s"}
    assert "nothing was saved" in response.content.decode()
    assert TwitchEpisode.objects.count() == 0


def test_with_htmx_errors_come_back_as_the_form_alone(logged_in):
    page = logged_in.get("/log/episode/")

    response = logged_in.post("/log/episode/", episode_post(page, pain=12), **HTMX)

    html = response.content.decode()
    assert response.status_code == 422
    assert html.lstrip().startswith("<form")
    assert "<html" not in html
    assert "Select a valid choice. 12 is not one of the available choices." in html
    assert TwitchEpisode.objects.count() == 0


def test_sending_the_same_form_twice_saves_one_entry(logged_in):
    body = episode_post(logged_in.get("/log/episode/"))

    first = logged_in.post("/log/episode/", body)
    second = logged_in.post("/log/episode/", body)

    assert first.status_code == second.status_code == 302
    assert TwitchEpisode.objects.count() == 1


def test_the_time_is_read_on_the_athletes_own_clock(logged_in, athlete):
    athlete.profile.timezone = "Pacific/Auckland"
    athlete.profile.save()
    page = logged_in.get("/log/episode/")

    logged_in.post("/log/episode/", episode_post(page, started_at="2026-11-20T07:30"))

    stored = TwitchEpisode.objects.get().started_at
    assert stored == datetime(2026, 11, 19, 18, 30, tzinfo=UTC)


def test_an_earlier_time_is_kept_apart_from_when_it_was_logged(logged_in):
    page = logged_in.get("/log/episode/")
    three_hours_ago = timezone.localtime() - timedelta(hours=3)

    logged_in.post(
        "/log/episode/", episode_post(page, started_at=three_hours_ago.strftime("%Y-%m-%dT%H:%M"))
    )

    episode = TwitchEpisode.objects.get()
    assert episode.created_at - episode.started_at > timedelta(hours=2)
    history = logged_in.get("/history/").content.decode()
    assert "logged " in history


def test_the_form_offers_now_and_the_last_region_side_and_kind(logged_in, athlete):
    with time_machine.travel(datetime(2026, 11, 20, 9, 41, 27, tzinfo=UTC), tick=False):
        factories.EpisodeFactory(
            user=athlete, kind="spasm", body_region="neck", side="right", pain=7
        )
        initial = logged_in.get("/log/episode/").context["form"].initial

    assert (initial["kind"], initial["body_region"], initial["side"]) == ("spasm", "neck", "right")
    assert initial["started_at"] == datetime(2026, 11, 20, 9, 41, tzinfo=UTC)
    # Nothing that feeds a flag is answered for the person: not even last time's.
    assert {"pain", "timing", "weakness", "sensation_change", "muscle_loss"}.isdisjoint(initial)


def test_the_timing_is_guessed_from_the_last_workout(logged_in, athlete):
    factories.WorkoutFactory(
        user=athlete, started_at=timezone.now() - timedelta(minutes=70), duration_min=45
    )

    initial = logged_in.get("/log/episode/").context["form"].initial

    assert initial["timing"] == "right_after"


def test_a_link_can_prefill_the_form(logged_in):
    initial = logged_in.get("/log/episode/?body_region=calf&side=left").context["form"].initial

    assert (initial["body_region"], initial["side"]) == ("calf", "left")


def test_the_questions_the_guidance_asks_come_first_and_the_rest_folds_under_more(logged_in):
    form = logged_in.get("/log/episode/").context["form"]

    assert [f.name for f in form.essential_fields()] == [
        "kind",
        "body_region",
        "side",
        "duration_s",
        "pain",
        "timing",
        "weakness",
        "sensation_change",
        "muscle_loss",
    ]
    assert [f.name for f in form.more_fields()] == ["started_at", "count", "relief", "notes"]
    html = logged_in.get("/log/episode/").content.decode()
    assert (
        html.index('name="pain"')
        < html.index('name="weakness"')
        < html.index('name="muscle_loss"')
        < html.index('<details class="more"')
        < html.index('name="started_at"')
    )


def test_twitch_now_starts_the_stopwatch(logged_in):
    html = logged_in.get("/log/episode/?now=1").content.decode()

    assert "data-autostart" in html
    assert "data-stopwatch" in html


def test_the_body_map_is_on_the_episode_form_with_the_select_as_fallback(logged_in):
    html = logged_in.get("/log/episode/").content.decode()

    assert 'class="body-map"' in html
    assert 'data-region="calf"' in html
    assert '<select name="body_region"' in html


def test_the_shell_form_for_offline_use_has_no_ones_data(client, athlete):
    factories.EpisodeFactory(user=athlete, body_region="neck")
    client.force_login(athlete)

    page = client.get("/log/episode/?shell=1")

    assert page.status_code == 200
    assert page.context["form"]["id"].value() is None
    assert page.context["form"]["body_region"].value() is None
    assert "data-shell" in page.content.decode()


@pytest.mark.parametrize(
    ("kind", "body", "model"),
    [
        (
            "workout",
            {"kind": "run", "duration_min": 40, "rpe": 6, "started_at": "2026-11-20T07:00"},
            Workout,
        ),
        (
            "hydration",
            {"volume_ml": 500, "drink": "water", "taken_at": "2026-11-20T08:00"},
            HydrationEntry,
        ),
        ("checkin", {"date": "2026-11-20", "sleep_hours": 7.5, "stress": 3}, DailyCheckin),
    ],
)
def test_each_kind_can_be_logged_without_javascript(logged_in, athlete, kind, body, model):
    with time_machine.travel(datetime(2026, 11, 20, 12, tzinfo=UTC)):
        page = logged_in.get(f"/log/{kind}/")
        response = logged_in.post(f"/log/{kind}/", {"id": form_id(page), **body})

    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    assert model.objects.filter(user=athlete).count() == 1


def test_editing_an_entry_changes_it_and_keeps_its_id(logged_in, athlete):
    episode = factories.EpisodeFactory(user=athlete, pain=2)
    url = f"/log/episode/{episode.pk}/"

    response = logged_in.post(url, {**form_data(logged_in.get(url).content.decode()), "pain": 7})

    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.pain == 7
    assert TwitchEpisode.objects.get().pk == episode.pk


def test_deleting_needs_a_post(logged_in, athlete):
    episode = factories.EpisodeFactory(user=athlete)
    url = f"/log/episode/{episode.pk}/delete/"

    assert logged_in.get(url).status_code == 405
    assert logged_in.post(url).status_code == 302
    assert not TwitchEpisode.objects.exists()


def test_a_second_check_in_for_a_day_is_refused_by_field(logged_in, athlete):
    factories.CheckinFactory(user=athlete, date=timezone.localdate())
    page = logged_in.get("/log/checkin/?shell=1")

    response = logged_in.post(
        "/log/checkin/", {"id": str(uuid.uuid4()), "date": timezone.localdate().isoformat()}
    )

    assert page.status_code == 200
    assert response.status_code == 422
    assert "date" in response.context["form"].errors
    assert DailyCheckin.objects.count() == 1


def test_the_check_in_form_opens_todays_check_in_when_there_is_one(logged_in, athlete):
    todays = factories.CheckinFactory(user=athlete, date=timezone.localdate())

    response = logged_in.get("/log/checkin/")

    assert response.status_code == 302
    assert response["Location"] == f"/log/checkin/{todays.pk}/"


def test_quick_water_adds_a_drink_once(logged_in, athlete):
    water_id = logged_in.get("/").context["water_ids"][250]
    body = {"id": water_id, "volume_ml": 250}

    first = logged_in.post("/log/water/", body)
    second = logged_in.post("/log/water/", body)

    assert first.status_code == second.status_code == 302
    drink = HydrationEntry.objects.get()
    assert (drink.user, drink.volume_ml, drink.drink) == (athlete, 250, "water")


def test_quick_water_with_htmx_answers_the_new_totals(logged_in):
    water_id = logged_in.get("/").context["water_ids"][500]

    response = logged_in.post("/log/water/", {"id": water_id, "volume_ml": 500}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="today-totals"' in html
    assert "500 <small>/ 2000 ml</small>" in html


def test_an_unknown_kind_is_404(logged_in):
    assert logged_in.get("/log/sandwich/").status_code == 404


# --- What a person enters is what is stored ---------------------------------------


@pytest.mark.parametrize(
    ("minutes", "seconds", "stored"),
    [("15", "0", 900), ("15", "", 900), ("1", "30", 90), ("", "45", 45), ("20", "0", 1200)],
)
def test_a_duration_is_entered_in_minutes_and_seconds(logged_in, minutes, seconds, stored):
    page = logged_in.get("/log/episode/")

    logged_in.post(
        "/log/episode/", episode_post(page, duration_s_min=minutes, duration_s_s=seconds)
    )

    assert TwitchEpisode.objects.get().duration_s == stored


@pytest.mark.parametrize(
    ("minutes", "seconds", "message"),
    [
        ("0", "0", "Must be at least 1 second."),
        ("1441", "0", "Must be at most 24 hours."),
        ("1", "60", "Ensure this value is less than or equal to 59."),
        ("ten", "", "Minutes are a number."),
    ],
)
def test_a_duration_out_of_range_is_refused_in_the_persons_units(
    logged_in, minutes, seconds, message
):
    page = logged_in.get("/log/episode/")

    response = logged_in.post(
        "/log/episode/", episode_post(page, duration_s_min=minutes, duration_s_s=seconds)
    )

    assert response.status_code == 422
    assert message in response.context["form"].errors["duration_s"]
    assert not TwitchEpisode.objects.exists()


def test_a_workouts_limit_is_written_in_hours(logged_in):
    page = logged_in.get("/log/workout/")

    response = logged_in.post(
        "/log/workout/",
        {
            "id": form_id(page),
            "kind": "run",
            "duration_min": 1441,
            "rpe": 5,
            "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )

    assert response.context["form"].errors["duration_min"] == ["Must be at most 24 hours."]


def test_durations_read_as_minutes_and_seconds(logged_in, athlete):
    factories.EpisodeFactory(user=athlete, duration_s=90)
    factories.EpisodeFactory(user=athlete, duration_s=900)
    factories.WorkoutFactory(user=athlete, duration_min=95)

    history = logged_in.get("/history/").content.decode()
    form = logged_in.get("/log/episode/").content.decode()

    assert "1 min 30 s" in history
    assert "15 min ·" in history
    assert "1 h 35 min" in history
    assert " s ·" not in history.replace("30 s ·", "")  # no "900 s"
    assert ">15 min</button>" in form
    assert ">1 min</button>" in form


def test_pain_has_no_default_and_must_be_chosen(logged_in):
    page = logged_in.get("/log/episode/")
    body = episode_post(page)
    del body["pain"]

    response = logged_in.post("/log/episode/", body)

    assert "pain" not in page.context["form"].initial
    assert "checked" not in str(page.context["form"]["pain"])
    assert response.status_code == 422
    assert response.context["form"].errors["pain"] == ["This field is required."]


def test_without_a_logged_workout_timing_is_the_persons_choice(logged_in, athlete):
    factories.WorkoutFactory(user=athlete, started_at=timezone.now() - timedelta(hours=30))
    page = logged_in.get("/log/episode/")
    body = episode_post(page)
    del body["timing"]

    response = logged_in.post("/log/episode/", body)

    assert "timing" not in page.context["form"].initial
    assert "No workout logged in the last day: choose one." in page.content.decode()
    assert response.status_code == 422
    assert response.context["form"].errors["timing"] == ["This field is required."]
    assert not TwitchEpisode.objects.exists()


@pytest.mark.parametrize(
    ("started_minutes_ago", "minutes", "guess"),
    [
        (20, 45, "during_exercise"),
        (100, 45, "right_after"),
        (10 * 60, 60, "hours_after"),
        (25 * 60 + 60, 60, None),
    ],
)
def test_the_timing_is_guessed_only_from_a_logged_workout(
    logged_in, athlete, started_minutes_ago, minutes, guess
):
    factories.WorkoutFactory(
        user=athlete,
        started_at=timezone.now() - timedelta(minutes=started_minutes_ago),
        duration_min=minutes,
    )

    initial = logged_in.get("/log/episode/").context["form"].initial

    assert initial.get("timing") == guess


def test_a_guessed_timing_says_what_it_rests_on(logged_in, athlete):
    # The athlete's zone is UTC: 06:05 for 40 minutes ends at 06:45.
    with time_machine.travel(datetime(2026, 11, 20, 7, 0, tzinfo=UTC), tick=False):
        factories.WorkoutFactory(
            user=athlete, started_at=datetime(2026, 11, 20, 6, 5, tzinfo=UTC), duration_min=40
        )
        html = logged_in.get("/log/episode/").content.decode()

    ended = '<time datetime="2026-11-20T06:45+00:00" data-when="time">06:45</time>'
    assert f"Guessed from your workout that ended at {ended}" in html


def test_the_flag_banner_stays_off_the_log_forms(logged_in, athlete):
    from triage.models import Flag

    Flag.objects.create(
        user=athlete,
        rule="long_episode",
        severity="see_doctor",
        window_start=timezone.localdate(),
        window_end=timezone.localdate(),
        message="m",
        advice="a",
        source="s",
    )

    assert "flag-banner" in logged_in.get("/").content.decode()
    for kind in ("episode", "workout", "hydration", "checkin"):
        assert "flag-banner" not in logged_in.get(f"/log/{kind}/").content.decode(), kind


def test_quick_water_offers_a_new_drink_after_each_tap(logged_in, athlete):
    first_id = logged_in.get("/").context["water_ids"][250]
    logged_in.post("/log/water/", {"id": first_id, "volume_ml": 250})
    second_id = logged_in.get("/").context["water_ids"][250]
    logged_in.post("/log/water/", {"id": second_id, "volume_ml": 250})

    assert first_id != second_id
    assert HydrationEntry.objects.filter(user=athlete).count() == 2


def test_today_kept_for_offline_use_holds_nobodys_data(client, athlete):
    factories.HydrationFactory(user=athlete, volume_ml=777)
    client.force_login(athlete)

    page = client.get("/?shell=1")

    html = page.content.decode()
    assert page.status_code == 200
    assert "777" not in html
    assert athlete.username not in html
    assert "data-timezone" not in html
    assert "Today's totals and entries need the server" in html
    assert html.count('name="id" value=""') == 2  # the phone gives each drink its id
    for action in ("Twitch now", "+250 ml", "+500 ml", "Log workout", "Check-in"):
        assert action in html
    assert Client().get("/?shell=1").status_code == 200  # cached while signed out, too
