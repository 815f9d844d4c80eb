"""The patterns where people see them: the Patterns page, GET /api/v1/patterns/, the
visit summary's section and its PDF, and the weekly digest's line."""

import io
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from logbook.models import HydrationEntry, TwitchEpisode
from tests.test_patterns import CAUSAL
from triage import digest, mail

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
TODAY = date(2026, 11, 30)
FIRST = TODAY - timedelta(days=99)  # day 0 of the log
# Drinks short of the target on days 10 to 30: fluid under target (the day before
# and the day) on days 11 to 30. Cramps on 10 of those 20 days, and on 5 of the 80 others.
DRY = range(10, 31)
CRAMPS = [*range(11, 21), *range(50, 55)]
SENTENCE = (
    "Episodes came 8.0 times as often on days with fluid under your target: on 10 of 20 such "
    "days, against 5 of 80 other days. This is unlikely to be chance."
)


def at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=OSLO)


def log(user, first: date, days: int, dry, cramps) -> None:
    """Drinks every day (1,000 ml on the dry days, 2,500 on the others) and a cramp
    in the calf on each of the days in `cramps` (numbers of days from `first`)."""
    user.profile.timezone = "Europe/Oslo"
    user.profile.daily_fluid_target_ml = 2000
    user.profile.save()
    HydrationEntry.objects.bulk_create(
        HydrationEntry(
            user=user,
            taken_at=at(first + timedelta(days=n), time(12)),
            volume_ml=1000 if n in dry else 2500,
        )
        for n in range(days)
    )
    TwitchEpisode.objects.bulk_create(
        TwitchEpisode(
            user=user,
            started_at=at(first + timedelta(days=n), time(19)),
            duration_s=90,
            kind="cramp",
            body_region="calf",
            side="left",
            pain=5,
            timing="unrelated",
        )
        for n in cramps
    )


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(at(TODAY, time(20)), tick=False):
        yield


@pytest.fixture
def dry_cramps(athlete):
    log(athlete, FIRST, 100, DRY, CRAMPS)
    return athlete


# --- The page ------------------------------------------------------------------------------


def test_the_page_shows_the_athlete_what_came_before_their_episodes(client, dry_cramps):
    client.force_login(dry_cramps)

    page = client.get("/patterns/").content.decode()

    assert "1 clear difference among 1 factor compared" in page
    assert SENTENCE in page
    assert re.search(r"99 % interval: [\d.]+ to \d+ times as often\.", page)
    assert "Less fluid logged than your daily target on the day before and on the day." in page
    assert 'class="chart pattern-chart"' in page
    assert "Not enough days yet" in page  # training and check-ins: nothing logged
    # The strict CSP's rules: no inline styles, no inline scripts.
    assert "style=" not in page
    assert "<script>" not in page


def test_nothing_on_the_page_claims_a_cause(client, dry_cramps):
    client.force_login(dry_cramps)

    for query in ({}, {"kind": "cramp", "region": "calf"}, {"kind": "twitch"}):
        html = client.get("/patterns/", query).content.decode()
        text = re.sub(r"<[^>]+>", " ", html[html.index("<main") :])

        assert not CAUSAL.search(text), CAUSAL.search(text)


def test_another_athlete_sees_only_their_own_empty_log(client, dry_cramps, other_athlete):
    client.force_login(other_athlete)

    page = client.get("/patterns/").content.decode()

    assert "Not enough days yet: episodes on 0 days" in page
    assert "10 of 20" not in page


def test_the_kind_and_the_region_narrow_the_episodes_compared(client, dry_cramps):
    client.force_login(dry_cramps)

    cramps = client.get("/patterns/", {"kind": "cramp", "region": "calf"}).content.decode()
    twitches = client.get("/patterns/", {"kind": "twitch"}).content.decode()

    assert "Cramps in the calf came 8.0 times as often" in cramps
    assert 'aria-current="true">Cramps (15)' in cramps
    assert "Not enough days yet: twitches on 0 days" in twitches


def test_a_shorter_range_keeps_to_its_days_and_its_choices_keep_it(client, dry_cramps):
    client.force_login(dry_cramps)

    page = client.get("/patterns/", {"days": 60}).content.decode()

    assert "Episodes, 2 Oct 2026 to 30 Nov 2026" in page
    assert 'href="?kind=cramp&amp;days=60"' in page
    # The dry days were before the range: nothing to compare fluid with.
    assert "<strong>Fluid under target:</strong> 0 days with it and 60 without so far" in page


@pytest.mark.parametrize(
    ("query", "field"),
    [({"kind": "itch"}, "kind"), ({"region": "ear"}, "region"), ({"days": "7"}, "days")],
)
def test_a_choice_the_page_does_not_know_answers_400_naming_it(client, dry_cramps, query, field):
    client.force_login(dry_cramps)

    response = client.get("/patterns/", query)

    assert response.status_code == 400
    assert f'role="alert">{field}: ' in response.content.decode()


def test_the_page_needs_signing_in(client):
    response = client.get("/patterns/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", ["/load/", "/flags/", "/episodes/"])
def test_the_pages_around_it_link_to_it(client, athlete, path):
    client.force_login(athlete)

    assert 'href="/patterns/"' in client.get(path).content.decode()


# --- The API ---------------------------------------------------------------------------------


