"""Celery tasks of logbook: thin wrappers around plain functions. Each is safe to
run twice."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from logbook import importing, reminding
from logbook.models import ImportJob

logger = logging.getLogger(__name__)


@shared_task
def run_import(job_id: str) -> None:
    """Import an uploaded job's files. A job already taken by another worker,
    or finished, is left alone (importing.run claims it first)."""
    job = ImportJob.objects.filter(pk=job_id).select_related("user__profile").first()
    if job is not None:
        importing.run(job)


def start_import(user, uploads, *, include_duplicates: bool = False) -> ImportJob:
    """Keep the uploads and import them: small ones now, while the request waits;
    large ones on a worker (in-process on the embedded default). If the broker
    cannot take the task, the job waits for `run_waiting_imports`."""
    job = importing.start(user, uploads, include_duplicates=include_duplicates)
    size = sum(upload.size for upload in uploads)
    if size <= settings.IMPORT_INLINE_MAX_BYTES:
        importing.run(job)
    else:
        try:
            run_import.delay(str(job.pk))
        except Exception as error:  # the broker is down or hung
            logger.warning("import %s waits for the next sweep: %s", job.pk, type(error).__name__)
        job.refresh_from_db()
    return job


@shared_task
def run_waiting_imports() -> None:
    """Every few minutes: import the jobs that no worker took (the broker was
    down when they were uploaded)."""
    for job_id in importing.waiting_jobs(timezone.now()):
        run_import.delay(str(job_id))


# --- Reminders --------------------------------------------------------------------

# Sends a worker takes at once: pushes and emails wait on the network, so a
# minute's reminders are shared among the workers.
REMINDER_BATCH = 50


@shared_task
def send_due_reminders() -> None:
    """Every minute: claim the reminders due by each person's clock, and hand
    them out (logbook/reminding.py)."""
    now = timezone.now()
    claimed = reminding.claim_due(now) + reminding.to_send_again(now)
    for start in range(0, len(claimed), REMINDER_BATCH):
        deliver_reminders.delay(claimed[start : start + REMINDER_BATCH])


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_reminders(send_ids: list[int]) -> None:
    reminding.deliver(send_ids)
