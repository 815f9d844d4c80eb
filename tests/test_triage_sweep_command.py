"""`manage.py triage_sweep`: the sweep, run by hand."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.histories import every_pattern, store
from triage.models import EvaluationState, Flag

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("triage_sweep", *args, stdout=out)
    return out.getvalue()


def test_it_evaluates_who_is_due_and_says_what_it_did(athlete, other_athlete):
    store(athlete, every_pattern())

    output = run()

    assert "Evaluated 2 users" in output
    assert f"{Flag.objects.count()} flags created, 0 updated" in output
    assert Flag.objects.filter(user=athlete).exists()


def test_a_second_run_finds_nobody_due(athlete):
    store(athlete, every_pattern())
    run()

    assert "Evaluated 0 users: 0 flags created, 0 updated" in run()


def test_all_evaluates_everyone_again_without_duplicates(athlete):
    store(athlete, every_pattern())
    run()
    count = Flag.objects.count()

    output = run("--all")

    assert "Evaluated 1 users: 0 flags created, 0 updated" in output
    assert Flag.objects.count() == count


def test_user_evaluates_one_person(athlete, other_athlete):
    store(athlete, every_pattern())
    store(other_athlete, every_pattern())

    run("--user", "other")

    assert Flag.objects.filter(user=other_athlete).exists()
    assert not Flag.objects.filter(user=athlete).exists()


def test_an_unknown_user_is_an_error():
    with pytest.raises(CommandError, match="nobody"):
        run("--user", "nobody")


def test_the_sweep_task_evaluates_whoever_is_due(athlete, other_athlete):
    from triage.tasks import sweep

    store(athlete, every_pattern())

    sweep.delay()  # in-process here: no broker is configured

    assert Flag.objects.filter(user=athlete).exists()
    assert EvaluationState.objects.filter(user=other_athlete).exists()
