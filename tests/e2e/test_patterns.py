"""The Patterns page as a new user finds it, in Chromium: from the Load page to
what came before the demo athlete's recurring calf cramp, with how sure it is;
screenshots at 390 x 844 (light and dark) and at 320 px, with nothing wider
than the screen."""

import re

import pytest
from playwright.sync_api import expect

from logbook import demo
from tests.e2e.conftest import log_in
from tests.e2e.test_screenshots import NARROW, PHONE, WIDER_THAN_PAGE, png_size

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_calf_cramps_link_to_the_load_jump_and_the_dry_days(
    new_context, demo_user, screenshots_dir
):
    page = new_context(viewport=PHONE, service_workers="block").new_page()
    log_in(page, demo.USERNAME, demo.PASSWORD)
    page.goto("/load/")
    page.get_by_role("link", name="Patterns: what came before your episodes").click()

    expect(page.get_by_role("heading", name="Training load jump")).to_be_visible()
    jump = page.locator("#factor-load_jump")
    expect(jump.get_by_text("Clear: more often")).to_be_visible()
    expect(jump.get_by_text(re.compile(r"99 % interval: [\d.]+ to [\d.]+ times"))).to_be_visible()

    page.get_by_role("link", name=re.compile(r"^Cramps \(\d+\)$")).click()
    page.get_by_role("link", name=re.compile(r"^Calf \(\d+\)$")).click()

    expect(page).to_have_url(re.compile(r"kind=cramp.*region=calf|region=calf.*kind=cramp"))
    for key, words in [
        ("load_jump", "Cramps in the calf came more often on days with a training load jump"),
        ("low_fluid", "Cramps in the calf came more often on days with fluid under your target"),
    ]:
        factor = page.locator(f"#factor-{key}")
        expect(factor.get_by_text("Clear: more often")).to_be_visible()
        expect(factor.get_by_text(words)).to_be_visible()
        expect(factor.locator("svg.pattern-chart")).to_be_visible()
    # Factors that were never logged wait for days, and say how many.
    expect(
        page.get_by_text(re.compile(r"Short sleep: 0 days with it and \d+ without"))
    ).to_be_visible()

    for scheme in ("light", "dark"):
        context = new_context(viewport=PHONE, color_scheme=scheme, service_workers="block")
        shot_page = context.new_page()
        log_in(shot_page, demo.USERNAME, demo.PASSWORD)
        shot_page.goto("/patterns/?kind=cramp&region=calf")
        shot = screenshots_dir / f"patterns-calf-cramps-{scheme}.png"
        shot_page.screenshot(path=shot, full_page=True)
        assert png_size(shot)[0] == PHONE["width"]

    narrow = new_context(viewport=NARROW, service_workers="block").new_page()
    log_in(narrow, demo.USERNAME, demo.PASSWORD)
    for name, path in [
        ("patterns", "/patterns/"),
        ("patterns-calf-cramps", "/patterns/?kind=cramp&region=calf"),
    ]:
        narrow.goto(path)
        narrow.screenshot(path=screenshots_dir / f"{name}-320.png", full_page=True)
        width = narrow.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW["width"], narrow.evaluate(WIDER_THAN_PAGE, NARROW["width"])
