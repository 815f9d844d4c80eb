"""GPS Exchange Format (.gpx): the whole file is one outing.

Read with gpxpy, the maintained GPX library (GPX 1.0 and 1.1), after the
bytes have passed safexml, which refuses entity tricks and reports XML that
is not well-formed by line.

- Every <trk> and <trkseg> belongs to the same outing: devices split one
  outing into several tracks or segments when paused or restarted.
- Start and end are the earliest and latest trackpoint times, so the duration
  is the span, basis "elapsed" (it includes the gaps between segments).
  `metadata/time` is when the file was written, not the start.
- Distance is gpxpy's `length_2d()` over all tracks.
- Heart rate is `hr` in Garmin's TrackPointExtension (v1 or v2), found by
  namespace URI whatever prefix the file uses.
- The sport comes from <trk><type> when given (Apple Watch writes
  `running`), else it is "other".

A file whose clock is broken (Mojstrovka.gpx: every point at 1901-12-13, the
int32 minimum) or whose points all share one time has no start or duration
worth anything, and is refused as a whole.
"""

from datetime import UTC, datetime, timezone
from pathlib import Path

import gpxpy
import gpxpy.gpx

from logbook.importers import safexml
from logbook.importers.base import (
    EARLIEST_YEAR,
    ImportFileError,
    Parsed,
    Session,
    kept,
    mean_int,
    source_key,
)

FORMAT = "gpx"
LABEL = "GPX track"
EXTENSIONS = (".gpx", ".xml")
HR_TAGS = {
    "{http://www.garmin.com/xmlschemas/TrackPointExtension/v1}hr",
    "{http://www.garmin.com/xmlschemas/TrackPointExtension/v2}hr",
}
KIND_BY_TYPE = {
    "running": "run",
    "run": "run",
    "trail_running": "run",
    "cycling": "cycle",
    "biking": "cycle",
    "ride": "cycle",
    "swimming": "swim",
    "swim": "swim",
}


def sniff(head: bytes) -> bool:
    return safexml.looks_like_xml(head) and b"<gpx" in head


def parse(path: Path, name: str) -> Parsed:
    data = path.read_bytes()
    session = outing(read(data, name), name)
    parsed = Parsed(FORMAT, [])
    if kept(session, parsed.left_out):
        parsed.sessions.append(session)
    return parsed


def read(data: bytes, name: str) -> gpxpy.gpx.GPX:
    """The file as gpxpy sees it, once safexml has checked the XML."""
    root = safexml.parse(data, name)
    if safexml.local(root.tag) != "gpx":
        raise ImportFileError(name, "this XML is not a GPX file (no <gpx> root element).")
    try:
        return gpxpy.parse(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ImportFileError(name, f"the file is not UTF-8 text ({exc.reason}).") from None
    except gpxpy.gpx.GPXException as exc:
        raise ImportFileError(name, f"gpxpy cannot read it: {exc}") from None


def outing(gpx: gpxpy.gpx.GPX, name: str) -> Session:
    tracks = gpx.tracks
    where = "track 1" if len(tracks) == 1 else f"tracks 1–{len(tracks)}"
    points = [point for track in tracks for segment in track.segments for point in segment.points]
    if not points:
        raise ImportFileError(name, "the file has no track points, so there is no outing in it.")
    times = [point.time for point in points if point.time]
    if not times:
        raise ImportFileError(
            name,
            "no track point has a time, so the start and duration are unknown.",
            where,
            "trkpt/time",
        )
    start, end = plain_zone(min(times)), plain_zone(max(times))
    if start.year < EARLIEST_YEAR:
        raise ImportFileError(
            name,
            f"the track points are dated {start:%Y-%m-%d %H:%M:%S}, which cannot be right: "
            "the device's clock was not set, so the start and duration are unknown.",
            where,
            "trkpt/time",
        )
    if end == start:
        raise ImportFileError(
            name,
            f"every track point has the same time ({start:%Y-%m-%d %H:%M:%S}), "
            "so the duration is unknown.",
            where,
            "trkpt/time",
        )

    sport = next((track.type.strip() for track in tracks if track.type), "")
    title = next((track.name.strip() for track in tracks if track.name), "") or (
        sport.capitalize() or "GPS track"
    )
    rates = heart_rates(points)
    length_m = gpx.length_2d()
    return Session(
        source=FORMAT,
        source_key=source_key(start.astimezone(UTC).isoformat(), sport.lower() or "gpx"),
        started_at=start,
        duration_s=(end - start).total_seconds(),
        duration_basis="elapsed",
        kind=KIND_BY_TYPE.get(sport.lower(), "other"),
        title=title,
        distance_km=length_m / 1000 if length_m else None,
        avg_hr=mean_int(rates),
        max_hr=int(max(rates)) if rates else None,
        rpe_values=(),
        where=where,
    )


def plain_zone(moment: datetime) -> datetime:
    """The time with a datetime.timezone instead of gpxpy's own tzinfo class.

    GPX times are UTC by the schema (xsd:dateTime), also when the Z is missing.
    """
    offset = moment.utcoffset()
    return moment.replace(tzinfo=UTC if not offset else timezone(offset))


def heart_rates(points) -> list[float]:
    """Every positive TrackPointExtension hr, across all <extensions> of each point."""
    rates = []
    for point in points:
        for extension in point.extensions:
            for element in extension.iter():
                if element.tag in HR_TAGS and (element.text or "").strip():
                    try:
                        bpm = float(element.text)
                    except ValueError:
                        continue  # an unreadable sample is skipped, not fatal
                    if bpm > 0:
                        rates.append(bpm)
                        break
    return rates


def route_length_km(data: bytes, name: str) -> float | None:
    """The length of a route file (Apple Health's workout-routes/*.gpx), or None."""
    length_m = read(data, name).length_2d()
    return length_m / 1000 if length_m else None
