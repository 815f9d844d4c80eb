"""Importing workout files into a person's log.

logbook/importers/ reads a file into plain sessions; this module stores them
as Workouts, with three promises:

- **One file, one transaction.** A file that cannot be read saves nothing, and
  says why: the file, where in it, and the field.
- **Nothing twice.** Every imported workout keeps its source and its key in
  that source (a unique constraint), so importing the same file again creates
  nothing. A session that looks like a workout already in the log (its start
  within five minutes, a similar length) is a likely duplicate: it is
  reported and left out unless the person asks for it.
- **Honest effort.** The session's RPE comes from the file when it has one;
  otherwise it is estimated from heart rate, or set to 5, and marked as an
  estimate until the athlete sets it (logbook/importers/effort.py).

A file's local times are read in the athlete's own time zone when the file
carries none. `run(job)` imports an ImportJob's files one after the other,
recording each file's report as it goes, for the page and the API to show.
"""

import logging
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from logbook import importers, wording
from logbook.importers import effort
from logbook.importers.base import ImportFileError, Session
from logbook.models import ImportJob, ImportStatus, Workout, WorkoutSource
from logbook.signals import announce_after_commit

logger = logging.getLogger(__name__)

# A session is a likely duplicate of a workout already in the log when it
# starts within START_SLACK of it and lasts about as long: within
# DURATION_SLACK, or DURATION_SHARE of the longer, whichever is more (a hand-
# logged "60 min" for a 57-minute file; Strong's newer exports cut minutes).
START_SLACK = timedelta(minutes=5)
DURATION_SLACK = timedelta(minutes=5)
DURATION_SHARE = 0.2
# Sessions are stored in batches, so that a gigabyte export never sits in
# memory: the peak holds one batch of Workouts (bench/import.py measures it).
BATCH = 200


@dataclass
class FileReport:
    """What became of one file, in the words the import page shows."""

    name: str
    format: str = ""
    found: int = 0
    imported: int = 0
    # Imported from this source before (same key): nothing new.
    already: int = 0
    # Likely duplicates of workouts already logged, each in words; skipped
    # unless the person asked to include them.
    duplicates: list[str] = field(default_factory=list)
    duplicates_included: int = 0
    estimated: int = 0
    # Sessions the file holds that cannot be workouts, each with its reason.
    left_out: list[str] = field(default_factory=list)
    # "elapsed" or "timer": which time the file's durations are.
    duration_basis: str = ""
    # Set when the whole file was refused; then nothing of it was saved.
    error: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def import_file(
    user,
    path: Path,
    name: str,
    *,
    include_duplicates: bool = False,
    progress: Callable[[int], None] | None = None,
) -> FileReport:
    """Import one file for `user`, in one transaction; never raises for a bad
    file: its report carries the error instead, and nothing of it is saved.
    `progress(n)` is told every time another n sessions are read."""
    report = FileReport(name=name)
    keys_seen: dict[str, int] = {}
    try:
        parsed = importers.parse(Path(path), name, max_bytes=settings.IMPORT_MAX_BYTES)
        report.format = parsed.format
        with transaction.atomic():
            for batch in batches(parsed.sessions, BATCH):
                store(user, batch, keys_seen, report, include_duplicates=include_duplicates)
                if progress:
                    progress(len(batch))
            # The readers add to left_out as they go: read it once they are done.
            report.left_out = [*parsed.left_out, *report.left_out]
    except ImportFileError as error:
        return FileReport(name=name, format=report.format, error=str(error))
    except Exception as error:
        # A reader's bug, not the person's file. The log names the error's type
        # only: its message may quote the file.
        logger.error("importing a %s file failed: %s", report.format, type(error).__name__)
        return FileReport(
            name=name,
            format=report.format,
            error=f"{name}: twitchlog could not read this file, and saved nothing of it.",
        )
    return report


def batches(sessions: Iterable[Session], size: int) -> Iterator[list[Session]]:
    iterator = iter(sessions)
    while batch := list(islice(iterator, size)):
        yield batch


def store(
    user,
    sessions: list[Session],
    keys_seen: dict[str, int],
    report: FileReport,
    *,
    include_duplicates: bool,
) -> None:
    """Store one batch of a file's sessions, counting what became of each."""
    profile = user.profile
    report.found += len(sessions)
    source = WorkoutSource(sessions[0].source)
    report.duration_basis = report.duration_basis or sessions[0].duration_basis
    # The file's own keys may repeat (two sessions a minute apart under one
    # title in Hevy): the first keeps the plain key, the next get "#2", "#3".
    keys = [unique_key(session, keys_seen) for session in sessions]
    imported_before = set(
        Workout.objects.filter(user=user, source=source, source_key__in=keys).values_list(
            "source_key", flat=True
        )
    )
    starts = [aware(session.started_at, profile.zone) for session in sessions]
    nearby = list(
        Workout.objects.filter(
            user=user,
            started_at__gte=min(starts) - START_SLACK,
            started_at__lte=max(starts) + START_SLACK,
        ).values_list("started_at", "duration_min")
    )
    new = []
    for session, key, start in zip(sessions, keys, starts, strict=True):
        if key in imported_before:
            report.already += 1
            continue
        workout = as_workout(user, session, key, start)
        try:
            workout.clean_fields(exclude=["id", "user", "load"])
        except ValidationError as error:
            report.left_out.append(left_out_words(session, error))
            continue
        twin = likely_duplicate(workout, nearby)
        if twin is not None:
            if not include_duplicates:
                report.duplicates.append(duplicate_words(session, start, twin, profile.zone))
                continue
            report.duplicates_included += 1
        workout.rpe, workout.rpe_estimated = effort.session_rpe(
            session, effort.max_hr_for(profile.birth_year, start.date(), profile.max_hr)
        )
        report.estimated += workout.rpe_estimated
        nearby.append((workout.started_at, workout.duration_min))
        new.append(workout)
    Workout.objects.bulk_create(new)
    for workout in new:
        # bulk_create sends no post_save: tell triage, once the file commits.
        announce_after_commit(workout, "saved")
    report.imported += len(new)


