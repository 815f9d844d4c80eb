"""Sending the weekly digest: at each athlete's Monday 08:00, once, and easy to stop."""

import email
import re
import threading
from datetime import UTC, datetime, timedelta
from email import policy
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from tests import factories
from triage import weekly
from triage.mail import unsubscribe_token
from triage.models import DigestLog, DigestStatus
from triage.tasks import deliver_digests, retry_digest, send_due_digests

pytestmark = pytest.mark.django_db

AUCKLAND, LOS_ANGELES = ZoneInfo("Pacific/Auckland"), ZoneInfo("America/Los_Angeles")
# Monday 16 November 2026; the digest due is that of the week of 9 November.
MONDAY_0800 = datetime(2026, 11, 16, 8, 0)


def athlete_in(zone, name, **profile):
    user = factories.UserFactory(username=name, date_joined=datetime(2026, 10, 1, tzinfo=UTC))
    user.profile.timezone = zone.key
    for field, value in profile.items():
        setattr(user.profile, field, value)
    user.profile.save()
    factories.EpisodeFactory(
        user=user, started_at=datetime(2026, 11, 11, 12, tzinfo=zone), notes=""
    )
    return user


def at(local_time: datetime, zone) -> datetime:
    return local_time.replace(tzinfo=zone).astimezone(UTC)


@pytest.fixture
def auckland():
    return athlete_in(AUCKLAND, "kiri")


@pytest.fixture
def los_angeles():
    return athlete_in(LOS_ANGELES, "sam")


# --- When --------------------------------------------------------------------------------


def test_each_athlete_gets_theirs_at_their_own_monday_0800(auckland, los_angeles):
    schedule = [
        (at(MONDAY_0800 - timedelta(minutes=1), AUCKLAND), []),
        (at(MONDAY_0800, AUCKLAND), ["kiri@example.com"]),
        (at(MONDAY_0800 - timedelta(minutes=1), LOS_ANGELES), []),
        (at(MONDAY_0800, LOS_ANGELES), ["sam@example.com"]),
        (at(MONDAY_0800 + timedelta(hours=5), LOS_ANGELES), []),
    ]
    for moment, recipients in schedule:
        mail.outbox.clear()
        with time_machine.travel(moment, tick=False):
            send_due_digests.delay()
        assert [m.to[0] for m in mail.outbox] == recipients, moment

    logs = DigestLog.objects.order_by("user__username")
    assert [(log.user.username, log.iso_week, log.status) for log in logs] == [
        ("kiri", 46, "sent"),
        ("sam", 46, "sent"),
    ]


def test_a_beat_that_was_down_catches_up_within_a_day_but_not_later(auckland, los_angeles):
    with time_machine.travel(at(datetime(2026, 11, 17, 7, 0), AUCKLAND), tick=False):
        send_due_digests.delay()  # Tuesday 07:00 in Auckland, Monday 10:00 in Los Angeles

    assert [m.to[0] for m in mail.outbox] == ["kiri@example.com", "sam@example.com"]
    mail.outbox.clear()
    DigestLog.objects.all().delete()
    with time_machine.travel(at(datetime(2026, 11, 17, 9, 0), AUCKLAND), tick=False):
        send_due_digests.delay()  # Tuesday 09:00 in Auckland: too late for its Monday
    assert [m.to[0] for m in mail.outbox] == ["sam@example.com"]


def test_a_new_account_gets_no_summary_of_a_week_before_it(auckland):
    newcomer = athlete_in(AUCKLAND, "new")
    newcomer.date_joined = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)
    newcomer.save()

    with time_machine.travel(at(MONDAY_0800, AUCKLAND), tick=False):
        send_due_digests.delay()

    assert [m.to[0] for m in mail.outbox] == ["kiri@example.com"]


def test_the_day_and_hour_are_settings(auckland, settings):
    settings.DIGEST_WEEKDAY, settings.DIGEST_HOUR = 6, 18  # Sunday 18:00

    with time_machine.travel(at(datetime(2026, 11, 22, 18, 0), AUCKLAND), tick=False):
        send_due_digests.delay()

    assert len(mail.outbox) == 1


