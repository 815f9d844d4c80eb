"""What an operator or a load balancer asks of a running process."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from config.celery import app as celery_app


@never_cache
def healthz(request):
    """Liveness: this process answers. Nothing else is asked."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """Readiness: can this process reach its services, each asked with a short wait?

    Only the database makes the answer 503: saving never depends on the broker,
    whose absence the sweep makes up for later, so a load balancer must not
    take every web process out because Redis is down.
    """
    checks = {"database": "ok", "broker": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        checks["database"] = "unreachable"
    if settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = "none: tasks run in-process"
    else:
        try:
            with celery_app.connection_for_write() as broker:
                broker.ensure_connection(max_retries=1, timeout=settings.REDIS_TIMEOUT)
                broker.default_channel.client.ping()  # a hung Redis accepts, but never answers
        except Exception:  # kombu raises a different error class per transport
            checks["broker"] = "unreachable"
    return JsonResponse(checks, status=200 if checks["database"] == "ok" else 503)
