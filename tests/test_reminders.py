"""Reminders people set themselves: when each is due on their own clock (time
zones, days, clock changes, quiet hours), the once-a-day claim, skipping what
was already logged, email delivery through a real SMTP server, snoozing, and
the Settings pages (validation, and nobody else's reminders).

The push round trip, through a real HTTP push endpoint, is in test_push.py."""

import email
import io
import json
import threading
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from email import policy
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from logbook import reminders, reminding
from logbook.models import (
    EVERY_DAY,
    PushSubscription,
    Reminder,
    ReminderSend,
    ReminderWhat,
)
from logbook.reminders import Plan, QuietHours
from logbook.tasks import send_due_reminders
from records.deletion import delete_account
from tests import factories
from tests.test_push import browser_keys

pytestmark = pytest.mark.django_db

AUCKLAND = "Pacific/Auckland"  # UTC+13 in November: its evening is UTC's morning
OSLO = "Europe/Oslo"
NEW_YORK = "America/New_York"
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def local(zone: str, *parts) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(zone))


def person(username="kiri", zone=AUCKLAND, email_address=None, quiet=None):
    user = factories.UserFactory(
        username=username, email=email_address if email_address is not None else f"{username}@x.org"
    )
    user.profile.timezone = zone
    if quiet:
        user.profile.quiet_start, user.profile.quiet_end = quiet
    user.profile.save()
    return user


def remind(user, what="checkin", at=time(21), days=EVERY_DAY, text="", **fields) -> Reminder:
    """A reminder set long ago (so that today's time is not "already past when set")."""
    reminder = Reminder.objects.create(
        user=user, what=what, time=at, days=days, text=text, **fields
    )
    Reminder.objects.filter(pk=reminder.pk).update(active_since=LONG_AGO)
    reminder.refresh_from_db()
    return reminder


def plan(at=time(21), zone=AUCKLAND, days=EVERY_DAY, quiet=None, since=None) -> Plan:
    return Plan("r", at, days, zone, quiet, since)


def due_days(p: Plan, now: datetime) -> list[date]:
    return [item.day for item in reminders.due([p], now)]


def received(inbox):
    return [
        email.message_from_bytes(envelope.content, policy=policy.default)
        for envelope in inbox.messages
    ]


# --- When a reminder is due (pure) ------------------------------------------------------


def test_a_reminder_is_due_at_its_time_on_the_persons_clock_not_utcs():
    evening = local(AUCKLAND, 2026, 11, 20, 21, 0)  # 08:00 UTC the same day

    assert due_days(plan(), evening - timedelta(minutes=1)) == []
    assert due_days(plan(), evening) == [date(2026, 11, 20)]
    assert evening.astimezone(UTC) == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    # 21:00 UTC is 10:00 the next morning in Auckland: nothing is due then.
    assert due_days(plan(), datetime(2026, 11, 20, 21, 0, tzinfo=UTC)) == []


def test_a_beat_that_was_down_still_sends_it_within_an_hour_but_not_later():
    evening = local(AUCKLAND, 2026, 11, 20, 21, 0)

    assert due_days(plan(), evening + timedelta(minutes=59)) == [date(2026, 11, 20)]
    assert due_days(plan(), evening + reminders.CATCH_UP) == []


def test_it_is_due_only_on_its_days_by_the_persons_calendar():
    # Friday 20 November 21:00 in Auckland is still Friday 08:00 UTC; Saturday
    # 21 November 07:00 in Auckland is Friday 18:00 UTC.
    fridays = plan(days=reminders.days_mask([4]))
    saturday_morning = plan(at=time(7), days=reminders.days_mask([5]))

    assert due_days(fridays, local(AUCKLAND, 2026, 11, 20, 21, 0)) == [date(2026, 11, 20)]
    assert due_days(fridays, local(AUCKLAND, 2026, 11, 21, 21, 0)) == []
    moment = local(AUCKLAND, 2026, 11, 21, 7, 0)
    assert moment.astimezone(UTC).weekday() == 4  # a Friday in UTC
    assert due_days(saturday_morning, moment) == [date(2026, 11, 21)]


def test_a_reminder_just_before_midnight_is_still_due_after_it_for_its_own_day():
    late = plan(at=time(23, 50))

    assert due_days(late, local(AUCKLAND, 2026, 11, 21, 0, 20)) == [date(2026, 11, 20)]


def test_it_keeps_its_local_time_when_the_clocks_change():
    summer = reminders.send_at(plan(zone=NEW_YORK), date(2026, 7, 1))
    winter = reminders.send_at(plan(zone=NEW_YORK), date(2026, 12, 1))

    assert summer == datetime(2026, 7, 2, 1, 0, tzinfo=UTC)  # 21:00 EDT
    assert winter == datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # 21:00 EST


