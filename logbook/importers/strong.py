"""Strong's CSV export: one row per set, one session per (Date, Workout Name).

The app has written several layouts over the years (tests/data/imports/
SOURCES.md shows each), so columns are found by name, never by position:

- classic, comma: `Date,Workout Name,Duration,…,Notes,Workout Notes,RPE`,
  text fields quoted, durations like `1h 5m`, `38m`, `2h`;
- Oct 2025, comma: the same without the two Notes columns;
- 2025, semicolon, every field quoted: `"Workout #";"Date";…;"Duration (sec)"`,
  with the unit in parentheses (`Weight (kg)`, `Distance (meters)`);
- older Android, semicolon, unit columns: `…;Weight Unit;…;Distance Unit;…;
  Workout Duration`, decimal commas in quotes (`"62,5"`);
- French: `Date,Nom de l'entraînement,Durée,…`, durations like `35min`.

The delimiter is sniffed from the header line. Times are naive local
wall-clock times, as the app writes them. The duration is the app's own
figure for the whole workout, so the basis is "elapsed".

RPE values are read from every set row except the pseudo-rows `Rest Timer`
and `Note` that the newest layout puts in `Set Order`. Distances are summed
when the file says their unit (in the header or a unit column); the classic
layout does not, so its distance is left unknown rather than guessed.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from logbook.importers import tabular
from logbook.importers.base import (
    ImportFileError,
    Parsed,
    kept,
)

FORMAT = "strong"
LABEL = "Strong CSV"
EXTENSIONS = (".csv", ".txt")

# What is read, and the names (lower case, unit in parentheses removed) that
# each column goes by in the layouts above.
COLUMNS = {
    "date": ("date",),
    "name": ("workout name", "nom de l'entraînement"),
    "duration": ("duration", "workout duration", "durée"),
    "set_order": ("set order", "ordre de la série"),
    "distance": ("distance",),
    "distance_unit": ("distance unit",),
    "rpe": ("rpe",),
}
REQUIRED = {"date": "Date", "name": "Workout Name", "duration": "Duration"}
PSEUDO_SETS = {"rest timer", "note"}
SECONDS_UNITS = {"sec", "secs", "s", "seconds", "secondes"}
KM_PER_UNIT = {
    "m": 0.001,
    "meters": 0.001,
    "metres": 0.001,
    "mètres": 0.001,
    "km": 1.0,
    "kilometers": 1.0,
    "kilometres": 1.0,
    "mi": 1.609344,
    "mi.": 1.609344,
    "miles": 1.609344,
}
DURATION = re.compile(
    r"^(?:(?P<h>\d+)\s*h)?\s*(?:(?P<m>\d+)\s*m(?:in)?)?\s*(?:(?P<s>\d+)\s*s(?:ec)?)?$",
    re.IGNORECASE,
)
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")


def sniff(head: bytes) -> bool:
    found = find_columns(tabular.header_cells(tabular.first_line(head)))
    return all(key in found for key in REQUIRED)


@dataclass(frozen=True)
class Column:
    index: int
    label: str  # as the header writes it, for messages: "Durée", "Duration (sec)"
    unit: str  # from the parentheses, lower case ("sec", "meters"), or ""


def find_columns(header: list[str]) -> dict[str, Column]:
    """The columns of COLUMNS that the header has, by key."""
    found = {}
    for index, cell in enumerate(header):
        name, unit = tabular.column_name(cell)
        for key, names in COLUMNS.items():
            if name in names and key not in found:
                found[key] = Column(index, cell.strip(), unit)
    return found


@dataclass
class Workout:
    started_at: datetime
    name: str
    duration_s: float
    duration_text: str
    line: int
    rpe_values: list[float] = field(default_factory=list)
    distance_km: float = 0.0


def parse(path: Path, name: str) -> Parsed:
    text = tabular.decode(path.read_bytes(), name)
    rows = tabular.rows(text, name)
    try:
        _, header = next(rows)
    except StopIteration:
        raise ImportFileError(name, "the file is empty.") from None
    columns = find_columns(header)
    for key, label in REQUIRED.items():
        if key not in columns:
            raise ImportFileError(
                name,
                f'the header has no "{label}" column, so this is not a Strong export '
                "(it needs Date, Workout Name and Duration).",
                "line 1",
                label,
            )

    workouts: dict[tuple[str, str], Workout] = {}
    for line, cells in rows:
        add_row(workouts, cells, columns, name, line)

    parsed = Parsed(FORMAT, [])
    for workout in workouts.values():
        session = tabular.lifting_session(
            FORMAT,
            workout.started_at,
            workout.name,
            workout.duration_s,
            workout.distance_km,
            workout.rpe_values,
            f"line {workout.line}",
        )
        if kept(session, parsed.left_out, workout.duration_text):
            parsed.sessions.append(session)
    return parsed


def add_row(workouts: dict, cells: list[str], columns: dict[str, Column], file: str, line: int):
    """Read one set row into its workout; the workout's first row starts it."""
    where = f"line {line}"

    def text(key: str) -> str:
        return cells[columns[key].index].strip() if key in columns else ""

    def number(key: str) -> float | None:
        return (
            tabular.number(text(key), file, where, columns[key].label) if key in columns else None
        )

    date_text, workout_name = text("date"), text("name")
    started_at = parse_date(date_text, file, where, columns["date"].label)
    duration = columns["duration"]
    duration_s, duration_text = parse_duration(
        text("duration"), duration.unit, file, where, duration.label
    )
    workout = workouts.get((date_text, workout_name))
    if workout is None:
        workout = Workout(started_at, workout_name, duration_s, duration_text, line)
        workouts[date_text, workout_name] = workout

    rpe = number("rpe")
    if rpe is not None and text("set_order").lower() not in PSEUDO_SETS:
        workout.rpe_values.append(rpe)
    distance = number("distance")
    if distance:
        unit = columns["distance"].unit or text("distance_unit").lower()
        if unit in KM_PER_UNIT:  # else the unit is unknown, and so is the distance
            workout.distance_km += distance * KM_PER_UNIT[unit]


def parse_date(text: str, file: str, where: str, field: str) -> datetime:
    for date_format in DATE_FORMATS:
        try:
            return datetime.strptime(text, date_format)
        except ValueError:
            pass
    raise ImportFileError(
        file, f'"{text}" is not a date and time like 2021-03-03 14:45:52.', where, field
    )


def parse_duration(text: str, unit: str, file: str, where: str, field: str) -> tuple[float, str]:
    """(seconds, the text as written): `1h 5m`, `38m`, `2h`, `35min`, or seconds."""
    if unit in SECONDS_UNITS:
        seconds = tabular.number(text, file, where, field)
        if seconds is None:
            raise ImportFileError(file, "the duration is blank.", where, field)
        return seconds, ""
    match = DURATION.match(text)
    if not text or not match:
        raise ImportFileError(file, f'"{text}" is not a duration like 1h 5m.', where, field)
    hours, minutes, seconds = (int(match[part] or 0) for part in "hms")
    return float(hours * 3600 + minutes * 60 + seconds), text
