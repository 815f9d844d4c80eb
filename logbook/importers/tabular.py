"""Reading the CSV exports of Strong and Hevy: text, rows, columns, numbers.

Both apps write one row per set, UTF-8, with a header line. What varies is
the delimiter (Strong writes `;` in some versions), the column names (units in
parentheses, localized names) and whether the last line ends with a newline.
"""

import csv
import io
import unicodedata
from collections.abc import Iterator
from datetime import datetime

from logbook.importers.base import ImportFileError, Session, source_key


def decode(data: bytes, file: str) -> str:
    """The file as text: UTF-8, with or without a byte-order mark."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            file, "the file is not UTF-8 text; export it again from the app.", f"line {line}"
        ) from None


def first_line(head: bytes) -> str:
    """The header line from the first bytes of a file, for sniffing."""
    text = head.decode("utf-8-sig", errors="replace")
    return text.splitlines()[0] if text.strip() else ""


def delimiter_of(header: str) -> str:
    """`;` when the header line has more semicolons than commas, else `,`."""
    return ";" if header.count(";") > header.count(",") else ","


def column_name(cell: str) -> tuple[str, str]:
    """('weight', 'kg') for 'Weight (kg)': a name to match and the unit, both lower case."""
    text = unicodedata.normalize("NFC", cell).strip().lower()
    name, _, unit = text.partition("(")
    return name.strip(), unit.rstrip(")").strip()


def header_cells(header: str) -> list[str]:
    return next(csv.reader([header], delimiter=delimiter_of(header)), [])


def rows(text: str, file: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for the header and every row that is not blank.

    A row must have as many cells as the header: an unquoted comma inside a
    name shifts every column after it, which would otherwise go unnoticed.
    """
    delimiter = delimiter_of(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    width = None
    line = 1
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                line = reader.line_num + 1
                continue
            if width is None:
                width = len(cells)
            elif len(cells) != width:
                raise ImportFileError(
                    file,
                    f"the row has {len(cells)} fields but the header has {width} columns; "
                    f"a {'comma' if delimiter == ',' else 'semicolon'} inside a name or note "
                    "needs double quotes around that field.",
                    f"line {line}",
                )
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(file, f"the CSV cannot be read ({exc}).", f"line {line}") from None


def number(text: str, file: str, where: str, field: str) -> float | None:
    """A number as the apps write it (12.5, 12,5 or 12.900000000000034); blank is None."""
    text = text.strip()
    if not text:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise ImportFileError(file, f'"{text}" is not a number.', where, field) from None


def lifting_session(
    source: str,
    started_at: datetime,
    title: str,
    duration_s: float,
    distance_km: float,
    rpe_values: list[float],
    where: str,
) -> Session:
    """A gym app's workout (Strong, Hevy): a strength session of naive local
    time, keyed on its start and name, timed start to finish, without heart rate."""
    return Session(
        source=source,
        source_key=source_key(started_at.isoformat(sep=" "), title),
        started_at=started_at,
        duration_s=duration_s,
        duration_basis="elapsed",
        kind="strength",
        title=title,
        distance_km=round(distance_km, 3) or None,
        avg_hr=None,
        max_hr=None,
        rpe_values=tuple(rpe_values),
        where=where,
    )
