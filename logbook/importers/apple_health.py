"""Apple Health's export (`export.zip`, or the `export.xml` inside it).

Real exports reach gigabytes, almost all of it heart-rate and step
`<Record>`s, so the XML is read as a stream: `iterparse` hands over one
element at a time, each direct child of <HealthData> is dropped as soon as it
has been read, and sessions are yielded lazily. Memory stays flat whatever
the size of the file.

Safety and the quirks of real exports:

- defusedxml's iterparse refuses entity declarations and external entities;
- the DTD that exports since iOS 16 carry is not needed, and was written
  malformed by some iOS versions, so it is cut from the stream before parsing
  (replaced by as many newlines, so line numbers in messages stay true);
- control characters such as \\x0b, which old exports contain and XML forbids,
  are dropped from the stream.

Each <Workout> is one session:

- start and end are `startDate`/`endDate` (`2016-11-14 07:25:41 -0700`).
  The offset is the phone's at export time; when the workout carries the
  `HKTimeZone` metadata entry, the start is shown in that zone instead;
- duration = the `duration` attribute (in `durationUnit`), which leaves out
  pauses: basis "timer". Without it, end - start, basis "elapsed";
- distance = `totalDistance` (old schema), else the sum of a distance
  `<WorkoutStatistics>` (modern schema), else, inside a zip, the length of the
  route file that `<WorkoutRoute><FileReference path="/workout-routes/…">`
  points to (relative to the folder of export.xml). Inline `<Location>`
  routes are ignored;
- heart rate = the HeartRate `<WorkoutStatistics>` average and maximum. Old
  exports keep HR only as separate `<Record>`s, which are not matched up.

In a zip, the export is the XML file at the top or one folder down whose first
kilobyte mentions <HealthData (`apple_health_export/export.xml`, or a localized
name such as `exportar.xml`); `export_cda.xml` is the clinical document and is
skipped.
"""

import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element, ParseError
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import defusedxml
import defusedxml.ElementTree as DET

from logbook.importers import gpx, safexml
from logbook.importers.base import (
    ImportFileError,
    Parsed,
    Session,
    kept,
    source_key,
)

FORMAT = "apple_health"
LABEL = "Apple Health export"
EXTENSIONS = (".zip", ".xml")
ZIP_MAGIC = b"PK\x03\x04"

ACTIVITY_PREFIX = "HKWorkoutActivityType"
KIND_BY_ACTIVITY = {
    "Running": "run",
    "Cycling": "cycle",
    "HandCycling": "cycle",
    "Swimming": "swim",
    "TraditionalStrengthTraining": "strength",
    "FunctionalStrengthTraining": "strength",
    "CoreTraining": "strength",
    "HighIntensityIntervalTraining": "hiit",
    "CrossTraining": "hiit",
    "MixedCardio": "hiit",
    "JumpRope": "hiit",
    "Soccer": "team_sport",
    "Basketball": "team_sport",
    "AmericanFootball": "team_sport",
    "AustralianFootball": "team_sport",
    "Rugby": "team_sport",
    "Hockey": "team_sport",
    "Volleyball": "team_sport",
    "Handball": "team_sport",
    "Lacrosse": "team_sport",
    "Baseball": "team_sport",
    "Softball": "team_sport",
    "Cricket": "team_sport",
    "WaterPolo": "team_sport",
    "Yoga": "mobility",
    "Pilates": "mobility",
    "Flexibility": "mobility",
    "Cooldown": "mobility",
    "MindAndBody": "mobility",
    "TaiChi": "mobility",
    "PreparationAndRecovery": "mobility",
}
SECONDS_PER = {"s": 1, "sec": 1, "min": 60, "hr": 3600, "h": 3600}
KM_PER = {"km": 1.0, "m": 0.001, "cm": 0.00001, "mi": 1.609344, "yd": 0.0009144, "ft": 0.0003048}
DISTANCE_STATISTIC = "HKQuantityTypeIdentifierDistance"
HEART_RATE_STATISTIC = "HKQuantityTypeIdentifierHeartRate"

# Bytes XML 1.0 forbids (all C0 controls but tab, newline, carriage return).
# In UTF-8 they never occur inside a multi-byte character, so deleting them
# byte by byte is safe.
CONTROL_BYTES = bytes(range(0x20)).translate(None, b"\t\n\r")
PROLOG_LIMIT = 1024 * 1024  # the DTD of a real export is about 10 KB
DTD_END = re.compile(rb"\]\s*>")