def test_a_time_the_clocks_skip_goes_out_an_hour_later_once():
    # Oslo, 29 March 2026: 02:00 becomes 03:00, so 02:30 never shows.
    in_the_gap = plan(at=time(2, 30), zone=OSLO)

    at = reminders.send_at(in_the_gap, date(2026, 3, 29))

    assert at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert at.astimezone(ZoneInfo(OSLO)).strftime("%H:%M") == "03:30"


def test_a_time_that_happens_twice_goes_out_at_the_first():
    # Oslo, 25 October 2026: 03:00 becomes 02:00 again, so 02:30 shows twice.
    twice = plan(at=time(2, 30), zone=OSLO)

    assert reminders.send_at(twice, date(2026, 10, 25)) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "zone", "first", "last"),
    [
        (time(2, 30), OSLO, date(2026, 3, 27), date(2026, 3, 31)),  # clocks go forward
        (time(2, 30), OSLO, date(2026, 10, 23), date(2026, 10, 27)),  # clocks go back
        (time(21), AUCKLAND, date(2026, 4, 3), date(2026, 4, 7)),  # Auckland goes back
    ],
)
def test_a_beat_every_minute_finds_each_day_due_from_its_time_once(at, zone, first, last):
    """Minute by minute over five days around a clock change: each day's reminder
    first comes due at its time, and its due minutes are one unbroken hour."""
    p = plan(at=at, zone=zone)
    start = datetime.combine(first, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)
    end = datetime.combine(last, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)
    minutes: dict[date, list[datetime]] = {}
    now = start
    while now < end:
        for item in reminders.due([p], now):
            minutes.setdefault(item.day, []).append(now)
        now += timedelta(minutes=1)

    assert sorted(minutes) == [first + timedelta(days=n) for n in range((last - first).days)]
    for day, seen in minutes.items():
        assert seen[0] == reminders.send_at(p, day), day
        assert len(seen) == 60, day
        assert seen[-1] - seen[0] == timedelta(minutes=59), day


def test_a_time_already_past_when_the_reminder_was_set_waits_for_the_next_day():
    set_at = local(AUCKLAND, 2026, 11, 20, 21, 30)
    p = plan(since=set_at)

    assert due_days(p, set_at + timedelta(minutes=1)) == []
    assert due_days(p, local(AUCKLAND, 2026, 11, 21, 21, 0)) == [date(2026, 11, 21)]


def test_quiet_hours_that_end_the_same_day_hold_a_reminder_until_they_end():
    nap = QuietHours(time(13), time(15))
    p = plan(at=time(13, 30), quiet=nap)

    assert due_days(p, local(AUCKLAND, 2026, 11, 20, 13, 30)) == []
    assert due_days(p, local(AUCKLAND, 2026, 11, 20, 15, 0)) == [date(2026, 11, 20)]
    assert reminders.send_at(p, date(2026, 11, 20)) == local(AUCKLAND, 2026, 11, 20, 15, 0)


def test_quiet_hours_that_end_the_next_day_mean_it_is_not_sent_at_all():
    night = QuietHours(time(22), time(7))
    p = plan(at=time(23), quiet=night)

    assert reminders.send_at(p, date(2026, 11, 20)) is None
    for hour in (23, 7, 8):
        day = 20 if hour == 23 else 21
        assert date(2026, 11, 20) not in due_days(p, local(AUCKLAND, 2026, 11, day, hour, 0))


def test_quiet_hours_spanning_midnight_cover_both_sides_of_it():
    night = QuietHours(time(22), time(7))

    assert [night.covers(time(h)) for h in (21, 22, 23, 0, 6, 7, 12)] == [
        False,
        True,
        True,
        True,
        True,
        False,
        False,
    ]
    early = plan(at=time(6), quiet=night)  # held until 07:00 the same morning
    assert reminders.send_at(early, date(2026, 11, 20)) == local(AUCKLAND, 2026, 11, 20, 7, 0)


def test_a_snooze_into_quiet_hours_waits_if_they_end_that_day_else_it_is_dropped():
    day = date(2026, 11, 20)
    at_1230 = local(AUCKLAND, 2026, 11, 20, 12, 30)
    at_2130 = local(AUCKLAND, 2026, 11, 20, 21, 30)

    assert reminders.snoozed_until(at_1230, AUCKLAND, day, None) == at_1230 + timedelta(hours=1)
    nap = QuietHours(time(13), time(15))
    assert reminders.snoozed_until(at_1230, AUCKLAND, day, nap) == local(AUCKLAND, 2026, 11, 20, 15)
    night = QuietHours(time(22), time(7))
    assert reminders.snoozed_until(at_2130, AUCKLAND, day, night) is None


