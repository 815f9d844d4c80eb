"""Reminders in Chromium: made, edited, turned off and deleted on the Settings
page of a phone (390 x 844, and 320 wide), with screenshots in
artifacts/screenshots/; this phone's push subscription sent to the server and
taken back; and the service worker showing a pushed reminder and answering a
tap on it.

Headless Chromium has no push service: PushManager.subscribe() never settles.
The subscription test therefore stubs only PushManager.prototype.subscribe and
getSubscription (with a subscription whose keys are real P-256 keys), and
checks what the page does with it. The push itself is real in
tests/test_push.py (a loopback push service, decrypted); here a push message is
delivered to the real service worker through the DevTools protocol
(ServiceWorker.deliverPushMessage), which fires a trusted push event.
"""

import json
import re
import uuid
from datetime import date, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from logbook import reminding
from logbook.management.commands.vapid_keys import new_key_pair
from logbook.models import PushSubscription, Reminder, ReminderSend
from tests.e2e.conftest import log_in, wait_for_service_worker, wait_until
from tests.e2e.test_accessibility import BLOCKING, RUN_AXE
from tests.e2e.test_screenshots import WIDER_THAN_PAGE, png_size
from tests.factories import PASSWORD, UserFactory
from tests.test_push import browser_keys

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 640}


@pytest.fixture
def athlete():
    user = UserFactory(username="reminded", email="reminded@example.com")
    user.profile.timezone = "Pacific/Auckland"
    user.profile.save()
    return user


@pytest.fixture
def vapid(settings):
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = new_key_pair()
    return settings


def card(page):
    return page.locator("#reminders")


def reminder_row(page, text):
    return card(page).locator("li.reminder", has_text=text)


def shoot_card(page, screenshots_dir, name):
    """The Reminders card alone, without the tab bar that floats over it."""
    page.evaluate("document.querySelector('nav.tab-bar').style.visibility = 'hidden'")
    shot = screenshots_dir / f"{name}.png"
    shot.unlink(missing_ok=True)
    card(page).screenshot(path=shot)
    page.evaluate("document.querySelector('nav.tab-bar').style.visibility = ''")
    return shot


def shoot(page, screenshots_dir, name, width):
    shot = screenshots_dir / f"{name}.png"
    shot.unlink(missing_ok=True)
    page.screenshot(path=shot, full_page=True)
    assert png_size(shot)[0] == width, shot
    return shot


