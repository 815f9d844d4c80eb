"""Logging without a connection: the service worker's cached forms, the IndexedDB
outbox, and its replay to /api/v1/sync/ once the phone is back online."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from logbook.models import HydrationEntry, TwitchEpisode
from tests.e2e.conftest import log_in, outbox_items, wait_for_service_worker
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SAVED_HERE = "Saved on this phone — will sync."
TODAY_URL = re.compile(r"^https?://[^/]+/$")
# The app's own URLs, as app.js passes them to Outbox.flush.
URLS_JS = "({session: document.body.dataset.sessionUrl, sync: document.body.dataset.syncUrl})"


@pytest.fixture
def oslo_athlete():
    user = UserFactory(username="oslo")
    user.profile.timezone = "Europe/Oslo"
    user.profile.save()
    return user


def go_offline(context):
    """Offline for the pages and for the service worker's own fetches alike.

    Requests the service worker answers from its cache never reach the network,
    so neither this nor set_offline stops them: that is the point.
    """
    context.set_offline(True)
    context.route("**/*", lambda route: route.abort("internetdisconnected"))


def go_online(context):
    context.unroute("**/*")
    context.set_offline(False)


def open_controlled_page(persistent_context, username, path, **options):
    context = persistent_context(**options)
    page = context.pages[0] if context.pages else context.new_page()
    log_in(page, username, PASSWORD)
    page.goto(path)
    wait_for_service_worker(page)
    return context, page


def log_episode_online_on_the_body_map(page, user):
    """The left calf on the back view, 45 s; the page goes to Today."""
    calf = page.locator(".body-map .region[data-region=calf][data-side=left]")
    calf.click()
    expect(page.locator("select[name=body_region]")).to_have_value("calf")
    expect(page.get_by_role("radio", name="Left", exact=True)).to_be_checked()
    expect(calf).to_have_attribute("aria-pressed", "true")
    page.fill("input[name=duration_s]", "45")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(TODAY_URL)
    episode = TwitchEpisode.objects.get(user=user)
    assert (episode.body_region, episode.side, episode.duration_s) == ("calf", "left", 45)
    return episode


def expect_saved_on_this_phone(page, waiting: int, log):
    note = page.locator("[data-offline-note]")
    # Kept in IndexedDB in milliseconds; no need to wait the full default.
    expect(note, f"the entry was not kept on the phone{log}").to_be_visible(timeout=5_000)
    expect(note).to_have_text(SAVED_HERE)
    expect(page.locator("[data-outbox-badge]")).to_be_visible()
    expect(page.locator("[data-outbox-count]")).to_have_text(str(waiting))


def test_offline_round_trip(persistent_context, live_server, oslo_athlete, browser_log):
    # The phone's own clock is in New York; entries must still be on Oslo time.
    context, page = open_controlled_page(
        persistent_context, "oslo", "/log/episode/", timezone_id="America/New_York"
    )
    online = log_episode_online_on_the_body_map(page, oslo_athlete)

    # --- Offline: two entries wait in the outbox --------------------------------------
    go_offline(context)
    page.goto("/log/episode/")
    expect(page.locator("form.entry-form[data-shell]")).to_be_visible()  # the cached form
    assert page.evaluate("navigator.onLine") is False
    # The phone remembers the last episode's kind, region and side.
    expect(page.locator("select[name=body_region]")).to_have_value("calf")
    expect(page.get_by_role("radio", name="Left", exact=True)).to_be_checked()
    page.fill("input[name=duration_s]", "90")
    page.fill("input[name=pain]", "6")
    # The cached form preselects no timing, and it is required: pick one under "More".
    # (test_offline_episode_saves_with_the_fields_shown covers that gap.)
    page.locator("details.more > summary").click()
    page.get_by_role("radio", name="Right after exercise").check()
    page.get_by_role("button", name="Save").click()
    expect_saved_on_this_phone(page, 1, browser_log)

    page.goto("/log/hydration/")
    expect(page.locator("form.entry-form[data-shell]")).to_be_visible()
    page.get_by_role("button", name="500 ml").click()  # a quick amount
    expect(page.locator("input[name=volume_ml]")).to_have_value("500")
    page.get_by_role("radio", name="Electrolyte drink").check()
    page.get_by_role("button", name="Save").click()
    expect_saved_on_this_phone(page, 2, browser_log)

    waiting = {item["type"]: item for item in outbox_items(page)}
    assert sorted(waiting) == ["episodes", "hydration"], waiting
    episode_id, drink_id = waiting["episodes"]["id"], waiting["hydration"]["id"]
    assert episode_id != str(online.id)

    # A reload without a connection still shows the form, and what is waiting.
    page.reload()
    expect(page.locator("form.entry-form[data-shell]")).to_be_visible()
    expect(page.locator("[data-outbox-count]")).to_have_text("2")
    expect(page.locator("[data-outbox-badge]")).to_be_visible()
    assert not TwitchEpisode.objects.filter(pk=episode_id).exists()

    # --- Back online: the outbox flushes by itself ------------------------------------
    go_online(context)
    expect(
        page.locator("[data-outbox-badge]"), f"the outbox never emptied{browser_log}"
    ).to_be_hidden()
    expect(page.locator("[data-outbox-count]")).to_have_text("0")
    assert outbox_items(page) == []

    assert TwitchEpisode.objects.filter(pk=episode_id).count() == 1
    assert HydrationEntry.objects.filter(pk=drink_id).count() == 1
    assert TwitchEpisode.objects.filter(user=oslo_athlete).count() == 2  # online one + offline one
    assert TwitchEpisode.objects.filter(pk=online.pk).count() == 1
    assert HydrationEntry.objects.filter(user=oslo_athlete).count() == 1

    offline_episode = TwitchEpisode.objects.get(pk=episode_id)
    assert (offline_episode.body_region, offline_episode.side) == ("calf", "left")
    assert (offline_episode.duration_s, offline_episode.pain) == (90, 6)
    assert offline_episode.timing == "right_after"
    drink = HydrationEntry.objects.get(pk=drink_id)
    assert (drink.volume_ml, drink.drink) == (500, "electrolyte")
    # "Now" was read on the Oslo clock and sent as an instant: minutes from now,
    # not the six hours between New York and Oslo.
    for moment in (offline_episode.started_at, drink.taken_at):
        assert abs(moment - timezone.now()) < timedelta(minutes=3), moment

    # --- A replay stores nothing twice ------------------------------------------------
    outcome = page.evaluate(
        """([item, urls]) => Outbox.add(item).then(() => Outbox.flush(urls))""",
        [waiting["episodes"], page.evaluate(URLS_JS)],
    )
    assert outcome == {"status": "synced", "sent": 1, "refused": 0}, outcome
    assert outbox_items(page) == []
    assert TwitchEpisode.objects.filter(pk=episode_id).count() == 1
    assert TwitchEpisode.objects.filter(user=oslo_athlete).count() == 2
    assert browser_log.page_errors == [], browser_log


def test_offline_episode_saves_with_the_fields_shown(
    persistent_context, live_server, oslo_athlete, browser_log
):
    """Offline, "Twitch now" must save with what the form shows up front, as it
    does online (where the server preselects a timing).

    The cached form (?shell=1) leaves the required "timing" radios unchecked
    inside the closed "More" section: Chromium then refuses the submit with
    "An invalid form control with name='timing' is not focusable." on the
    console, and the person sees nothing happen.
    """
    context, page = open_controlled_page(persistent_context, "oslo", "/log/episode/")
    log_episode_online_on_the_body_map(page, oslo_athlete)

    go_offline(context)
    page.goto("/log/episode/?now=1")
    expect(page.locator("form.entry-form[data-shell]")).to_be_visible()
    page.fill("input[name=duration_s]", "30")
    page.fill("input[name=pain]", "2")
    page.get_by_role("button", name="Save").click()

    invalid = page.evaluate(
        """Array.from(document.querySelector("form.entry-form").elements)
            .filter((field) => !field.checkValidity())
            .map((field) => field.name)"""
    )
    expect_saved_on_this_phone(page, 1, f"\ninvalid fields: {invalid}{browser_log}")


def test_logging_out_clears_the_outbox(persistent_context, live_server, oslo_athlete, browser_log):
    context, page = open_controlled_page(persistent_context, "oslo", "/")

    # Today is open when the connection drops: "+250 ml" still works.
    go_offline(context)
    page.get_by_role("button", name="+250 ml").click()
    expect(page.locator(".offline-note")).to_have_text(SAVED_HERE)
    expect(page.locator("[data-outbox-count]")).to_have_text("1")

    # Back online, but the server cannot be reached for a sync, so the entry waits.
    context.route("**/session/", lambda route: route.abort("connectionrefused"))
    context.route("**/api/v1/sync/", lambda route: route.abort("connectionrefused"))
    context.unroute("**/*")
    context.set_offline(False)
    page.goto("/settings/")
    expect(page.locator("[data-outbox-count]")).to_have_text("1")
    assert len(outbox_items(page)) == 1

    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert len(dialogs) == 1, dialogs
    assert "still waiting on this phone" in dialogs[0], dialogs

    context.unroute_all()
    assert outbox_items(page) == [], browser_log
    expect(page.locator("[data-outbox-badge]")).to_be_hidden()
    assert not HydrationEntry.objects.filter(user=oslo_athlete).exists()
    session = page.request.get("/session/").json()
    assert session["authenticated"] is False
