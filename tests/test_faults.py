"""Faults in the real services: a Redis that refuses or hangs, a worker killed
mid-sweep, database connections cut, an SMTP server that is down.

Each test starts the Redis, worker or SMTP server it breaks, on a free port,
and stops it by its pid; the shared services are never touched.
"""

import os
import subprocess
import sys
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests import factories
from tests.histories import every_pattern, store
from tests.kinds import KINDS
from tests.servers import Browser, Gunicorn, OwnRedis, free_port
from triage import engine, scheduling, weekly
from triage.models import DigestLog, DigestStatus, Flag
from triage.rules import Rule

ROOT = Path(__file__).resolve().parent.parent
EPISODES = KINDS[2]


@pytest.fixture
def own_redis(settings, use_broker):
    """The app's cache and broker on a Redis of this test's own, with the
    app's timeouts."""
    server = OwnRedis()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url.replace("/0", "/1"),
            "OPTIONS": {
                "socket_connect_timeout": django_settings.REDIS_TIMEOUT,
                "socket_timeout": django_settings.REDIS_TIMEOUT,
            },
        }
    }
    use_broker(server.url)
    yield server
    server.stop()


def timed_post(api, body) -> tuple[int, float]:
    started = time.monotonic()
    response = api.post(EPISODES.url, body, format="json")
    return response.status_code, time.monotonic() - started


def cramp_on(days_ago: int) -> dict:
    when = timezone.now() - timedelta(days=days_ago, hours=1)
    return EPISODES.body(when=when, kind="cramp", body_region="calf")


@pytest.mark.django_db(transaction=True)
def test_saves_go_through_a_refused_then_a_hung_redis_and_the_sweep_catches_up(
    api, athlete, own_redis
):
    own_redis.refuse()
    refused = [timed_post(api, cramp_on(days_ago)) for days_ago in (6, 5)]

    own_redis.start()
    own_redis.hang()
    scheduling._down_until.clear()  # as a new process would: it tries Redis again
    hung = [timed_post(api, cramp_on(4))]

    for status, seconds in refused + hung:
        assert status == 201
        assert seconds < 1.5, (refused, hung)
    assert EPISODES.model.objects.filter(user=athlete).count() == 3
    assert not Flag.objects.exists()

    own_redis.resume()
    engine.sweep()

    assert Flag.objects.filter(user=athlete, rule=Rule.RECURRING_EPISODES).exists()


@pytest.mark.django_db(transaction=True)
def test_readiness_answers_quickly_with_a_hung_redis(client, own_redis):
    own_redis.hang()
    started = time.monotonic()

    response = client.get("/readyz")

    assert time.monotonic() - started < 3
    assert response.status_code == 200  # saving needs only the database
    assert response.json() == {"database": "ok", "broker": "unreachable"}


# --- A worker killed mid-sweep -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres")
def test_a_worker_killed_mid_sweep_leaves_nothing_a_rerun_does_not_mend(own_redis, settings):
    users = [factories.UserFactory(username=f"swept-{n}") for n in range(24)]
    for user in users:
        store(user, every_pattern())
    test_database = connection.settings_dict["NAME"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{test_database}",
        "CELERY_BROKER_URL": own_redis.url,
        "CACHE_URL": own_redis.url.replace("/0", "/1"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    worker = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo"),
            *("--without-heartbeat", "--without-gossip", "--without-mingle", "-Q", "celery"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        settings.TRIAGE = {**settings.TRIAGE, "batch_size": 2}
        from triage.tasks import sweep

        sweep.delay()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not Flag.objects.exists():
            time.sleep(0.05)
        worker.kill()  # SIGKILL, with batches still queued or under way
        worker.wait()
    finally:
        if worker.poll() is None:
            worker.kill()
    part_way = Flag.objects.count()

    engine.sweep(everyone=True)  # the rerun

    reference = factories.UserFactory(username="reference")
    store(reference, every_pattern())
    engine.evaluate([reference.pk])
    expected = sorted(Flag.objects.filter(user=reference).values_list("rule", "severity"))
    assert part_way > 0
    for user in users:
        flags = list(Flag.objects.filter(user=user).values_list("rule", "severity"))
        assert sorted(flags) == expected, user
    windows = list(Flag.objects.values_list("user", "rule", "window_start"))
    assert len(windows) == len(set(windows))


# --- Database connections cut --------------------------------------------------------------


@pytest.fixture
def gunicorn_server(tmp_path):
    """The app as production serves it: gunicorn, one sync worker whose database
    connection outlives a request (CONN_MAX_AGE), on the test database."""
    server = Gunicorn(tmp_path / "gunicorn.log")
    yield server.url
    server.stop()


def post_episode(url: str, token: str) -> int:
    return Browser(url).json("POST", EPISODES.url, EPISODES.body(), token)[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres")
def test_after_the_database_cuts_the_connections_the_next_request_succeeds(
    gunicorn_server, athlete
):
    token = Token.objects.create(user=athlete).key
    assert post_episode(gunicorn_server, token) == 201
    name = connection.settings_dict["NAME"]
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        cut = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchone()[0]
    connection.close()  # this test's own connection was cut too
    assert cut >= 2  # the server's and this test's (and any other left open)

    assert post_episode(gunicorn_server, token) == 201
    assert EPISODES.model.objects.filter(user=athlete).count() == 2


# --- SMTP down during the digests ----------------------------------------------------------


def athlete_with_a_week(name):
    user = factories.UserFactory(username=name)
    user.date_joined = timezone.now() - timedelta(days=60)
    user.save()
    factories.EpisodeFactory(user=user, started_at=timezone.now() - timedelta(days=8))
    return user


@pytest.mark.django_db(transaction=True)
def test_with_smtp_down_digests_fail_then_the_command_and_the_task_each_send_once(
    settings, smtp_server
):
    kiri, sam = athlete_with_a_week("kiri"), athlete_with_a_week("sam")
    week = (timezone.localdate() - timedelta(days=timezone.localdate().weekday() + 7)).isocalendar()
    iso = f"{week[0]}-W{week[1]:02d}"
    up = smtp_server.port
    settings.EMAIL_PORT = free_port()  # nothing listens there: the server is down

    call_command("send_digests", "--week", iso, stdout=StringIO())
    assert set(DigestLog.objects.values_list("status", flat=True)) == {DigestStatus.FAILED}

    settings.EMAIL_PORT = up
    call_command("send_digests", "--week", iso, "--user", "kiri", stdout=StringIO())
    from triage.tasks import retry_digest

    retry_digest.delay(DigestLog.objects.get(user=sam).pk)
    call_command("send_digests", "--week", iso, stdout=StringIO())
    retry_digest.delay(DigestLog.objects.get(user=sam).pk)

    recipients = sorted(envelope.rcpt_tos[0] for envelope in smtp_server.messages)
    assert recipients == ["kiri@example.com", "sam@example.com"]
    assert set(DigestLog.objects.values_list("status", flat=True)) == {DigestStatus.SENT}
    assert weekly.failed_to_retry([kiri.pk, sam.pk], DigestLog.objects.first().monday) == []
