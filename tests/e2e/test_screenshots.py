"""Full-page screenshots of the demo athlete's pages, light and dark, at a phone's
width (artifacts/screenshots/, for people to look at), and no sideways scrolling
on the narrowest phones."""

import struct
from itertools import pairwise

import pytest

from logbook import demo
from tests.e2e.conftest import log_in
from triage.models import Flag

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = {
    "today": "/",
    "episode-form": "/log/episode/",
    "workout-form": "/log/workout/",
    "history": "/history/",
    "episodes": "/episodes/",
    "load": "/load/",
    "flags": "/flags/",
    "patterns": "/patterns/",
    "summary": "/summary/",
}
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 640}

# The elements that stick out past the right edge, to say what overflows.
WIDER_THAN_PAGE = """(width) => Array.from(document.querySelectorAll("body *"))
    .filter((element) => element.getBoundingClientRect().right > width + 0.5)
    .slice(0, 8)
    .map((element) => element.tagName.toLowerCase()
        + (element.className && typeof element.className === "string"
            ? "." + element.className.trim().split(/\\s+/).join(".") : "")
        + " right=" + Math.round(element.getBoundingClientRect().right))"""


def png_size(path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_screenshots(new_context, live_server, demo_user, screenshots_dir):
    assert Flag.objects.filter(user=demo_user).exists()  # so /flags/ has something to show

    for scheme in ("light", "dark"):
        context = new_context(viewport=PHONE, color_scheme=scheme, service_workers="block")
        page = context.new_page()
        log_in(page, demo.USERNAME, demo.PASSWORD)
        for name, path in PAGES.items():
            page.goto(path)
            shot = screenshots_dir / f"{name}-{scheme}.png"
            shot.unlink(missing_ok=True)
            page.screenshot(path=shot, full_page=True)
            assert shot.exists()
            width, height = png_size(shot)
            assert width == PHONE["width"], (shot, width)
            assert height >= PHONE["height"], (shot, height)

    context = new_context(viewport=NARROW, service_workers="block")
    page = context.new_page()
    log_in(page, demo.USERNAME, demo.PASSWORD)
    overflowing = {}
    for name, path in PAGES.items():
        page.goto(path)
        page.screenshot(path=screenshots_dir / f"{name}-320.png", full_page=True)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > NARROW["width"]:
            overflowing[path] = (scroll_width, page.evaluate(WIDER_THAN_PAGE, NARROW["width"]))
    assert overflowing == {}, f"wider than {NARROW['width']} px: {overflowing}"


# Each tab's label and the open-flags badge, as boxes: they must not overlap, and
# the badge must lie inside the bar.
TAB_BOXES = """() => Array.from(document.querySelectorAll("nav.tab-bar a")).map((tab) => {
    const box = (element) => element && element.getBoundingClientRect().toJSON();
    return {label: box(tab.querySelector("span")), badge: box(tab.querySelector(".count")),
            bar: box(tab.closest("nav"))};
})"""


def overlap(a, b) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"]


def test_at_320_px_the_tab_labels_and_badges_have_their_space(new_context, demo_user):
    page = new_context(viewport=NARROW, service_workers="block").new_page()
    log_in(page, demo.USERNAME, demo.PASSWORD)
    # Something waits in the outbox, so the app bar shows "1 waiting" too.
    page.context.route("**/api/v1/sync/", lambda route: route.abort("connectionrefused"))
    page.evaluate("Outbox.add({id: 'waiting', type: 'hydration', body: {id: 'waiting'}})")
    page.reload()

    tabs = page.evaluate(TAB_BOXES)
    labels = [tab["label"] for tab in tabs]
    badges = [tab["badge"] for tab in tabs if tab["badge"]]
    assert badges, "the demo athlete has open flags: the Flags tab shows their count"
    for left, right in pairwise(labels):
        assert left["right"] <= right["left"], (left, right)
    bar = tabs[0]["bar"]
    for badge in badges:
        assert bar["top"] <= badge["top"], (badge, bar)
        assert badge["right"] <= bar["right"], (badge, bar)
    app_bar = page.evaluate(
        """() => Array.from(document.querySelectorAll(".app-bar > *"))
            .filter((element) => !element.hidden)
            .map((element) => element.getBoundingClientRect().toJSON())"""
    )
    waiting = page.locator("[data-outbox-badge]")
    assert " ".join(waiting.inner_text().split()) == "1 waiting"
    assert waiting.bounding_box()["height"] <= 48  # on one line
    for a, b in pairwise(app_bar):
        assert not overlap(a, b), app_bar
    assert all(box["right"] <= NARROW["width"] for box in app_bar), app_bar


def test_the_summarys_print_view(new_context, live_server, demo_user, screenshots_dir):
    """Printed, the summary drops the app's bars, its forms and its buttons."""
    context = new_context(viewport=PHONE, service_workers="block")
    page = context.new_page()
    log_in(page, demo.USERNAME, demo.PASSWORD)
    page.goto("/summary/")
    page.emulate_media(media="print")

    shot = screenshots_dir / "summary-print.png"
    page.screenshot(path=shot, full_page=True)

    assert png_size(shot)[0] == PHONE["width"]
    for hidden in ["nav.tab-bar", "header.app-bar", "form.summary-form", ".summary-actions"]:
        assert not page.locator(hidden).is_visible(), hidden
    assert page.get_by_role("heading", name="Where, since when, how often, how long").is_visible()
