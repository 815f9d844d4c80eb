"""What the pages show: Today's totals, History, Episodes, Load, Flags, Settings, accounts."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from tests import factories
from triage.models import Flag

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)


@pytest.fixture
def logged_in(client, athlete):
    client.force_login(athlete)
    return client


def flag(user, **fields):
    return Flag.objects.create(
        user=user,
        **{
            "rule": "recurring_episodes",
            "severity": "watch",
            "window_start": "2026-11-10",
            "window_end": "2026-11-12",
            "message": "3 episodes in the calf in 3 days.",
            "advice": "Keep logging each episode.",
            "source": "“If any muscle twitch or spasm ...” (Nall)",
            **fields,
        },
    )


# --- Today ----------------------------------------------------------------------


def test_today_totals_count_the_athletes_own_day(logged_in, athlete):
    athlete.profile.timezone = "Pacific/Auckland"  # 20:00 UTC is 09:00 next day there
    athlete.profile.daily_fluid_target_ml = 2500
    athlete.profile.save()
    local_morning = NOW + timedelta(hours=-1)  # 08:00 in Auckland, same local day
    yesterday_there = NOW - timedelta(hours=10)  # 23:00 the day before, in Auckland
    factories.HydrationFactory(user=athlete, taken_at=local_morning, volume_ml=750)
    factories.HydrationFactory(user=athlete, taken_at=yesterday_there, volume_ml=400)
    factories.WorkoutFactory(user=athlete, started_at=local_morning, rpe=5, duration_min=30)
    factories.EpisodeFactory(user=athlete, started_at=local_morning)

    with time_machine.travel(NOW, tick=False):
        context = logged_in.get("/").context

    assert (context["fluid_ml"], context["fluid_target_ml"], context["fluid_percent"]) == (
        750,
        2500,
        30,
    )
    assert context["load"] == 150
    assert context["episode_count"] == 1
    assert len(context["entries"]) == 3


def test_today_has_the_quick_actions(logged_in):
    html = logged_in.get("/").content.decode()

    assert "Twitch now" in html
    assert "/log/episode/?now=1" in html
    assert "+250 ml" in html
    assert "+500 ml" in html
    assert "Log workout" in html


def test_every_page_carries_a_banner_for_open_flags(logged_in, athlete):
    flag(athlete)

    assert "1 pattern to look at" in logged_in.get("/").content.decode()
    assert "1 pattern to look at" in logged_in.get("/history/").content.decode()


def test_a_see_doctor_flag_makes_the_banner_say_so(logged_in, athlete):
    flag(athlete, severity="see_doctor")

    assert "The guidance says to see a doctor" in logged_in.get("/").content.decode()


def test_flags_already_seen_raise_no_banner(logged_in, athlete):
    flag(athlete, seen_at=timezone.now())

    assert "pattern" not in logged_in.get("/").content.decode()


# --- History -------------------------------------------------------------------------


def test_history_groups_entries_by_day_newest_first(logged_in, athlete):
    for days_ago in (0, 1, 1):
        factories.EpisodeFactory(user=athlete, started_at=NOW - timedelta(days=days_ago))
    factories.CheckinFactory(user=athlete, date=(NOW - timedelta(days=2)).date())

    with time_machine.travel(NOW, tick=False):
        days = logged_in.get("/history/").context["days"]

    assert [day for day, _ in days] == [NOW.date() - timedelta(days=n) for n in (0, 1, 2)]
    assert [len(items) for _, items in days] == [1, 2, 1]


def test_history_filters_by_type(logged_in, athlete):
    factories.EpisodeFactory(user=athlete)
    factories.WorkoutFactory(user=athlete)

    days = logged_in.get("/history/?type=workout").context["days"]

    assert [item.kind.slug for _, items in days for item in items] == ["workout"]


def test_history_pages_with_htmx(logged_in, athlete):
    for minutes in range(35):
        factories.HydrationFactory(user=athlete, taken_at=NOW - timedelta(minutes=10 * minutes))

    with time_machine.travel(NOW, tick=False):
        first = logged_in.get("/history/")
        more = first.context["next_before"]
        second = logged_in.get("/history/", {"before": more, "day": "x"}, HTTP_HX_REQUEST="true")

    shown = sum(len(items) for _, items in first.context["days"])
    rest = sum(len(items) for _, items in second.context["days"])
    assert (shown, rest) == (30, 5)
    assert "<html" not in second.content.decode()
    assert second.context["next_before"] is None
    assert "Show older" in first.content.decode()


def test_history_says_when_there_is_nothing(logged_in):
    assert "Nothing logged yet" in logged_in.get("/history/").content.decode()


# --- Episodes ------------------------------------------------------------------------


def test_the_episodes_page_has_a_12_week_heatmap_and_breakdowns(logged_in, athlete):
    for days_ago, region, kind in [
        (0, "calf", "cramp"),
        (0, "calf", "cramp"),
        (3, "eyelid", "twitch"),
    ]:
        factories.EpisodeFactory(
            user=athlete, started_at=NOW - timedelta(days=days_ago), body_region=region, kind=kind
        )
    factories.EpisodeFactory(user=athlete, started_at=NOW - timedelta(weeks=13))

    with time_machine.travel(NOW, tick=False):
        context = logged_in.get("/episodes/").context

    assert len(context["weeks"]) == 12
    assert all(len(week) == 7 for week in context["weeks"])
    cells = {cell["day"]: cell for week in context["weeks"] for cell in week}
    assert cells[NOW.date()]["count"] == 2
    assert cells[NOW.date()]["level"] == 2
    assert context["total"] == 3
    assert [(row["label"], row["count"]) for row in context["by_region"]] == [
        ("Calf", 2),
        ("Eyelid", 1),
    ]
    assert [(row["label"], row["count"]) for row in context["by_kind"]] == [
        ("Cramp", 2),
        ("Twitch", 1),
    ]


# --- Load ----------------------------------------------------------------------------


def test_the_load_page_draws_its_charts_without_a_chart_library(logged_in, athlete):
    for days_ago in range(40):
        factories.WorkoutFactory(
            user=athlete,
            started_at=timezone.now() - timedelta(days=days_ago),
            rpe=5,
            duration_min=60,
        )

    response = logged_in.get("/load/")

    html = response.content.decode()
    assert html.count('<svg class="chart') == 2
    assert 'class="line-acute"' in html
    assert 'class="line-acwr"' in html
    assert 'class="zone zone-usual"' in html
    assert len(response.context["load_chart"]["bars"]) == 40
    assert response.context["weeks"]["this_week"] == 7 * 300


def test_the_load_page_says_when_there_is_not_enough_history(logged_in, athlete):
    factories.WorkoutFactory(user=athlete, started_at=timezone.now() - timedelta(days=9))

    html = logged_in.get("/load/").content.decode()

    assert "needs 28 days of training history: 18 more days" in html
    assert html.count('<svg class="chart') == 1  # the daily bars, not yet a ratio


def test_a_new_athlete_sees_a_friendly_start_not_an_empty_axis(logged_in):
    response = logged_in.get("/load/")

    html = response.content.decode()
    assert "No workouts logged yet." in html
    assert '<svg class="chart' not in html
    assert ">0</text>" not in html


def test_the_load_figures_are_named_in_plain_words(logged_in, athlete):
    for days_ago in range(40):  # a steady month, then a heavy week
        factories.WorkoutFactory(
            user=athlete,
            started_at=timezone.now() - timedelta(days=days_ago),
            rpe=5,
            duration_min=60 if days_ago >= 7 else 150,
        )

    html = logged_in.get("/load/").content.decode()

    for words in (
        "This week against your usual",
        "well above your usual",
        "How alike your days were",
        "Strain",
        "1.0 is a week like your usual",
    ):
        assert words in html
    text = re.sub(r"<[^>]+>", " ", html)  # what the page says, not its class names
    assert "danger" not in text
    assert "sweet" not in text


# --- Flags ---------------------------------------------------------------------------


def test_flags_are_listed_open_first_then_by_severity(logged_in, athlete):
    flag(
        athlete,
        message="seen",
        seen_at=timezone.now(),
        severity="see_doctor",
        window_start="2026-11-01",
    )
    flag(athlete, message="watch", window_start="2026-11-02")
    flag(athlete, message="doctor", severity="see_doctor", rule="severe_pain")

    flags = logged_in.get("/flags/").context["flags"]

    assert [f.message for f in flags] == ["doctor", "watch", "seen"]


def test_a_see_doctor_flag_is_stated_plainly_at_the_top(logged_in, athlete):
    flag(athlete, severity="see_doctor")

    html = logged_in.get("/flags/").content.decode()

    assert html.index("The guidance says to see a doctor") < html.index('class="flag ')


def test_each_flag_shows_severity_word_message_advice_and_source(logged_in, athlete):
    flag(athlete)

    html = logged_in.get("/flags/").content.decode()

    assert "severity-watch" in html
    assert ">Watch<" in html
    assert "3 episodes in the calf in 3 days." in html
    assert "Keep logging each episode." in html
    assert "(Nall)" in html
    assert "episodes that keep coming back" in html.lower()


def test_acknowledging_without_javascript_returns_to_the_flags(logged_in, athlete):
    f = flag(athlete)

    response = logged_in.post(f"/flags/{f.pk}/acknowledge/")

    assert response.status_code == 302
    f.refresh_from_db()
    assert (f.status, f.seen_at is not None) == ("open", True)


def test_acknowledging_with_htmx_swaps_the_flag(logged_in, athlete):
    f = flag(athlete)

    response = logged_in.post(f"/flags/{f.pk}/acknowledge/", HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith("<article")
    assert ">Seen</span>" in html
    assert "I've seen this" not in html


# --- Settings and accounts ----------------------------------------------------------------


def test_settings_save_the_profile(logged_in, athlete):
    response = logged_in.post(
        "/settings/",
        {
            "timezone": "Europe/Oslo",
            "units": "imperial",
            "daily_fluid_target_ml": 3000,
            "digest_enabled": "",
            "digest_detail": "private",
        },
    )

    assert response.status_code == 302
    athlete.profile.refresh_from_db()
    assert (athlete.profile.timezone, athlete.profile.units) == ("Europe/Oslo", "imperial")
    assert athlete.profile.daily_fluid_target_ml == 3000
    assert athlete.profile.digest_enabled is False
    assert athlete.profile.digest_detail == "private"


def test_settings_refuse_bad_values_by_field(logged_in, athlete):
    response = logged_in.post(
        "/settings/",
        {
            "timezone": "Mars/Base",
            "units": "metric",
            "daily_fluid_target_ml": 100,
            "digest_detail": "full",
        },
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"timezone", "daily_fluid_target_ml"}
    athlete.profile.refresh_from_db()
    assert athlete.profile.timezone == "UTC"


def test_the_password_can_be_changed(logged_in, athlete):
    response = logged_in.post(
        "/settings/password/",
        {
            "old_password": factories.PASSWORD,
            "new_password1": "a-new-long-phrase-42",
            "new_password2": "a-new-long-phrase-42",
        },
    )

    assert response.status_code == 302
    athlete.refresh_from_db()
    assert athlete.check_password("a-new-long-phrase-42")


def test_signing_up_logs_in_and_opens_settings(client, django_user_model):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "newbie",
            "email": "n@example.com",
            "password1": "twitchy-legs-2026",
            "password2": "twitchy-legs-2026",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/settings/"
    assert django_user_model.objects.get(username="newbie").profile
    assert client.get("/").status_code == 200


def test_sign_up_can_be_closed(client, settings, django_user_model):
    settings.SIGNUP_OPEN = False

    response = client.post(
        "/accounts/signup/",
        {
            "username": "newbie",
            "email": "n@example.com",
            "password1": "twitchy-legs-2026",
            "password2": "twitchy-legs-2026",
        },
    )

    assert response.status_code == 403
    assert not django_user_model.objects.filter(username="newbie").exists()


def test_logging_in_and_out(client, athlete):
    response = client.post(
        "/accounts/login/", {"username": "athlete", "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200

    client.post("/accounts/logout/")

    assert client.get("/").status_code == 302


def test_repeated_failed_logins_lock_the_account_out(client, athlete, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "athlete", "password": "wrong"})

    response = client.post(
        "/accounts/login/", {"username": "athlete", "password": factories.PASSWORD}
    )

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert client.get("/").status_code == 302


def test_a_password_reset_link_is_emailed(client, athlete):
    client.post("/accounts/password_reset/", {"email": athlete.email})

    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.context["validlink"] is True


# --- Content-Security-Policy ------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/", "/log/episode/", "/history/", "/episodes/", "/load/", "/flags/", "/settings/"]
)
def test_pages_run_under_a_strict_csp_with_no_inline_script_or_style(logged_in, athlete, url):
    factories.EpisodeFactory(user=athlete)
    flag(athlete)

    response = logged_in.get(url)

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    html = response.content.decode()
    # Scripts come from files; the one inline <script> is JSON data, which no
    # browser runs (the registry of entry kinds that app.js reads).
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", html)
    assert " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers


# --- Episodes: the list and the days ------------------------------------------------


def test_the_episodes_page_lists_each_episode_to_tap_and_edit(logged_in, athlete):
    recent = factories.EpisodeFactory(user=athlete, body_region="neck", duration_s=75)
    older = factories.EpisodeFactory(
        user=athlete, started_at=timezone.now() - timedelta(days=20), body_region="calf"
    )

    html = logged_in.get("/episodes/").content.decode()

    listed = html[html.index("Every episode, newest first") :]
    assert listed.index(f"/log/episode/{recent.pk}/") < listed.index(f"/log/episode/{older.pk}/")
    assert "1 min 15 s" in listed


def test_a_heatmap_day_opens_that_day(logged_in, athlete):
    when = timezone.localtime() - timedelta(days=3)
    episode = factories.EpisodeFactory(user=athlete, started_at=when)
    factories.HydrationFactory(user=athlete, taken_at=when, volume_ml=444)
    factories.EpisodeFactory(user=athlete, started_at=when - timedelta(days=1))
    day = when.date().isoformat()

    heatmap = logged_in.get("/episodes/").content.decode()
    page = logged_in.get(f"/history/?on={day}")

    assert f'href="/history/?on={day}"' in heatmap
    html = page.content.decode()
    assert f"/log/episode/{episode.pk}/" in html
    assert "444 ml" in html  # the whole day, not only its episodes
    (only_day,) = page.context["days"]
    assert len(only_day[1]) == 2


@pytest.mark.parametrize("value", ["2026-02-30", "0001-01-01", "x", "9999-12-31"])
def test_a_day_that_cannot_be_opened_shows_the_history_instead(logged_in, value):
    response = logged_in.get(f"/history/?on={value}")

    assert response.status_code == 200
    assert response.context.get("on") is None


@pytest.mark.parametrize(
    "value", ["2026-11-20T10:00", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00+14:00", "nope"]
)
def test_history_paging_takes_any_cursor_without_an_error(logged_in, athlete, value):
    factories.EpisodeFactory(user=athlete)

    assert logged_in.get("/history/", {"before": value}).status_code == 200
