"""POST /api/v1/auth/token/: username and password in, API token out."""

import pytest
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def test_it_returns_a_token_that_opens_the_api(anonymous_api, athlete):
    response = anonymous_api.post(
        TOKEN_URL, {"username": "athlete", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    token = response.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/episodes/").status_code == 200


def test_asking_twice_returns_the_same_token(anonymous_api, athlete):
    body = {"username": "athlete", "password": PASSWORD}

    first = anonymous_api.post(TOKEN_URL, body, format="json").json()
    second = anonymous_api.post(TOKEN_URL, body, format="json").json()

    assert first == second


def test_a_wrong_password_gets_no_token(anonymous_api, athlete):
    response = anonymous_api.post(
        TOKEN_URL, {"username": "athlete", "password": "wrong"}, format="json"
    )

    assert response.status_code == 400
    assert "token" not in response.json()


def test_a_missing_field_is_named(anonymous_api):
    response = anonymous_api.post(TOKEN_URL, {"username": "athlete"}, format="json")

    assert response.status_code == 400
    assert "password" in response.json()


def test_guessing_is_throttled(anonymous_api, athlete):
    body = {"username": "athlete", "password": "wrong"}
    answers = [anonymous_api.post(TOKEN_URL, body, format="json").status_code for _ in range(25)]

    assert answers[:20] == [400] * 20
    assert answers[20:] == [429] * 5


# --- Revoking: a changed password, a reset, or by hand ----------------------------------


def token_of(user) -> str:
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=user)[0].key


def opens_the_api(key: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/episodes/").status_code == 200


def test_a_password_change_revokes_the_token(client, athlete):
    key = token_of(athlete)
    client.force_login(athlete)

    client.post(
        "/settings/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-horse-battery-9",
            "new_password2": "another-horse-battery-9",
        },
    )

    assert not opens_the_api(key)


def test_a_password_reset_revokes_the_token(client, athlete):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    key = token_of(athlete)
    uid = urlsafe_base64_encode(force_bytes(athlete.pk))
    link = f"/accounts/reset/{uid}/{default_token_generator.make_token(athlete)}/"
    form = client.get(link, follow=True)
    new = "another-horse-battery-9"

    response = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})

    assert response.status_code == 302
    assert not opens_the_api(key)


def test_the_api_revokes_the_token_it_was_called_with(athlete):
    key = token_of(athlete)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = client.post("/api/v1/auth/token/revoke/")

    assert response.status_code == 204
    assert not opens_the_api(key)


def test_revoking_needs_to_be_signed_in(anonymous_api):
    assert anonymous_api.post("/api/v1/auth/token/revoke/").status_code == 401


def test_settings_says_whether_a_token_exists_and_revokes_it(client, athlete):
    client.force_login(athlete)
    assert "No API token" in client.get("/settings/").content.decode()
    key = token_of(athlete)
    assert "An API token exists" in client.get("/settings/").content.decode()

    response = client.post("/settings/token/revoke/")

    assert response.status_code == 302
    assert not opens_the_api(key)
    assert "No API token" in client.get("/settings/").content.decode()


def test_the_token_endpoint_works_without_the_cache(anonymous_api, athlete, settings):
    # Nothing listens on port 1: the throttle's cache is refused.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    response = anonymous_api.post(
        TOKEN_URL, {"username": "athlete", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200


def test_varying_x_forwarded_for_does_not_get_past_the_throttle(anonymous_api, athlete):
    body = {"username": "athlete", "password": "wrong"}

    answers = [
        anonymous_api.post(
            TOKEN_URL, body, format="json", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        ).status_code
        for n in range(25)
    ]

    assert answers[20:] == [429] * 5


def test_behind_one_proxy_the_throttle_counts_the_client_it_names(anonymous_api, athlete, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    body = {"username": "athlete", "password": "wrong"}

    def attempts(client_address, count):
        return [
            anonymous_api.post(
                TOKEN_URL, body, format="json", HTTP_X_FORWARDED_FOR=client_address
            ).status_code
            for _ in range(count)
        ]

    assert attempts("203.0.113.7", 21)[-1] == 429
    assert attempts("198.51.100.9", 1) == [400]  # another client behind the same proxy
