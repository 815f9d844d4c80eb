"""A reviewer works through the queue in the admin, as a new reviewer would."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from triage.models import Flag, FlagReview

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_decides_every_flag_in_the_queue_from_its_evidence(
    new_context, demo_user, reviewers_group
):
    reviewer = factories.UserFactory(username="kim-reviews", is_staff=True)
    reviewer.groups.add(reviewers_group)
    flags = Flag.objects.filter(user=demo_user).count()
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()

    page.goto("/admin/login/")
    page.fill("#id_username", "kim-reviews")
    page.fill("#id_password", factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/admin/triage/flag/")
    expect(page.locator("#result_list tbody tr")).to_have_count(flags)

    page.locator("#result_list tbody tr").first.locator("th a").click()
    for number in range(flags):
        # The evidence is there to decide from: the entries and the athlete's days.
        expect(page.get_by_role("heading", name="Evidence")).to_be_visible()
        expect(page.locator(".review-timeline tbody tr")).not_to_have_count(0)
        expect(page.locator("svg.load-chart")).to_be_visible()
        decision = page.locator(
            "form.decision-escalated" if number == 0 else "form.decision-reviewed"
        )
        decision.locator("textarea").fill("Checked the entries in the log.")
        decision.get_by_role("button").click()
        expect(page.locator(".messagelist")).to_contain_text(":")

    expect(page).to_have_url(re.compile(r"/admin/triage/flag/$"))
    expect(page.locator("#result_list tbody tr")).to_have_count(1)  # the escalated one stays
    assert FlagReview.objects.filter(reviewer=reviewer).count() == flags
    assert set(Flag.objects.filter(user=demo_user).values_list("status", flat=True)) == {
        "escalated",
        "reviewed",
    }
