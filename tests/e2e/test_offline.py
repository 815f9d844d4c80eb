"""Logging without a connection: the service worker's cached forms, the IndexedDB
outbox, and its replay to /api/v1/sync/ once the phone is back online."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from logbook.kinds import BY_SLUG, guess_timing
from logbook.models import HydrationEntry, TwitchEpisode
from tests import factories
from tests.e2e.conftest import log_in, outbox_items, wait_for_service_worker
from tests.e2e.forms import ZONE, fill_in, new_entries, stored_values
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SAVED_HERE = "Saved on this phone: "
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
    page.get_by_role("radio", name="Cramp").check()
    page.fill("input[name=duration_s_s]", "45")
    page.locator("input[name=pain][value='3']").check()
    page.get_by_role("radio", name="Unrelated to exercise").check()
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(TODAY_URL)
    episode = TwitchEpisode.objects.get(user=user)
    assert (episode.body_region, episode.side, episode.duration_s) == ("calf", "left", 45)
    return episode


def expect_saved_on_this_phone(page, waiting: int, log, what: str = ""):
    note = page.locator("[data-offline-note]")
    # Kept in IndexedDB in milliseconds; no need to wait the full default.
    expect(note, f"the entry was not kept on the phone{log}").to_be_visible(timeout=5_000)
    expect(note).to_contain_text(SAVED_HERE)
    expect(note).to_contain_text(what)
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
    page.fill("input[name=duration_s_min]", "1")
    page.fill("input[name=duration_s_s]", "30")
    page.locator("input[name=pain][value='6']").check()
    # No workout is known here, so the timing is the person's to choose.
    expect(page.locator("input[name=timing]:checked")).to_have_count(0)
    page.get_by_role("radio", name="Right after exercise").check()
    page.get_by_role("button", name="Save").click()
    expect_saved_on_this_phone(page, 1, browser_log, "Cramp, left calf, 1 min 30 s")

    page.goto("/log/hydration/")
    expect(page.locator("form.entry-form[data-shell]")).to_be_visible()
    page.get_by_role("button", name="500 ml").click()  # a quick amount
    expect(page.locator("input[name=volume_ml]")).to_have_value("500")
    page.get_by_role("radio", name="Electrolyte drink").check()
    page.get_by_role("button", name="Save").click()
    expect_saved_on_this_phone(page, 2, browser_log, "500 ml electrolyte drink")

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
    """Offline, "Twitch now" saves with what the form shows up front, as online.

    (The cached form once left the required "timing" radios unchecked inside
    the closed "More" section: Chromium then refused the submit with "An
    invalid form control with name='timing' is not focusable.", and the person
    saw nothing happen. Timing is now on the first screen.)
    """
    context, page = open_controlled_page(persistent_context, "oslo", "/log/episode/")
    log_episode_online_on_the_body_map(page, oslo_athlete)

    go_offline(context)
    page.goto("/log/episode/?now=1")
    expect(page.locator("form.entry-form[data-shell]")).to_be_visible()
    page.fill("input[name=duration_s_s]", "30")
    page.locator("input[name=pain][value='2']").check()
    page.get_by_role("radio", name="Unrelated to exercise").check()
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
    expect(page.locator(".offline-note")).to_contain_text(SAVED_HERE + "250 ml water")
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


def test_every_kind_logged_offline_is_stored_as_entered_after_reconnecting(
    persistent_context, live_server, oslo_athlete, browser_log
):
    context, page = open_controlled_page(
        persistent_context, "oslo", "/", timezone_id="America/New_York"
    )
    entries = new_entries()
    go_offline(context)

    ids = {}
    for slug, fields in entries.items():
        page.goto(f"/log/{slug}/")
        form = page.locator("form.entry-form[data-shell]")
        expect(form).to_be_visible()
        fresh = page.evaluate(NUMBER_FIELDS)
        fill_in(form, fields)
        ids[slug] = form.locator("input[name=id]").input_value()
        form.get_by_role("button", name="Save").click()
        expect_saved_on_this_phone(page, len(ids), browser_log)
        # The form is a new entry now: a new id, and nothing of the last one.
        assert form.locator("input[name=id]").input_value() not in ("", ids[slug])
        assert page.evaluate(NUMBER_FIELDS) == fresh, slug
        # No answer carried over: no toggle, relief or scale (pain, effort, stress).
        assert form.locator("input[type=checkbox]:checked, .scale input:checked").count() == 0

    go_online(context)
    expect(page.locator("[data-outbox-badge]"), f"never synced{browser_log}").to_be_hidden()

    for slug, fields in entries.items():
        model = BY_SLUG[slug].model
        entry = model.objects.get(user=oslo_athlete)
        assert str(entry.pk) == ids[slug]
        assert stored_values(entry, fields) == {f.name: f.stored for f in fields}, slug
    assert browser_log.page_errors == [], browser_log


NUMBER_FIELDS = """Array.from(document.querySelectorAll("form.entry-form input[type=number]"))
    .map((field) => ({name: field.name, value: field.value}))"""


def test_save_tapped_twice_offline_queues_one_entry(
    persistent_context, live_server, oslo_athlete, browser_log
):
    context, page = open_controlled_page(persistent_context, "oslo", "/")
    go_offline(context)
    page.goto("/log/hydration/")
    form = page.locator("form.entry-form[data-shell]")
    form.locator("input[name=volume_ml]").fill("400")
    form.get_by_role("radio", name="Water").check()

    save = form.get_by_role("button", name="Save")
    save.dblclick()
    expect_saved_on_this_phone(page, 1, browser_log, "400 ml water")
    save.click()  # the form is a new entry now, and waits for an amount

    assert len(outbox_items(page)) == 1
    go_online(context)
    expect(page.locator("[data-outbox-badge]")).to_be_hidden()
    assert HydrationEntry.objects.filter(user=oslo_athlete).count() == 1
    assert HydrationEntry.objects.get(user=oslo_athlete).volume_ml == 400


def test_the_installed_app_opens_on_today_without_signal_and_a_drink_arrives_once(
    persistent_context, live_server, oslo_athlete, browser_log
):
    factories.HydrationFactory(user=oslo_athlete, volume_ml=777)
    context, page = open_controlled_page(persistent_context, "oslo", "/")
    expect(page.locator("#today-totals")).to_contain_text("777")

    go_offline(context)
    page.goto("/")  # the installed app's start_url, opened with no signal

    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    expect(page.locator(".totals-offline")).to_contain_text("need the server")
    assert "777" not in page.content()  # a cached page holds nobody's data
    for action in ("Twitch now", "Log workout", "Check-in"):
        expect(page.get_by_role("link", name=action)).to_be_visible()
    page.get_by_role("button", name="+250 ml").click()
    expect_saved_on_this_phone(page, 1, browser_log, "250 ml water")

    # "Twitch now" opens the cached form with its timer running.
    page.get_by_role("link", name="Twitch now").click()
    expect(page.locator("form.entry-form[data-shell]")).to_be_visible()
    expect(page.locator("[data-stopwatch-display]")).to_have_text(re.compile(r"^0:0[1-9]$"))
    page.go_back()
    expect(page.locator("[data-outbox-count]")).to_have_text("1")

    go_online(context)
    expect(page.locator("[data-outbox-badge]"), f"never synced{browser_log}").to_be_hidden()
    drinks = HydrationEntry.objects.filter(user=oslo_athlete).exclude(volume_ml=777)
    assert list(drinks.values_list("volume_ml", "drink")) == [(250, "water")]


def test_the_offline_page_opens_the_page_by_itself_when_the_connection_returns(
    persistent_context, live_server, oslo_athlete, browser_log
):
    context, page = open_controlled_page(persistent_context, "oslo", "/")
    go_offline(context)
    page.goto("/history/")
    expect(page.get_by_role("heading", name="No connection")).to_be_visible()

    go_online(context)

    expect(page.get_by_role("heading", name="History")).to_be_visible()
    assert page.url.endswith("/history/")


def test_offline_forms_guess_and_check_as_the_server_does(
    persistent_context, live_server, oslo_athlete, browser_log
):
    context, page = open_controlled_page(persistent_context, "oslo", "/")
    go_offline(context)

    # A workout logged on the phone, which ended half an hour ago...
    page.goto("/log/workout/")
    form = page.locator("form.entry-form[data-shell]")
    form.get_by_role("radio", name="Run").check()
    form.locator("input[name=duration_min]").fill("45")
    form.locator("input[name=rpe][value='6']").check()
    started = timezone.localtime(timezone.now() - timedelta(minutes=75), ZONE)
    form.locator("details.more").evaluate("(details) => { details.open = true; }")
    form.locator("input[name=started_at]").fill(started.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_role("button", name="Save").click()
    expect_saved_on_this_phone(page, 1, browser_log)

    # ...makes an episode "right after exercise", as the server would guess.
    page.goto("/log/episode/")
    form = page.locator("form.entry-form[data-shell]")
    expect(form.locator("input[name=timing]:checked")).to_have_value("right_after")
    server_guess = guess_timing((started, started + timedelta(minutes=45)), timezone.now())
    assert server_guess == "right_after"

    # The server's limits, with its words, before anything is kept.
    form.locator("input[name=duration_s_min]").fill("0")
    form.locator("input[name=duration_s_s]").fill("0")
    message = form.locator("input[name=duration_s_min]").evaluate("(f) => f.validationMessage")
    assert message == "Must be at least 1 second."
    form.locator("input[name=duration_s_min]").fill("1441")
    message = form.locator("input[name=duration_s_min]").evaluate("(f) => f.validationMessage")
    assert message == "Must be at most 24 hours."
    ahead = timezone.localtime(timezone.now() + timedelta(days=2), ZONE)
    form.locator("details.more").evaluate("(details) => { details.open = true; }")
    time_field = form.locator("input[name=started_at]")
    time_field.fill(ahead.strftime("%Y-%m-%dT%H:%M"))
    assert time_field.evaluate("(f) => f.validationMessage") == (
        "Must not be more than 24 hours in the future."
    )
    form.get_by_role("button", name="Save").click()
    assert len(outbox_items(page)) == 1  # only the workout
