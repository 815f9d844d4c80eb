"""How fast do ten thousand weekly digests go out? Not a test: it prints figures.

Uses the athletes of bench/triage_sweep.py (10,000 x 120 days on PostgreSQL;
run that first), gives them email addresses, and sends each the digest of the
last full week the way the worker does: claim the week's DigestLog rows, then
render and deliver in batches of 500 over one SMTP connection, to an aiosmtpd
sink in a process of its own. Prints total seconds, ms per digest and queries
per digest, and the ratio to a baseline: the same number of one-line emails
sent through the same connection to the same sink.

Targets: <= 120 s in total; <= 5 queries per digest.

    .venv/bin/python bench/digest.py
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_database_url, django_env, manage
from bench.triage_sweep import USERNAME_PREFIX


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_sink(port) -> subprocess.Popen:
    sink = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return sink
        except OSError:
            time.sleep(0.1)
    sink.kill()
    raise SystemExit("the SMTP sink did not start")


def main():
    port = free_port()
    env = django_env(bench_database_url(), EMAIL_URL=f"smtp://127.0.0.1:{port}", LOG_LEVEL="ERROR")
    manage(env, "migrate", "--noinput", "-v0")
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.mail import EmailMessage, get_connection
    from django.db import connection
    from django.db.models import Value
    from django.db.models.functions import Concat
    from django.utils import timezone

    from triage import digest, weekly
    from triage.models import DigestLog

    people = get_user_model().objects.filter(username__startswith=USERNAME_PREFIX)
    count = people.count()
    if count == 0:
        raise SystemExit("No bench athletes: run bench/triage_sweep.py first.")
    people.update(email=Concat("username", Value("@example.com")))
    monday = digest.previous_week_monday(timezone.now().date())
    iso_year, iso_week, _ = monday.isocalendar()
    DigestLog.objects.filter(iso_year=iso_year, iso_week=iso_week).delete()
    user_ids = list(people.order_by("pk").values_list("pk", flat=True))

    sink = start_sink(port)
    try:
        smtp = get_connection()
        smtp.open()
        started = time.perf_counter()
        for n in range(count):
            smtp.send_messages([EmailMessage("Hello", "One line.", to=[f"{n}@example.com"])])
        baseline = time.perf_counter() - started
        smtp.close()

        queries = 0

        def tally(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(tally):
            started = time.perf_counter()
            claimed = weekly.claim(user_ids, monday)
            sent = 0
            for start in range(0, len(claimed), weekly.BATCH):
                outcome = weekly.deliver(claimed[start : start + weekly.BATCH])
                sent += len(outcome.get("sent", []))
                print(f"\r{sent:,}/{len(claimed):,} sent", end="", flush=True)
            seconds = time.perf_counter() - started
    finally:
        sink.terminate()
        sink.wait(timeout=10)

    print(
        f"\n\nweekly digests for {monday:%Y-%m-%d} (W{iso_week}), {count:,} athletes, "
        "PostgreSQL, aiosmtpd sink"
    )
    print(
        f"digests:  {seconds:7.1f} s  {seconds / count * 1000:6.2f} ms each  "
        f"{queries / count:5.2f} queries each ({queries:,} in all), {sent:,} sent"
    )
    print(
        f"baseline: {baseline:7.1f} s  {baseline / count * 1000:6.2f} ms each "
        "(one-line emails over the same connection)"
    )
    print(f"digests take {seconds / baseline:.2f}x the baseline")


if __name__ == "__main__":
    main()