def test_days_read_as_people_say_them():
    assert reminders.days_label(EVERY_DAY) == "Every day"
    assert reminders.days_label(reminders.days_mask(range(5))) == "Weekdays"
    assert reminders.days_label(reminders.days_mask([5, 6])) == "Weekends"
    assert reminders.days_label(reminders.days_mask([0, 2, 4])) == "Mon, Wed, Fri"
    assert reminders.weekdays(reminders.days_mask([1, 3])) == [1, 3]


# --- Claiming: at most once a reminder and day ---------------------------------------------


EVENING = local(AUCKLAND, 2026, 11, 20, 21, 0)


def test_repeated_beats_send_a_reminder_once():
    user = person()
    remind(user)

    first = reminding.send_due(EVENING)
    again = [reminding.send_due(EVENING + timedelta(minutes=m)) for m in (0, 1, 30, 59)]

    assert first == {"sent": [ReminderSend.objects.get().pk]}
    assert again == [{}, {}, {}, {}]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["kiri@x.org"]
    send = ReminderSend.objects.get()
    assert (send.day, send.status, send.channel, send.attempts) == (
        date(2026, 11, 20),
        "sent",
        "email",
        1,
    )


def test_the_next_day_is_a_new_reminder():
    user = person()
    remind(user)

    reminding.send_due(EVENING)
    reminding.send_due(EVENING + timedelta(days=1))

    assert sorted(ReminderSend.objects.values_list("day", flat=True)) == [
        date(2026, 11, 20),
        date(2026, 11, 21),
    ]
    assert len(mail.outbox) == 2


def test_a_retried_delivery_of_the_same_rows_sends_nothing_again():
    remind(person())
    claimed = reminding.claim_due(EVENING)

    reminding.deliver(claimed, EVENING)
    second = reminding.deliver(claimed, EVENING)

    assert second == {}
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres")
def test_concurrent_beats_send_once():
    """Three beats (or a beat and two retries) at the same minute, each in its own
    thread and database connection: one email per reminder. (PostgreSQL: the
    test run's in-memory SQLite locks whole tables instead of waiting.)"""
    for name in ("kiri", "aroha"):
        remind(person(name))
    barrier = threading.Barrier(3)
    errors = []

    def beat():
        barrier.wait()
        try:
            reminding.send_due(EVENING)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(message.to[0] for message in mail.outbox) == ["aroha@x.org", "kiri@x.org"]
    assert ReminderSend.objects.filter(status="sent").count() == 2


def test_the_beat_task_sends_what_is_due(settings):
    remind(person())

    with time_machine.travel(EVENING, tick=False):
        send_due_reminders.delay()
        send_due_reminders.delay()

    assert len(mail.outbox) == 1
    assert settings.CELERY_BEAT_SCHEDULE["reminders"] == {
        "task": "logbook.tasks.send_due_reminders",
        "schedule": 60,
    }


def test_reminders_turned_off_or_of_inactive_accounts_are_not_sent():
    remind(person("off"), enabled=False)
    gone = person("gone")
    remind(gone)
    get_user_model().objects.filter(pk=gone.pk).update(is_active=False)

    assert reminding.send_due(EVENING) == {}
    assert not ReminderSend.objects.exists()


def test_a_reminder_turned_off_after_it_was_claimed_is_skipped():
    reminder = remind(person())
    claimed = reminding.claim_due(EVENING)
    reminder.switch(False)

    assert reminding.deliver(claimed, EVENING) == {"skipped": claimed}
    assert mail.outbox == []


def test_a_failed_email_is_recorded_and_tried_again_up_to_three_times(smtp_server, settings):
    remind(person())
    settings.EMAIL_PORT = 1  # nothing listens there

    for minute in range(4):
        reminding.send_due(EVENING + timedelta(minutes=minute))

    send = ReminderSend.objects.get()
    assert (send.status, send.attempts) == ("failed", reminding.MAX_ATTEMPTS)
    assert send.error == "email: ConnectionRefusedError"
    assert smtp_server.messages == []

    ReminderSend.objects.update(attempts=1)
    settings.EMAIL_PORT = smtp_server.port
    reminding.send_due(EVENING + timedelta(minutes=5))

    send.refresh_from_db()
    assert (send.status, send.attempts, send.error) == ("sent", 2, "")
    assert len(smtp_server.messages) == 1


def test_a_failed_send_is_not_tried_again_once_it_is_an_hour_late(settings):
    remind(person())
    settings.EMAIL_BACKEND = "tests.test_reminders.BrokenBackend"
    reminding.send_due(EVENING)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reminding.send_due(EVENING + reminders.CATCH_UP + timedelta(minutes=1))

    assert ReminderSend.objects.get().status == "failed"
    assert mail.outbox == []


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("the mail server is down")