def test_the_api_gives_every_factor_with_its_counts_ratio_and_interval(api, dry_cramps):
    body = api.get("/api/v1/patterns/").json()

    assert (body["first"], body["last"], body["days"], body["episode_days"]) == (
        FIRST.isoformat(),
        TODAY.isoformat(),
        100,
        15,
    )
    assert (body["kind"], body["region"]) == (None, None)
    assert body["method"] == {
        "test": "fisher_exact",
        "correction": "benjamini_hochberg",
        "q": 0.01,
        "confidence": 0.99,
        "min_days": 10,
        "min_episode_days": 5,
    }
    factors = {factor["key"]: factor for factor in body["factors"]}
    assert len(factors) == 11
    fluid = factors["low_fluid"]
    assert fluid["status"] == "more"
    assert (fluid["days_with"], fluid["episode_days_with"]) == (20, 10)
    assert (fluid["days_without"], fluid["episode_days_without"]) == (80, 5)
    assert fluid["ratio"] == pytest.approx(8.0)
    assert fluid["ratio_low"] < 8 < fluid["ratio_high"]
    assert fluid["adjusted_p_value"] <= 0.01
    assert fluid["sentence"] == SENTENCE
    sleep = factors["short_sleep"]
    assert sleep["status"] == "not_enough_days"
    assert (sleep["ratio"], sleep["more_days_with"], sleep["more_days_without"]) == (None, 10, 10)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=itch", "kind"),
        ("region=ear", "region"),
        ("days=27", "days"),
        ("days=731", "days"),
        ("days=3.5", "days"),
        ("days=%C2%B3", "days"),  # "³", which isdigit() takes and int() refuses
    ],
)
def test_a_bad_parameter_answers_400_naming_it(api, query, field):
    response = api.get(f"/api/v1/patterns/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_the_api_shows_each_athlete_their_own(other_api, dry_cramps):
    body = other_api.get("/api/v1/patterns/").json()

    assert body["episode_days"] == 0
    assert {factor["status"] for factor in body["factors"]} == {"not_enough_days"}


def test_the_api_is_in_the_openapi_schema_with_its_parameters(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/patterns/"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"days", "kind", "region"}
    assert {"200", "400", "401"} <= set(operation["responses"])


def test_the_api_needs_a_token(anonymous_api):
    assert anonymous_api.get("/api/v1/patterns/").status_code == 401


# --- The visit summary -------------------------------------------------------------------------


def test_the_summary_has_a_patterns_section_on_the_page_and_in_the_one_page_pdf(client, dry_cramps):
    client.force_login(dry_cramps)

    page = client.get("/summary/").content.decode()
    response = client.get("/summary/summary.pdf")
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())

    assert 'id="patterns-heading"' in page
    assert "times as often on days with fluid under your target" in page
    assert len(reader.pages) == 1
    assert "Patterns: what came before episodes" in text
    assert "This describes the log; it does not say what brought an episode on." in text
    assert "times as often on days with fluid under your target" in text
    assert "99 % interval" in text


def test_the_patterns_section_can_be_left_out(client, dry_cramps):
    client.force_login(dry_cramps)

    page = client.get("/summary/", {"chosen": 1, "sections": ["signs"]}).content.decode()

    assert 'id="patterns-heading"' not in page


# --- The weekly digest ------------------------------------------------------------------------

MONDAY = date(2026, 11, 9)
SUNDAY = MONDAY + timedelta(days=6)


def test_a_pattern_that_became_clear_this_week_gets_a_line_in_the_digest(athlete):
    # Until the Sunday before, 9 days under target, each with a cramp: not enough days.
    # This week, 3 more: clear.
    first = SUNDAY - timedelta(days=99)
    dry = [*range(20, 30), 93, 94, 95, 96]
    log(athlete, first, 100, dry, [*dry[1:], 50, 70])

    week = digest.load_weeks([athlete.pk], MONDAY)[athlete.pk]
    message = mail.digest_message(athlete, digest.summarise(week), private=False)
    html = message.alternatives[0][0]

    assert week.new_patterns.startswith(
        "New in your patterns: Episodes came 29 times as often on days with fluid under your "
        "target: on 12 of 12 such days"
    )
    assert f"PATTERNS\n{week.new_patterns}\nhttp" in message.body
    assert week.new_patterns in html
    assert '/patterns/" style=' in html  # the link to the page


def test_a_pattern_already_clear_the_week_before_gets_no_line(athlete):
    first = SUNDAY - timedelta(days=99)
    log(athlete, first, 100, DRY, CRAMPS)

    week = digest.load_weeks([athlete.pk], MONDAY)[athlete.pk]
    message = mail.digest_message(athlete, digest.summarise(week), private=False)

    assert week.new_patterns == ""
    assert "PATTERNS" not in message.body


def test_a_private_digest_leaves_the_pattern_out(athlete):
    first = SUNDAY - timedelta(days=99)
    dry = [*range(20, 30), 93, 94, 95, 96]
    log(athlete, first, 100, dry, [*dry[1:], 50, 70])

    week = digest.load_weeks([athlete.pk], MONDAY)[athlete.pk]
    message = mail.digest_message(athlete, digest.summarise(week), private=True)

    assert week.new_patterns
    assert "patterns" not in message.body.lower()
    assert "patterns" not in message.alternatives[0][0].lower()
