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
