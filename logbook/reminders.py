"""When a reminder is due: plain functions over plain data, no database.

A reminder goes out on its days, at its time on its person's clock, at most
once a day. The beat runs every minute; a reminder is due from its time for
CATCH_UP, so a beat or worker that was down for a while still sends it late
rather than never.

Clocks change. A time that does not exist that day (02:30 when the clocks go
forward at 02:00) goes out when it would have, by the clock before the change,
which reads 03:30 after it; a time that happens twice (02:30 when they go
back) goes out at the first. Either way, once.

Quiet hours are the person's (Profile.quiet_start and quiet_end) and may span
midnight. Whatever would go out inside them, a reminder or a snoozed one,
waits until they end, if they end on the reminder's own day; if they end only
on the next (22:00 to 07:00 holds a 23:00 reminder until tomorrow), it is not
sent at all: a reminder about today is stale tomorrow.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# A reminder still goes out this long after its time (a beat that was down).
CATCH_UP = timedelta(hours=1)
# How long "Snooze" puts a reminder off.
SNOOZE = timedelta(hours=1)

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
EVERY_DAY = 0b1111111
WORKDAYS = 0b0011111
WEEKEND = 0b1100000


# --- Days -------------------------------------------------------------------------


def days_mask(weekdays: Iterable[int]) -> int:
    """The bit mask of these weekdays (0 is Monday)."""
    mask = 0
    for weekday in weekdays:
        mask |= 1 << int(weekday)
    return mask


def weekdays(mask: int) -> list[int]:
    return [weekday for weekday in range(7) if mask & (1 << weekday)]


def falls_on(mask: int, day: date) -> bool:
    return bool(mask & (1 << day.weekday()))


def days_label(mask: int) -> str:
    """ "Every day", "Weekdays", "Weekends" or "Mon, Wed, Fri"."""
    named = {EVERY_DAY: "Every day", WORKDAYS: "Weekdays", WEEKEND: "Weekends"}
    return named.get(mask) or ", ".join(WEEKDAYS[weekday] for weekday in weekdays(mask))


# --- Clocks -------------------------------------------------------------------------


def wall_clock(day: date, at: time, zone: ZoneInfo) -> datetime:
    """`at` on `day` on a clock in `zone`: in a gap, the instant the clock before
    the change would have shown it; when it happens twice, the first (fold 0)."""
    return datetime.combine(day, at, tzinfo=zone)


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    def covers(self, moment: time) -> bool:
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end  # spans midnight

    def end_after(self, local: datetime) -> datetime:
        """The first end of quiet hours after `local`, on the same clock."""
        end = wall_clock(local.date(), self.end, local.tzinfo)
        if end <= local:
            end = wall_clock(local.date() + timedelta(days=1), self.end, local.tzinfo)
        return end

    def __str__(self):
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


def release(local: datetime, day: date, quiet: QuietHours | None) -> datetime | None:
    """When something meant to go out at `local`, for the reminder of `day`, may
    go out: at once outside quiet hours; inside them, when they end, if that is
    still on `day`; otherwise never (None)."""
    if quiet is None or not quiet.covers(local.time()):
        return local
    end = quiet.end_after(local)
    return end if end.date() == day else None


# --- Which reminders are due ------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """A reminder as the due logic sees it."""

    reminder_id: object
    at: time
    days: int
    zone: str
    quiet: QuietHours | None = None
    # A time before this instant is not sent (the reminder was set after it).
    since: datetime | None = None


@dataclass(frozen=True)
class Due:
    reminder_id: object
    day: date  # the reminder's day, on its person's clock
    at: datetime  # when it became due (UTC)


def send_at(plan: Plan, day: date) -> datetime | None:
    """When the reminder of `day` goes out (UTC), or None if it does not."""
    if not falls_on(plan.days, day):
        return None
    scheduled = wall_clock(day, plan.at, ZoneInfo(plan.zone))
    if plan.since is not None and scheduled < plan.since:
        return None
    released = release(scheduled, day, plan.quiet)
    return released.astimezone(UTC) if released else None


def due(plans: Iterable[Plan], now: datetime) -> list[Due]:
    """The reminders due at `now`: each one's time (after quiet hours) has come
    and is less than CATCH_UP ago. Yesterday's too, on the person's clock, for
    a reminder just before midnight."""
    found = []
    for plan in plans:
        today = now.astimezone(ZoneInfo(plan.zone)).date()
        for day in (today - timedelta(days=1), today):
            at = send_at(plan, day)
            if at is not None and at <= now < at + CATCH_UP:
                found.append(Due(plan.reminder_id, day, at))
    return found


def snoozed_until(now: datetime, zone: str, day: date, quiet: QuietHours | None):
    """When a reminder of `day` snoozed at `now` goes out again (UTC), or None
    when that falls in quiet hours that end only after `day`."""
    released = release((now + SNOOZE).astimezone(ZoneInfo(zone)), day, quiet)
    return released.astimezone(UTC) if released else None