def test_reminders_are_made_edited_turned_off_and_deleted_on_a_phone(
    new_context, live_server, athlete, screenshots_dir
):
    page = new_context(viewport=PHONE, service_workers="block").new_page()
    log_in(page, athlete.username, PASSWORD)
    page.goto("/settings/#reminders")
    expect(card(page).get_by_role("heading", name="Reminders")).to_be_visible()
    expect(card(page).get_by_text("No reminders yet.")).to_be_visible()

    # The evening check-in at 21:00, every day: what the form starts from.
    form = card(page).locator("form.reminder-form")
    expect(form.get_by_label("Evening check-in")).to_be_checked()
    expect(form.locator("input[name=time]")).to_have_value("21:00")
    form.get_by_role("button", name="Add reminder").click()
    expect(page.get_by_text("Reminder set: Evening check-in, 21:00, Every day.")).to_be_visible()
    expect(reminder_row(page, "Evening check-in")).to_contain_text("21:00")

    # One in her own words, on weekdays; first without the words.
    card(page).get_by_text("Add a reminder").click()
    form.locator("label.chip", has_text="Your own words").click()
    form.locator("input[name=time]").fill("07:30")
    for day in ("Sat", "Sun"):
        form.locator("label.chip", has_text=day).click()
    form.get_by_role("button", name="Add reminder").click()
    expect(page.get_by_role("heading", name="New reminder")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("nothing was saved")
    error = page.locator(".field.has-error", has_text="Say what to remind you of.")
    expect(error.get_by_label("Your words")).to_be_visible()
    shoot(page, screenshots_dir, "reminder-form-error", PHONE["width"])
    page.get_by_label("Your words").fill("Stretch the calves")
    page.get_by_role("button", name="Add reminder").click()
    expect(reminder_row(page, "Stretch the calves")).to_contain_text("07:30")
    expect(reminder_row(page, "Stretch the calves")).to_contain_text("Weekdays")
    assert Reminder.objects.filter(user=athlete).count() == 2

    # Earlier on the list: by time of day.
    rows = card(page).locator("li.reminder .reminder-what").all_inner_texts()
    assert rows == ["Stretch the calves", "Evening check-in"]

    # Edit: the check-in half an hour later.
    reminder_row(page, "Evening check-in").get_by_role("link", name=re.compile("^Edit")).click()
    expect(page.get_by_role("heading", name="Edit reminder")).to_be_visible()
    expect(page.locator("input[name=time]")).to_have_value("21:00")
    page.locator("input[name=time]").fill("21:30")
    page.get_by_role("button", name="Save reminder").click()
    expect(reminder_row(page, "Evening check-in")).to_contain_text("21:30")

    # Quiet hours.
    card(page).get_by_label("Quiet from").fill("22:00")
    card(page).get_by_label("Until").fill("07:00")
    card(page).get_by_role("button", name="Save quiet hours").click()
    expect(page.get_by_text("Nothing is sent from 22:00 to 07:00.")).to_be_visible()

    # Off, and the list says so.
    row = reminder_row(page, "Stretch the calves")
    row.get_by_role("button", name=re.compile("^Turn off")).click()
    expect(reminder_row(page, "Stretch the calves")).to_contain_text("off")
    expect(
        reminder_row(page, "Stretch the calves").get_by_role("button", name=re.compile("^Turn on"))
    ).to_be_visible()
    assert not Reminder.objects.get(text="Stretch the calves").enabled

    page.goto("/settings/#reminders")
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        shot = shoot_card(page, screenshots_dir, f"settings-reminders-{scheme}")
        assert png_size(shot)[0] <= PHONE["width"]
    page.emulate_media(color_scheme="light")
    shoot(page, screenshots_dir, "settings-light", PHONE["width"])

    # Deleted.
    reminder_row(page, "Stretch the calves").get_by_role(
        "button", name=re.compile("^Delete")
    ).click()
    expect(page.get_by_text("Deleted the reminder: Stretch the calves")).to_be_visible()
    expect(reminder_row(page, "Stretch the calves")).to_have_count(0)
    assert list(Reminder.objects.values_list("time", flat=True)) == [time(21, 30)]


def test_the_reminders_card_fits_the_narrowest_phone(
    new_context, live_server, athlete, screenshots_dir
):
    for what, at, text in (("checkin", time(21), ""), ("custom", time(7, 15), "Stretch " * 12)):
        Reminder.objects.create(user=athlete, what=what, time=at, text=text.strip(), days=31)
    page = new_context(viewport=NARROW, service_workers="block").new_page()
    log_in(page, athlete.username, PASSWORD)
    page.goto("/settings/#reminders")
    expect(reminder_row(page, "Evening check-in")).to_be_visible()

    shoot_card(page, screenshots_dir, "settings-reminders-320")
    shoot(page, screenshots_dir, "settings-320", NARROW["width"])
    card(page).get_by_text("Add a reminder").click()
    shoot_card(page, screenshots_dir, "settings-reminders-add-320")

    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"], page.evaluate(
        WIDER_THAN_PAGE, NARROW["width"]
    )
    # Every button is a thumb's size.
    small = page.evaluate(
        """() => Array.from(document.querySelectorAll('#reminders button, #reminders .button'))
            .filter((b) => b.offsetParent !== null && b.getBoundingClientRect().height < 44)
            .map((b) => b.textContent.trim())"""
    )
    assert small == []


# --- This phone's subscription ----------------------------------------------------------------

