"""Who gets their weekly digest when, and how it is sent exactly once.

Every hour, each athlete whose own clock has passed Monday 08:00 (the
settings DIGEST_WEEKDAY and DIGEST_HOUR) is due the digest of the week before,
unless they already have it. Claiming comes first: a run inserts one
DigestLog row per athlete and week, and the unique constraint lets only one
run, retry or worker insert it. Only the run that inserted a row sends it.
"""

import logging
import uuid
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from logbook.models import DigestDetail
from triage import digest as digests
from triage import mail
from triage.models import DigestLog, DigestStatus

logger = logging.getLogger(__name__)

BATCH = 500


# A beat that was down still sends the digest if it is back within this long.
CATCH_UP = timedelta(hours=24)
# A row "sending" for longer than this was left by a sender that died; sending
# one email takes seconds, so after this long it is taken as not sent.
SENDING_TIMEOUT = timedelta(minutes=30)
# How often a digest is tried in all before it is left as failed (the admin shows it).
MAX_ATTEMPTS = 6


def due_weeks(now: datetime) -> dict[date, list[int]]:
    """{Monday of the week due: ids of athletes due it}, by each athlete's own clock.

    Only athletes who had joined by the end of that week: a new account gets
    no summary of a week it did not see.
    """
    due = defaultdict(list)
    people = (
        get_user_model()
        .objects.filter(is_active=True, profile__digest_enabled=True)
        .exclude(email="")
        .values_list("pk", "profile__timezone", "date_joined")
    )
    mondays = {}
    for user_id, zone_name, joined in people:
        if zone_name not in mondays:
            mondays[zone_name] = week_due(now.astimezone(ZoneInfo(zone_name)))
        monday = mondays[zone_name]
        if monday is not None and joined_by(joined, zone_name, monday):
            due[monday].append(user_id)
    return due


def joined_by(joined: datetime, zone_name: str, monday: date) -> bool:
    """Whether an account existed by the end of the week of `monday`, on its clock."""
    return joined.astimezone(ZoneInfo(zone_name)).date() <= monday + timedelta(days=6)


def who_joined_by(user_ids, monday: date) -> list[int]:
    """Of these accounts, those that existed by the end of the week of `monday`."""
    people = get_user_model().objects.filter(pk__in=user_ids)
    return [
        user_id
        for user_id, zone_name, joined in people.values_list(
            "pk", "profile__timezone", "date_joined"
        )
        if joined_by(joined, zone_name, monday)
    ]


def week_due(local_now: datetime) -> date | None:
    """The Monday of the week whose digest is due at `local_now`, if any.

    The week before is due from the sending weekday and hour (Monday 08:00)
    for CATCH_UP, so a beat that was briefly down still sends it.
    """
    this_monday = local_now.date() - timedelta(days=local_now.weekday())
    send_at = datetime.combine(
        this_monday + timedelta(days=settings.DIGEST_WEEKDAY),
        time(settings.DIGEST_HOUR),
        tzinfo=local_now.tzinfo,
    )
    if not send_at <= local_now < send_at + CATCH_UP:
        return None
    return this_monday - timedelta(days=7)


def claim(user_ids, monday: date) -> list[int]:
    """Insert this week's DigestLog rows; the ids of those this run inserted."""
    iso_year, iso_week, _ = monday.isocalendar()
    token = uuid.uuid4()
    DigestLog.objects.bulk_create(
        [
            DigestLog(user_id=uid, iso_year=iso_year, iso_week=iso_week, claim=token)
            for uid in user_ids
        ],
        ignore_conflicts=True,
    )
    return list(DigestLog.objects.filter(claim=token).values_list("pk", flat=True))


def claim_due(now: datetime) -> list[int]:
    """Claim every digest due now; the ids of the DigestLog rows this call inserted."""
    return [
        log_id for monday, user_ids in due_weeks(now).items() for log_id in claim(user_ids, monday)
    ]


def deliver(log_ids, *, connection=None) -> dict[str, list[int]]:
    """Send the claimed digests, each at most once; {status: [log ids]} of what became of them.

    A row is sent only after a conditional UPDATE moves it from pending (or
    failed) to sending, so two workers given the same ids never both send it.
    """
    token = uuid.uuid4()
    DigestLog.objects.filter(
        pk__in=log_ids, status__in=[DigestStatus.PENDING, DigestStatus.FAILED]
    ).update(status=DigestStatus.SENDING, claim=token, sending_since=timezone.now())
    logs = list(DigestLog.objects.filter(claim=token).select_related("user", "user__profile"))
    outcome = defaultdict(list)
    by_week = defaultdict(list)
    for log in logs:
        by_week[log.monday].append(log)
    # One SMTP connection for the whole run; send_one reopens it after a failure.
    connection = connection or get_connection()
    try:
        for monday, week_logs in by_week.items():
            for start in range(0, len(week_logs), BATCH):
                batch = week_logs[start : start + BATCH]
                weeks = digests.load_weeks([log.user_id for log in batch], monday)
                for log in batch:
                    outcome[send_one(log, weeks.get(log.user_id), connection)].append(log.pk)
    finally:
        connection.close()
    return dict(outcome)


def send_one(log: DigestLog, week, connection) -> str:
    user = log.user
    log.attempts += 1
    if week is None or (
        settings.DIGEST_SKIP_EMPTY_WEEKS and week.entries_logged == 0 and not week.flags
    ):
        return finish(log, DigestStatus.SKIPPED, "nothing logged" if week else "no profile")
    private = user.profile.digest_detail == DigestDetail.PRIVATE
    message = mail.digest_message(user, digests.summarise(week), private=private)
    try:
        connection.open()  # a no-op while the connection is open
        connection.send_messages([message])
    except Exception as exc:  # smtplib and socket errors alike: recorded, retried later
        logger.warning("digest %s failed: %s", log.pk, type(exc).__name__)
        connection.close()
        return finish(log, DigestStatus.FAILED, f"{type(exc).__name__}: {exc}")
    return finish(log, DigestStatus.SENT)


def finish(log: DigestLog, status: str, error: str = "") -> str:
    log.status = status
    log.error = error
    log.sent_at = timezone.now() if status == DigestStatus.SENT else None
    log.save(update_fields=["status", "error", "sent_at", "attempts"])
    return status


def recover_stuck(now: datetime) -> list[int]:
    """Rows left "sending" by a sender that died: marked failed, to be sent again.
    The ids of the rows recovered."""
    stuck = DigestLog.objects.filter(
        status=DigestStatus.SENDING, sending_since__lt=now - SENDING_TIMEOUT
    )
    ids = list(stuck.values_list("pk", flat=True))
    # Conditional on still being stuck: two recoveries at once recover it once.
    DigestLog.objects.filter(pk__in=ids, status=DigestStatus.SENDING).update(
        status=DigestStatus.FAILED, error="The sender stopped while sending; sent again."
    )
    return ids


def failed_to_retry(user_ids, monday: date) -> list[int]:
    """This week's failed digests of these athletes that may be tried again."""
    iso_year, iso_week, _ = monday.isocalendar()
    return list(
        DigestLog.objects.filter(
            user_id__in=user_ids,
            iso_year=iso_year,
            iso_week=iso_week,
            status=DigestStatus.FAILED,
            attempts__lt=MAX_ATTEMPTS,
        ).values_list("pk", flat=True)
    )


def send_due(now: datetime | None = None) -> dict[str, list[int]]:
    """Claim and send, here and now, every digest that is due."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = claim_due(now)
    return deliver(claimed + recover_stuck(now))
