"""Password reset is rate-limited per address typed and per account, without
telling anyone which addresses have accounts."""

import time

import pytest
from django.core import mail

from tests import factories

pytestmark = pytest.mark.django_db

RESET = "/accounts/password_reset/"


def ask(client, email):
    return client.post(RESET, {"email": email})


def test_three_links_an_hour_go_to_an_address_then_the_form_says_so(client, athlete):
    answers = [ask(client, athlete.email) for _ in range(4)]

    assert [answer.status_code for answer in answers] == [302, 302, 302, 200]
    assert len(mail.outbox) == 3
    assert "Too many reset links" in answers[3].content.decode()
    assert answers[3].context["form"].errors["email"]


def test_an_address_without_an_account_is_limited_the_same_way(client):
    answers = [ask(client, "nobody-here@example.com") for _ in range(4)]

    assert [answer.status_code for answer in answers] == [302, 302, 302, 200]
    assert mail.outbox == []


def test_the_address_limit_ignores_how_it_is_capitalised(client, athlete):
    for email in ["athlete@example.com", "Athlete@Example.com", "ATHLETE@EXAMPLE.COM"]:
        ask(client, email)

    assert ask(client, "athlete@EXAMPLE.com").status_code == 200
    assert len(mail.outbox) == 3


def test_past_the_account_limit_no_mail_goes_out_and_the_answer_does_not_change(
    client, athlete, settings
):
    settings.PASSWORD_RESET_LIMIT = {**settings.PASSWORD_RESET_LIMIT, "address": 100}

    answers = [ask(client, athlete.email) for _ in range(5)]

    assert len(mail.outbox) == 3
    assert {answer.status_code for answer in answers} == {302}
    assert {answer["Location"] for answer in answers} == {"/accounts/password_reset/done/"}


def test_one_accounts_limit_leaves_anothers_alone(client, athlete):
    other = factories.UserFactory(username="sam", email="sam@example.com")
    for _ in range(3):
        ask(client, athlete.email)

    assert ask(client, other.email).status_code == 302
    assert mail.outbox[-1].to == [other.email]


def test_when_the_window_has_passed_links_go_out_again(client, athlete, settings):
    settings.PASSWORD_RESET_LIMIT = {**settings.PASSWORD_RESET_LIMIT, "window_seconds": 1}
    for _ in range(4):
        ask(client, athlete.email)
    time.sleep(1.1)  # the cache's own clock: Redis's, in the PostgreSQL pass

    answer = ask(client, athlete.email)

    assert answer.status_code == 302
    assert len(mail.outbox) == 4


def test_with_the_cache_down_a_reset_still_goes_out(client, athlete, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }

    answer = ask(client, athlete.email)

    assert answer.status_code == 302
    assert len(mail.outbox) == 1
