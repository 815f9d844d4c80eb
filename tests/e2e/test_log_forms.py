"""The log forms' one-tap helpers, online."""

import re

import pytest
from playwright.sync_api import expect

from logbook.models import HydrationEntry
from logbook.views import FORM_HELPERS
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_every_quick_amount_is_one_the_drink_form_accepts(new_context, live_server, browser_log):
    """The chips under "How much (ml)" offer 250, 330, 500 and 750 ml, but the
    field has step="50": Chromium refuses 330 ml ("Please enter a valid value.
    The two nearest valid values are 300 and 350."), so a can of 330 ml cannot
    be logged with its own chip."""
    user = UserFactory(username="drinker")
    page = new_context(service_workers="block").new_page()
    log_in(page, user.username, PASSWORD)
    page.goto("/log/hydration/")
    volume = page.locator("input[name=volume_ml]")

    refused = {}
    for ml in FORM_HELPERS["quick_volumes"]:
        page.get_by_role("button", name=f"{ml} ml", exact=True).click()
        expect(volume).to_have_value(str(ml))
        message = volume.evaluate("(field) => field.validationMessage")
        if message:
            refused[ml] = message

    page.get_by_role("button", name="330 ml", exact=True).click()
    page.get_by_role("radio", name="Water").check()
    page.get_by_role("button", name="Save").click()
    expect(page, f"quick amounts refused by the field: {refused}").to_have_url(
        re.compile(r"^https?://[^/]+/$"), timeout=5_000
    )
    assert HydrationEntry.objects.get(user=user).volume_ml == 330
    assert refused == {}
