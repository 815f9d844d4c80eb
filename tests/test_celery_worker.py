"""The whole path with real parts: API save -> Redis -> a real Celery worker -> a flag."""

import time
from datetime import timedelta
from io import StringIO

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.utils import timezone

from config.celery import app
from tests.histories import every_pattern, store
from tests.kinds import KINDS
from triage.models import EvaluationState, Flag
from triage.tasks import sweep

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(redis_url, use_broker, postgres, settings):
    """A Celery worker thread consuming from its own Redis database."""
    broker_url = redis_url.rsplit("/", 1)[0] + "/14"
    redis.Redis.from_url(broker_url).flushdb()
    use_broker(broker_url)
    settings.TRIAGE = {**settings.TRIAGE, "debounce_seconds": 1}
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
    redis.Redis.from_url(broker_url).flushdb()


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_episodes_posted_through_the_api_raise_a_flag_through_the_worker(worker, api, athlete):
    for days_ago in range(3):  # on three days: they keep coming back
        when = timezone.now() - timedelta(days=days_ago, hours=1)
        body = KINDS[2].body(when=when, kind="cramp", body_region="calf")
        assert api.post(KINDS[2].url, body, format="json").status_code == 201

    assert wait_for(lambda: Flag.objects.filter(user=athlete, rule="recurring_episodes").exists())
    assert Flag.objects.filter(user=athlete).count() == 1


def test_the_demo_raises_its_load_spike_and_recurring_cramp_flags_through_the_worker(
    worker, settings, django_user_model
):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    demo = django_user_model.objects.get(username="demo")

    def flagged():
        return {"load_spike", "recurring_episodes"} <= set(
            Flag.objects.filter(user=demo).values_list("rule", flat=True)
        )

    assert wait_for(flagged)


def test_the_beat_sweep_fans_batches_out_to_the_worker(worker, settings, django_user_model):
    settings.TRIAGE = {**settings.TRIAGE, "batch_size": 2}
    users = [django_user_model.objects.create(username=f"swept{n}") for n in range(5)]
    for user in users:
        store(user, every_pattern())  # bulk-created: no announcements, only the sweep finds them

    sweep.delay()

    assert wait_for(lambda: Flag.objects.values("user").distinct().count() == 5)
    assert wait_for(
        lambda: EvaluationState.objects.filter(last_evaluated_at__isnull=False).count() == 5
    )
