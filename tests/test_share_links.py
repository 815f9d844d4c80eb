"""Share links: a clinician opens the athlete's summary and its PDF, read-only,
without signing in, until the link expires or is revoked; nothing else."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from records.models import ShareLink
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(athlete):
    factories.EpisodeFactory(user=athlete, body_region="neck", notes="only-the-athlete-wrote-this")
    athlete.profile.medications = "propranolol 10 mg"
    athlete.profile.save()
    return athlete


def make_link(client, athlete, **fields):
    client.force_login(athlete)
    today = timezone.localdate()
    body = {
        "from": (today - timedelta(days=30)).isoformat(),
        "to": today.isoformat(),
        "sections": ["symptoms", "signs"],
        "days": 7,
        **fields,
    }
    return client.post("/summary/share/", body)


def url_of(link) -> str:
    return f"/shared/{link.token}/"


def test_making_a_link_keeps_the_range_and_sections_and_lasts_seven_days(client, logged):
    before = timezone.now()

    response = make_link(client, logged)

    link = ShareLink.objects.get(user=logged)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#link-{link.pk}")
    assert link.sections == ["symptoms", "signs"]
    assert (link.end - link.start).days == 30
    assert timedelta(days=7) <= link.expires_at - before < timedelta(days=7, minutes=1)


@pytest.mark.parametrize("days", [0, 31, "a week", ""])
def test_a_link_lasts_1_to_30_days_and_says_so(client, logged, days):
    response = make_link(client, logged, days=days)

    assert not ShareLink.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "A link lasts from 1 to 30 days" in page


def test_a_clinician_opens_the_summary_without_signing_in_and_it_is_counted(client, logged):
    make_link(client, logged)
    link = ShareLink.objects.get()
    client.logout()

    response = client.get(url_of(link))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Visit summary" in page
    assert "Left neck" in page
    assert "propranolol" not in page  # medications were not among the chosen sections
    assert "only-the-athlete-wrote-this" not in page
    link.refresh_from_db()
    assert link.times_opened == 1
    assert link.last_opened_at is not None


def test_the_shared_page_is_never_cached_or_indexed_and_links_nowhere_else(client, logged):
    make_link(client, logged)
    link = ShareLink.objects.get()
    client.logout()

    response = client.get(url_of(link))

    assert response["Cache-Control"] == "no-store, private"
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "no-referrer"
    page = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow, noarchive">' in page
    hrefs = [part.split('"')[0] for part in page.split('href="')[1:]]
    assert [h for h in hrefs if not h.startswith("/static/")] == [
        f"/shared/{link.token}/summary.pdf"
    ]


def test_the_link_opens_nothing_else(client, logged):
    make_link(client, logged)
    client.logout()
    client.get(url_of(ShareLink.objects.get()))

    for path in ["/", "/summary/", "/summary/summary.pdf", "/history/", "/settings/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/"), path
    assert client.get("/api/v1/episodes/").status_code == 401


def test_the_shared_pdf_carries_the_link_as_a_qr_code(client, logged):
    make_link(client, logged)
    link = ShareLink.objects.get()
    client.logout()

    response = client.get(f"{url_of(link)}summary.pdf")

    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    assert len(reader.pages[0].images) == 1  # the QR code
    assert "Scan the code for the live summary" in " ".join(reader.pages[0].extract_text().split())
    assert response["Cache-Control"] == "no-store, private"


def test_the_athletes_own_pdf_of_a_link_carries_its_qr_code(client, logged):
    make_link(client, logged)
    link = ShareLink.objects.get()

    response = client.get(
        "/summary/summary.pdf",
        {"from": link.start, "to": link.end, "chosen": 1, "link": str(link.pk)},
    )

    assert len(PdfReader(io.BytesIO(response.content)).pages[0].images) == 1
    assert client.get("/summary/summary.pdf", {"link": "not-a-uuid"}).status_code == 404


def test_a_link_expires_on_time(client, logged):
    make_link(client, logged, days=1)
    link = ShareLink.objects.get()
    client.logout()

    with time_machine.travel(link.expires_at - timedelta(seconds=1)):
        assert client.get(url_of(link)).status_code == 200
    with time_machine.travel(link.expires_at + timedelta(seconds=1)):
        assert client.get(url_of(link)).status_code == 404
        assert client.get(f"{url_of(link)}summary.pdf").status_code == 404


def test_a_revoked_link_stops_at_once(client, logged):
    make_link(client, logged)
    link = ShareLink.objects.get()

    response = client.post(f"/summary/share/{link.pk}/revoke/")

    assert response.status_code == 302
    client.logout()
    assert client.get(url_of(link)).status_code == 404
    link.refresh_from_db()
    assert link.times_opened == 0


def test_a_tampered_link_is_rejected(client, logged):
    make_link(client, logged)
    link = ShareLink.objects.get()
    other = ShareLink.create(logged, link.start, link.end, [])
    client.logout()
    pk, signature = link.token.split(":")

    for token in [f"{other.pk}:{signature}", f"{pk}:{signature[:-2]}xx", str(pk), "x"]:
        assert client.get(f"/shared/{token}/").status_code == 404, token


def test_only_the_owner_can_revoke_a_link(client, logged, other_athlete):
    make_link(client, logged)
    link = ShareLink.objects.get()
    client.force_login(other_athlete)

    assert client.post(f"/summary/share/{link.pk}/revoke/").status_code == 404
    link.refresh_from_db()
    assert link.active


def test_the_summary_page_lists_active_links_with_their_figures(client, logged):
    make_link(client, logged)
    link = ShareLink.objects.get()
    revoked = ShareLink.create(logged, link.start, link.end, [])
    revoked.revoke()
    client.logout()
    client.get(url_of(link))
    client.force_login(logged)

    page = client.get("/summary/").content.decode()

    assert f"/shared/{link.token}/" in page
    assert f"/shared/{revoked.token}/" not in page
    assert "opened 1 time" in page


def test_settings_lists_the_active_links(client, logged):
    make_link(client, logged)
    link = ShareLink.objects.get()

    page = client.get("/settings/").content.decode()

    assert f"/shared/{link.token}/" in page
    assert "opened 0 times" in page
    assert f"/summary/share/{link.pk}/revoke/" in page
