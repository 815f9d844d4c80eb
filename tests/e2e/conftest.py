"""Browser tests: the real Chromium (/usr/bin/chromium) driven by Playwright
against pytest-django's live server.

One Playwright and one browser serve the whole session; every test gets fresh
contexts (a persistent one, in a temporary profile, where a service worker or
installability is involved), so no service worker, cache or IndexedDB leaks
from one test to the next.

Without Chromium (or axe-core, for the accessibility test) these tests are
skipped locally and fail with REQUIRE_SERVICES=1, like the other real services.
"""

import re
import time
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect, sync_playwright

from logbook import demo
from tests.conftest import service_missing
from triage import engine
from triage.models import Flag

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"

# Generous for a loaded CI machine, short enough that a broken page fails fast.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


@dataclass
class BrowserLog:
    """What the pages said: kept as evidence for assertion messages."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and self.console_errors.append(f"{page.url}: {message.text}")
            ),
        )
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))

    def watch_context(self, context) -> None:
        context.on("page", self.watch)
        for page in context.pages:
            self.watch(page)
        context.on(
            "requestfinished",
            lambda request: self.requests.append(
                f"{request.method} {request.url} -> "
                f"{response.status if (response := request.response()) else '?'}"
                f"{' (service worker)' if request.service_worker else ''}"
            ),
        )
        context.on(
            "requestfailed",
            lambda request: self.requests.append(
                f"{request.method} {request.url} FAILED {request.failure}"
                f"{' (service worker)' if request.service_worker else ''}"
            ),
        )

    def __str__(self) -> str:
        return (
            "\npage errors:\n  "
            + "\n  ".join(self.page_errors or ["(none)"])
            + "\nconsole errors:\n  "
            + "\n  ".join(self.console_errors[-20:] or ["(none)"])
            + "\nlast requests:\n  "
            + "\n  ".join(self.requests[-30:] or ["(none)"])
        )


@pytest.fixture(scope="session")
def pw():
    if not CHROMIUM.exists():
        service_missing(f"{CHROMIUM} is missing: install Debian's chromium package")
    with pytest.MonkeyPatch.context() as patch:
        # While Playwright's sync API runs, its event loop counts as running in
        # this thread, and Django refuses ORM calls ("you cannot call this from
        # an async context"), the tests' own plain queries included.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            yield playwright


@pytest.fixture(scope="session")
def browser(pw):
    browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def browser_log():
    return BrowserLog()


@pytest.fixture
def new_context(browser, live_server, browser_log):
    """A fresh incognito context: browser.new_context(**options), closed afterwards."""
    contexts = []

    def make(**options):
        options.setdefault("base_url", live_server.url)
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        browser_log.watch_context(context)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def persistent_context(pw, live_server, tmp_path, browser_log):
    """A context with a real profile on disk (in tmp_path): what service workers,
    Background Sync and installability checks need. One per test."""
    contexts = []

    def make(**options):
        options.setdefault("base_url", live_server.url)
        profile = tmp_path / f"profile-{len(contexts)}"
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        browser_log.watch_context(context)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def axe_script():
    if not AXE.exists():
        service_missing("axe-core missing: run npm ci")
    return AXE


@pytest.fixture
def screenshots_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def demo_user(transactional_db, django_user_model):
    """The demo athlete with ten weeks of history, and the flags it raises."""
    # --force rather than DEBUG=True: the live server keeps serving as in production.
    call_command("seed_demo", "--force", stdout=StringIO())
    user = django_user_model.objects.get(username=demo.USERNAME)
    if not Flag.objects.filter(user=user).exists():
        engine.evaluate([user.pk])
    assert Flag.objects.filter(user=user).exists(), "the demo history raised no flags"
    return user


# --- Helpers ----------------------------------------------------------------------


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))


def wait_until(page: Page, expression: str, timeout_ms: int = TIMEOUT_MS):
    """Poll a JavaScript expression (it may be a promise) until it is truthy.

    page.wait_for_function cannot be used on these pages: its function-string
    polling needs eval, which the site's Content-Security-Policy forbids.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_ms} ms waiting for {expression}")
        page.wait_for_timeout(100)


def wait_for_service_worker(page: Page, attempts: int = 3) -> None:
    """Until an active service worker controls this page (the first visit is not
    controlled until the worker claims it, or the page is reloaded)."""
    for _ in range(attempts):
        # .ready never settles if registration failed: give up after a while instead.
        ready = page.evaluate(
            """Promise.race([
                navigator.serviceWorker.ready.then(() => true),
                new Promise((resolve) => setTimeout(() => resolve(false), 8000)),
            ])"""
        )
        assert ready, f"no service worker became active for {page.url}"
        try:
            wait_until(page, "navigator.serviceWorker.controller !== null", timeout_ms=2_000)
            return
        except AssertionError:
            page.reload()
    raise AssertionError(f"no service worker controls {page.url} after {attempts} reloads")


def outbox_items(page: Page) -> list[dict]:
    return page.evaluate("Outbox.all()")
