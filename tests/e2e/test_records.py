"""The visit summary as a person uses it, in Chromium: choose a range and the
sections, make a share link and open it in a private window until it is
revoked; download the PDF; export; delete the account."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from logbook import demo
from records.models import ShareLink
from tests import factories
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_share_link_opens_in_a_private_window_until_revoked(new_context, demo_user):
    page = new_context(service_workers="block").new_page()
    log_in(page, demo.USERNAME, demo.PASSWORD)
    page.goto("/summary/")
    expect(page.get_by_role("heading", name="Left calf")).to_be_visible()

    page.fill("#summary-from", "2026-10-01")
    page.get_by_role("checkbox", name="Medications").uncheck()
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"from=2026-10-01.*"))
    expect(page.get_by_role("heading", name="Medications")).to_have_count(0)
    page.fill("#share-days", "3")
    page.get_by_role("button", name="Make a link").click()

    link = ShareLink.objects.get(user=demo_user)
    assert (link.start.isoformat(), (link.expires_at - link.created_at).days) == ("2026-10-01", 3)
    assert "medications" not in link.sections
    assert "signs" in link.sections
    url = page.locator(f"#link-{link.pk}").get_by_role("textbox", name="Link").input_value()
    assert url.endswith(f"/shared/{link.token}/")

    clinician = new_context(service_workers="block").new_page()  # a private window
    clinician.goto(url)
    expect(clinician.get_by_role("heading", name="Visit summary")).to_be_visible()
    expect(clinician.get_by_role("heading", name="Left calf")).to_be_visible()
    expect(clinician.locator("nav.tab-bar")).to_have_count(0)

    page.locator(f"#link-{link.pk}").get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("Link revoked")).to_be_visible()
    response = clinician.reload()
    assert response.status == 404


def test_the_pdf_downloaded_from_the_page_holds_the_answers(new_context, demo_user):
    context = new_context(service_workers="block")
    page = context.new_page()
    log_in(page, demo.USERNAME, demo.PASSWORD)
    page.goto("/summary/")

    href = page.get_by_role("link", name="PDF", exact=True).get_attribute("href")
    response = context.request.get(href)

    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    text = " ".join(reader.pages[0].extract_text().split())
    assert len(reader.pages) == 1
    for answer in ["Left calf", "Onset", "How often", "How long", "Other symptoms"]:
        assert answer in text, answer


def test_deleting_an_account_takes_its_password_and_leaves_nothing(new_context, athlete):
    factories.EpisodeFactory(user=athlete)
    page = new_context(service_workers="block").new_page()
    log_in(page, athlete.username, factories.PASSWORD)
    page.goto("/settings/")
    page.get_by_role("link", name="Delete my account").click()

    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.locator(".form-error")).to_be_visible()
    assert type(athlete).objects.filter(pk=athlete.pk).exists()

    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Delete my account").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("gone")
    assert not type(athlete).objects.filter(pk=athlete.pk).exists()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
