"""An entry saved leads to an evaluation soon after: one per burst, and never a failed save."""

from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from logbook.models import TwitchEpisode
from tests.conftest import SCRATCH_REDIS_DB
from tests.kinds import KINDS
from triage import engine
from triage.models import EvaluationState, Flag

pytestmark = pytest.mark.django_db

EPISODES = KINDS[2]


@pytest.fixture
def evaluations(monkeypatch):
    """The user ids of every evaluation the engine runs."""
    seen = []
    real_evaluate = engine.evaluate

    def counting(user_ids, **kwargs):
        seen.append(list(user_ids))
        return real_evaluate(user_ids, **kwargs)

    monkeypatch.setattr(engine, "evaluate", counting)
    return seen


def calf_cramps(n):
    """n calf cramps, one a day up to an hour ago: from three on, they keep coming back."""
    now = timezone.now()
    return {
        "episodes": [
            EPISODES.body(when=now - timedelta(days=i, hours=1), body_region="calf", kind="cramp")
            for i in range(n)
        ]
    }


def test_fifty_entries_synced_in_one_batch_lead_to_one_evaluation(
    api, athlete, evaluations, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/sync/", calf_cramps(50), format="json")

    assert response.status_code == 200
    assert evaluations == [[athlete.pk]]
    assert Flag.objects.filter(user=athlete, rule="recurring_episodes").exists()


def test_a_later_save_is_evaluated_again(
    api, athlete, evaluations, django_capture_on_commit_callbacks
):
    for body in calf_cramps(3)["episodes"]:
        with django_capture_on_commit_callbacks(execute=True):
            api.post(EPISODES.url, body, format="json")

    assert evaluations == [[athlete.pk]] * 3
    assert Flag.objects.filter(user=athlete, rule="recurring_episodes").count() == 1


def test_an_unchanged_replay_evaluates_nothing(
    api, evaluations, django_capture_on_commit_callbacks
):
    batch = calf_cramps(3)
    with django_capture_on_commit_callbacks(execute=True):
        api.post("/api/v1/sync/", batch, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        api.post("/api/v1/sync/", batch, format="json")

    assert len(evaluations) == 1


def test_with_the_broker_down_a_save_still_succeeds_and_the_sweep_catches_up(
    api, athlete, use_broker, django_capture_on_commit_callbacks, caplog
):
    use_broker("redis://127.0.0.1:1/0")

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/sync/", calf_cramps(3), format="json")

    assert response.status_code == 200
    assert TwitchEpisode.objects.count() == 3
    assert not Flag.objects.exists()
    assert EvaluationState.objects.get(user=athlete).dirty
    assert "broker unavailable" in caplog.text
    assert "calf" not in caplog.text

    engine.sweep()

    assert Flag.objects.filter(user=athlete, rule="recurring_episodes").exists()
    assert not EvaluationState.objects.get(user=athlete).dirty


@pytest.mark.redis
def test_with_a_real_broker_a_burst_queues_one_message(
    api, redis_url, use_broker, settings, django_capture_on_commit_callbacks
):
    broker_url = redis_url.rsplit("/", 1)[0] + f"/{SCRATCH_REDIS_DB}"
    queue = redis.Redis.from_url(broker_url)
    queue.flushdb()
    use_broker(broker_url)

    with django_capture_on_commit_callbacks(execute=True):
        api.post("/api/v1/sync/", calf_cramps(50), format="json")

    assert queue.llen("celery") == 1
    queue.flushdb()


def test_a_burst_asks_the_shared_cache_once(
    api, use_broker, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    use_broker("redis://127.0.0.1:1/0")  # the queueing may fail; the claims are what count
    claims = []
    real_add = cache.add
    monkeypatch.setattr(cache, "add", lambda *a, **kw: claims.append(a[0]) or real_add(*a, **kw))

    with django_capture_on_commit_callbacks(execute=True):
        api.post("/api/v1/sync/", calf_cramps(50), format="json")

    assert len(claims) == 1
