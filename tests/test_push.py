"""Web Push, for real: a push service of the test's own (a real HTTP server on a
free loopback port) receives what the sender posts, and the test, holding the
browser's side of the subscription (its P-256 key pair and auth secret, made
here as a browser makes them), decrypts each message (RFC 8291, aes128gcm,
with http_ece) and checks its VAPID signature (RFC 8292) against the server's
public key. So these tests prove that a phone would get, and could read, the
reminder; only the browser's own push service and screen are not real.
"""

import base64
import io
import json
import os
import threading
import time as clock
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import http_ece
import pytest
import time_machine
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from logbook import push, reminding
from logbook.models import PushSubscription, Reminder, ReminderSend
from logbook.tasks import send_due_reminders
from tests import factories
from tests.servers import free_port

pytestmark = pytest.mark.django_db

LOS_ANGELES = "America/Los_Angeles"  # 21:00 there is 05:00 UTC the next day
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def urlsafe(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unurlsafe(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- The browser's side, and its push service -------------------------------------------------


@dataclass(frozen=True)
class BrowserKeys:
    """What a browser makes for a subscription: a P-256 key pair and an auth secret."""

    private: ec.EllipticCurvePrivateKey
    p256dh: str
    auth: str

    def decrypt(self, body: bytes) -> dict:
        plain = http_ece.decrypt(
            body, private_key=self.private, auth_secret=unurlsafe(self.auth), version="aes128gcm"
        )
        return json.loads(plain)


def browser_keys() -> BrowserKeys:
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return BrowserKeys(private, urlsafe(public), urlsafe(os.urandom(16)))


@dataclass
class Received:
    path: str
    headers: dict  # by lower-case name
    body: bytes
    at: datetime


@dataclass
class PushService:
    """A push service on a free loopback port: it keeps what it is sent and
    answers `status`, or, hung, takes the request and never answers."""

    status: int = 201
    received: list = field(default_factory=list)
    hung: bool = False

    def __post_init__(self):
        self.release = threading.Event()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service.received.append(
                    Received(
                        self.path,
                        {name.lower(): value for name, value in self.headers.items()},
                        body,
                        datetime.now(UTC),
                    )
                )
                if service.hung:
                    service.release.wait(30)
                    return
                self.send_response(service.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def subscribe(self, user, name="phone-1") -> tuple[PushSubscription, BrowserKeys]:
        keys = browser_keys()
        subscription = PushSubscription.objects.create(
            user=user, endpoint=f"{self.url}/push/{name}", p256dh=keys.p256dh, auth=keys.auth
        )
        return subscription, keys

    def stop(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def service():
    running = PushService()
    yield running
    running.stop()


@pytest.fixture
def vapid(settings):
    from logbook.management.commands.vapid_keys import new_key_pair

    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = new_key_pair()
    settings.VAPID_SUBJECT = "mailto:admin@twitchlog.example"
    return settings


def athlete(username="sam", zone=LOS_ANGELES, email_address=""):
    """No email address by default: what arrives, arrives by push."""
    user = factories.UserFactory(username=username, email=email_address)
    user.profile.timezone = zone
    user.profile.save()
    return user


def remind(user, what="checkin", at=time(21), text="") -> Reminder:
    reminder = Reminder.objects.create(user=user, what=what, time=at, text=text)
    Reminder.objects.filter(pk=reminder.pk).update(active_since=LONG_AGO)
    return reminder


def local(*parts, zone=LOS_ANGELES) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(zone))


EVENING = local(2026, 11, 20, 21, 0)  # 05:00 UTC on the 21st


def vapid_header(authorization: str) -> dict:
    """{"t": the JWT, "k": the key} of a "vapid t=<JWT>, k=<key>" header."""
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid"
    return dict(part.strip().split("=", 1) for part in params.split(","))


def signed_claims(token: str, public_key: str) -> dict:
    """The claims of an ES256 JWT, after checking its signature with `public_key`
    (raises InvalidSignature if that key did not sign it)."""
    header, claims, signature = token.split(".")
    raw = unurlsafe(signature)
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unurlsafe(public_key))
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    assert json.loads(unurlsafe(header)) == {"typ": "JWT", "alg": "ES256"}
    return json.loads(unurlsafe(claims))


def verify_vapid(authorization: str, public_key: str, audience: str, subject: str) -> dict:
    """The claims of a VAPID header signed by the server's key, for this push service."""
    fields = vapid_header(authorization)
    assert fields["k"] == public_key
    claims = signed_claims(fields["t"], public_key)
    assert (claims["aud"], claims["sub"]) == (audience, subject)
    return claims


# --- Done when: 21:00 on the athlete's own clock, once, opening the check-in form -------------


def test_a_reminder_set_for_21_00_in_the_athletes_zone_arrives_once_and_opens_the_check_in_form(
    vapid, service, client
):
    sam = athlete()
    remind(sam)
    subscription, keys = service.subscribe(sam)

    arrived_after = {}
    minute = local(2026, 11, 20, 20, 55)
    while minute <= local(2026, 11, 20, 22, 10):  # the beat, every minute
        with time_machine.travel(minute, tick=False):
            send_due_reminders.delay()
        if len(service.received) > len(arrived_after):
            arrived_after[len(service.received)] = minute
        minute += timedelta(minutes=1)

    assert arrived_after == {1: EVENING}
    (message,) = service.received
    assert message.path == "/push/phone-1"
    assert message.at == datetime(2026, 11, 21, 5, 0, tzinfo=UTC)
    payload = keys.decrypt(message.body)
    send = ReminderSend.objects.get()
    snooze_url = payload.pop("snooze_url")
    assert payload == {
        "title": "Evening check-in",
        "body": "Sleep, caffeine, stress: a few taps for today.",
        "url": "/log/checkin/",
        "tag": f"reminder-{send.reminder_id}",
        "actions": [{"action": "snooze", "title": "Snooze 1 hour"}],
    }
    token = snooze_url.removeprefix("/reminders/snooze/").removesuffix("/")
    assert snooze_url == reverse("reminder_snooze", args=[token])
    with time_machine.travel(EVENING, tick=False):
        assert reminding.send_from_token(token) == send
    assert (send.day, send.status, send.channel, send.error) == (
        date(2026, 11, 20),
        "sent",
        "push",
        "",
    )
    subscription.refresh_from_db()
    assert subscription.last_used_at is not None
    # The URL it carries opens the check-in form.
    client.force_login(sam)
    form = client.get(payload["url"])
    assert form.status_code == 200
    assert form.context["kind"].slug == "checkin"


def test_the_message_is_encrypted_and_signed_with_the_servers_vapid_key(vapid, service):
    sam = athlete()
    remind(sam, "custom", text="Stretch the calves")
    _, keys = service.subscribe(sam)

    reminding.send_due(EVENING)

    (message,) = service.received
    assert b"Stretch" not in message.body  # only the phone can read it
    assert keys.decrypt(message.body)["title"] == "Stretch the calves"
    assert message.headers["content-encoding"] == "aes128gcm"
    assert message.headers["ttl"] == str(push.TTL)
    claims = verify_vapid(
        message.headers["authorization"],
        vapid.VAPID_PUBLIC_KEY,
        audience=service.url,
        subject="mailto:admin@twitchlog.example",
    )
    assert clock.time() < claims["exp"] <= clock.time() + 24 * 3600
    # Another key's signature does not verify: the check above has teeth.
    from logbook.management.commands.vapid_keys import new_key_pair

    token = vapid_header(message.headers["authorization"])["t"]
    with pytest.raises(InvalidSignature):
        signed_claims(token, new_key_pair()[0])


def test_each_of_a_persons_phones_gets_it_readable_with_its_own_keys(vapid, service):
    sam = athlete()
    remind(sam, "twitches")
    _, phone = service.subscribe(sam, "phone")
    _, tablet = service.subscribe(sam, "tablet")

    reminding.send_due(EVENING)

    by_path = {message.path: message for message in service.received}
    assert sorted(by_path) == ["/push/phone", "/push/tablet"]
    assert phone.decrypt(by_path["/push/phone"].body)["url"] == "/log/episode/"
    assert tablet.decrypt(by_path["/push/tablet"].body)["url"] == "/log/episode/"
    with pytest.raises(Exception):  # noqa: B017, PT011 - the tablet's keys cannot read the phone's
        tablet.decrypt(by_path["/push/phone"].body)


def test_a_reminder_already_logged_that_day_is_not_pushed(vapid, service):
    sam = athlete()
    remind(sam, "fluids")
    service.subscribe(sam)
    factories.HydrationFactory(user=sam, taken_at=local(2026, 11, 20, 12, 0))

    assert reminding.send_due(EVENING) == {"skipped": [ReminderSend.objects.get().pk]}
    assert service.received == []


# --- When the push service says no ------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_forgot_is_deleted_and_email_takes_over(
    vapid, service, smtp_server, status
):
    sam = athlete(email_address="sam@example.com")
    remind(sam)
    service.subscribe(sam)
    service.status = status

    reminding.send_due(EVENING)

    assert len(service.received) == 1
    assert not PushSubscription.objects.exists()
    send = ReminderSend.objects.get()
    assert (send.status, send.channel, send.error) == ("sent", "email", f"push: HTTP {status}")
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize("status", [500, 429, 400])
def test_other_failures_keep_the_subscription_record_the_error_and_try_again(
    vapid, service, status
):
    sam = athlete()
    remind(sam)
    subscription, keys = service.subscribe(sam)
    service.status = status

    reminding.send_due(EVENING)

    send = ReminderSend.objects.get()
    assert (send.status, send.error, send.attempts) == ("failed", f"push: HTTP {status}", 1)
    subscription.refresh_from_db()
    assert subscription.last_error.endswith(f"UTC: HTTP {status}")

    service.status = 201
    reminding.send_due(EVENING + timedelta(minutes=1))

    send.refresh_from_db()
    assert (send.status, send.channel, send.attempts) == ("sent", "push", 2)
    assert keys.decrypt(service.received[-1].body)["url"] == "/log/checkin/"
    subscription.refresh_from_db()
    assert subscription.last_error == ""


def test_a_hung_push_service_does_not_hang_the_sender(vapid, service, monkeypatch):
    sam = athlete()
    remind(sam)
    subscription, _ = service.subscribe(sam)
    service.hung = True
    monkeypatch.setattr(push, "TIMEOUT", 1)

    started = clock.monotonic()
    reminding.send_due(EVENING)
    took = clock.monotonic() - started

    assert len(service.received) == 1  # it was reached, and never answered
    assert took < 5
    send = ReminderSend.objects.get()
    assert (send.status, send.error) == ("failed", "push: ReadTimeout")
    assert PushSubscription.objects.filter(pk=subscription.pk).exists()


def test_a_push_service_that_is_not_there_is_a_failure_not_a_crash(vapid):
    sam = athlete()
    remind(sam)
    keys = browser_keys()
    PushSubscription.objects.create(
        user=sam,
        endpoint=f"http://127.0.0.1:{free_port()}/push/x",
        p256dh=keys.p256dh,
        auth=keys.auth,
    )

    reminding.send_due(EVENING)

    send = ReminderSend.objects.get()
    assert (send.status, send.error) == ("failed", "push: ConnectionError")
    assert PushSubscription.objects.exists()


def test_without_vapid_keys_reminders_go_by_email_even_to_a_subscribed_phone(
    settings, service, smtp_server
):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    sam = athlete(email_address="sam@example.com")
    remind(sam)
    service.subscribe(sam)

    reminding.send_due(EVENING)

    assert service.received == []
    assert ReminderSend.objects.get().channel == "email"
    assert len(smtp_server.messages) == 1


# --- Snoozing from the notification -----------------------------------------------------------


def test_the_notifications_snooze_action_sends_it_once_more_an_hour_later(vapid, service, client):
    sam = athlete()
    remind(sam)
    _, keys = service.subscribe(sam)
    reminding.send_due(EVENING)
    first = keys.decrypt(service.received[0].body)

    # What the service worker does on "Snooze 1 hour": a POST, no session, no CSRF token.
    with time_machine.travel(EVENING + timedelta(minutes=2), tick=False):
        answer = client.post(first["snooze_url"], HTTP_ACCEPT="application/json")
    for minutes in (30, 61, 62, 63, 90):
        with time_machine.travel(EVENING + timedelta(minutes=minutes), tick=False):
            send_due_reminders.delay()

    assert answer.json() == {"snoozed": True, "message": "Snoozed: it comes again at 22:02."}
    assert len(service.received) == 2
    assert service.received[1].at == (EVENING + timedelta(minutes=62)).astimezone(UTC)
    again = keys.decrypt(service.received[1].body)
    assert again["url"] == "/log/checkin/"
    assert "actions" not in again
    assert "snooze_url" not in again


# --- The keys ---------------------------------------------------------------------------------


def test_the_vapid_keys_command_prints_a_pair_that_pushes_and_verifies(settings, service):
    out = io.StringIO()
    call_command("vapid_keys", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().split())
    settings.VAPID_PUBLIC_KEY = lines["VAPID_PUBLIC_KEY"]
    settings.VAPID_PRIVATE_KEY = lines["VAPID_PRIVATE_KEY"]
    sam = athlete()
    remind(sam)
    _, keys = service.subscribe(sam)

    reminding.send_due(EVENING)

    (message,) = service.received
    assert len(unurlsafe(lines["VAPID_PUBLIC_KEY"])) == 65
    assert len(unurlsafe(lines["VAPID_PRIVATE_KEY"])) == 32
    verify_vapid(
        message.headers["authorization"],
        lines["VAPID_PUBLIC_KEY"],
        service.url,
        settings.VAPID_SUBJECT,
    )
    assert keys.decrypt(message.body)["title"] == "Evening check-in"
    assert mail.outbox == []