# PushManager as a browser with a push service would answer: subscribe() makes a
# subscription (kept in localStorage, as the browser keeps it across pages),
# getSubscription() finds it, unsubscribe() drops it. Only these are stubbed.
PUSH_STUB = """
(() => {
  const stored = () => JSON.parse(localStorage.getItem("stub:push") || "null");
  const wrap = (json) => json && {
    endpoint: json.endpoint,
    expirationTime: null,
    toJSON: () => json,
    unsubscribe: () => { localStorage.removeItem("stub:push"); return Promise.resolve(true); },
  };
  PushManager.prototype.subscribe = function (options) {
    const key = btoa(String.fromCharCode.apply(null, new Uint8Array(options.applicationServerKey)))
      .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
    localStorage.setItem("stub:key", key);
    localStorage.setItem("stub:userVisibleOnly", String(options.userVisibleOnly));
    localStorage.setItem("stub:push", JSON.stringify(SUBSCRIPTION));
    return Promise.resolve(wrap(stored()));
  };
  PushManager.prototype.getSubscription = function () { return Promise.resolve(wrap(stored())); };
})();
"""


def test_turning_reminders_on_sends_this_phones_subscription_and_off_takes_it_back(
    persistent_context, live_server, athlete, vapid, screenshots_dir
):
    keys = browser_keys()
    endpoint = f"https://push.example.net/e2e/{uuid.uuid4()}"
    subscription = {
        "endpoint": endpoint,
        "expirationTime": None,
        "keys": {"p256dh": keys.p256dh, "auth": keys.auth},
    }
    context = persistent_context(viewport=PHONE)
    context.grant_permissions(["notifications"], origin=live_server.url)
    context.add_init_script(PUSH_STUB.replace("SUBSCRIPTION", json.dumps(subscription)))
    page = context.pages[0] if context.pages else context.new_page()
    log_in(page, athlete.username, PASSWORD)
    wait_for_service_worker(page)
    page.goto("/settings/#reminders")
    status = card(page).locator("[data-push-status]")
    expect(status).to_have_text("This phone does not get notifications: reminders come by email.")

    card(page).get_by_role("button", name="Get reminders on this phone").click()

    expect(status).to_have_text("This phone gets your reminders as notifications.")
    shoot_card(page, screenshots_dir, "settings-reminders-push-on")
    saved = PushSubscription.objects.get()
    assert (saved.user, saved.endpoint, saved.p256dh, saved.auth) == (
        athlete,
        endpoint,
        keys.p256dh,
        keys.auth,
    )
    assert page.evaluate("localStorage.getItem('stub:key')") == vapid.VAPID_PUBLIC_KEY
    assert page.evaluate("localStorage.getItem('stub:userVisibleOnly')") == "true"

    page.reload()
    expect(status).to_have_text("This phone gets your reminders as notifications.")
    card(page).get_by_role("button", name="Stop reminders on this phone").click()
    expect(status).to_have_text("This phone does not get notifications: reminders come by email.")
    assert not PushSubscription.objects.exists()


def test_without_vapid_keys_the_card_says_reminders_come_by_email(
    new_context, live_server, athlete, settings
):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    page = new_context(viewport=PHONE, service_workers="block").new_page()
    log_in(page, athlete.username, PASSWORD)
    page.goto("/settings/#reminders")

    expect(card(page).locator("[data-push-status]")).to_have_text(
        "Push notifications are not set up on this server."
    )
    expect(card(page).get_by_role("button", name="Get reminders on this phone")).to_have_count(0)
    expect(
        card(page).get_by_text("reminders come by email to reminded@example.com")
    ).to_be_visible()


# --- The service worker -----------------------------------------------------------------------


def registration_id(context, page) -> str:
    cdp = context.new_cdp_session(page)
    updates = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda update: updates.append(update))
    cdp.send("ServiceWorker.enable")
    for _ in range(50):
        found = [r for update in updates for r in update["registrations"] if not r["isDeleted"]]
        if found:
            return cdp, found[0]["registrationId"]
        page.wait_for_timeout(100)
    raise AssertionError("no service worker registration reported")


NOTIFICATIONS = """navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((ns) =>
    ns.map((n) => ({title: n.title, body: n.body, tag: n.tag, data: n.data,
                    actions: n.actions.map((a) => a.action + ':' + a.title)})))"""