def test_a_send_left_sending_by_a_dead_sender_is_sent_once_later():
    remind(person())
    [send_id] = reminding.claim_due(EVENING)
    ReminderSend.objects.filter(pk=send_id).update(status="sending", sending_since=EVENING)

    assert reminding.send_due(EVENING + timedelta(minutes=1)) == {}
    outcome = reminding.send_due(EVENING + reminding.SENDING_TIMEOUT + timedelta(minutes=1))

    assert outcome == {"sent": [send_id]}
    assert len(mail.outbox) == 1


def test_nothing_is_sent_to_someone_with_no_phone_and_no_email():
    remind(person(email_address=""))

    assert reminding.send_due(EVENING) == {"skipped": [ReminderSend.objects.get().pk]}
    assert ReminderSend.objects.get().error == "no phone for push and no email address"


# --- Skipping what was already logged that day ------------------------------------------------


def test_the_check_in_reminder_is_skipped_when_that_days_check_in_exists():
    user = person()
    remind(user, "checkin")
    factories.CheckinFactory(user=user, date=date(2026, 11, 20))

    assert reminding.send_due(EVENING) == {"skipped": [ReminderSend.objects.get().pk]}
    assert ReminderSend.objects.get().error == "already logged that day"
    assert mail.outbox == []


def test_yesterdays_check_in_does_not_skip_todays_reminder():
    user = person()
    remind(user, "checkin")
    factories.CheckinFactory(user=user, date=date(2026, 11, 19))

    assert list(reminding.send_due(EVENING)) == ["sent"]


def test_the_fluids_reminder_is_skipped_by_a_drink_on_that_day_on_the_persons_clock():
    user = person()
    remind(user, "fluids")
    # 07:00 in Auckland on the 20th: the day before in UTC (18:00 on the 19th).
    factories.HydrationFactory(user=user, taken_at=local(AUCKLAND, 2026, 11, 20, 7, 0))

    assert list(reminding.send_due(EVENING)) == ["skipped"]


def test_a_drink_late_the_evening_before_does_not_skip_it():
    user = person()
    remind(user, "fluids")
    # The 20th in UTC, but 23:30 on the 19th in Auckland... is the 20th; 23:30 on
    # the 19th local is 10:30 UTC on the 19th.
    factories.HydrationFactory(user=user, taken_at=local(AUCKLAND, 2026, 11, 19, 23, 30))

    assert list(reminding.send_due(EVENING)) == ["sent"]


def test_the_twitches_reminder_is_skipped_by_an_episode_that_day():
    user = person()
    remind(user, "twitches")
    factories.EpisodeFactory(user=user, started_at=local(AUCKLAND, 2026, 11, 20, 18, 0))

    assert list(reminding.send_due(EVENING)) == ["skipped"]


def test_a_reminder_in_ones_own_words_is_never_skipped():
    user = person()
    remind(user, "custom", text="Stretch the calves")
    factories.CheckinFactory(user=user, date=date(2026, 11, 20))
    factories.HydrationFactory(user=user, taken_at=local(AUCKLAND, 2026, 11, 20, 7, 0))
    factories.EpisodeFactory(user=user, started_at=local(AUCKLAND, 2026, 11, 20, 18, 0))

    assert list(reminding.send_due(EVENING)) == ["sent"]
    assert mail.outbox[0].subject == "Stretch the calves"


def test_another_persons_check_in_does_not_skip_mine():
    user = person()
    remind(user, "checkin")
    factories.CheckinFactory(user=person("aroha"), date=date(2026, 11, 20))

    assert list(reminding.send_due(EVENING)) == ["sent"]


# --- By email, through a real SMTP server -----------------------------------------------------


def test_the_email_opens_the_check_in_form_and_carries_a_snooze_link(smtp_server):
    remind(person())

    reminding.send_due(EVENING)

    (message,) = received(smtp_server)
    assert message["Subject"] == "Evening check-in"
    assert message["To"] == "kiri@x.org"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    form = f"{settings.SITE_URL}/log/checkin/"
    assert form in text
    assert f'href="{form}"' in html
    send = ReminderSend.objects.get()
    snooze = settings.SITE_URL + reverse("reminder_snooze", args=[reminding.snooze_token(send)])
    assert f"Snooze 1 hour: {snooze}" in text
    assert f"{settings.SITE_URL}/settings/#reminders" in text


def test_the_log_says_counts_and_ids_and_never_what_a_reminder_says(caplog):
    remind(person(), "custom", text="Take the magnesium for the calf cramps")

    with caplog.at_level("DEBUG"):
        reminding.send_due(EVENING)

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "sent" in logged
    for words in ("magnesium", "calf", "kiri"):
        assert words not in logged.lower()


# --- Snoozing ---------------------------------------------------------------------------------


@pytest.fixture
def sent():
    """Kiri's check-in reminder, sent at 21:00 in Auckland on 20 November."""
    remind(person())
    reminding.send_due(EVENING)
    mail.outbox.clear()
    return ReminderSend.objects.get()