def test_athletes_who_turned_it_off_or_have_no_email_get_nothing():
    athlete_in(AUCKLAND, "off", digest_enabled=False)
    mute = athlete_in(AUCKLAND, "mute")
    mute.email = ""
    mute.save()

    with time_machine.travel(at(MONDAY_0800, AUCKLAND), tick=False):
        send_due_digests.delay()

    assert mail.outbox == []


# --- Exactly once ------------------------------------------------------------------------


def test_the_beat_running_twice_sends_once(auckland):
    with time_machine.travel(at(MONDAY_0800, AUCKLAND), tick=False):
        send_due_digests.delay()
        send_due_digests.delay()

    assert len(mail.outbox) == 1


def test_a_retried_task_sends_nothing_again(auckland):
    with time_machine.travel(at(MONDAY_0800, AUCKLAND), tick=False):
        send_due_digests.delay()
    log = DigestLog.objects.get()

    deliver_digests.delay([log.pk])
    retry_digest.delay(log.pk)

    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres")
def test_two_workers_at_once_send_once(auckland, los_angeles):
    moment = at(MONDAY_0800 + timedelta(hours=1), LOS_ANGELES)  # both are due
    barrier = threading.Barrier(3)

    def worker():
        barrier.wait()
        try:
            weekly.send_due(moment)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(m.to[0] for m in mail.outbox) == ["kiri@example.com", "sam@example.com"]
    assert DigestLog.objects.filter(status="sent").count() == 2


def test_a_failed_send_is_recorded_and_retried(auckland, settings, smtp_server):
    settings.EMAIL_PORT = 1  # nothing listens there
    with time_machine.travel(at(MONDAY_0800, AUCKLAND), tick=False):
        claimed = weekly.claim_due(datetime.now(UTC))
    outcome = weekly.deliver(claimed)
    log = DigestLog.objects.get()
    assert (outcome.get("failed"), log.status, log.attempts) == ([log.pk], "failed", 1)
    assert "ConnectionRefusedError" in log.error

    settings.EMAIL_PORT = smtp_server.port
    retry_digest.delay(log.pk)

    log.refresh_from_db()
    assert (log.status, log.attempts, log.error) == ("sent", 2, "")
    assert len(smtp_server.messages) == 1


# --- Through a real SMTP server -------------------------------------------------------------


def received(inbox):
    return [
        email.message_from_bytes(envelope.content, policy=policy.default)
        for envelope in inbox.messages
    ]


