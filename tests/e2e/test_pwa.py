"""The installable app: manifest, service worker, and the "new version" banner."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from logbook import pwa
from tests.e2e.conftest import log_in, wait_for_service_worker, wait_until
from tests.factories import PASSWORD, UserFactory
from triage.models import Flag
from triage.rules import Rule

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_VERSION = "e2e0new0ver1"
CACHE_NAMES = "caches.keys()"


@pytest.fixture
def athlete():
    user = UserFactory(username="pwa-athlete")
    user.profile.timezone = "Europe/Oslo"
    user.profile.save()
    return user


def first_page(context):
    return context.pages[0] if context.pages else context.new_page()


def new_version_installed(page, monkeypatch):
    """Deploy a new shell (as a changed app.js would) and let the browser find it."""
    monkeypatch.setattr(pwa, "shell_version", lambda: NEW_VERSION)
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update()).then(() => 1)")
    wait_until(page, "navigator.serviceWorker.getRegistration().then((r) => !!r.waiting)")


def test_installable(persistent_context, live_server, athlete, browser_log):
    # A persistent profile: an incognito context always reports "in-incognito".
    context = persistent_context()
    page = first_page(context)
    log_in(page, athlete.username, PASSWORD)
    wait_for_service_worker(page)

    cdp = context.new_cdp_session(page)
    answer = cdp.send("Page.getInstallabilityErrors")
    assert answer == {"installabilityErrors": []}, f"{answer}{browser_log}"

    link = page.locator("link[rel=manifest]")
    expect(link).to_have_attribute("href", "/manifest.webmanifest")
    response = page.request.get("/manifest.webmanifest")
    assert response.ok
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["name"]
    assert manifest["short_name"]
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes, manifest["icons"]
    assert any("maskable" in icon.get("purpose", "") for icon in manifest["icons"])
    for icon in manifest["icons"]:
        fetched = page.request.get(icon["src"])
        assert fetched.ok, icon
        assert fetched.headers["content-type"] == "image/png", icon


def test_new_version_offers_reload(persistent_context, live_server, athlete, monkeypatch):
    context = persistent_context()
    page = first_page(context)
    log_in(page, athlete.username, PASSWORD)
    wait_for_service_worker(page)
    [old_cache] = page.evaluate(CACHE_NAMES)
    banner = page.locator("[data-update-banner]")
    expect(banner).to_be_hidden()

    new_version_installed(page, monkeypatch)
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("A new version is ready.")

    page.evaluate("window.beforeTheReload = true")
    with page.expect_event("load"):
        banner.get_by_role("button", name="Reload").click()
    assert page.evaluate("window.beforeTheReload") is None  # a fresh document
    expect(page.locator("[data-update-banner]")).to_be_hidden()
    wait_until(
        page,
        """navigator.serviceWorker.getRegistration().then(
            (r) => r.active && r.active.state === "activated" && !r.waiting)""",
    )
    # The new worker controls the page, and it emptied the old version's cache.
    assert page.evaluate(CACHE_NAMES) == [f"twitchlog-{NEW_VERSION}"], old_cache
    assert page.evaluate("navigator.serviceWorker.controller !== null")


def test_cached_forms_hold_nobody_s_data(persistent_context, live_server, athlete, monkeypatch):
    """The pages the worker keeps hold nobody's data, though a new version
    installs while someone is signed in and fetches them with their cookie:
    after they log out, the next person offline sees no time zone or flags."""
    Flag.objects.create(
        user=athlete,
        rule=next(iter(Rule)).value,
        severity="see_doctor",
        window_start=timezone.localdate() - timedelta(days=7),
        window_end=timezone.localdate(),
        message="A pattern the guidance asks a doctor to look at.",
        advice="See a doctor.",
        source="test",
    )
    context = persistent_context()
    page = first_page(context)
    log_in(page, athlete.username, PASSWORD)
    wait_for_service_worker(page)
    new_version_installed(page, monkeypatch)

    cached = page.evaluate(
        f"""caches.open("twitchlog-{NEW_VERSION}")
            .then((cache) => cache.match("/log/episode/?shell=1"))
            .then((response) => response.text())"""
    )
    # The same generic tabs and Settings link are on every cached page; what
    # must not be there is anything of this athlete's.
    markers = ['data-timezone="Europe/Oslo"', "flag-banner", 'class="count"']
    in_cache = [marker for marker in markers if marker in cached]

    # The athlete takes the update, then logs out; offline, the next person
    # to pick up this phone opens the episode form.
    with page.expect_event("load"):
        page.locator("[data-update-banner]").get_by_role("button", name="Reload").click()
    page.goto("/settings/")
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    context.set_offline(True)
    page.goto("/log/episode/")
    expect(page.locator("form.entry-form[data-shell]")).to_be_visible()
    shown = {
        "flag banner": page.locator(".flag-banner").all_inner_texts(),
        "flag count": page.locator("nav.tab-bar .count").count(),
        "data-timezone": page.evaluate("document.body.dataset.timezone || null"),
    }
    assert (in_cache, shown) == (
        [],
        {"flag banner": [], "flag count": 0, "data-timezone": None},
    ), (
        f"the worker cached the signed-in form ({in_cache}); offline after logging out "
        f"the next person sees {shown}"
    )
