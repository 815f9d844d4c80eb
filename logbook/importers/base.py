"""The plain types every importer returns, and the checks they share.

An importer reads one export file and turns it into `Session`s: one per
workout, with only what the log needs (when, how long, what kind, how far,
heart rate, effort). Nothing here touches the database; the caller decides
what to store.

Two kinds of trouble are kept apart:

- A file that cannot be read (a row that does not parse, a missing column, a
  truncated FIT file, XML that is not well-formed) raises `ImportFileError`,
  whose message names the file, where in it, and the field.
- A session that parses but cannot be right (a timer left running for three
  days, a date before 2000, no duration at all) is *left out*: the parser
  skips it, adds a plain-language note to `Parsed.left_out`, and goes on.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

SOURCES = ("strong", "hevy", "fit", "tcx", "gpx", "apple_health")
KINDS = ("strength", "run", "cycle", "swim", "hiit", "team_sport", "mobility", "other")
BASES = ("elapsed", "timer")

# The log starts in 2000 (logbook.models.EARLIEST_TIME says the same); a
# device whose clock was never set writes 1989 (FIT) or 1901 (int32 minimum).
EARLIEST_YEAR = 2000
# A session longer than this is a timer that was left running.
LONGEST_S = 24 * 3600
SOURCE_KEY_LENGTH = 200


@dataclass(frozen=True)
class Session:
    """One workout as an export file describes it."""

    source: str  # one of SOURCES
    source_key: str  # stable for this session in this source, at most 200 characters
    started_at: datetime  # aware when the file gives a zone or offset, else naive local time
    duration_s: float
    duration_basis: str  # "elapsed" (end - start) or "timer" (moving/active time)
    kind: str  # one of KINDS
    title: str  # the workout's name, or words for its sport
    distance_km: float | None
    avg_hr: int | None
    max_hr: int | None
    rpe_values: tuple[float, ...]  # per-set RPEs written in the file, if any
    where: str  # where in the file, for messages: "line 12", "session 3", "Workout 4"


@dataclass
class Parsed:
    """What one file held.

    `sessions` is a list, except for Apple Health, where it is a one-pass
    generator so that a multi-gigabyte export is read with flat memory. Such a
    generator may still raise ImportFileError while it is consumed, and it adds
    to `left_out` as it goes: read `left_out` after the sessions.
    """

    format: str
    sessions: Iterable[Session]
    left_out: list[str] = field(default_factory=list)


class ImportFileError(Exception):
    """A file that cannot be imported: names the file, where in it, and the field."""

    def __init__(self, file: str, message: str, where: str = "", field: str = ""):
        super().__init__(message)
        self.file = file
        self.message = message
        self.where = where
        self.field = field

    def __str__(self):
        place = [self.file]
        if self.where:
            place.append(self.where)
        if self.field:
            place.append(f'"{self.field}"')
        return f"{', '.join(place)}: {self.message}"


def source_key(*parts: str) -> str:
    """Join the parts that identify a session, cut to the length the log stores."""
    return "|".join(parts)[:SOURCE_KEY_LENGTH]


def hours_minutes(seconds: float) -> str:
    """83h 31m, 38m, 2h, 45s: the way Strong writes a duration."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    hours, minutes = divmod(seconds // 60, 60)
    if hours and minutes:
        return f"{hours}h {minutes}m"
    return f"{hours}h" if hours else f"{minutes}m"


def implausible(started_at: datetime, duration_s: float, duration_text: str = "") -> str | None:
    """Why a session cannot be right, in words, or None if it can.

    `duration_text` is the duration as the file wrote it, to quote it back.
    """
    shown = duration_text or hours_minutes(duration_s)
    if started_at.year < EARLIEST_YEAR:
        return (
            f"it is dated {started_at:%Y-%m-%d}, before {EARLIEST_YEAR}; left out — "
            "was the device's clock set?"
        )
    if duration_s <= 0:
        return "it has no duration (it ends when it starts, or before); left out"
    if duration_s > LONGEST_S:
        return f"{shown} is longer than a day; left out — was the timer left running?"
    return None


def kept(session: Session, left_out: list[str], duration_text: str = "") -> bool:
    """Whether the session can be right (see `implausible`); when it cannot, a
    note saying why goes to `left_out`."""
    reason = implausible(session.started_at, session.duration_s, duration_text)
    if reason:
        left_out.append(left_out_note(session.title, session.started_at, session.where, reason))
    return reason is None


def left_out_note(title: str, started_at: datetime, where: str, reason: str) -> str:
    """'Afternoon Workout on 2021-03-03 (line 427): 83h 31m is longer than a day; …'"""
    return f"{title} on {started_at:%Y-%m-%d} ({where}): {reason}"


def mean_int(values: list[float]) -> int | None:
    """The mean rounded half up, or None for no values."""
    if not values:
        return None
    return int(sum(values) / len(values) + 0.5)
