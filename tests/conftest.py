"""Personas and real services for the whole suite.

Personas follow healthchecks' habit: the owner, another athlete and an
anonymous visitor, so that every URL can be tried by someone it must refuse.

Services are real. Without them a test that needs one is skipped locally, but
with REQUIRE_SERVICES=1 (CI) a missing service fails the run.
"""

import os

import pytest
import redis
from django.conf import settings
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def service_missing(message: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{message} (REQUIRE_SERVICES=1, so this fails instead of skipping)")
    pytest.skip(message)


def pytest_configure(config):
    if REQUIRE_SERVICES and settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        raise pytest.UsageError("REQUIRE_SERVICES=1 needs DATABASE_URL to name PostgreSQL.")


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        service_missing("needs PostgreSQL: set DATABASE_URL=postgres://...")


# A Redis database that tests may empty (the real broker's queue is inspected
# there). .ci/run gives its two suites, which run at once, a database each.
SCRATCH_REDIS_DB = int(os.environ.get("TEST_REDIS_SCRATCH_DB", "15"))


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        service_missing(f"needs Redis at {url}: {exc}")
    return url


@pytest.fixture
def athlete(db):
    return UserFactory(username="athlete")


@pytest.fixture
def other_athlete(db):
    return UserFactory(username="other")


def token_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api(athlete):
    """The athlete's API client, authenticated by token like a phone app."""
    return token_client(athlete)


@pytest.fixture
def other_api(other_athlete):
    return token_client(other_athlete)


@pytest.fixture
def anonymous_api():
    return APIClient()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2's deliberate slowness would dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_run_in_process(settings, monkeypatch):
    """Tasks run in the test's own process, as in the embedded default, even when
    CELERY_BROKER_URL names a real broker; tests of the broker path use use_broker."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def use_broker(settings, monkeypatch):
    """Point Celery at a broker URL for one test, instead of running tasks in-process."""
    from config.celery import app

    def use(url):
        # Celery reads Django's settings lazily: touch its configuration first,
        # so that what monkeypatch restores is the real value.
        monkeypatch.setitem(app.conf, "task_always_eager", False)
        monkeypatch.setitem(app.conf, "broker_url", url)
        # Celery reads this variable before its own configuration.
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        # Forget connections pooled for the previous broker.
        monkeypatch.setattr(app, "_pool", None)
        monkeypatch.setattr(app.amqp, "_producer_pool", None)
        settings.CELERY_TASK_ALWAYS_EAGER = False

    return use


@pytest.fixture(autouse=True)
def empty_cache():
    # Throttle counters and debounce marks must not leak from one test to the next.
    from django.core.cache import cache

    from triage import scheduling

    cache.clear()
    scheduling._seen_held.clear()
    scheduling._down_until.clear()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on a free loopback port; Django sends to it."""
    import socket

    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self, port):
            self.port = port
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox(port)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


@pytest.fixture
def reviewers_group(db):
    """The Reviewers group, as migration 0004 makes it.

    Made again here when needed: a transactional test (the browser tests) flushes
    the database, and with it the rows that data migrations put there.
    """
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group

    migration = importlib.import_module("triage.migrations.0004_reviewers_group")
    migration.create_group(apps, None)
    return Group.objects.get(name="Reviewers")
