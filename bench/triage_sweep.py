"""How fast does the triage sweep get through everyone? Not a test: it prints figures.

Seeds (once; reused by later runs) 10,000 athletes x 120 days on a PostgreSQL
database of its own with bulk_create: per athlete about 60 workouts, 240
drinks, 15 episodes and 100 check-ins. Then runs the sweep over everyone in a
fresh process, twice (first raising the flags, then finding nothing new), and
prints users/s, total seconds, queries per batch of 500 and peak RSS.

It then runs the sweep as production does: the beat task queues a task per
batch, and a Celery worker with two processes shares them out.

It also times the daily load metrics (7- and 28-day means, both EWMAs, the
ratios) of every athlete's series computed by triage.metrics, and the same
computed with pandas rolling means, and prints the ratio.

Targets: <= 30 s for 10,000 athletes; <= 10 queries per batch; peak RSS <= 500 MB.

    .venv/bin/python bench/triage_sweep.py [--users 10000] [--reseed]
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_database_url, django_env, manage

ZONES = [
    "Europe/London",
    "Europe/Oslo",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "UTC",
]
DAYS = 120
USERNAME_PREFIX = "sweep-"


def setup_django(database_url):
    os.environ.update(django_env(database_url))
    import django

    django.setup()


def seed(users: int, rng: random.Random) -> None:
    """bulk_create the athletes and their 120 days, in chunks to bound memory."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from logbook.models import DailyCheckin, HydrationEntry, Profile, TwitchEpisode, Workout
    from triage.models import EvaluationState, Flag

    User = get_user_model()
    # TRUNCATE, not delete(): deleting through the ORM would load all four
    # million rows to announce each deletion. PostgreSQL refuses to truncate a
    # table that another one references, so the tables that reference these
    # (a flag's reviews, and whatever comes to point at a flag or an entry)
    # go too.
    tables = [
        model._meta.db_table
        for model in with_referencing(
            [DailyCheckin, HydrationEntry, TwitchEpisode, Workout, Flag, EvaluationState]
        )
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)}")
    User.objects.filter(username__startswith=USERNAME_PREFIX).delete()

    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    started = time.perf_counter()
    chunk = 250
    for first in range(0, users, chunk):
        people = User.objects.bulk_create(
            User(username=f"{USERNAME_PREFIX}{n:05d}", password="!")
            for n in range(first, min(first + chunk, users))
        )
        Profile.objects.bulk_create(
            Profile(user=person, timezone=rng.choice(ZONES)) for person in people
        )
        workouts, drinks, episodes, checkins = [], [], [], []
        for person in people:
            base = rng.uniform(200, 500)
            # Most train on the same weekdays every week; one in five jumps
            # to much longer sessions at some point.
            training_days = set(rng.sample(range(7), 4))
            spike_day = rng.randrange(40, DAYS) if rng.random() < 0.2 else None
            for day in range(DAYS):
                moment = now - timedelta(days=DAYS - day, hours=rng.randrange(0, 12))
                if day % 7 in training_days and rng.random() < 0.88:
                    minutes = int(base / 6 * (2.2 if spike_day and day >= spike_day else 1))
                    workouts.append(
                        Workout(
                            id=uuid.uuid4(),
                            user=person,
                            started_at=moment,
                            duration_min=max(10, min(minutes, 240)),
                            rpe=rng.randint(5, 7),
                            kind="run",
                            warmed_up=rng.random() < 0.8,
                        )
                    )
                for slot in (2, 8):
                    drinks.append(
                        HydrationEntry(
                            id=uuid.uuid4(),
                            user=person,
                            taken_at=moment + timedelta(hours=slot),
                            volume_ml=rng.choice([500, 750, 1000, 1250]),
                        )
                    )
                if day < 100:
                    checkins.append(
                        DailyCheckin(
                            id=uuid.uuid4(),
                            user=person,
                            date=(now - timedelta(days=DAYS - day)).date(),
                            sleep_hours=rng.choice([6, 7, 8]),
                            stress=rng.randint(1, 7),
                        )
                    )
            for day in sorted(rng.sample(range(DAYS), 15)):
                episodes.append(
                    TwitchEpisode(
                        id=uuid.uuid4(),
                        user=person,
                        started_at=now - timedelta(days=DAYS - day, hours=rng.randrange(0, 20)),
                        duration_s=rng.choice([10, 30, 90, 300]),
                        kind=rng.choice(["twitch", "twitch", "cramp", "spasm"]),
                        body_region=rng.choice(["calf", "calf", "eyelid", "thigh_back", "foot"]),
                        side="left",
                        pain=rng.randint(0, 6),
                        timing=rng.choice(["right_after", "hours_after", "unrelated"]),
                    )
                )
        for model, rows in [
            (Workout, workouts),
            (HydrationEntry, drinks),
            (TwitchEpisode, episodes),
            (DailyCheckin, checkins),
        ]:
            model.objects.bulk_create(rows, batch_size=5000)
        done = min(first + chunk, users)
        rate = done / (time.perf_counter() - started)
        print(f"\rseeded {done:,}/{users:,} athletes ({rate:.0f}/s)", end="", flush=True)
    print()
    # Fresh statistics, as autovacuum would gather: without them PostgreSQL
    # misjudges the new tables' sizes and JIT-compiles every query.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def with_referencing(models: list) -> list:
    """`models` and every model whose foreign key points at one of them, transitively."""
    found = list(models)
    for model in found:  # grows while it is read: the referencing models' referrers too
        for relation in model._meta.related_objects:
            referrer = relation.related_model
            if not relation.many_to_many and referrer not in found:
                found.append(referrer)
    return found