def test_a_real_smtp_server_receives_a_well_formed_digest(auckland, smtp_server, client):
    with time_machine.travel(at(MONDAY_0800, AUCKLAND), tick=False):
        send_due_digests.delay()

    (message,) = received(smtp_server)
    assert message["To"] == "kiri@example.com"
    assert message["Subject"] == "Your week: 0 workouts, 1 episode"
    assert message.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part.get_content() for part in message.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}
    unsubscribe = message["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith("http://127.0.0.1:8000/digest/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "1 episode" in parts["text/plain"]
    assert "Cramp" in parts["text/html"]

    links = set(
        re.findall(
            r"http://127\.0\.0\.1:8000(/[^\s\"<>]*)", parts["text/plain"] + parts["text/html"]
        )
    )
    assert links >= {"/", "/settings/", unsubscribe.removeprefix("http://127.0.0.1:8000")}
    client.force_login(auckland)
    for path in links:
        assert client.get(path).status_code == 200, path


def test_a_private_digest_holds_no_health_details(smtp_server):
    athlete_in(AUCKLAND, "quiet", digest_detail="private")

    with time_machine.travel(at(MONDAY_0800, AUCKLAND), tick=False):
        send_due_digests.delay()

    (message,) = received(smtp_server)
    body = " ".join(part.get_content() for part in message.iter_parts())
    assert message["Subject"] == "Your twitchlog week"
    assert "1 new entry and 0 new flags" in body
    for detail in ("cramp", "Cramp", "calf", "Calf", "episode", "workout", "load", "target"):
        assert detail not in body, detail
    assert not re.search(r"\d ml\b", body)


def test_an_empty_week_gets_two_lines_or_nothing(settings):
    quiet = factories.UserFactory(username="quiet", date_joined=datetime(2026, 10, 1, tzinfo=UTC))
    quiet.profile.timezone = "Pacific/Auckland"
    quiet.profile.save()

    with time_machine.travel(at(MONDAY_0800, AUCKLAND), tick=False):
        send_due_digests.delay()
    assert mail.outbox[0].subject == "Your week: nothing logged"
    assert "You logged nothing last week." in mail.outbox[0].body

    settings.DIGEST_SKIP_EMPTY_WEEKS = True
    mail.outbox.clear()
    with time_machine.travel(at(MONDAY_0800 + timedelta(days=7), AUCKLAND), tick=False):
        send_due_digests.delay()
    assert mail.outbox == []
    assert DigestLog.objects.get(iso_week=47).status == "skipped"


# --- Unsubscribe ------------------------------------------------------------------------------


def unsubscribe_path(user):
    from triage.mail import unsubscribe_token

    return f"/digest/unsubscribe/{unsubscribe_token(user)}/"


def test_opening_the_link_only_asks(client, auckland):
    response = client.get(unsubscribe_path(auckland))

    assert response.status_code == 200
    assert "Stop the weekly email?" in response.content.decode()
    auckland.profile.refresh_from_db()
    assert auckland.profile.digest_enabled is True


def test_one_click_unsubscribes_without_logging_in(client, auckland):
    response = client.post(
        unsubscribe_path(auckland),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    auckland.profile.refresh_from_db()
    assert auckland.profile.digest_enabled is False


@pytest.mark.parametrize(
    "tamper", [lambda t: t[:-3] + "xyz", lambda t: "garbage", lambda t: t.replace("e", "f", 1)]
)
def test_a_tampered_link_changes_nothing(client, auckland, tamper):
    token = unsubscribe_path(auckland).split("/")[-2]

    response = client.post(f"/digest/unsubscribe/{tamper(token)}/")

    assert response.status_code == 400
    assert "This link isn't valid" in response.content.decode()
    auckland.profile.refresh_from_db()
    assert auckland.profile.digest_enabled is True


def test_settings_turn_the_digest_back_on(client, auckland):
    client.post(unsubscribe_path(auckland))
    client.force_login(auckland)

    client.post(
        "/settings/",
        {
            "timezone": "Pacific/Auckland",
            "units": "metric",
            "daily_fluid_target_ml": 2000,
            "digest_enabled": "on",
            "digest_detail": "full",
        },
    )

    auckland.profile.refresh_from_db()
    assert auckland.profile.digest_enabled is True


# --- The command and the preview --------------------------------------------------------------


def test_the_command_sends_a_week_once_and_says_so(auckland, los_angeles):
    out = StringIO()
    call_command("send_digests", "--week", "2026-W46", "--user", "kiri", stdout=out)
    call_command("send_digests", "--week", "2026-W46", "--user", "kiri", stdout=out)

    assert [m.to[0] for m in mail.outbox] == ["kiri@example.com"]
    assert "1 sent" in out.getvalue()
    assert "1 already claimed before" in out.getvalue()
    assert "1/1" in out.getvalue()  # the progress bar


def test_a_dry_run_writes_files_and_sends_and_claims_nothing(auckland, los_angeles, tmp_path):
    call_command(
        "send_digests", "--week", "2026-W46", "--dry-run", "--out", str(tmp_path), stdout=StringIO()
    )

    files = sorted(p.name for p in (tmp_path / "2026-W46").iterdir())
    assert files == ["kiri.eml", "sam.eml"]
    parsed = email.message_from_bytes(
        (tmp_path / "2026-W46" / "kiri.eml").read_bytes(), policy=policy.default
    )
    assert parsed.get_content_type() == "multipart/alternative"
    assert mail.outbox == []
    assert not DigestLog.objects.exists()


def test_the_command_refuses_a_bad_week():
    with pytest.raises(CommandError, match="ISO week"):
        call_command("send_digests", "--week", "last-tuesday")


def test_reviewers_can_preview_any_athletes_digest_without_its_unsubscribe_link(
    client, auckland, reviewers_group
):
    reviewer = factories.UserFactory(username="nurse", is_staff=True)
    reviewer.groups.add(reviewers_group)
    client.force_login(reviewer)

    response = client.get(f"/digest/preview/{auckland.pk}/?week=2026-W46")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Your week" in html
    assert "Cramp" in html
    assert "/digest/unsubscribe/" not in html
    assert unsubscribe_token(auckland) not in html


def test_staff_without_the_reviewers_permission_cannot_preview(client, auckland):
    client.force_login(factories.UserFactory(username="intern", is_staff=True))

    assert client.get(f"/digest/preview/{auckland.pk}/").status_code == 403


def test_athletes_cannot_preview_digests(client, auckland, los_angeles):
    client.force_login(los_angeles)

    response = client.get(f"/digest/preview/{auckland.pk}/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_digest_logs_are_visible_in_the_admin(client, auckland):
    with time_machine.travel(at(MONDAY_0800, AUCKLAND), tick=False):
        send_due_digests.delay()
    client.force_login(factories.UserFactory(username="root", is_staff=True, is_superuser=True))

    page = client.get("/admin/triage/digestlog/")

    assert page.status_code == 200
    assert "kiri" in page.content.decode()
    assert DigestStatus.SENT.label in page.content.decode()


# --- Digests that always go out ---------------------------------------------------------------


def test_the_command_retries_digests_that_failed_before(auckland, settings, smtp_server):
    settings.EMAIL_PORT = 1  # nothing listens there
    out = StringIO()
    call_command("send_digests", "--week", "2026-W46", stdout=out)
    log = DigestLog.objects.get()
    assert log.status == DigestStatus.FAILED

    settings.EMAIL_PORT = smtp_server.port
    call_command("send_digests", "--week", "2026-W46", stdout=out)
    call_command("send_digests", "--week", "2026-W46", stdout=out)

    log.refresh_from_db()
    assert (log.status, log.attempts) == (DigestStatus.SENT, 2)
    assert len(smtp_server.messages) == 1
    assert "1 retried" in out.getvalue()


def test_a_digest_stuck_sending_is_recovered_and_sent_once(auckland, smtp_server):
    # A sender killed between claiming "sending" and "sent" leaves this behind.
    with time_machine.travel(at(MONDAY_0800, AUCKLAND), tick=False):
        (log_id,) = weekly.claim_due(datetime.now(UTC))
    DigestLog.objects.filter(pk=log_id).update(
        status=DigestStatus.SENDING, sending_since=datetime(2026, 11, 15, 19, 0, tzinfo=UTC)
    )

    # Not yet: it may still be on its way.
    with time_machine.travel(datetime(2026, 11, 15, 19, 20, tzinfo=UTC), tick=False):
        send_due_digests.delay()
    assert DigestLog.objects.get().status == DigestStatus.SENDING

    with time_machine.travel(datetime(2026, 11, 15, 20, 0, tzinfo=UTC), tick=False):
        send_due_digests.delay()
        send_due_digests.delay()

    log = DigestLog.objects.get()
    assert log.status == DigestStatus.SENT
    assert len(smtp_server.messages) == 1


def test_the_command_sends_no_week_from_before_an_athlete_joined(auckland, los_angeles):
    los_angeles.date_joined = datetime(2026, 11, 20, tzinfo=UTC)
    los_angeles.save()
    out = StringIO()

    call_command("send_digests", "--week", "2026-W46", stdout=out)

    assert [m.to[0] for m in mail.outbox] == ["kiri@example.com"]
    assert not DigestLog.objects.filter(user=los_angeles).exists()


# --- Unsubscribe links that stop working -------------------------------------------------------


def test_an_old_link_stops_working_once_the_athlete_subscribes_again(client, auckland):
    old = unsubscribe_path(auckland)
    client.post(old)
    auckland.profile.refresh_from_db()
    auckland.profile.digest_enabled = True
    auckland.profile.save()

    response = client.post(old)

    assert response.status_code == 400
    auckland.profile.refresh_from_db()
    assert auckland.profile.digest_enabled is True
    assert client.post(unsubscribe_path(auckland)).status_code == 200  # the new link works
