"""Celery tasks: thin wrappers that call the engine. Each is safe to run twice.

The evaluation of one athlete after their saves sits beside its debounce, in
triage/scheduling.py; it is named here so that the worker finds every task.
"""

from celery import shared_task
from django.utils import timezone

from triage import engine, weekly
from triage.models import DigestStatus
from triage.retries import RETRY
from triage.scheduling import evaluate_user

__all__ = ["evaluate_user"]


@shared_task(**RETRY)
def sweep() -> None:
    """Queue a task per batch of everyone due, so that all workers share the sweep."""
    for batch in engine.batches(engine.due_user_ids(timezone.now())):
        evaluate_batch.delay(batch)


@shared_task(**RETRY)
def evaluate_batch(user_ids: list[int]) -> None:
    engine.evaluate(user_ids)


@shared_task(**RETRY)
def send_due_digests() -> None:
    """Hourly: claim the digests now due by each athlete's clock, and hand them out."""
    now = timezone.now()
    claimed = weekly.claim_due(now) + weekly.recover_stuck(now)
    for start in range(0, len(claimed), weekly.BATCH):
        deliver_digests.delay(claimed[start : start + weekly.BATCH])


@shared_task(**RETRY)
def deliver_digests(log_ids: list[int]) -> None:
    outcome = weekly.deliver(log_ids)
    for log_id in outcome.get(DigestStatus.FAILED, []):
        retry_digest.apply_async((log_id,), countdown=60)


@shared_task(bind=True, max_retries=5, acks_late=True, reject_on_worker_lost=True)
def retry_digest(self, log_id: int) -> None:
    """A digest the mail server refused: again, backing off, up to 5 times."""
    if weekly.deliver([log_id]).get(DigestStatus.FAILED):
        raise self.retry(countdown=60 * 2 ** (self.request.retries + 1))
