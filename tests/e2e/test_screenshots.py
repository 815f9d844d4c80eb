"""Full-page screenshots of the demo athlete's pages, light and dark, at a phone's
width (artifacts/screenshots/, for people to look at), and no sideways scrolling
on the narrowest phones."""

import struct

import pytest

from logbook import demo
from tests.e2e.conftest import log_in
from triage.models import Flag

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = {"today": "/", "load": "/load/", "flags": "/flags/"}
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
    for path in PAGES.values():
        page.goto(path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > NARROW["width"]:
            overflowing[path] = (scroll_width, page.evaluate(WIDER_THAN_PAGE, NARROW["width"]))
    assert overflowing == {}, f"wider than {NARROW['width']} px: {overflowing}"