def unique_key(session: Session, seen: dict[str, int]) -> str:
    seen[session.source_key] = seen.get(session.source_key, 0) + 1
    n = seen[session.source_key]
    return session.source_key if n == 1 else f"{session.source_key}#{n}"


def aware(moment: datetime, zone) -> datetime:
    """A file's time as an instant: its own offset if it has one, else the
    athlete's wall clock."""
    if timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, zone)


def as_workout(user, session: Session, key: str, start: datetime) -> Workout:
    title = session.title.strip()[:200]
    source = WorkoutSource(session.source)
    return Workout(
        user=user,
        started_at=start,
        # Rounded to the minute, and at least one: a 57-second run is a minute.
        duration_min=max(1, round(session.duration_s / 60)),
        kind=session.kind,
        rpe=5,  # set once the session is known to be imported
        distance_km=round(session.distance_km, 3) if session.distance_km else None,
        avg_hr=session.avg_hr,
        max_hr=session.max_hr,
        source=source,
        source_key=key,
        notes=f"{title} (from {source.label})" if title else f"From {source.label}",
    )


def likely_duplicate(workout: Workout, nearby: list[tuple[datetime, int]]):
    """The (start, minutes) of a workout already logged that this one likely
    repeats, or None."""
    for started_at, minutes in nearby:
        if abs(started_at - workout.started_at) > START_SLACK:
            continue
        longer = max(minutes, workout.duration_min)
        slack = max(DURATION_SLACK, timedelta(minutes=longer * DURATION_SHARE))
        if abs(timedelta(minutes=minutes - workout.duration_min)) <= slack:
            return started_at, minutes
    return None


def session_words(session: Session, start: datetime, zone) -> str:
    """ "Evening Workout, 2021-03-03 18:51, 38 min (line 12)"."""
    local = start.astimezone(zone)
    title = session.title.strip() or "Workout"
    minutes = wording.minutes(max(1, round(session.duration_s / 60)))
    where = f" ({session.where})" if session.where else ""
    return f"{title}, {local:%Y-%m-%d %H:%M}, {minutes}{where}"


def duplicate_words(session, start, twin, zone) -> str:
    started_at, minutes = twin
    return (
        f"{session_words(session, start, zone)}: looks like the workout already logged at "
        f"{started_at.astimezone(zone):%Y-%m-%d %H:%M} ({wording.minutes(minutes)})"
    )


def left_out_words(session: Session, error: ValidationError) -> str:
    problems = "; ".join(
        f"{Workout._meta.get_field(name).verbose_name}: {' '.join(messages)}"
        for name, messages in error.message_dict.items()
    )
    title = session.title.strip() or "Workout"
    where = f" ({session.where})" if session.where else ""
    return f"{title}{where}: {problems}"


# --- Jobs -----------------------------------------------------------------------


def start(user, uploads, *, include_duplicates: bool = False) -> ImportJob:
    """Keep the uploaded files on disk and record the job that will import them.
    `uploads` are Django UploadedFiles (or anything with .name and .chunks())."""
    job = ImportJob.objects.create(user=user, include_duplicates=include_duplicates)
    folder = Path(settings.IMPORT_DIR) / str(job.id)
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for n, upload in enumerate(uploads, start=1):
        stored = folder / f"{n}"
        with stored.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        files.append({"name": Path(upload.name).name, "stored": str(stored)})
    job.files = files
    job.save(update_fields=["files"])
    return job


def run(job: ImportJob) -> ImportJob:
    """Import a job's files in turn; each file's report is saved as it ends."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING
    )
    if not claimed:  # another worker has it, or it has run
        job.refresh_from_db()
        return job
    job.refresh_from_db()
    try:
        for n, entry in enumerate(job.files):
            stored = entry.get("stored")
            report = import_file(
                job.user, stored, entry["name"], include_duplicates=job.include_duplicates
            )
            job.files[n] = {"name": entry["name"], **report.as_dict()}
            job.files_done = n + 1
            job.save(update_fields=["files", "files_done"])
            Path(stored).unlink(missing_ok=True)
        job.status = ImportStatus.DONE
    except Exception:
        logger.exception("import %s failed", job.pk)
        job.status = ImportStatus.FAILED
        raise
    finally:
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "finished_at"])
        remove_folder(job)
    return job


def remove_folder(job: ImportJob) -> None:
    shutil.rmtree(Path(settings.IMPORT_DIR) / str(job.id), ignore_errors=True)


# A queued job older than this was not taken by a worker (the broker was down).
WAITING_TOO_LONG = timedelta(minutes=2)


def waiting_jobs(now: datetime) -> list:
    return list(
        ImportJob.objects.filter(
            status=ImportStatus.QUEUED, created_at__lt=now - WAITING_TOO_LONG
        ).values_list("pk", flat=True)
    )