def snooze_url(send) -> str:
    return reverse("reminder_snooze", args=[reminding.snooze_token(send)])


def test_snoozing_sends_it_again_an_hour_later_once_without_a_snooze_link(client, sent):
    with time_machine.travel(EVENING + timedelta(minutes=5), tick=False):
        response = client.post(snooze_url(sent), HTTP_ACCEPT="application/json")

    assert response.json() == {"snoozed": True, "message": "Snoozed: it comes again at 22:05."}
    sent.refresh_from_db()
    assert (sent.status, sent.due_at) == ("snoozed", EVENING + timedelta(hours=1, minutes=5))
    assert reminding.send_due(EVENING + timedelta(minutes=64)) == {}
    assert reminding.send_due(EVENING + timedelta(minutes=65)) == {"sent": [sent.pk]}
    assert reminding.send_due(EVENING + timedelta(minutes=66)) == {}
    (again,) = mail.outbox
    assert "/log/checkin/" in again.body
    assert "Snooze" not in again.body  # once a day


def test_a_snoozed_reminder_is_not_sent_again_if_the_form_was_filled_meanwhile(client, sent):
    with time_machine.travel(EVENING + timedelta(minutes=5), tick=False):
        client.post(snooze_url(sent))
    factories.CheckinFactory(user=sent.reminder.user, date=date(2026, 11, 20))

    assert reminding.send_due(EVENING + timedelta(minutes=70)) == {"skipped": [sent.pk]}
    assert mail.outbox == []


def test_it_is_snoozed_once_a_day(client, sent):
    with time_machine.travel(EVENING + timedelta(minutes=5), tick=False):
        first = client.post(snooze_url(sent), HTTP_ACCEPT="application/json").json()
        second = client.post(snooze_url(sent), HTTP_ACCEPT="application/json").json()

    assert first["snoozed"] is True
    assert second == {
        "snoozed": False,
        "message": "This reminder was already snoozed once today.",
    }


def test_a_snooze_into_quiet_hours_that_end_tomorrow_is_refused(client, sent):
    profile = sent.reminder.user.profile
    profile.quiet_start, profile.quiet_end = time(22), time(7)
    profile.save()

    with time_machine.travel(EVENING + timedelta(minutes=30), tick=False):
        answer = client.post(snooze_url(sent), HTTP_ACCEPT="application/json").json()

    assert answer == {
        "snoozed": False,
        "message": "Not snoozed: an hour from now is in your quiet hours.",
    }
    sent.refresh_from_db()
    assert sent.status == "sent"


def test_opening_the_snooze_link_only_asks(client, sent):
    response = client.get(snooze_url(sent))

    assert response.status_code == 200
    assert "Snooze 1 hour" in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == "sent"


def test_the_snooze_link_in_a_browser_answers_a_page(client, sent):
    with time_machine.travel(EVENING + timedelta(minutes=5), tick=False):
        response = client.post(snooze_url(sent))

    assert response.status_code == 200
    assert "Snoozed: it comes again at 22:05." in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_a_tampered_snooze_link_answers_400_and_changes_nothing(client, sent, method):
    url = snooze_url(sent)
    tampered = url[:-6] + ("AAAA/" if not url.endswith("AAAA/") else "BBBB/")

    response = getattr(client, method)(tampered)

    assert response.status_code == 400
    sent.refresh_from_db()
    assert sent.status == "sent"


def test_a_snooze_link_more_than_a_day_old_answers_400(client, sent):
    url = snooze_url(sent)

    with time_machine.travel(datetime.now(UTC) + timedelta(days=1, minutes=1), tick=False):
        response = client.post(url)

    assert response.status_code == 400


def test_the_snooze_link_of_a_deleted_reminder_answers_404(client, sent):
    url = snooze_url(sent)
    sent.reminder.delete()

    assert client.post(url).status_code == 404


# --- The Settings pages -----------------------------------------------------------------------


@pytest.fixture
def kiri(client):
    user = person()
    client.force_login(user)
    return user


def test_settings_lists_ones_reminders_with_their_time_and_days(client, kiri):
    remind(kiri, "fluids", at=time(10, 30), days=reminders.days_mask(range(5)))
    remind(kiri, "custom", at=time(7, 15), text="Stretch the calves", enabled=False)
    remind(person("aroha"), "custom", text="Aroha's own words")

    html = client.get(reverse("settings")).content.decode()

    assert 'id="reminders"' in html
    assert "Stretch the calves" in html
    assert "Fluids" in html
    assert "10:30" in html
    assert "Weekdays" in html
    assert "<strong>off</strong>" in html
    assert "Aroha" not in html
    assert html.index("07:15") < html.index("10:30")  # by time of day
    assert "<script>" not in html
    assert "style=" not in html


