"""How fast do workout files import, and does memory stay flat as they grow? Not a
test: it prints figures.

Three files, as issue 13 asks, each imported into one athlete's log on the
benchmarks' PostgreSQL database with logbook/importing.py:

- a 5,000-row Strong CSV (the real tests/data export's rows, repeated on later
  dates so that every session is new);
- a 3,000-point FIT file (the real Garmin Edge 500 ride in tests/data: 3,098
  records);
- Apple Health exports of 12, 25 and 50 MB, built from the real excerpt's
  Workout and Record elements (a real export is mostly Records), to show
  that the peak memory does not grow with the file.

For each: rows (or megabytes) per second and the peak Python memory
(tracemalloc) of the import. The baseline, measured in the same run, is the
least a reader must do: a plain pass over the same file (csv.reader over the
CSV; fitdecode over every frame of the FIT file; ElementTree.iterparse over
the XML, clearing each element).

    .venv/bin/python bench/import.py
"""

import csv
import os
import sys
import tempfile
import time
import tracemalloc
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path

import fitdecode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_database_url, django_env, manage

DATA = ROOT / "tests" / "data" / "imports"
USERNAME = "import-bench"


def strong_csv(folder: Path, rows: int) -> Path:
    """`rows` rows of the real Strong export, its sessions moved on by a year
    each time the file's rows run out."""
    source = DATA / "strong" / "strongappanalytics_strong.csv"
    with source.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        real = list(reader)
    out = folder / "strong-5000.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow(header)
        for n in range(rows):
            row = list(real[n % len(real)])
            when = datetime.fromisoformat(row[0]) + timedelta(days=400 * (n // len(real)))
            row[0] = when.isoformat(sep=" ")
            writer.writerow(row)
    return out


WORKOUT = (
    '<Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="{minutes}" '
    'durationUnit="min" totalDistance="{miles}" totalDistanceUnit="mi" '
    'totalEnergyBurned="310" totalEnergyBurnedUnit="kcal" sourceName="Apple\u00a0Watch" '
    'sourceVersion="9.2" creationDate="{end} -0700" startDate="{start} -0700" '
    'endDate="{end} -0700">\n'
    ' <MetadataEntry key="HKIndoorWorkout" value="0"/>\n'
    "</Workout>\n"
)
RECORD = (
    '<Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Apple\u00a0Watch" '
    'sourceVersion="9.2" unit="count/min" creationDate="{t} -0700" startDate="{t} -0700" '
    'endDate="{t} -0700" value="{bpm}"/>\n'
)


def apple_health_xml(folder: Path, megabytes: int) -> tuple[Path, int]:
    """An export.xml of about `megabytes`, one run a day and heart-rate records
    between them; and how many workouts it holds."""
    out = folder / f"export-{megabytes}mb.xml"
    start = datetime(2016, 1, 1, 7, 0)
    workouts = 0
    with out.open("w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_US">\n')
        f.write(' <ExportDate value="2026-11-30 10:00:00 -0700"/>\n')
        while f.tell() < megabytes * 2**20:
            day = start + timedelta(days=workouts)
            end = day + timedelta(minutes=42)
            f.write(
                WORKOUT.format(
                    minutes=42.5,
                    miles=5.1,
                    start=day.isoformat(sep=" "),
                    end=end.isoformat(sep=" "),
                )
            )
            for n in range(300):
                moment = (day + timedelta(minutes=3 * n)).isoformat(sep=" ")
                f.write(RECORD.format(t=moment, bpm=60 + n % 90))
            workouts += 1
        f.write("</HealthData>\n")
    return out, workouts


def baseline_pass(path: Path) -> int:
    """The least any reader does: one plain pass over the file."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as f:
            return sum(1 for _ in csv.reader(f))
    if path.suffix == ".xml":
        n = 0
        for _, element in ET.iterparse(path):
            n += 1
            element.clear()
        return n
    with fitdecode.FitReader(path) as fit:  # the decoder alone, every frame
        return sum(1 for _ in fit)


def measured(function):
    """(seconds, peak MiB of Python memory, result)."""
    tracemalloc.start()
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 2**20, result


def main():
    os.environ.update(django_env(bench_database_url()))
    manage(os.environ, "migrate", "--noinput", "-v0")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from logbook import importing
    from logbook.models import Workout

    user, _ = get_user_model().objects.get_or_create(username=USERNAME)
    user.profile.timezone = "Europe/Oslo"
    user.profile.birth_year = 1990
    user.profile.save()

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        files = [
            (strong_csv(folder, 5000), "rows", 5000),
            (DATA / "fit" / "fitparse_sample-activity.fit", "records", 3098),
        ]
        for megabytes in (12, 25, 50, 100):
            path, _ = apple_health_xml(folder, megabytes)
            files.append((path, "MB", path.stat().st_size / 2**20))

        print(
            f"{'file':<34} {'size':>9} {'import s':>9} {'per s':>11} {'peak MiB':>9}"
            f" {'baseline s':>11} {'x baseline':>11}  sessions"
        )
        for path, unit, amount in files:
            Workout.objects.filter(user=user).delete()
            base_s, _, _ = measured(lambda path=path: baseline_pass(path))
            seconds, peak, report = measured(
                lambda path=path: importing.import_file(user, path, path.name)
            )
            assert not report.error, report.error
            size = f"{path.stat().st_size / 2**20:.1f} MB"
            rate = f"{amount / seconds:,.0f} {unit}"
            print(
                f"{path.name:<34} {size:>9} {seconds:9.2f} {rate:>11} {peak:9.1f}"
                f" {base_s:11.2f} {seconds / base_s:10.1f}x  {report.imported:,}"
            )
        again_s, _, report = measured(lambda: importing.import_file(user, path, path.name))
        print(
            f"\n{path.name} imported again: {again_s:.2f} s, "
            f"{report.imported} new, {report.already:,} imported before"
        )


if __name__ == "__main__":
    main()
