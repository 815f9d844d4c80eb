"""When to evaluate someone: soon after their log changes, once per burst of changes.

logbook announces every saved or deleted entry. A phone flushing its outbox
saves fifty at once, and all fifty should lead to one evaluation. So the first
change of a burst claims a short-lived key in the cache and queues an
evaluation to run when the burst is over; the rest of the burst finds the key
taken and leaves it at that, since that evaluation will read their entries too.

Nothing here may fail a save, or hold one up. If the cache or the broker is
down, or hung, the change is still written down as the person's `changed_at`,
and the sweep evaluates everyone whose log changed after their last
evaluation. Redis calls wait REDIS_TIMEOUT at most (settings), and after one
fails this process leaves that service alone for BACKOFF seconds: one save
waits the timeout, not every save.
"""

import logging
import time

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from triage import engine
from triage.models import EvaluationState
from triage.retries import RETRY

logger = logging.getLogger(__name__)


def queued_key(user_id) -> str:
    return f"triage:queued:{user_id}"


def evaluated_key(user_id) -> str:
    return f"triage:evaluated:{user_id}"


def on_entry_changed(sender, user_id, changed_at, **kwargs):
    request_evaluation(user_id, changed_at)


BACKOFF = 30.0
_down_until: dict[str, float] = {}


def down(service: str) -> bool:
    return time.monotonic() < _down_until.get(service, 0.0)


def failed(service: str, exc: Exception) -> None:
    _down_until[service] = time.monotonic() + BACKOFF
    logger.warning(
        "%s unavailable (%s); left alone for %.0f s, the sweep catches up",
        service,
        type(exc).__name__,
        BACKOFF,
    )


def request_evaluation(user_id: int, changed_at) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER and evaluated_since(user_id, changed_at):
        # In-process tasks run at once, inside the first announcement of a
        # burst; the rest of the burst was already saved and read by then.
        return
    if not claim(user_id):
        return
    debounce = settings.TRIAGE["debounce_seconds"]
    mark_changed(user_id)
    if down("broker"):
        return
    try:
        # One second past the key's expiry: a change arriving after the
        # evaluation has read the log can claim the key and queue another.
        evaluate_user.apply_async((user_id,), countdown=debounce + 1)
    except Exception as exc:  # kombu's errors differ by transport
        failed("broker", exc)


# The task keeps its first name, so that messages queued before it moved here still run.
@shared_task(name="triage.tasks.evaluate_user", **RETRY)
def evaluate_user(user_id: int) -> None:
    """The evaluation a burst queued: it marks the burst over, then reads the log."""
    started = evaluation_starting(user_id)
    engine.evaluate([user_id], now=started)


def evaluation_starting(user_id: int):
    """Called by the task as it begins: from now on, changes need a new evaluation."""
    started = timezone.now()
    _seen_held.pop(user_id, None)
    if down("cache"):
        return started
    try:
        cache.delete(queued_key(user_id))
        cache.set(evaluated_key(user_id), started, timeout=3600)
    except Exception as exc:
        failed("cache", exc)
    return started


# When this process last saw each person's key held, so that the rest of a
# burst (a sync of 50) asks the shared cache once, not 50 times. Skipping for
# up to HELD_MEMO seconds is safe: a queued evaluation runs a full second
# after its key expires, so it still reads what changed meanwhile.
HELD_MEMO = 1.0
_seen_held: dict[int, float] = {}


def claim(user_id: int) -> bool:
    """Whether this change starts a burst (and so queues an evaluation)."""
    if time.monotonic() - _seen_held.get(user_id, -HELD_MEMO) < HELD_MEMO:
        return False
    if down("cache"):
        return True  # without a debounce; the sweep evens it out
    try:
        claimed = cache.add(queued_key(user_id), True, timeout=settings.TRIAGE["debounce_seconds"])
        _seen_held[user_id] = time.monotonic()
        return claimed
    except Exception as exc:
        failed("cache", exc)
        return True


def evaluated_since(user_id: int, changed_at) -> bool:
    if down("cache"):
        return False
    try:
        started = cache.get(evaluated_key(user_id))
    except Exception as exc:
        failed("cache", exc)
        return False
    return started is not None and started >= changed_at


def mark_changed(user_id: int) -> None:
    EvaluationState.objects.bulk_create(
        [EvaluationState(user_id=user_id, changed_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["changed_at"],
    )
