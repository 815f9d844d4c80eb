"""The visit summary: every figure, checked against a fixed history; the page,
its range and its sections; the PDF and the CSV."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from records import questions
from records.summary import RangeError, build, parse_range
from tests import factories
from triage.models import Flag, FlagStatus
from triage.rules import Rule

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=OSLO)
START, END = date(2026, 9, 2), date(2026, 11, 30)  # the default: the last 90 days


def at(day: str, clock: str = "18:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=OSLO)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def history(athlete, reviewers_group):
    """A calf that began cramping in June and came back in November, an eyelid
    that twitched in September, two workouts, drinks, two check-ins."""
    profile = athlete.profile
    profile.timezone = "Europe/Oslo"
    profile.medications = "magnesium 300 mg"
    profile.save()
    calf = {"body_region": "calf", "side": "left", "kind": "cramp"}
    episode = factories.EpisodeFactory
    episode(user=athlete, started_at=at("2026-06-10"), **calf)  # before the range
    episode(user=athlete, started_at=at("2026-11-10"), duration_s=90, pain=6, **calf)
    episode(
        user=athlete,
        started_at=at("2026-11-12"),
        duration_s=150,
        pain=7,
        timing="hours_after",
        weakness=True,
        **calf,
    )
    episode(user=athlete, started_at=at("2026-11-20"), duration_s=60, pain=4, **calf)
    # 00:30 in Oslo on the 26th is still the 25th in UTC.
    episode(
        user=athlete,
        started_at=at("2026-11-26", "00:30"),
        duration_s=120,
        pain=8,
        timing="during_exercise",
        **calf,
    )
    eyelid = {"body_region": "eyelid", "side": "right", "kind": "twitch", "timing": "unrelated"}
    episode(user=athlete, started_at=at("2026-09-05"), duration_s=20, pain=0, count=5, **eyelid)
    episode(user=athlete, started_at=at("2026-09-20"), duration_s=10, pain=0, **eyelid)

    factories.WorkoutFactory(user=athlete, started_at=at("2026-11-10", "17:00"), kind="run")
    factories.WorkoutFactory(
        user=athlete, started_at=at("2026-11-12", "17:00"), kind="strength", duration_min=60, rpe=7
    )
    for when, ml in (
        ("2026-11-10T08:00", 500),
        ("2026-11-10T20:00", 1500),
        ("2026-11-11T09:00", 800),
    ):
        factories.HydrationFactory(
            user=athlete, taken_at=datetime.fromisoformat(when).replace(tzinfo=OSLO), volume_ml=ml
        )
    factories.CheckinFactory(
        user=athlete, date=date(2026, 11, 10), sleep_hours=6.5, caffeine_mg=300, stress=8
    )
    factories.CheckinFactory(
        user=athlete,
        date=date(2026, 11, 11),
        sleep_hours=7.5,
        caffeine_mg=100,
        stress=2,
        ill=True,
        new_medication=True,
    )
    reviewer = factories.UserFactory(username="kim", is_staff=True)
    reviewer.groups.add(reviewers_group)
    inside = make_flag(athlete, date(2026, 11, 10), date(2026, 11, 20), "3 cramps in the calf.")
    inside.decide(reviewer, FlagStatus.REVIEWED, note="Seen; ask about magnesium.", shared=True)
    make_flag(athlete, date(2026, 6, 1), date(2026, 6, 10), "An old one.")
    return athlete


def make_flag(user, start, end, message):
    return Flag.objects.create(
        user=user,
        rule=Rule.RECURRING_EPISODES,
        severity="watch",
        window_start=start,
        window_end=end,
        message=message,
        advice="Keep logging.",
        source="(Nall)",
    )


def summary_of(user):
    return build(user, START, END)


# --- Every figure ------------------------------------------------------------------------


def test_places_answer_where_since_when_how_often_and_how_long(history):
    calf, eyelid = summary_of(history).places

    assert (calf.where, eyelid.where) == ("left calf", "right eyelid")
    assert calf.first_ever.date() == date(2026, 6, 10)
    assert not calf.began_in_range
    assert calf.first.date() == date(2026, 11, 10)
    assert calf.latest.date() == date(2026, 11, 26)  # the athlete's own calendar
    assert (calf.episodes, calf.days) == (4, 4)
    assert calf.per_week == pytest.approx(4 / (90 / 7))
    assert (calf.median_duration_s, calf.longest_duration_s) == (105, 150)
    assert calf.kinds == "4 cramps"
    assert (calf.pain_median, calf.pain_max) == (6.5, 8)
    assert calf.timing == (
        "right after exercise (2), hours after exercise (1), during exercise (1)"
    )
    assert calf.symptom_days == 1
    assert calf.trend.words == "more often lately"
    assert (calf.trend.earlier_per_week, round(calf.trend.later_per_week, 2)) == (0, 0.62)
    assert eyelid.began_in_range
    assert eyelid.kinds == "2 twitches, about 6 twitches counted in all"
    assert eyelid.trend.words == "too few to tell a trend"


def test_other_symptoms_name_their_days_and_places(history):
    weakness, sensation, muscle = summary_of(history).symptoms

    assert (weakness.name, weakness.days, weakness.places) == (
        "weakness",
        (date(2026, 11, 12),),
        "left calf",
    )
    assert sensation.days == muscle.days == ()


def test_the_context_holds_training_fluids_check_ins_and_medications(history):
    summary = summary_of(history)

    assert summary.training.sessions == 2
    assert summary.training.words == (
        "2 workouts logged; no week was well above the athlete's usual."
    )
    assert summary.fluids == questions.Fluids(
        target_ml=2000, days_logged=2, days_in_range=90, median_ml=1400, days_at_target=1
    )
    days = summary.days
    assert (days.checkins, days.sleep_hours, days.caffeine_mg, days.stress) == (2, 7.0, 200, 5.0)
    assert days.ill == days.new_medication == (date(2026, 11, 11),)
    assert summary.medications == "magnesium 300 mg"


def test_the_guidance_signs_are_the_rules_findings_over_the_range(history):
    signs = {sign.rule: sign for sign in summary_of(history).signs}

    assert signs[Rule.SEVERE_PAIN].state == questions.PARTLY  # 8/10: watch
    # Episodes on 3 days within 14 (10, 12 and 20 Nov), one with weakness: the
    # guidance's "frequently twitch and … weakness".
    symptoms = signs[Rule.RED_FLAG_SYMPTOMS]
    assert symptoms.state == questions.MATCHED
    assert "weakness" in symptoms.found
    assert len(symptoms.episode_ids) == 3
    for rule in (Rule.LONG_EPISODE, Rule.RECURRING_EPISODES, Rule.PERSISTENT_TWITCHING):
        assert signs[rule].state == questions.NOT_SEEN
        assert signs[rule].episode_ids == ()
    assert len(signs) == len(questions.SIGNS)


def test_flags_in_the_range_come_with_their_review(history):
    (flag,) = summary_of(history).flags

    assert flag.message == "3 cramps in the calf."
    assert flag.outcome == "Reviewed"
    assert flag.notes == ("Seen; ask about magnesium.",)


def test_another_athletes_log_is_not_in_the_summary(history, other_athlete):
    factories.EpisodeFactory(user=other_athlete, started_at=at("2026-11-15"), body_region="neck")

    assert [place.where for place in summary_of(history).places] == ["left calf", "right eyelid"]


def test_a_trend_needs_a_range_long_enough_to_halve():
    days = [date(2026, 11, 1), date(2026, 11, 20)]

    assert questions.trend(days, date(2026, 11, 1), date(2026, 11, 20)) is None


def test_a_steady_rhythm_reads_as_about_as_often():
    days = [date(2026, 9, 1) + timedelta(weeks=n) for n in range(12)]

    found = questions.trend(days, date(2026, 9, 1), date(2026, 11, 23))

    assert found.words == "about as often throughout"


# --- The range -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "field", "words"),
    [
        ("2026-11-30", "2026-11-01", "from", "reversed"),
        ("30/11/2026", None, "from", "not a date"),
        (None, "2026-02-30", "to", "not a date"),
        (None, "2026-12-01", "to", "after today"),
        ("1999-12-31", None, "from", "before 2000"),
        (None, "0001-01-05", "to", "before 2000"),
        ("2020-01-01", "2026-11-30", "from", "longer than"),
    ],
)
def test_a_bad_range_names_its_field(start, end, field, words):
    with pytest.raises(RangeError) as raised:
        parse_range(start, end, date(2026, 11, 30))

    assert raised.value.field == field
    assert words in raised.value.message


def test_the_range_defaults_to_the_last_90_days():
    assert parse_range(None, None, date(2026, 11, 30)) == (START, END)
    assert parse_range(None, "2026-10-31", date(2026, 11, 30)) == (
        date(2026, 8, 3),
        date(2026, 10, 31),
    )


# --- The page, the PDF, the CSV --------------------------------------------------------


def test_the_page_answers_the_five_questions(client, history):
    client.force_login(history)

    page = client.get("/summary/").content.decode()

    for answer in [
        "Left calf",
        "First logged",
        "4 episodes, each on its own day: 0.3 a week; more often lately",
        "Median 1 min 45 s, longest 2 min 30 s",
        "4 cramps",
        "Median 6.5/10, worst 8/10",
        "Right after exercise (2)",
        "<strong>Weakness:</strong>",
        "magnesium 300 mg",
        "Seen; ask about magnesium.",
    ]:
        assert answer in page, answer


def test_the_page_shows_only_the_chosen_sections(client, history):
    client.force_login(history)

    page = client.get("/summary/", {"chosen": 1, "sections": ["signs"]}).content.decode()

    assert "guidance's signs for seeing a doctor" in page
    assert "magnesium 300 mg" not in page
    assert "Other symptoms" in page  # the checkbox's label, not the section
    assert "symptoms-heading" not in page


def test_a_bad_range_on_the_page_answers_400_naming_the_field(client, history):
    client.force_login(history)

    response = client.get("/summary/", {"from": "2026-11-30", "to": "2026-11-01"})

    assert response.status_code == 400
    assert "“from” is after “to”" in response.content.decode()


def pdf_text(response) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(response.content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_is_one_page_holding_the_five_answers(client, history):
    client.force_login(history)

    response = client.get("/summary/summary.pdf")

    assert response["Content-Type"] == "application/pdf"
    pages, text = pdf_text(response)
    assert pages == 1
    flat = " ".join(text.split())
    for answer in [
        "Left calf",  # where
        "10 Jun 2026 (before this range)",  # onset
        "4 episodes, each on its own day: 0.3 a week",  # how often
        "median 1 min 45 s, longest 2 min 30 s",  # how long
        "Weakness: on 1 day (12 Nov 2026)",  # other symptoms
    ]:
        assert answer in flat, answer


def test_the_pdf_adds_the_detail_pages_when_asked(client, history):
    client.force_login(history)

    response = client.get("/summary/summary.pdf", {"chosen": 1, "sections": ["detail"]})

    pages, text = pdf_text(response)
    assert pages == 2
    flat = " ".join(text.split())
    assert "Each episode, with its day and the day before" in flat
    assert "run 45 min at RPE 6" in flat  # the workout on the day of the 10 Nov cramp
    assert "slept 6.5 h" in flat
    assert "magnesium" not in flat  # medications were not chosen


def test_the_csv_lists_the_ranges_episodes_on_the_athletes_clock(client, history):
    client.force_login(history)

    response = client.get("/summary/episodes.csv")

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert len(rows) == 6  # not the June cramp
    last = rows[-1]
    assert last["started_at"] == "2026-11-26T00:30+01:00"
    assert (last["kind"], last["body_region"], last["duration_s"], last["pain"]) == (
        "cramp",
        "calf",
        "120",
        "8",
    )
    assert [row["weakness"] for row in rows].count("True") == 1
    assert rows[3]["started_at"].startswith("2026-11-12")
    assert rows[3]["weakness"] == "True"


def test_someone_else_cannot_read_a_summary_without_signing_in(client):
    response = client.get("/summary/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_pdf_fits_a_busy_log_on_one_page(client, athlete):
    regions = ["calf", "thigh_back", "foot", "neck", "eyelid", "shoulder", "hand", "forearm"]
    for day in range(1, 80):
        factories.EpisodeFactory(
            user=athlete,
            started_at=datetime(2026, 9, 3, 17, tzinfo=UTC) + timedelta(days=day),
            body_region=regions[day % len(regions)],
            side=("left", "right")[day % 2],
            weakness=day % 9 == 0,
        )
    client.force_login(athlete)

    pages, _ = pdf_text(client.get("/summary/summary.pdf"))

    assert pages == 1