SWEEP_IN_A_FRESH_PROCESS = """
import json, resource, time
import django
django.setup()
from django.db import connection
from triage import engine

queries = []
real_evaluate = engine.evaluate
def counted(user_ids, **kwargs):
    count = [0]
    def tally(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)
    with connection.execute_wrapper(tally):
        result = real_evaluate(user_ids, **kwargs)
    queries.append(count[0])
    return result
engine.evaluate = counted

started = time.perf_counter()
outcome = engine.sweep(everyone=True)
seconds = time.perf_counter() - started
print(json.dumps({
    "users": outcome.users, "seconds": seconds, "created": outcome.flags_created,
    "updated": outcome.flags_updated, "queries": queries,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def run_sweep(env) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", SWEEP_IN_A_FRESH_PROCESS],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_sweep_on_workers(env, concurrency: int = 2) -> dict:
    """The production path: beat's sweep task fans batches out to a Celery worker.

    Times from queueing the sweep until every athlete's evaluation is recorded,
    and reads the worker processes' peak RSS before stopping them.
    """
    from django.utils import timezone

    from triage.models import EvaluationState

    EvaluationState.objects.all().delete()  # everyone due again
    everyone = get_user_model_count()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        time.sleep(3)  # let the worker connect before the clock starts
        started = timezone.now()
        clock = time.perf_counter()
        from triage.tasks import sweep

        sweep.delay()
        done = 0
        while done < everyone:
            time.sleep(0.25)
            done = EvaluationState.objects.filter(last_evaluated_at__gte=started).count()
        seconds = time.perf_counter() - clock
        peak_mb = max(peak_rss_mb(pid) for pid in [worker.pid, *child_pids(worker.pid)])
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    return {"users": everyone, "seconds": seconds, "peak_rss_mb": peak_mb}


def get_user_model_count() -> int:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True).count()


def child_pids(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in children.read_text().split()] if children.exists() else []


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def daily_series() -> list[list[float]]:
    """Every seeded athlete's daily load series (UTC days), summed by the database."""
    from collections import defaultdict

    from django.db.models import Sum
    from django.db.models.functions import TruncDate

    from logbook.models import Workout

    by_user = defaultdict(dict)
    rows = (
        Workout.objects.filter(user__username__startswith=USERNAME_PREFIX)
        .annotate(day=TruncDate("started_at"))
        .values("user_id", "day")
        .annotate(total=Sum("load"))
        .values_list("user_id", "day", "total")
    )
    for user_id, day, total in rows:
        by_user[user_id][day] = total
    series = []
    for days in by_user.values():
        first, last = min(days), max(days)
        span = (last - first).days + 1
        series.append([days.get(first + timedelta(days=n), 0) for n in range(span)])
    return series


def time_metrics(series) -> tuple[float, float]:
    import pandas as pd

    from triage import metrics

    started = time.perf_counter()
    for loads in series:
        metrics.daily_metrics(loads)
    plain = time.perf_counter() - started

    started = time.perf_counter()
    for loads in series:
        frame = pd.Series(loads, dtype="float64")
        acute = frame.rolling(metrics.ACUTE_DAYS).mean()
        chronic = frame.rolling(metrics.CHRONIC_DAYS).mean()
        (acute / chronic).to_list()
        acute_ewma = frame.ewm(alpha=metrics.ACUTE_LAMBDA, adjust=False).mean()
        chronic_ewma = frame.ewm(alpha=metrics.CHRONIC_LAMBDA, adjust=False).mean()
        (acute_ewma / chronic_ewma).to_list()
    with_pandas = time.perf_counter() - started
    return plain, with_pandas


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--reseed", action="store_true", help="seed even if the data is there")
    args = parser.parse_args()

    database_url = bench_database_url()
    broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
    env = django_env(database_url, CELERY_BROKER_URL=broker, CACHE_URL=broker)
    manage(env, "migrate", "--noinput", "-v0")
    os.environ.update(env)
    setup_django(database_url)
    from django.contrib.auth import get_user_model

    seeded = get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).count()
    if args.reseed or seeded != args.users:
        seed(args.users, random.Random(2026))
    else:
        print(f"reusing {seeded:,} seeded athletes (--reseed to start over)")
        from triage.models import EvaluationState, Flag

        Flag.objects.all().delete()
        EvaluationState.objects.all().delete()

    first = run_sweep(env)
    again = run_sweep(env)
    workers = run_sweep_on_workers(env)
    subprocess.run(["redis-cli", "-u", broker, "flushdb"], capture_output=True, check=False)
    plain, with_pandas = time_metrics(daily_series())

    batches = first["queries"]
    print(
        f"\ntriage sweep over {first['users']:,} athletes x {DAYS} days, PostgreSQL, "
        f"{os.cpu_count()} CPUs"
    )
    for label, run in [("first sweep", first), ("second sweep", again)]:
        print(
            f"{label:<30} {run['seconds']:7.1f} s  {run['users'] / run['seconds']:7.0f} users/s  "
            f"peak RSS {run['peak_rss_mb']:.0f} MB  "
            f"(flags created {run['created']:,}, updated {run['updated']:,})"
        )
    print(
        f"{'sweep task, worker -c 2':<30} {workers['seconds']:7.1f} s  "
        f"{workers['users'] / workers['seconds']:7.0f} users/s  "
        f"peak RSS {workers['peak_rss_mb']:.0f} MB per worker process"
    )
    print(
        f"queries per batch of {first['users'] // max(len(batches), 1)}: "
        f"min {min(batches)}, max {max(batches)} over {len(batches)} batches"
    )
    print(
        f"daily load metrics for {first['users']:,} series: triage.metrics {plain:.2f} s, "
        f"pandas rolling {with_pandas:.2f} s (triage.metrics takes {plain / with_pandas:.2f}x "
        "the pandas time)"
    )


if __name__ == "__main__":
    main()
