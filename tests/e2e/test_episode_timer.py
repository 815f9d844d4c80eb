""" "Twitch now" and its timer: the timer fills in how long until the person
chooses, and then never overrides the choice. (Wave one stored 4 s for a
tapped "15 min": the timer rewrote the field every 250 ms.)"""

import re
import time

import pytest
from playwright.sync_api import expect

from logbook.models import TwitchEpisode
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TODAY_URL = re.compile(r"^https?://[^/]+/$")


@pytest.fixture
def athlete():
    return UserFactory(username="timer")


@pytest.fixture
def page(new_context, live_server, athlete):
    page = new_context(viewport={"width": 390, "height": 844}, service_workers="block").new_page()
    log_in(page, athlete.username, PASSWORD)
    return page


def twitch_now(page):
    page.get_by_role("link", name="Twitch now").click()
    display = page.locator("[data-stopwatch-display]")
    expect(display).to_have_text(re.compile(r"^0:0[1-9]$"), timeout=5_000)  # it runs
    return display


def duration_shown(page) -> tuple[str, str]:
    return (
        page.locator("input[name=duration_s_min]").input_value(),
        page.locator("input[name=duration_s_s]").input_value(),
    )


def finish_as_a_calf_cramp(page, pain="4"):
    page.locator(".body-map .region[data-region=calf][data-side=left]").click()
    page.get_by_role("radio", name="Cramp").check()
    page.locator(f"input[name=pain][value='{pain}']").check()
    page.get_by_role("radio", name="Unrelated to exercise").check()
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(TODAY_URL)


def test_twitch_now_then_a_duration_chip_stores_the_chip(page, athlete):
    twitch_now(page)
    page.get_by_role("button", name="15 min", exact=True).click()
    page.wait_for_timeout(1_500)  # six ticks of the old timer

    assert duration_shown(page) == ("15", "0")
    finish_as_a_calf_cramp(page)

    episode = TwitchEpisode.objects.get(user=athlete)
    assert episode.duration_s == 900
    # The entry says 15 min, and the API says 900 seconds.
    expect(page.locator(".timeline")).to_contain_text("Cramp, left calf, 15 min")
    answer = page.request.get(f"/api/v1/episodes/{episode.pk}/")
    assert answer.ok
    assert answer.json()["duration_s"] == 900


def test_twitch_now_then_a_typed_duration_stores_what_was_typed(page, athlete):
    twitch_now(page)
    page.locator("input[name=duration_s_min]").fill("20")
    page.wait_for_timeout(1_500)

    assert duration_shown(page) == ("20", "")
    finish_as_a_calf_cramp(page)

    assert TwitchEpisode.objects.get(user=athlete).duration_s == 1200


def test_twitch_now_then_stop_stores_the_stopped_time(page, athlete):
    display = twitch_now(page)
    page.wait_for_timeout(1_200)
    page.get_by_role("button", name="Stop").click()
    stopped = display.inner_text()
    page.wait_for_timeout(1_500)

    minutes, seconds = stopped.split(":")
    assert display.inner_text() == stopped  # stopped means stopped
    assert duration_shown(page) == (str(int(minutes)), str(int(seconds)))
    finish_as_a_calf_cramp(page)

    assert TwitchEpisode.objects.get(user=athlete).duration_s == int(minutes) * 60 + int(seconds)


def test_left_running_the_timer_fills_in_how_long(page, athlete):
    twitch_now(page)
    page.wait_for_timeout(2_100)

    minutes, seconds = duration_shown(page)
    finish_as_a_calf_cramp(page)

    assert minutes == "0"
    assert int(seconds) >= 2
    assert TwitchEpisode.objects.get(user=athlete).duration_s >= 2


def test_a_first_episode_takes_seven_taps_and_well_under_ten_seconds(page, athlete):
    """From Today: Twitch now, the calf on the body map, Cramp, "1 min", a pain,
    a timing and Save. The test's clock measures the app, not a thumb; at about a
    second a tap, seven taps are well under ten seconds."""
    taps = 0

    def tap(locator):
        nonlocal taps
        locator.click()
        taps += 1

    started = time.monotonic()
    tap(page.get_by_role("link", name="Twitch now"))
    tap(page.locator(".body-map .region[data-region=calf][data-side=left]"))
    tap(page.get_by_role("radio", name="Cramp"))
    tap(page.get_by_role("button", name="1 min", exact=True))
    tap(page.locator("input[name=pain][value='5']"))
    tap(page.get_by_role("radio", name="Unrelated to exercise"))
    tap(page.get_by_role("button", name="Save"))
    expect(page).to_have_url(TODAY_URL)
    elapsed = time.monotonic() - started

    assert taps == 7
    assert elapsed < 10, elapsed
    assert TwitchEpisode.objects.get(user=athlete).duration_s == 60
