"""Sending the reminders people set themselves, each at most once a day.

Every minute Celery beat runs logbook.tasks.send_due_reminders, which calls
the functions here:

1. claim_due: the reminders due now by each person's clock
   (logbook/reminders.py, the pure part) get a ReminderSend row for their day.
   The unique (reminder, day) row is the claim: whichever beat, retry or
   worker inserts it sends that day's reminder, and nobody else does.
2. deliver: each claimed row is moved to "sending" by a conditional UPDATE
   before anything is sent, so two workers given the same rows never both
   send one. A reminder whose form was filled that day is skipped (the
   check-in: that day's check-in exists; fluids: a drink logged that day;
   twitches: an episode logged that day; the person's own words: never).
   It goes by Web Push to each of the person's phones, or, where push is not
   available (no VAPID keys, no phone subscribed, or no push service took it),
   by email.
3. to_send_again: snoozed reminders whose snooze is over, failed sends still
   worth trying (MAX_ATTEMPTS, within reminders.CATCH_UP of their time), and
   rows left "sending" by a sender that died.

Logs carry ids, counts and error names; never what a reminder says.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from logbook import push, reminders
from logbook.kinds import BY_SLUG, EntryKind
from logbook.models import (
    Channel,
    Profile,
    Reminder,
    ReminderSend,
    ReminderWhat,
    SendStatus,
)

logger = logging.getLogger(__name__)

# A row "sending" for longer than this was left by a sender that died: each
# push waits push.TIMEOUT at most, an email settings.EMAIL_TIMEOUT.
SENDING_TIMEOUT = timedelta(minutes=5)
# How often a send is tried in all before it is left as failed.
MAX_ATTEMPTS = 3
# How long a snooze link (in the notification or the email) works.
SNOOZE_LINK_AGE = timedelta(days=1)
SNOOZE_SALT = "twitchlog.reminder.snooze"


# --- What each reminder says, and which form it opens ------------------------------


@dataclass(frozen=True)
class What:
    title: str
    body: str
    # The kind of entry whose form it opens (logbook/kinds.py), and whose entry
    # that day means it need not be sent; None: Today, and it is always sent.
    kind: str | None


WHATS = {
    ReminderWhat.CHECKIN: What(
        "Evening check-in", "Sleep, caffeine, stress: a few taps for today.", "checkin"
    ),
    ReminderWhat.FLUIDS: What(
        "Fluids", "Had something to drink? Log it while you remember.", "hydration"
    ),
    ReminderWhat.TWITCHES: What(
        "How are your twitches today?",
        "Log any twitch, spasm or cramp you had today.",
        "episode",
    ),
    ReminderWhat.CUSTOM: What("", "Tap to open twitchlog.", None),
}


def entry_kind(reminder: Reminder) -> EntryKind | None:
    slug = WHATS[reminder.what].kind
    return BY_SLUG[slug] if slug else None


def form_url(reminder: Reminder) -> str:
    """The page a tap on the reminder opens: its log form, or Today."""
    kind = entry_kind(reminder)
    return reverse("log_entry", kwargs={"kind": kind.slug}) if kind else reverse("today")


def logged_on(kind: EntryKind, user_id: int, day: date, zone: ZoneInfo) -> bool:
    """Whether the person logged an entry of this kind on `day`, on their clock."""
    entries = kind.model.objects.filter(user_id=user_id)
    if kind.time_field == "date":
        return entries.filter(date=day).exists()
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    field = kind.time_field
    return entries.filter(**{f"{field}__gte": start, f"{field}__lt": end}).exists()


def already_logged(send: ReminderSend) -> bool:
    kind = entry_kind(send.reminder)
    if kind is None:
        return False
    user = send.reminder.user
    return logged_on(kind, user.pk, send.day, user.profile.zone)


def quiet_hours(profile: Profile) -> reminders.QuietHours | None:
    hours = profile.quiet_hours
    return reminders.QuietHours(*hours) if hours else None


# --- 1. Claiming ------------------------------------------------------------------------


def plans() -> list[reminders.Plan]:
    """Every reminder that is on, of people who can sign in, as plain data."""
    rows = Reminder.objects.filter(enabled=True, user__is_active=True).values_list(
        "pk",
        "time",
        "days",
        "active_since",
        "user__profile__timezone",
        "user__profile__quiet_start",
        "user__profile__quiet_end",
    )
    return [
        reminders.Plan(
            reminder_id=pk,
            at=at,
            days=days,
            zone=zone,
            quiet=reminders.QuietHours(start, end) if start and end else None,
            since=since,
        )
        for pk, at, days, since, zone, start, end in rows
        if zone  # every account has a profile (logbook/signals.py); a raw one may not
    ]


def claim_due(now: datetime) -> list[int]:
    """Claim every reminder due now; the ids of the rows this call inserted."""
    due = reminders.due(plans(), now)
    if not due:
        return []
    # Most of them were claimed by an earlier beat: leave those out first.
    claimed = set(
        ReminderSend.objects.filter(
            reminder_id__in={item.reminder_id for item in due},
            day__in={item.day for item in due},
        ).values_list("reminder_id", "day")
    )
    token = uuid.uuid4()
    ReminderSend.objects.bulk_create(
        [
            ReminderSend(reminder_id=item.reminder_id, day=item.day, due_at=item.at, claim=token)
            for item in due
            if (item.reminder_id, item.day) not in claimed
        ],
        ignore_conflicts=True,
    )
    return list(ReminderSend.objects.filter(claim=token).values_list("pk", flat=True))


def to_send_again(now: datetime) -> list[int]:
    """Snoozed reminders whose snooze is over, failed ones still worth a try, and
    rows left "sending" by a sender that died (made failed first)."""
    stuck = ReminderSend.objects.filter(
        status=SendStatus.SENDING, sending_since__lt=now - SENDING_TIMEOUT
    )
    stuck.update(status=SendStatus.FAILED, error="The sender stopped while sending.")
    return list(
        ReminderSend.objects.filter(
            Q(status=SendStatus.SNOOZED, due_at__lte=now)
            | Q(
                status=SendStatus.FAILED,
                attempts__lt=MAX_ATTEMPTS,
                due_at__gt=now - reminders.CATCH_UP,
            )
        ).values_list("pk", flat=True)
    )


# --- 2. Sending ---------------------------------------------------------------------------


def deliver(send_ids, now: datetime | None = None) -> dict[str, list[int]]:
    """Send these rows, each at most once; {status: [ids]} of what became of them."""
    now = now or timezone.now()
    token = uuid.uuid4()
    ReminderSend.objects.filter(
        Q(status__in=[SendStatus.PENDING, SendStatus.FAILED])
        | Q(status=SendStatus.SNOOZED, due_at__lte=now),
        pk__in=list(send_ids),
    ).update(status=SendStatus.SENDING, claim=token, sending_since=now)
    sends = ReminderSend.objects.filter(claim=token, status=SendStatus.SENDING).select_related(
        "reminder__user__profile"
    )
    outcome = {}
    for send in sends:
        outcome.setdefault(str(send_one(send)), []).append(send.pk)
    if outcome:
        counts = ", ".join(f"{status} {len(ids)}" for status, ids in sorted(outcome.items()))
        logger.info("reminders: %s", counts)
    return outcome


def send_one(send: ReminderSend) -> str:
    reminder, user = send.reminder, send.reminder.user
    send.attempts += 1
    if not reminder.enabled:
        return finish(send, SendStatus.SKIPPED, error="turned off")
    if already_logged(send):
        return finish(send, SendStatus.SKIPPED, error="already logged that day")
    errors = []
    if push.available():
        delivered = False
        for subscription in user.push_subscriptions.all():
            result, error = push.send(subscription, notification(send))
            delivered |= result == push.Outcome.SENT
            if error:
                errors.append(f"push: {error}")
        if delivered:
            return finish(send, SendStatus.SENT, Channel.PUSH, "; ".join(errors))
    if not user.email:
        if errors:
            return finish(send, SendStatus.FAILED, error="; ".join(errors))
        return finish(send, SendStatus.SKIPPED, error="no phone for push and no email address")
    try:
        reminder_email(send).send()
    except Exception as exc:  # smtplib and socket errors alike: recorded, tried again
        logger.warning("reminder email for send %s failed: %s", send.pk, type(exc).__name__)
        errors.append(f"email: {type(exc).__name__}")
        return finish(send, SendStatus.FAILED, error="; ".join(errors))
    return finish(send, SendStatus.SENT, Channel.EMAIL, "; ".join(errors))


def finish(send: ReminderSend, status: str, channel: str = "", error: str = "") -> str:
    send.status, send.channel, send.error = status, channel, error
    if status == SendStatus.SENT:
        send.sent_at = timezone.now()
    send.save(update_fields=["status", "channel", "error", "attempts", "sent_at"])
    return status


def title(reminder: Reminder) -> str:
    return reminder.text if reminder.what == ReminderWhat.CUSTOM else WHATS[reminder.what].title


def notification(send: ReminderSend) -> dict:
    """What the service worker shows (templates/sw.js): the title and body, the
    form a tap opens, and the snooze action (not on a snoozed one sent again)."""
    reminder = send.reminder
    payload = {
        "title": title(reminder),
        "body": WHATS[reminder.what].body,
        "url": form_url(reminder),
        "tag": f"reminder-{reminder.pk}",
    }
    if send.snoozed_at is None:
        payload["snooze_url"] = reverse("reminder_snooze", args=[snooze_token(send)])
        payload["actions"] = [{"action": "snooze", "title": "Snooze 1 hour"}]
    return payload


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def reminder_email(send: ReminderSend) -> EmailMultiAlternatives:
    """The reminder by email: a plain-text body, and an HTML one."""
    reminder = send.reminder
    context = {
        "title": title(reminder),
        "body": WHATS[reminder.what].body,
        "form_url": absolute(form_url(reminder)),
        "snooze_url": absolute(reverse("reminder_snooze", args=[snooze_token(send)]))
        if send.snoozed_at is None
        else "",
        "settings_url": absolute(reverse("settings") + "#reminders"),
    }
    message = EmailMultiAlternatives(
        subject=context["title"],
        body=render_to_string("emails/reminder.txt", context),
        to=[reminder.user.email],
    )
    message.attach_alternative(render_to_string("emails/reminder.html", context), "text/html")
    return message


# --- 3. Snoozing ----------------------------------------------------------------------------


def snooze_token(send: ReminderSend) -> str:
    return signing.dumps({"send": send.pk}, salt=SNOOZE_SALT)


def send_from_token(token: str) -> ReminderSend:
    """The send a snooze link names. Raises signing.BadSignature for a tampered or
    expired link, ReminderSend.DoesNotExist for one whose reminder is gone."""
    payload = signing.loads(token, salt=SNOOZE_SALT, max_age=SNOOZE_LINK_AGE)
    return ReminderSend.objects.select_related("reminder__user__profile").get(pk=payload["send"])


class Snoozed(StrEnum):
    SNOOZED = "snoozed"
    ALREADY = "already"  # snoozed once today already, or not sent (yet)
    QUIET = "quiet"  # an hour from now is in quiet hours that end tomorrow


def snooze(send: ReminderSend, now: datetime) -> tuple[Snoozed, datetime | None]:
    """Put a sent reminder off by reminders.SNOOZE (past quiet hours, if they end
    that day); (what happened, when it comes again)."""
    if send.status != SendStatus.SENT or send.snoozed_at is not None:
        return Snoozed.ALREADY, None
    profile = send.reminder.user.profile
    until = reminders.snoozed_until(now, profile.timezone, send.day, quiet_hours(profile))
    if until is None:
        return Snoozed.QUIET, None
    if not send.snooze(until):
        return Snoozed.ALREADY, None
    return Snoozed.SNOOZED, until


# --- All at once ------------------------------------------------------------------------------


def send_due(now: datetime | None = None) -> dict[str, list[int]]:
    """Claim and send, here and now, every reminder that is due."""
    now = now or timezone.now()
    return deliver(claim_due(now) + to_send_again(now), now)
