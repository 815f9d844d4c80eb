"""Celery tasks: thin wrappers that call the engine. Each is safe to run twice."""

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from triage import engine, scheduling

RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 6,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


@shared_task(**RETRY)
def evaluate_user(user_id: int) -> None:
    started = scheduling.evaluation_starting(user_id)
    engine.evaluate([user_id], now=started)


@shared_task(**RETRY)
def sweep() -> None:
    """Queue a task per batch of everyone due, so that all workers share the sweep."""
    for batch in engine.batches(engine.due_user_ids(timezone.now())):
        evaluate_batch.delay(batch)


@shared_task(**RETRY)
def evaluate_batch(user_ids: list[int]) -> None:
    engine.evaluate(user_ids)
