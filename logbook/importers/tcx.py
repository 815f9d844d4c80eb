"""Garmin Training Center XML (.tcx): one session per <Activity>.

What is read, per Activity:

- sport from `Activity@Sport` (Running, Biking or Other);
- start from `Activity/Id`, which is the start time (the first `Lap@StartTime`
  when Id is missing); times carry `Z` or an offset such as `+01:00`;
- duration = the sum of `Lap/TotalTimeSeconds`, the device's timer time, so
  the basis is "timer" (it leaves out pauses; the trackpoint span does not);
- distance = the sum of `Lap/DistanceMeters`;
- heart rate from the trackpoints' `HeartRateBpm/Value` (mean and maximum),
  or, when no trackpoint has one, from the laps' average (weighted by lap
  time) and maximum.

Elements are matched by local name: ElementTree has already resolved every
prefix to its namespace URI, so whatever prefix a device writes does not matter.

Why no TCX library: python-tcxparser 2.4 and tcxreader 0.4 both handle the
real files in tests/data/imports/tcx, but each gets something wrong that
matters here. python-tcxparser takes the distance from the last trackpoint
(2,607 m instead of the laps' 13,680 m on togeojson_bad.tcx), truncates the
mean HR to an int and returns the start as a string; tcxreader takes the start
from the first trackpoint (15:59 instead of 15:43 on the same file), measures
duration as the trackpoint span and drops the `Z`. Both pull in lxml and parse
without protection against entity expansion. The format is small and
documented, so ElementTree through defusedxml (safexml) reads it in a page.
"""

from datetime import UTC, datetime
from pathlib import Path

from logbook.importers import safexml
from logbook.importers.base import (
    ImportFileError,
    Parsed,
    Session,
    kept,
    mean_int,
    source_key,
)

FORMAT = "tcx"
LABEL = "Garmin TCX"
EXTENSIONS = (".tcx", ".xml")

KIND_BY_SPORT = {"running": "run", "biking": "cycle"}


def sniff(head: bytes) -> bool:
    return safexml.looks_like_xml(head) and b"<TrainingCenterDatabase" in head


def parse(path: Path, name: str) -> Parsed:
    root = safexml.parse(path.read_bytes(), name)
    if safexml.local(root.tag) != "TrainingCenterDatabase":
        raise ImportFileError(name, "this XML is not a TCX file (no <TrainingCenterDatabase>).")
    parsed = Parsed(FORMAT, [])
    activities = [element for element in root.iter() if safexml.local(element.tag) == "Activity"]
    if not activities:
        raise ImportFileError(name, "the file holds no <Activity>, so there is nothing to import.")
    for number, activity in enumerate(activities, start=1):
        session = read_activity(activity, name, f"Activity {number}")
        if kept(session, parsed.left_out):
            parsed.sessions.append(session)
    return parsed


def read_activity(activity, file: str, where: str) -> Session:
    laps = safexml.children(activity, "Lap")
    if not laps:
        raise ImportFileError(file, "the activity has no <Lap>.", where=where, field="Lap")
    sport = activity.get("Sport") or "Other"
    started_text = safexml.child_text(activity, "Id") or laps[0].get("StartTime")
    started_at = parse_time(started_text, file, where, "Id")

    duration_s = sum(lap_number(lap, "TotalTimeSeconds", file, where) or 0.0 for lap in laps)
    distance_m = sum(lap_number(lap, "DistanceMeters", file, where) or 0.0 for lap in laps)
    avg_hr, max_hr = heart_rate(laps, file, where)
    return Session(
        source=FORMAT,
        source_key=source_key(started_at.astimezone(UTC).isoformat(), sport.lower()),
        started_at=started_at,
        duration_s=duration_s,
        duration_basis="timer",
        kind=KIND_BY_SPORT.get(sport.lower(), "other"),
        title=sport,
        distance_km=distance_m / 1000 if distance_m else None,
        avg_hr=avg_hr,
        max_hr=max_hr,
        rpe_values=(),
        where=where,
    )


def parse_time(text: str | None, file: str, where: str, field: str) -> datetime:
    """An xsd:dateTime; TCX times are UTC when they carry no offset."""
    try:
        value = datetime.fromisoformat((text or "").strip())
    except ValueError:
        raise ImportFileError(
            file, f'"{text}" is not a date and time like 2020-03-06T00:23:46Z.', where, field
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def lap_number(lap, name: str, file: str, where: str) -> float | None:
    text = safexml.child_text(lap, name)
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ImportFileError(file, f'"{text}" is not a number.', where, f"Lap/{name}") from None


def heart_rate(laps, file: str, where: str) -> tuple[int | None, int | None]:
    """(mean, max) from the trackpoints, else from the laps' own figures."""
    samples = []
    for lap in laps:
        for element in lap.iter():
            if safexml.local(element.tag) == "Trackpoint":
                bpm = hr_value(element, file, where)
                if bpm:
                    samples.append(bpm)
    if samples:
        return mean_int(samples), int(max(samples))

    weighted, seconds, maxima = 0.0, 0.0, []
    for lap in laps:
        average = hr_value(lap, file, where, "AverageHeartRateBpm")
        maximum = hr_value(lap, file, where, "MaximumHeartRateBpm")
        lap_s = lap_number(lap, "TotalTimeSeconds", file, where) or 0.0
        if average and lap_s:
            weighted += average * lap_s
            seconds += lap_s
        if maximum:
            maxima.append(maximum)
    avg_hr = int(weighted / seconds + 0.5) if seconds else None
    return avg_hr, int(max(maxima)) if maxima else None


def hr_value(parent, file: str, where: str, name: str = "HeartRateBpm") -> float | None:
    for element in safexml.children(parent, name):
        text = safexml.child_text(element, "Value")
        if text:
            try:
                return float(text)
            except ValueError:
                raise ImportFileError(
                    file, f'"{text}" is not a heart rate.', where, f"{name}/Value"
                ) from None
    return None
