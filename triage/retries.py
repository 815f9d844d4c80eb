"""How the Celery tasks retry: a database that is briefly away is tried again, with
backoff, and a task a dying worker held is handed to another."""

from django.db import DatabaseError

RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 6,
    "acks_late": True,
    "reject_on_worker_lost": True,
}
