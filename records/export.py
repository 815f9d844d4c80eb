"""Everything a person logged, as one zip to take away: their copy of their data.

The zip holds, for each kind of entry (logbook.kinds), a JSON file and a CSV
file with every field the API shows; their flags; the reviewers' decisions
that were shared with them (what was decided, when and the note, never who);
their profile; the FHIR bundle (records.fhir); and a README.txt saying what
each file holds.

It is written as it is sent: `stream(user)` yields the zip in pieces. Rows are
read from the database in chunks (`.iterator(chunk_size=...)`) and written
one by one, the zip is made by the standard library's zipfile into a small
buffer that is emptied after each piece, so a history of years takes no more
memory than one of days. (zipfile writes to a stream it cannot seek back in
by putting each file's sizes after its data.)

Times are ISO 8601 in UTC, ending in Z, as the API answers them.
"""

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from uuid import UUID

from django.utils import timezone
from rest_framework import serializers

from logbook.kinds import KINDS, EntryKind
from logbook.models import Profile
from triage.models import Flag, FlagReview

# Rows read from the database at a time.
CHUNK_ROWS = 500
# Text gathered before it goes to the compressor, and compressed bytes gathered
# before they are sent.
PIECE_CHARS = 16 * 1024
SEND_BYTES = 64 * 1024

FHIR_FILE = "fhir-bundle.json"
PROFILE_FILE = "profile.json"
README_FILE = "README.txt"


def filename(day: date) -> str:
    return f"twitchlog-export-{day:%Y-%m-%d}.zip"


# --- How values read ----------------------------------------------------------------


def iso(value: datetime | date | None) -> str | None:
    """A time as the API writes it: UTC, ending in Z; a date as YYYY-MM-DD."""
    if value is None:
        return None
    if isinstance(value, datetime):
        text = value.astimezone(UTC).isoformat()
        return text.removesuffix("+00:00") + "Z"
    return value.isoformat()


def plain(value):
    """A database value as JSON can hold it."""
    if isinstance(value, datetime | date):
        return iso(value)
    if isinstance(value, time):  # a time of day on the person's clock (quiet hours)
        return value.strftime("%H:%M")
    if isinstance(value, UUID):
        return str(value)
    return value


def csv_cell(value) -> str:
    """A JSON value as a CSV cell: nothing for null, true/false, a list of words
    joined by ";", anything else nested as JSON text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ";".join(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


# --- Which tables ---------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """One kind of row, written as <name>.json (an array of objects) and <name>.csv
    (a header, then a line per row, the columns in the same order)."""

    name: str
    holds: str  # for the README: "Your workouts, one per row"
    columns: tuple[str, ...]
    rows: Callable[[object], Iterator[dict]]


def entry_table(kind: EntryKind) -> Table:
    """One kind of entry, each row as the API shows it (its serializer), oldest first."""
    serializer = kind.serializer()
    for field in serializer.fields.values():
        if isinstance(field, serializers.DateTimeField):
            field.timezone = UTC  # DRF's own setting: not the zone a page activated
    columns = tuple(serializer.fields)

    def rows(user) -> Iterator[dict]:
        entries = kind.model.objects.filter(user=user).order_by(kind.time_field, "created_at", "pk")
        for entry in entries.iterator(chunk_size=CHUNK_ROWS):
            yield dict(serializer.to_representation(entry))

    holds = (
        f"Your {kind.model._meta.verbose_name_plural}, oldest first, with every field the "
        "API shows, and when each was logged (created_at) and last changed (updated_at)"
    )
    return Table(kind.api_key, holds, columns, rows)


FLAG_COLUMNS = (
    "id",
    "rule",
    "severity",
    "window_start",
    "window_end",
    "message",
    "advice",
    "source",
    "status",
    "seen_at",
    "evidence",
    "created_at",
    "updated_at",
)


def flag_rows(user) -> Iterator[dict]:
    flags = Flag.objects.filter(user=user).order_by("created_at", "pk").values(*FLAG_COLUMNS)
    for flag in flags.iterator(chunk_size=CHUNK_ROWS):
        yield {name: plain(flag[name]) for name in FLAG_COLUMNS}


# What a decision says: which flag, from what to what, when, and the note.
# Never who decided: the reviewer's identity is not the athlete's data.
DECISION_COLUMNS = ("flag_id", "from_status", "to_status", "note", "decided_at")


def decision_rows(user) -> Iterator[dict]:
    shared = (
        FlagReview.objects.filter(flag__user=user, shared_with_athlete=True)
        .order_by("created_at", "pk")
        .values_list("flag_id", "from_status", "to_status", "note", "created_at")
    )
    for row in shared.iterator(chunk_size=CHUNK_ROWS):
        yield {name: plain(value) for name, value in zip(DECISION_COLUMNS, row, strict=True)}


def tables() -> list[Table]:
    return [
        *(entry_table(kind) for kind in KINDS),
        Table(
            "flags",
            "The flags triage raised about your log: the rule, how serious, the days it "
            "covers, what it saw, what the guidance says and where that comes from, "
            "where it stands with the reviewers, when you marked it seen, and its evidence",
            FLAG_COLUMNS,
            flag_rows,
        ),
        Table(
            "decisions",
            "The reviewers' decisions about your flags that they shared with you: which "
            "flag, its status before and after, the note, and when (not who decided)",
            DECISION_COLUMNS,
            decision_rows,
        ),
    ]


# --- The profile --------------------------------------------------------------------

ACCOUNT_FIELDS = ("username", "email", "first_name", "last_name", "date_joined", "last_login")
# Kept out of the profile: its ids, and the counter that voids old unsubscribe links.
PROFILE_LEFT_OUT = {"id", "user", "digest_link_version"}


def profile_fields() -> list[str]:
    return [
        field.name for field in Profile._meta.concrete_fields if field.name not in PROFILE_LEFT_OUT
    ]


def profile(user) -> dict:
    """The account and its settings; never the password's hash or the API token."""
    chosen = Profile.objects.filter(user=user).values(*profile_fields()).first()
    return {
        "account": {name: plain(getattr(user, name)) for name in ACCOUNT_FIELDS},
        "settings": {name: plain(value) for name, value in chosen.items()} if chosen else None,
    }


