"""logbook.wording: how quantities read on every page, in flags and in emails."""

import pytest

from logbook import wording


@pytest.mark.parametrize(
    ("seconds", "short", "long"),
    [
        (0, "0 s", "0 seconds"),
        (1, "1 s", "1 second"),
        (45, "45 s", "45 seconds"),
        (60, "1 min", "1 minute"),
        (90, "1 min 30 s", "1 minute 30 seconds"),
        (900, "15 min", "15 minutes"),
        (3600, "1 h", "1 hour"),
        (3900, "1 h 5 min", "1 hour 5 minutes"),
        (3959, "1 h 5 min", "1 hour 5 minutes"),  # past an hour, seconds are noise
        (86400, "24 h", "24 hours"),
    ],
)
def test_durations_read_as_people_say_them(seconds, short, long):
    assert wording.duration(seconds) == short
    assert wording.duration(seconds, long=True) == long


def test_minutes_are_durations_too():
    assert wording.minutes(95) == "1 h 35 min"
    assert wording.minutes(1440, long=True) == "24 hours"


def test_amounts_and_plurals():
    assert wording.amount(1500, "ml") == "1,500 ml"
    assert wording.amount(6.0, "hours") == "6 hours"
    assert wording.amount(6.5) == "6.5"
    assert wording.plural(1, "day") == "1 day"
    assert wording.plural(3, "day") == "3 days"
    assert wording.plural(2, "calf", "calves") == "2 calves"
