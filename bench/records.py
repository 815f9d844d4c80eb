"""How long do a long-logging athlete's records take? Not a test: it prints figures.

One athlete with two years of a busy log (seed 2026: about 1,800 episodes, 340
workouts, 5,800 drinks and 160 check-ins) on the benchmarks' PostgreSQL database. For the
last 90 days and for the whole two years it times what a person asks of
records/: the summary (as the page builds it), its PDF (one page; with the
detail pages), the FHIR bundle, and, for the whole history, the export zip
(streamed, with its FHIR bundle) and its peak memory. The baseline, measured
in the same run, is reading the same rows with one plain query per kind of
entry: the least any of these could cost.

    .venv/bin/python bench/records.py
"""

import io
import os
import random
import statistics
import sys
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader

from bench.common import bench_database_url, django_env, manage

USERNAME = "records-bench"
ZONE = ZoneInfo("Europe/Oslo")
DAYS = 730


def seed(user, today: date, rng: random.Random) -> None:
    from logbook.models import DailyCheckin, HydrationEntry, TwitchEpisode, Workout

    for model in (DailyCheckin, HydrationEntry, TwitchEpisode, Workout):
        model.objects.filter(user=user).delete()
    episodes, workouts, drinks, checkins = [], [], [], []
    regions = ["calf", "thigh_back", "foot", "eyelid", "neck", "lower_back"]
    for offset in range(DAYS):
        day = today - timedelta(days=offset)
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=ZONE)
        if rng.random() < 0.2:
            checkins.append(
                DailyCheckin(
                    user=user,
                    date=day,
                    sleep_hours=rng.choice([6, 6.5, 7, 7.5, 8]),
                    caffeine_mg=rng.choice([0, 100, 200, 300]),
                    stress=rng.randint(1, 8),
                    ill=rng.random() < 0.03,
                )
            )
        if rng.random() < 0.45:
            workouts.append(
                Workout(
                    user=user,
                    started_at=noon + timedelta(hours=rng.randint(-4, 6)),
                    duration_min=rng.randint(30, 90),
                    kind=rng.choice(["run", "strength", "cycle", "hiit"]),
                    rpe=rng.randint(4, 9),
                )
            )
        for _ in range(rng.choice([4, 8, 12])):
            drinks.append(
                HydrationEntry(
                    user=user,
                    taken_at=noon + timedelta(minutes=rng.randint(-300, 500)),
                    volume_ml=rng.choice([250, 330, 500]),
                )
            )
        for _ in range(rng.choice([0, 0, 1, 2, 4, 8])):
            episodes.append(
                TwitchEpisode(
                    user=user,
                    started_at=noon + timedelta(minutes=rng.randint(-600, 600)),
                    duration_s=rng.randint(5, 600),
                    kind=rng.choice(["twitch", "twitch", "spasm", "cramp"]),
                    body_region=rng.choice(regions),
                    side=rng.choice(["left", "right"]),
                    pain=rng.randint(0, 7),
                    timing=rng.choice(["during_exercise", "right_after", "unrelated"]),
                    weakness=rng.random() < 0.01,
                    notes=rng.choice(["", "after the long run", "at night, in bed"]),
                )
            )
    for model, rows in (
        (DailyCheckin, checkins),
        (Workout, workouts),
        (HydrationEntry, drinks),
        (TwitchEpisode, episodes),
    ):
        model.objects.bulk_create(rows, batch_size=2000)
    print(
        f"seeded {len(episodes):,} episodes, {len(workouts):,} workouts, "
        f"{len(drinks):,} drinks, {len(checkins):,} check-ins over {DAYS} days"
    )


def timed(function, repeat: int = 3) -> tuple[float, object]:
    """The median wall time of `repeat` calls, in ms, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def main():
    os.environ.update(django_env(bench_database_url()))
    manage(os.environ, "migrate", "--noinput", "-v0")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from logbook.models import DailyCheckin, HydrationEntry, TwitchEpisode, Workout
    from records import export, fhir, pdf, summary

    user, _ = get_user_model().objects.get_or_create(username=USERNAME)
    user.profile.timezone = ZONE.key
    user.profile.save()
    today = summary.today_for(user)
    seed(user, today, random.Random(2026))

    def baseline():
        return sum(
            len(list(model.objects.filter(user=user).values_list()))
            for model in (TwitchEpisode, Workout, HydrationEntry, DailyCheckin)
        )

    base_ms, rows = timed(baseline)
    print(
        f"\nbaseline: every row of the athlete's read with one query per kind: {rows:,} rows, "
        f"{base_ms:.0f} ms\n"
    )
    print(f"{'what':<44} {'ms':>9} {'x baseline':>11}  detail")
    every = list(summary.SECTIONS)

    def row(name, ms, detail=""):
        print(f"{name:<44} {ms:9.0f} {ms / base_ms:10.1f}x  {detail}")

    for label, start in (
        ("90 days", today - timedelta(days=89)),
        ("2 years", today - timedelta(days=DAYS - 1)),
    ):
        ms, built = timed(lambda start=start: summary.build(user, start, today))
        row(
            f"summary, {label}", ms, f"{len(built.episodes):,} episodes, {len(built.places)} places"
        )
        ms, document = timed(lambda built=built: pdf.render(built, summary.DEFAULT_SECTIONS), 2)
        row(f"PDF, one page, {label}", ms, f"{len(document) / 1024:.0f} KiB")
        ms, document = timed(lambda built=built: pdf.render(built, every), 1)
        pages = len(PdfReader(io.BytesIO(document)).pages)
        row(
            f"PDF with the detail pages, {label}",
            ms,
            f"{pages} pages, {len(document) / 1024:.0f} KiB",
        )
        ms, bundle = timed(lambda start=start: fhir.bundle(user, start, today), 1)
        row(f"FHIR bundle, {label}", ms, f"{len(bundle['entry']):,} resources")

    def whole_export():
        size = 0
        for chunk in export.stream(user):
            size += len(chunk)
        return size

    ms, size = timed(whole_export, 1)
    row("export zip, whole history", ms, f"{size / 2**20:.1f} MiB sent")
    ms, _ = timed(lambda: sum(len(chunk) for chunk in fhir.stream_bundle(user)), 1)
    row("  of which its FHIR bundle", ms)
    tracemalloc.start()
    whole_export()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"the export's peak Python memory (tracemalloc): {peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
