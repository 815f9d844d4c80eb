"""/healthz and /readyz (and /health/, its wave-one name): what an operator or a
load balancer asks of a running process."""

import pytest

pytestmark = pytest.mark.django_db


def test_it_reports_the_database_and_in_process_tasks(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "none: tasks run in-process"}


@pytest.mark.redis
def test_it_reaches_the_real_redis_broker(client, redis_url, use_broker):
    use_broker(redis_url)

    response = client.get("/health/")

    assert response.json() == {"database": "ok", "broker": "ok"}


def test_an_unreachable_broker_is_reported_but_not_fatal(client, use_broker):
    use_broker("redis://127.0.0.1:1/0")

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json()["broker"] == "unreachable"


def test_it_reveals_nothing_about_anyone(client):
    response = client.get("/health/")

    assert set(response.json()) == {"database", "broker"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_liveness_asks_nothing_of_the_services(client, use_broker, settings):
    use_broker("redis://127.0.0.1:1/0")

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_answers_under_both_names(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    assert client.get("/readyz").json() == client.get("/health/").json()
