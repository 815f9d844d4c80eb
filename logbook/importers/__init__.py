"""Workout export files turned into plain sessions.

One module per format, each with the same small surface:

    FORMAT      the name stored with each session ("strong", "fit", …)
    LABEL       words for people ("Strong CSV")
    EXTENSIONS  the file name endings that format comes with
    sniff(head: bytes) -> bool     whether the first bytes look like it
    parse(path, name) -> Parsed    the sessions in the file

`parse()` below is the one entry point: it checks the size, recognizes the
format by content, checks that the file name does not claim another format,
and hands over to the format's module. These modules are plain Python: no
ORM, no settings (the caller passes the size limit), nothing from triage.
"""

from pathlib import Path, PurePosixPath

from logbook.importers import apple_health, fit, gpx, hevy, strong, tcx
from logbook.importers.base import ImportFileError, Parsed, Session

__all__ = ["FORMATS", "ImportFileError", "Parsed", "Session", "detect", "parse"]

# In the order they are tried: binary signatures first, CSV headers last.
FORMATS = {module.FORMAT: module for module in (fit, apple_health, tcx, gpx, hevy, strong)}
HEAD_BYTES = 8192
CLAIMS = {
    ".fit": "a Garmin FIT file",
    ".tcx": "a Garmin TCX file",
    ".gpx": "a GPX track",
    ".zip": "an Apple Health export.zip",
    ".csv": "a Strong or Hevy CSV export",
    ".xml": "an XML export (TCX, GPX or Apple Health)",
}
KNOWN = "a Strong or Hevy CSV, a FIT, TCX or GPX file, or Apple Health's export.zip"


def parse(path: Path, name: str, *, max_bytes: int) -> Parsed:
    """The sessions in the uploaded file at `path`, whose own name was `name`.

    Raises ImportFileError when the file is empty, larger than `max_bytes`,
    not a format we read, not what its name claims, or malformed.
    """
    name = display_name(name)
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError(name, "the file is empty.")
    if size > max_bytes:
        raise ImportFileError(
            name, f"the file is {megabytes(size)}; the largest accepted is {megabytes(max_bytes)}."
        )
    with path.open("rb") as file:
        head = file.read(HEAD_BYTES)
    return detect(name, head).parse(path, name)


def detect(name: str, head: bytes):
    """The format module for a file, from its first bytes, checked against its name."""
    if not head:
        raise ImportFileError(name, "the file is empty.")
    suffix = PurePosixPath(name).suffix.lower()
    module = next((module for module in FORMATS.values() if module.sniff(head)), None)
    if module is None:
        claim = f"its name says {CLAIMS[suffix]}, but it is not one: " if suffix in CLAIMS else ""
        raise ImportFileError(name, f"{claim}this is not a file we can read ({KNOWN}).")
    if suffix and suffix not in module.EXTENSIONS:
        claim = CLAIMS.get(suffix, f"a {suffix} file")
        raise ImportFileError(
            name,
            f"its name says {claim}, but it holds {module.LABEL} content; "
            "rename it or export it again.",
        )
    return module


def display_name(name: str) -> str:
    """The file's own name, without any folders a browser sent along."""
    return PurePosixPath(name.replace("\\", "/")).name or "the file"


def megabytes(size: int) -> str:
    """'12.3 MB', or the bytes for a size under a megabyte."""
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size:,} bytes"