def test_adding_a_reminder_saves_it_and_goes_back_to_settings(client, kiri):
    response = client.post(
        reverse("reminder_new"),
        {"what": "checkin", "time": "21:00", "days": ["0", "1", "2", "3", "4", "5", "6"]},
    )

    assert response.status_code == 302
    assert response["Location"] == "/settings/#reminders"
    reminder = Reminder.objects.get(user=kiri)
    assert (reminder.what, reminder.time, reminder.days, reminder.enabled, reminder.text) == (
        "checkin",
        time(21),
        EVERY_DAY,
        True,
        "",
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"what": "custom", "text": "", "time": "21:00", "days": ["0"]}, "text", "Say what to"),
        ({"what": "checkin", "time": "21:00"}, "days", "Choose at least one day."),
        ({"what": "checkin", "time": "25:00", "days": ["0"]}, "time", "Enter a valid time."),
        ({"what": "naps", "time": "21:00", "days": ["0"]}, "what", "Select a valid choice."),
        ({"what": "checkin", "time": "21:00", "days": ["7"]}, "days", "Select a valid choice."),
        (
            {"what": "custom", "text": "x" * 121, "time": "21:00", "days": ["0"]},
            "text",
            "at most 120 characters",
        ),
    ],
)
def test_a_bad_reminder_says_which_field_and_saves_nothing(client, kiri, data, field, message):
    response = client.post(reverse("reminder_new"), data)

    assert response.status_code == 422
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    assert message in response.content.decode()
    assert not Reminder.objects.exists()


def test_a_reminder_inside_ones_quiet_hours_is_refused_on_its_time(client, kiri):
    kiri.profile.quiet_start, kiri.profile.quiet_end = time(22), time(7)
    kiri.profile.save()

    response = client.post(
        reverse("reminder_new"), {"what": "fluids", "time": "23:00", "days": ["0"]}
    )

    assert response.status_code == 422
    assert response.context["form"].errors == {
        "time": [
            "23:00 is in your quiet hours (22:00–07:00), when nothing is sent: "
            "choose another time, or change your quiet hours."
        ]
    }


def test_words_of_ones_own_are_kept_only_for_a_reminder_in_ones_own_words(client, kiri):
    client.post(
        reverse("reminder_new"),
        {"what": "fluids", "text": "ignored", "time": "10:00", "days": ["0"]},
    )

    assert Reminder.objects.get().text == ""


def test_editing_shows_the_reminders_own_values_and_saves_changes(client, kiri):
    reminder = remind(kiri, "custom", at=time(7, 15), text="Stretch", days=5)

    page = client.get(reverse("reminder_edit", args=[reminder.pk]))
    form = page.context["form"]
    saved = client.post(
        reverse("reminder_edit", args=[reminder.pk]),
        {"what": "custom", "text": "Stretch well", "time": "07:45", "days": ["0", "2"]},
    )

    assert (form["what"].value(), form["text"].value(), form["days"].value()) == (
        "custom",
        "Stretch",
        [0, 2],
    )
    assert 'value="07:15"' in page.content.decode()
    assert saved.status_code == 302
    reminder.refresh_from_db()
    assert (reminder.text, reminder.time, reminder.days) == ("Stretch well", time(7, 45), 5)


def test_changing_a_reminders_time_restarts_its_day_but_changing_its_words_does_not(client, kiri):
    reminder = remind(kiri, "custom", text="Stretch")

    client.post(
        reverse("reminder_edit", args=[reminder.pk]),
        {
            "what": "custom",
            "text": "Stretch well",
            "time": "21:00",
            "days": [str(d) for d in range(7)],
        },
    )
    reminder.refresh_from_db()
    assert reminder.active_since == LONG_AGO

    client.post(
        reverse("reminder_edit", args=[reminder.pk]),
        {
            "what": "custom",
            "text": "Stretch well",
            "time": "21:05",
            "days": [str(d) for d in range(7)],
        },
    )
    reminder.refresh_from_db()
    assert reminder.active_since > LONG_AGO


def test_an_unchanged_edit_changes_nothing(client, kiri):
    reminder = remind(kiri, "fluids", at=time(10))
    before = Reminder.objects.filter(pk=reminder.pk).values().get()

    response = client.post(
        reverse("reminder_edit", args=[reminder.pk]),
        {"what": "fluids", "text": "", "time": "10:00", "days": [str(d) for d in range(7)]},
        follow=True,
    )

    assert "Nothing changed" in response.content.decode()
    assert Reminder.objects.filter(pk=reminder.pk).values().get() == before


def test_a_reminder_is_turned_off_and_on_again(client, kiri):
    reminder = remind(kiri)
    url = reverse("reminder_switch", args=[reminder.pk])

    off = client.post(url, {"enabled": "0"})
    reminder.refresh_from_db()
    assert (off.status_code, reminder.enabled) == (302, False)
    assert reminding.send_due(EVENING) == {}

    client.post(url, {"enabled": "1"})
    reminder.refresh_from_db()
    assert reminder.enabled is True
    assert client.post(url, {"enabled": "maybe"}).status_code == 400
    assert client.get(url).status_code == 405


