"""Hevy's CSV export: one row per set, one session per (title, start_time).

Header: `title,start_time,end_time,description,exercise_title,superset_id,
exercise_notes,set_index,set_type,weight_kg|weight_lbs,reps,
distance_km|distance_miles,duration_seconds,rpe`.

- `start_time`/`end_time` look like `9 Apr 2026, 17:18`: English month
  abbreviations, no seconds, no zone. They are naive local wall-clock times.
  Months are matched from a fixed table, not through the process locale.
- duration = end_time - start_time, basis "elapsed".
- RPE: every `rpe` given on the session's sets, warm-ups included. It can be
  blank for a whole file.
- distance: the sum of `distance_km`, or of `distance_miles` converted.

Minute resolution means two workouts could share (title, start_time); they
are then read as one, which is what the file lets us tell apart.
"""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from logbook.importers import tabular
from logbook.importers.base import (
    ImportFileError,
    Parsed,
    kept,
)

FORMAT = "hevy"
LABEL = "Hevy CSV"
EXTENSIONS = (".csv", ".txt")
REQUIRED = ("title", "start_time", "end_time")
KM_PER = {"distance_km": 1.0, "distance_miles": 1.609344}
MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}


def sniff(head: bytes) -> bool:
    header = [
        tabular.column_name(cell)[0] for cell in tabular.header_cells(tabular.first_line(head))
    ]
    return all(name in header for name in REQUIRED)


@dataclass
class Workout:
    title: str
    started_at: datetime
    ended_at: datetime
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
    columns = {tabular.column_name(cell)[0]: index for index, cell in enumerate(header)}
    for required in REQUIRED:
        if required not in columns:
            raise ImportFileError(
                name,
                f'the header has no "{required}" column, so this is not a Hevy export '
                "(it needs title, start_time and end_time).",
                "line 1",
                required,
            )
    workouts: dict[tuple[str, str], Workout] = {}
    for line, cells in rows:
        add_row(workouts, cells, columns, name, line)

    parsed = Parsed(FORMAT, [])
    for workout in workouts.values():
        session = tabular.lifting_session(
            FORMAT,
            workout.started_at,
            workout.title,
            (workout.ended_at - workout.started_at).total_seconds(),
            workout.distance_km,
            workout.rpe_values,
            f"line {workout.line}",
        )
        if kept(session, parsed.left_out):
            parsed.sessions.append(session)
    return parsed


def add_row(workouts: dict, cells: list[str], columns: dict[str, int], file: str, line: int):
    """Read one set row into its workout; the workout's first row starts it."""
    where = f"line {line}"

    def text(column: str) -> str:
        return cells[columns[column]].strip() if column in columns else ""

    title, start_text = text("title"), text("start_time")
    workout = workouts.get((title, start_text))
    if workout is None:
        workout = Workout(
            title=title,
            started_at=parse_time(start_text, file, where, "start_time"),
            ended_at=parse_time(text("end_time"), file, where, "end_time"),
            line=line,
        )
        workouts[title, start_text] = workout

    rpe = tabular.number(text("rpe"), file, where, "rpe")
    if rpe is not None:
        workout.rpe_values.append(rpe)
    for column, km_per_unit in KM_PER.items():
        distance = tabular.number(text(column), file, where, column)
        workout.distance_km += (distance or 0.0) * km_per_unit


def parse_time(text: str, file: str, where: str, field: str) -> datetime:
    """`9 Apr 2026, 17:18` as a naive datetime."""
    try:
        day_month_year, clock = text.split(",")
        day, month, year = day_month_year.split()
        hour, minute = clock.strip().split(":")
        return datetime(int(year), MONTHS[month[:3].lower()], int(day), int(hour), int(minute))
    except (ValueError, KeyError):
        raise ImportFileError(
            file, f'"{text}" is not a date and time like 9 Apr 2026, 17:18.', where, field
        ) from None