def test_the_service_worker_shows_a_pushed_reminder_and_a_tap_opens_its_form_or_snoozes_it(
    persistent_context, live_server, athlete, vapid
):
    reminder = Reminder.objects.create(user=athlete, what="checkin", time=time(21))
    send = ReminderSend.objects.create(
        reminder=reminder, day=date.today(), due_at=timezone.now(), status="sent"
    )
    context = persistent_context(viewport=PHONE)
    context.grant_permissions(["notifications"], origin=live_server.url)
    page = context.pages[0] if context.pages else context.new_page()
    log_in(page, athlete.username, PASSWORD)
    wait_for_service_worker(page)
    [worker] = context.service_workers

    # A trusted push event, with the payload the server sends.
    payload = reminding.notification(send)
    cdp, registration = registration_id(context, page)
    message = {"origin": live_server.url, "registrationId": registration}
    # A push delivered while the worker is still starting is dropped by Chromium
    # (seen in a full CI run); a push service delivers again, and so does this.
    for attempt in range(1, 4):
        cdp.send("ServiceWorker.deliverPushMessage", {**message, "data": json.dumps(payload)})
        try:
            [shown] = wait_until(
                page, NOTIFICATIONS + ".then((ns) => ns.length ? ns : null)", timeout_ms=4000
            )
            break
        except AssertionError:
            if attempt == 3:
                raise
    assert (shown["title"], shown["body"], shown["tag"]) == (
        "Evening check-in",
        "Sleep, caffeine, stress: a few taps for today.",
        f"reminder-{reminder.pk}",
    )
    assert shown["actions"] == ["snooze:Snooze 1 hour"]
    assert shown["data"]["url"] == "/log/checkin/"

    # A tap on the notification opens the check-in form; a foreign address, Today.
    assert worker.evaluate(f"reminderTarget({json.dumps(shown['data'])}, '')") == {
        "open": f"{live_server.url}/log/checkin/"
    }
    assert worker.evaluate("reminderTarget({url: 'https://evil.example/x'}, '')") == {
        "open": f"{live_server.url}/"
    }

    # "Snooze 1 hour": the notificationclick handler itself, fired with the action,
    # posts the signed link (no session, no CSRF token) and says when it comes again.
    worker.evaluate(
        """() => self.registration.getNotifications().then((ns) => {
            try {
              self.dispatchEvent(new NotificationEvent("notificationclick",
                                                       {notification: ns[0], action: "snooze"}));
            } catch (error) { /* waitUntil refuses a synthetic event; the handler ran */ }
        })"""
    )
    send.refresh_from_db()
    for _ in range(50):
        if send.status == "snoozed":
            break
        page.wait_for_timeout(100)
        send.refresh_from_db()
    assert send.status == "snoozed"
    assert send.due_at > timezone.now() + timedelta(minutes=55)
    titles = wait_until(
        page,
        NOTIFICATIONS + ".then((ns) => ns.some((n) => n.tag === 'reminder-snoozed') ? ns : null)",
    )
    snoozed = next(n for n in titles if n["tag"] == "reminder-snoozed")
    assert snoozed["body"].startswith("Snoozed: it comes again at ")
    assert not any(n["tag"] == f"reminder-{reminder.pk}" for n in titles)  # the tap closed it


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_reminders_card_and_form_pass_axe(
    scheme, new_context, live_server, athlete, axe_script, vapid
):
    reminder = Reminder.objects.create(user=athlete, what="checkin", time=time(21), enabled=False)
    context = new_context(color_scheme=scheme, bypass_csp=True, service_workers="block")
    page = context.new_page()
    log_in(page, athlete.username, PASSWORD)

    blocking = {}
    for path in ("/settings/", f"/settings/reminders/{reminder.pk}/", "/settings/reminders/new/"):
        page.goto(path)
        page.add_script_tag(path=axe_script)
        found = [v for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING]
        if found:
            blocking[path] = found
    assert blocking == {}
