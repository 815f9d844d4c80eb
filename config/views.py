from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from config.celery import app as celery_app


@never_cache
def health(request):
    """For load balancers and operators: can this process reach its services?

    Only the database makes the answer 503: saving never depends on the broker,
    whose absence the sweep makes up for later.
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
                broker.ensure_connection(max_retries=1, timeout=2)
        except Exception:  # kombu raises a different error class per transport
            checks["broker"] = "unreachable"
    return JsonResponse(checks, status=200 if checks["database"] == "ok" else 503)
