"""Garmin FIT activity files (.fit), read with fitdecode.

One session per FIT `session` message. What is read:

- start = `session.start_time`, which fitdecode gives as an aware UTC time;
- duration = `total_timer_time` (the time the timer ran, so pauses are left
  out), capped at `total_elapsed_time`, because some devices (Zwift) write a
  timer one second longer than the elapsed time; basis "timer". Only when the
  session has no timer time is `total_elapsed_time` used, basis "elapsed";
- distance = `total_distance` in metres; 0 (indoor activities) means none;
- heart rate = the session's `avg_heart_rate`/`max_heart_rate`. When those are
  missing (fēnix 2) or 0, they come from the `record` messages between the
  session's start and end. A value of 0 means "no sensor" (Zwift writes 0
  everywhere), so an all-zero file has no heart rate.

One .fit upload can hold several FIT files chained back to back (a triathlon
from a Forerunner 920XT has four); fitdecode reads them all. A multisport
activity has one session per leg (swim, transition, bike, transition, run):
each leg is its own session, and the transitions are left out and said so.

The CRC of each chained file is checked, so a damaged or truncated upload is
an error and never a half-read activity.
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import fitdecode

from logbook.importers.base import (
    ImportFileError,
    Parsed,
    Session,
    kept,
    left_out_note,
    mean_int,
    source_key,
)

FORMAT = "fit"
LABEL = "Garmin FIT"
EXTENSIONS = (".fit",)

KIND_BY_SPORT = {
    "running": "run",
    "cycling": "cycle",
    "e_biking": "cycle",
    "swimming": "swim",
    "soccer": "team_sport",
    "basketball": "team_sport",
    "american_football": "team_sport",
    "rugby": "team_sport",
    "ice_hockey": "team_sport",
    "field_hockey": "team_sport",
    "lacrosse": "team_sport",
    "volleyball": "team_sport",
    "cricket": "team_sport",
    "hiit": "hiit",
}
KIND_BY_SUB_SPORT = {
    "strength_training": "strength",
    "cardio_training": "hiit",
    "hiit": "hiit",
    "yoga": "mobility",
    "pilates": "mobility",
    "flexibility_training": "mobility",
    "indoor_cycling": "cycle",
    "spin": "cycle",
    "treadmill": "run",
    "lap_swimming": "swim",
    "open_water": "swim",
}


def sniff(head: bytes) -> bool:
    return head[8:12] == b".FIT"


def parse(path: Path, name: str) -> Parsed:
    sessions, heart_rate = read_messages(path, name)
    if not sessions:
        raise ImportFileError(
            name, "the file holds no session, so it is not a recorded activity.", field="session"
        )
    parsed = Parsed(FORMAT, [])
    for number, fields in enumerate(sessions, start=1):
        where = f"session {number}"
        sport = str(fields.get("sport") or "generic")
        started_at = fields.get("start_time") or fields.get("timestamp")
        if not isinstance(started_at, datetime):
            raise ImportFileError(name, "the session has no start time.", where, "start_time")
        title = sport_words(sport, fields.get("sub_sport"))
        if sport == "transition":
            parsed.left_out.append(
                left_out_note(
                    title,
                    started_at,
                    where,
                    "a transition between the legs of a multisport activity; left out",
                )
            )
            continue
        session = read_session(fields, heart_rate, where, title, started_at)
        if kept(session, parsed.left_out):
            parsed.sessions.append(session)
    return parsed


def read_messages(path: Path, name: str):
    """The fields of every session message, and (time, bpm) of every record with HR."""
    sessions: list[dict] = []
    heart_rate: list[tuple[datetime, int]] = []
    try:
        with fitdecode.FitReader(str(path), check_crc=fitdecode.CrcCheck.RAISE) as reader:
            for frame in reader:
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                if frame.name == "session":
                    sessions.append({field.name: field.value for field in frame.fields})
                elif frame.name == "record":
                    bpm = value(frame, "heart_rate")
                    moment = value(frame, "timestamp")
                    if isinstance(bpm, int | float) and bpm > 0 and isinstance(moment, datetime):
                        heart_rate.append((moment, int(bpm)))
    except fitdecode.FitEOFError as exc:
        raise ImportFileError(
            name,
            "the file ends in the middle of a record: it was cut short, "
            "perhaps by an interrupted upload or copy.",
            where=at_byte(exc),
        ) from None
    except fitdecode.FitCRCError:
        raise ImportFileError(name, "the file is damaged: its checksum does not match.") from None
    except fitdecode.FitError as exc:
        raise ImportFileError(
            name, f"this is not a FIT file fitdecode can read ({exc}).", where=at_byte(exc)
        ) from None
    return sessions, heart_rate


def value(frame, field: str):
    return frame.get_value(field, fallback=None) if frame.has_field(field) else None


def at_byte(exc: Exception) -> str:
    """'byte 2798': where fitdecode stopped, from the error or its message ('… @ 2798')."""
    offset = getattr(exc, "offset", None)
    if offset is None:
        _, _, text = str(exc).rpartition("@ ")
        offset = int(text) if text.isdigit() else None
    return f"byte {offset}" if offset is not None else ""


def read_session(fields, heart_rate, where, title, started_at) -> Session:
    elapsed = fields.get("total_elapsed_time")
    timer = fields.get("total_timer_time")
    if timer is None:
        duration_s, basis = elapsed or 0.0, "elapsed"
    elif elapsed is None:
        duration_s, basis = timer, "timer"
    else:
        duration_s, basis = min(timer, elapsed), "timer"

    # 0 is what a device writes without a heart-rate sensor: no reading.
    avg_hr = fields.get("avg_heart_rate") or None
    max_hr = fields.get("max_heart_rate") or None
    if avg_hr is None or max_hr is None:
        ends_at = started_at + timedelta(seconds=elapsed or duration_s)
        samples = [bpm for moment, bpm in heart_rate if started_at <= moment <= ends_at]
        avg_hr = avg_hr or mean_int(samples)
        max_hr = max_hr or (max(samples) if samples else None)

    distance_m = fields.get("total_distance") or 0.0
    sport = str(fields.get("sport") or "generic")
    return Session(
        source=FORMAT,
        source_key=source_key(started_at.astimezone(UTC).isoformat(), sport),
        started_at=started_at,
        duration_s=float(duration_s),
        duration_basis=basis,
        kind=kind_of(sport, fields.get("sub_sport")),
        title=title,
        distance_km=distance_m / 1000 if distance_m else None,
        avg_hr=int(avg_hr) if avg_hr else None,
        max_hr=int(max_hr) if max_hr else None,
        rpe_values=(),
        where=where,
    )


def kind_of(sport: str, sub_sport) -> str:
    return KIND_BY_SUB_SPORT.get(str(sub_sport), KIND_BY_SPORT.get(sport, "other"))


def sport_words(sport: str, sub_sport) -> str:
    """'Cycling (virtual activity)', 'Running'."""
    words = sport.replace("_", " ").capitalize()
    if sub_sport and str(sub_sport) not in ("generic", "None"):
        words += f" ({str(sub_sport).replace('_', ' ')})"
    return words