# --- The files -------------------------------------------------------------------


def pieces(texts: Iterable[str]) -> Iterator[bytes]:
    """Short texts gathered into pieces of about PIECE_CHARS, as UTF-8."""
    gathered, size = [], 0
    for text in texts:
        gathered.append(text)
        size += len(text)
        if size >= PIECE_CHARS:
            yield "".join(gathered).encode()
            gathered, size = [], 0
    if gathered:
        yield "".join(gathered).encode()


def json_texts(rows: Iterable[dict], counted: list[int]) -> Iterator[str]:
    """A JSON array written element by element; counts the rows into counted[0]."""
    yield "["
    for row in rows:
        yield ",\n  " if counted[0] else "\n  "
        yield json.dumps(row, ensure_ascii=False)
        counted[0] += 1
    yield "\n]\n" if counted[0] else "]\n"


def csv_texts(columns: tuple[str, ...], rows: Iterable[dict]) -> Iterator[str]:
    """A header line, then a line per row."""
    line = io.StringIO()
    writer = csv.writer(line)

    def written(values) -> str:
        line.seek(0)
        line.truncate()
        writer.writerow(values)
        return line.getvalue()

    yield written(columns)
    for row in rows:
        yield written([csv_cell(row[name]) for name in columns])


def readme(user, made: datetime, counts: dict[str, int], table_list: list[Table]) -> str:
    lines = [
        "twitchlog: everything you logged",
        "",
        f"Made {iso(made)} (UTC) for {user.get_username()}.",
        "",
        "Each kind of row comes twice: as JSON (an array of objects) and as CSV",
        "(UTF-8, comma-separated, a header line, the same columns in the same order).",
        "Times are ISO 8601 in UTC (ending in Z); dates are YYYY-MM-DD. In the CSV",
        "files an empty cell is no value, yes/no is true/false, a list of choices is",
        "joined by ; and anything nested (a flag's evidence) is JSON text.",
        "",
    ]
    for table in table_list:
        rows = counts.get(table.name, 0)
        lines += [
            f"{table.name}.json, {table.name}.csv: {rows} row{'s' if rows != 1 else ''}.",
            f"  {table.holds}.",
            f"  Columns: {', '.join(table.columns)}.",
            "",
        ]
    lines += [
        f"{PROFILE_FILE}: your account (username, email, name, when you joined and last",
        "  signed in) and your settings (time zone, units, fluid target, digest,",
        "  birth year, medications). Not your password, not your API token.",
        "",
        f"{FHIR_FILE}: the same history as a FHIR R4 Bundle (JSON), the format",
        "  health records systems read.",
        "",
    ]
    return "\n".join(lines)


def members(user, made: datetime, stream_bundle) -> Iterator[tuple[str, Iterable[bytes]]]:
    """(file name, its content in pieces), file by file; the README comes last, to
    say how many rows each file got."""
    counts: dict[str, int] = {}
    table_list = tables()
    for table in table_list:
        counted = [0]
        yield f"{table.name}.json", pieces(json_texts(table.rows(user), counted))
        counts[table.name] = counted[0]
        yield f"{table.name}.csv", pieces(csv_texts(table.columns, table.rows(user)))
    yield PROFILE_FILE, [json.dumps(profile(user), ensure_ascii=False, indent=2).encode()]
    yield (
        FHIR_FILE,
        (piece.encode() if isinstance(piece, str) else piece for piece in stream_bundle(user)),
    )
    yield README_FILE, [readme(user, made, counts, table_list).encode()]


# --- The zip, as it is written -------------------------------------------------------


class Outbox(io.RawIOBase):
    """Where zipfile writes: bytes kept until taken. It cannot seek, so zipfile
    writes each file's sizes after its data instead of going back for them."""

    def __init__(self):
        super().__init__()
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.buffer += data
        return len(data)

    def take(self) -> bytes:
        data = bytes(self.buffer)
        self.buffer.clear()
        return data


def zip_stream(files: Iterable[tuple[str, Iterable[bytes]]], made: datetime) -> Iterator[bytes]:
    """The zip of these files, in pieces of about SEND_BYTES, as it is written."""
    outbox = Outbox()
    stamp = made.astimezone(UTC).timetuple()[:6]
    with zipfile.ZipFile(outbox, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with archive.open(info, "w") as file:
                for piece in content:
                    file.write(piece)
                    if len(outbox.buffer) >= SEND_BYTES:
                        yield outbox.take()
            if outbox.buffer:
                yield outbox.take()
    yield outbox.take()  # the directory at the end


def stream(user, made: datetime | None = None) -> Iterator[bytes]:
    """The person's whole export as a zip, in pieces.

    records.fhir is imported here, when an export is asked for, so that a
    missing or broken FHIR module fails this call (an error page) rather than
    the download halfway, or the import of this module."""
    from records.fhir import stream_bundle

    made = made or timezone.now()
    return zip_stream(members(user, made, stream_bundle), made)