def sniff(head: bytes) -> bool:
    if head.startswith(ZIP_MAGIC):
        return True
    return safexml.looks_like_xml(head) and (
        b"<HealthData" in head or b"<!DOCTYPE HealthData" in head
    )


def parse(path: Path, name: str) -> Parsed:
    """The workouts of an export.zip or export.xml, as a lazy stream of sessions."""
    parsed = Parsed(FORMAT, [])
    with path.open("rb") as file:
        is_zip = file.read(4) == ZIP_MAGIC
    if is_zip:
        member = export_member(path, name)
        parsed.sessions = read_zip(path, name, member, parsed.left_out)
    else:
        parsed.sessions = read_xml(path, name, parsed.left_out)
    return parsed


def export_member(path: Path, name: str) -> str:
    """The name of the export XML inside the zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                member = PurePosixPath(info.filename)
                if (
                    info.is_dir()
                    or member.suffix.lower() != ".xml"
                    or len(member.parts) > 2
                    or member.name.lower() == "export_cda.xml"
                ):
                    continue
                with archive.open(info) as stream:
                    head = stream.read(1024)
                if b"<HealthData" in head or b"<!DOCTYPE HealthData" in head:
                    return info.filename
    except zipfile.BadZipFile as exc:
        raise ImportFileError(name, f"the zip file is damaged ({exc}).") from None
    raise ImportFileError(
        name,
        "the zip holds no Apple Health export (an XML file such as "
        "apple_health_export/export.xml that starts with <HealthData>).",
    )


def read_zip(path: Path, name: str, member: str, left_out: list[str]) -> Iterator[Session]:
    with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
        folder = PurePosixPath(member).parent
        members = set(archive.namelist())

        def route_km(reference: str) -> float | None:
            route = str(folder / reference.lstrip("/"))
            if route not in members:
                return None
            try:
                return gpx.route_length_km(archive.read(route), route)
            except ImportFileError:
                return None  # a broken route leaves the distance unknown, nothing more

        yield from workouts(stream, name, member, left_out, route_km)


def read_xml(path: Path, name: str, left_out: list[str]) -> Iterator[Session]:
    with path.open("rb") as stream:
        yield from workouts(stream, name, "", left_out, lambda reference: None)


class CleanStream:
    """A binary stream without the DTD and without forbidden control characters."""

    def __init__(self, raw):
        self.raw = raw
        self.pending = self.prolog()

    def prolog(self) -> bytes:
        head = b""
        while b"<HealthData" not in head and len(head) < PROLOG_LIMIT:
            chunk = self.raw.read(64 * 1024)
            if not chunk:
                break
            head += chunk
        return without_doctype(head).translate(None, CONTROL_BYTES)

    def read(self, size: int = -1) -> bytes:
        if self.pending:
            if size < 0:
                size = len(self.pending)
            data, self.pending = self.pending[:size], self.pending[size:]
            return data
        return self.raw.read(size).translate(None, CONTROL_BYTES)


def without_doctype(head: bytes) -> bytes:
    """The prolog with its <!DOCTYPE …> replaced by the newlines it spanned."""
    start = head.find(b"<!DOCTYPE")
    root = head.find(b"<HealthData")
    if start == -1 or (root != -1 and root < start):
        return head
    bracket, close = head.find(b"[", start), head.find(b">", start)
    if bracket != -1 and (close == -1 or bracket < close):
        match = DTD_END.search(head, bracket)
        if not match:
            return head  # left to the parser, which will refuse it
        end = match.end()
    else:
        end = close + 1
    return head[:start] + b"\n" * head.count(b"\n", start, end) + head[end:]


def workouts(stream, name: str, member: str, left_out: list[str], route_km) -> Iterator[Session]:
    """Sessions from the <Workout> elements, reading one element at a time."""
    events = DET.iterparse(
        CleanStream(stream),
        events=("start", "end"),
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
    )
    depth, number, root = 0, 0, None
    try:
        for event, element in events:
            if event == "start":
                depth += 1
                if root is None:
                    root = element
                    if element.tag != "HealthData":
                        raise ImportFileError(
                            name, "this XML is not an Apple Health export (no <HealthData>)."
                        )
                continue
            depth -= 1
            if depth != 1:
                continue
            if element.tag == "Workout":
                number += 1
                where = f"Workout {number}"
                session = read_workout(element, name, where, route_km)
                if kept(session, left_out):
                    yield session
            root.clear()  # drop what has been read: memory stays flat
    except (ParseError, defusedxml.DefusedXmlException) as exc:
        error = safexml.error(name, exc)
        if member:
            error.where = ", ".join(part for part in (member, error.where) if part)
        raise error from None


def read_workout(
    element: Element, file: str, where: str, route_km: Callable[[str], float | None]
) -> Session:
    activity = element.get("workoutActivityType", "").removeprefix(ACTIVITY_PREFIX)
    started_at = parse_time(element.get("startDate"), file, where, "startDate")
    ended_at = parse_time(element.get("endDate"), file, where, "endDate")
    title = words(activity) or "Workout"

    duration = number(element, "duration", file, where)
    if duration is not None:
        unit = element.get("durationUnit", "min")
        if unit not in SECONDS_PER:
            raise ImportFileError(file, f'"{unit}" is not a unit of time.', where, "durationUnit")
        duration_s, basis = duration * SECONDS_PER[unit], "timer"
    else:
        duration_s, basis = (ended_at - started_at).total_seconds(), "elapsed"

    # The workout's own statistics, else those of its activities (iOS 16+).
    statistics = {child.get("type", ""): child for child in element.iter("WorkoutStatistics")}
    statistics.update(
        {child.get("type", ""): child for child in element.findall("WorkoutStatistics")}
    )
    avg_hr = max_hr = None
    if HEART_RATE_STATISTIC in statistics:
        heart_rate = statistics[HEART_RATE_STATISTIC]
        average = number(heart_rate, "average", file, where)
        maximum = number(heart_rate, "maximum", file, where)
        avg_hr = int(average + 0.5) if average else None
        max_hr = int(maximum + 0.5) if maximum else None

    return Session(
        source=FORMAT,
        source_key=source_key(started_at.astimezone(UTC).isoformat(), activity or "Workout"),
        started_at=in_workout_zone(element, started_at),
        duration_s=duration_s,
        duration_basis=basis,
        kind=KIND_BY_ACTIVITY.get(activity, "other"),
        title=title,
        distance_km=distance_km(element, statistics, file, where, route_km),
        avg_hr=avg_hr,
        max_hr=max_hr,
        rpe_values=(),
        where=where,
    )


def distance_km(element, statistics, file, where, route_km) -> float | None:
    total = number(element, "totalDistance", file, where)
    if total:
        return total * unit_km(element.get("totalDistanceUnit", "km"), file, where)
    for kind, statistic in statistics.items():
        if kind.startswith(DISTANCE_STATISTIC):
            total = number(statistic, "sum", file, where)
            if total:
                return total * unit_km(statistic.get("unit", "km"), file, where)
    for reference in element.iter("FileReference"):
        length = route_km(reference.get("path", ""))
        if length:
            return length
    return None


def unit_km(unit: str, file: str, where: str) -> float:
    if unit not in KM_PER:
        raise ImportFileError(file, f'"{unit}" is not a unit of distance.', where, "unit")
    return KM_PER[unit]


def number(element: Element, attribute: str, file: str, where: str) -> float | None:
    text = element.get(attribute)
    if text is None or not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise ImportFileError(
            file, f'"{text}" is not a number.', where, f"{element.tag}@{attribute}"
        ) from None


def parse_time(text: str | None, file: str, where: str, field: str) -> datetime:
    try:
        return datetime.strptime(text or "", "%Y-%m-%d %H:%M:%S %z")
    except ValueError:
        raise ImportFileError(
            file, f'"{text}" is not a date like 2016-11-14 07:25:41 -0700.', where, field
        ) from None


def in_workout_zone(element: Element, started_at: datetime) -> datetime:
    """The start in the workout's own time zone (HKTimeZone), when it names one."""
    for entry in element.iter("MetadataEntry"):
        if entry.get("key") == "HKTimeZone":
            try:
                return started_at.astimezone(ZoneInfo(entry.get("value", "")))
            except (ZoneInfoNotFoundError, ValueError):
                break
    return started_at


def words(activity: str) -> str:
    """'TraditionalStrengthTraining' -> 'Traditional strength training'."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", activity).capitalize()