def test_a_reminder_is_deleted_with_its_sends(client, kiri):
    reminder = remind(kiri)
    reminding.send_due(EVENING)

    response = client.post(reverse("reminder_delete", args=[reminder.pk]))

    assert response.status_code == 302
    assert not Reminder.objects.exists()
    assert not ReminderSend.objects.exists()


@pytest.mark.parametrize(
    ("name", "method", "data"),
    [
        ("reminder_edit", "get", None),
        ("reminder_edit", "post", {"what": "fluids", "time": "10:00", "days": ["0"]}),
        ("reminder_switch", "post", {"enabled": "0"}),
        ("reminder_delete", "post", None),
    ],
)
def test_someone_elses_reminder_answers_404_and_stays_as_it_was(client, kiri, name, method, data):
    theirs = remind(person("aroha"), "custom", text="Aroha's words")
    before = Reminder.objects.filter(pk=theirs.pk).values().get()

    response = getattr(client, method)(reverse(name, args=[theirs.pk]), data or {})

    assert response.status_code == 404
    assert "Aroha" not in response.content.decode()
    assert Reminder.objects.filter(pk=theirs.pk).values().get() == before


@pytest.mark.parametrize(
    "url",
    [
        reverse("reminder_new"),
        reverse("quiet_hours"),
        reverse("push_subscribe"),
        reverse("push_unsubscribe"),
        "/settings/reminders/0b8f6c1e-4f7a-4a53-9a55-4e8cbb1c2d01/",
        "/settings/reminders/0b8f6c1e-4f7a-4a53-9a55-4e8cbb1c2d01/switch/",
        "/settings/reminders/0b8f6c1e-4f7a-4a53-9a55-4e8cbb1c2d01/delete/",
    ],
)
def test_visitors_are_sent_to_log_in(client, url):
    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_quiet_hours_are_set_and_cleared(client, kiri):
    client.post(reverse("quiet_hours"), {"quiet_start": "22:00", "quiet_end": "07:00"})
    kiri.profile.refresh_from_db()
    assert kiri.profile.quiet_hours == (time(22), time(7))

    response = client.post(
        reverse("quiet_hours"), {"quiet_start": "", "quiet_end": ""}, follow=True
    )
    kiri.profile.refresh_from_db()
    assert kiri.profile.quiet_hours is None
    assert "No quiet hours." in response.content.decode()


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"quiet_start": "22:00", "quiet_end": ""},
            {"quiet_end": ["Say when your quiet hours end, or clear both times."]},
        ),
        (
            {"quiet_start": "", "quiet_end": "07:00"},
            {"quiet_start": ["Say when your quiet hours start, or clear both times."]},
        ),
        (
            {"quiet_start": "22:00", "quiet_end": "22:00"},
            {"quiet_end": ["Must differ from the start."]},
        ),
        ({"quiet_start": "nine", "quiet_end": "07:00"}, {"quiet_start": ["Enter a valid time."]}),
    ],
)
def test_bad_quiet_hours_say_which_field_and_save_nothing(client, kiri, data, errors):
    response = client.post(reverse("quiet_hours"), data)

    assert response.status_code == 422
    assert response.context["form"].errors == errors
    kiri.profile.refresh_from_db()
    assert kiri.profile.quiet_hours is None


