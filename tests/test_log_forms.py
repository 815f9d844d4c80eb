"""The log forms: quick defaults, plain POST and htmx, errors in place, one entry per form."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from logbook.models import DailyCheckin, HydrationEntry, TwitchEpisode, Workout
from tests import factories

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
        "duration_s": 90,
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

    response = logged_in.post("/log/episode/", episode_post(page, pain=12, duration_s=""))

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
    assert "less than or equal to 10" in html
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
    factories.EpisodeFactory(user=athlete, kind="spasm", body_region="neck", side="right")

    with time_machine.travel(datetime(2026, 11, 20, 9, 41, 27, tzinfo=UTC), tick=False):
        initial = logged_in.get("/log/episode/").context["form"].initial

    assert (initial["kind"], initial["body_region"], initial["side"]) == ("spasm", "neck", "right")
    assert initial["started_at"] == datetime(2026, 11, 20, 9, 41, tzinfo=UTC)


def test_the_timing_is_guessed_from_the_last_workout(logged_in, athlete):
    factories.WorkoutFactory(
        user=athlete, started_at=timezone.now() - timedelta(minutes=70), duration_min=45
    )

    initial = logged_in.get("/log/episode/").context["form"].initial

    assert initial["timing"] == "right_after"


def test_a_link_can_prefill_the_form(logged_in):
    initial = logged_in.get("/log/episode/?body_region=calf&side=left").context["form"].initial

    assert (initial["body_region"], initial["side"]) == ("calf", "left")


def test_essentials_come_first_and_the_rest_folds_under_more(logged_in):
    form = logged_in.get("/log/episode/").context["form"]

    assert [f.name for f in form.essential_fields()] == [
        "kind",
        "body_region",
        "side",
        "duration_s",
        "pain",
    ]
    assert "weakness" in [f.name for f in form.more_fields()]
    html = logged_in.get("/log/episode/").content.decode()
    assert (
        html.index('name="pain"')
        < html.index('<details class="more"')
        < html.index('name="weakness"')
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
    form = logged_in.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["started_at"] = timezone.localtime(episode.started_at).strftime("%Y-%m-%dT%H:%M")
    data["relief"] = []

    response = logged_in.post(url, {**data, "pain": 7})

    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.pain == 7
    assert TwitchEpisode.objects.count() == 1


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