def test_the_database_refuses_half_set_quiet_hours_and_bad_reminders(kiri):
    for update in (
        lambda: type(kiri.profile).objects.filter(pk=kiri.profile.pk).update(quiet_start=time(22)),
        lambda: Reminder.objects.create(user=kiri, what="checkin", time=time(21), days=0),
        lambda: Reminder.objects.create(user=kiri, what="custom", time=time(21), text=""),
        lambda: Reminder.objects.create(user=kiri, what="fluids", time=time(21), text="x"),
        lambda: Reminder.objects.create(user=kiri, what="nap", time=time(21)),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            update()


def test_a_reminder_held_or_dropped_by_quiet_hours_says_so_in_settings(client, kiri):
    kiri.profile.quiet_start, kiri.profile.quiet_end = time(22), time(7)
    kiri.profile.save()
    remind(kiri, "fluids", at=time(6))
    remind(kiri, "custom", at=time(23), text="Lights out")

    html = client.get(reverse("settings")).content.decode()

    assert "In your quiet hours: sent when they end, at 07:00." in html
    assert "In your quiet hours, which end the next day: not sent." in html


# --- This phone's push subscription ---------------------------------------------------------


def subscription_data(endpoint="https://push.example.net/send/abc", **fields):
    keys = browser_keys()
    return {"endpoint": endpoint, "p256dh": keys.p256dh, "auth": keys.auth, **fields}


def test_a_phone_subscribes_once_and_again_with_new_keys(client, kiri):
    data = subscription_data()

    first = client.post(reverse("push_subscribe"), data)
    again = client.post(reverse("push_subscribe"), subscription_data(endpoint=data["endpoint"]))

    assert (first.status_code, again.status_code) == (201, 200)
    subscription = PushSubscription.objects.get()
    assert (subscription.user, subscription.endpoint) == (kiri, data["endpoint"])
    assert subscription.p256dh != data["p256dh"]  # the newer keys


def test_another_accounts_subscription_answers_404_and_stays_theirs(client, kiri):
    aroha = person("aroha")
    data = subscription_data()
    PushSubscription.objects.create(user=aroha, **data)

    response = client.post(reverse("push_subscribe"), subscription_data(endpoint=data["endpoint"]))

    assert response.status_code == 404
    assert PushSubscription.objects.get().user == aroha
    assert PushSubscription.objects.get().p256dh == data["p256dh"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"endpoint": "http://push.example.net/x"}, "endpoint", "Must be an https:// address."),
        ({"endpoint": "https://127.0.0.1:8443/x"}, "endpoint", "public address"),
        ({"endpoint": "https://10.1.2.3/x"}, "endpoint", "public address"),
        ({"endpoint": "https://localhost/x"}, "endpoint", "public address"),
        ({"endpoint": "not a url"}, "endpoint", "Enter a valid URL."),
        ({"p256dh": "AAAA"}, "p256dh", "P-256 public key"),
        ({"auth": "c2hvcnQ"}, "auth", "16-byte auth secret"),
        ({"auth": ""}, "auth", "This field is required."),
    ],
)
def test_a_bad_subscription_says_which_field_and_saves_nothing(
    client, kiri, fields, field, message
):
    response = client.post(reverse("push_subscribe"), subscription_data(**fields))

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert not PushSubscription.objects.exists()


def test_a_phone_unsubscribes_its_own_subscription_only(client, kiri):
    mine = subscription_data()
    client.post(reverse("push_subscribe"), mine)
    theirs = PushSubscription.objects.create(
        user=person("aroha"), **subscription_data(endpoint="https://push.example.net/send/b")
    )

    not_mine = client.post(reverse("push_unsubscribe"), {"endpoint": theirs.endpoint})
    gone = client.post(reverse("push_unsubscribe"), {"endpoint": mine["endpoint"]})

    assert (not_mine.status_code, gone.status_code) == (404, 204)
    assert list(PushSubscription.objects.all()) == [theirs]


def test_logging_out_stops_this_phones_notifications_only(client, kiri):
    client.post(reverse("push_subscribe"), subscription_data())
    other_phone = PushSubscription.objects.create(
        user=kiri, **subscription_data(endpoint="https://push.example.net/send/other-phone")
    )

    client.post(reverse("logout"))

    assert list(PushSubscription.objects.all()) == [other_phone]


def test_push_subscribing_needs_post_and_the_csrf_token(kiri):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(kiri)

    assert strict.get(reverse("push_subscribe")).status_code == 405
    assert strict.post(reverse("push_subscribe"), subscription_data()).status_code == 403
    assert not PushSubscription.objects.exists()


# --- Leaving ---------------------------------------------------------------------------------


def test_deleting_an_account_deletes_its_reminders_sends_and_subscriptions():
    kiri, aroha = person(), person("aroha")
    for user in (kiri, aroha):
        remind(user)
        PushSubscription.objects.create(
            user=user, **subscription_data(endpoint=f"https://push.example.net/{user.username}")
        )
    reminding.send_due(EVENING)
    assert ReminderSend.objects.count() == 2

    delete_account(kiri)

    assert list(Reminder.objects.values_list("user", flat=True)) == [aroha.pk]
    assert list(ReminderSend.objects.values_list("reminder__user", flat=True)) == [aroha.pk]
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [aroha.pk]


def test_what_a_reminder_is_about_names_the_form_it_opens():
    user = person()
    forms = {
        what: reminding.form_url(remind(user, what, text="x" if what == "custom" else ""))
        for what in ReminderWhat.values
    }

    assert forms == {
        "checkin": "/log/checkin/",
        "fluids": "/log/hydration/",
        "twitches": "/log/episode/",
        "custom": "/",
    }


def test_the_export_carries_ones_quiet_hours(client):
    kiri = person(quiet=(time(22), time(7, 30)))
    client.force_login(kiri)

    response = client.get(reverse("export"))

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    settings_file = next(name for name in archive.namelist() if name.endswith("profile.json"))
    chosen = json.loads(archive.read(settings_file))["settings"]
    assert (chosen["quiet_start"], chosen["quiet_end"]) == ("22:00", "07:30")
