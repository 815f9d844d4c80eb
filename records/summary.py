"""The visit summary: one person's log over a range of days, read once from the
database and answered as records/questions.py answers it.

`build(user, start, end)` is what the page, the PDF, the share link and the
CSV all show, so each of them says the same.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from logbook.models import Profile
from records import questions
from triage import patterns, reading, rules
from triage import wording as says
from triage.history import EpisodeRecord, History
from triage.models import Flag

# The default range: the last 90 days.
DEFAULT_DAYS = 90
# The longest range a summary covers, and the earliest day it may start.
MAX_DAYS = 366 * 2
EARLIEST = date(2000, 1, 1)


# What the athlete may leave out of a summary they print or share. The five
# questions themselves are always in it.
SECTIONS = {
    "symptoms": "Other symptoms",
    "context": "Training, fluids and daily check-ins",
    "medications": "Medications",
    "signs": "The guidance's signs",
    "flags": "Flags and their review",
    "patterns": "Patterns: what came before episodes",
    "detail": "A detail page: each episode and its days (PDF)",
}
DEFAULT_SECTIONS = ("symptoms", "context", "medications", "signs", "flags", "patterns")


def chosen_sections(values: list[str], asked: bool) -> list[str]:
    """The sections ticked in the form (in SECTIONS' order), or the defaults when
    the form was not sent."""
    if not asked:
        return list(DEFAULT_SECTIONS)
    return [key for key in SECTIONS if key in values]


class RangeError(ValueError):
    """A range a summary cannot cover; the message names what is wrong."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def parse_range(start_text: str | None, end_text: str | None, today: date) -> tuple[date, date]:
    """?from= and ?to= as ISO dates; either may be left out (to: today, from: 90
    days before `to`). Raises RangeError naming the field."""
    end = parse_day("to", end_text) if end_text else today
    if end > today:
        raise RangeError("to", f"“to” is after today ({today.isoformat()}).")
    if end < EARLIEST:
        raise RangeError("to", f"“to” is before {EARLIEST.isoformat()}.")
    start = parse_day("from", start_text) if start_text else end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise RangeError("from", "“from” is after “to”: the range is reversed.")
    if start < EARLIEST:
        raise RangeError("from", f"“from” is before {EARLIEST.isoformat()}.")
    if (end - start).days + 1 > MAX_DAYS:
        raise RangeError("from", f"The range is longer than {MAX_DAYS} days.")
    return start, end


def parse_day(field: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RangeError(field, f"“{field}” is not a date like 2026-11-30.") from None


@dataclass(frozen=True)
class FlagLine:
    """A flag raised in the range, as the athlete sees it, with the review's outcome."""

    rule_title: str
    severity: str
    window_start: date
    window_end: date
    message: str
    outcome: str  # "Open", "Reviewed", …
    notes: tuple[str, ...]  # reviewers' notes shared with the athlete


@dataclass(frozen=True)
class Summary:
    start: date
    end: date
    episodes: tuple[EpisodeRecord, ...]
    places: list[questions.Place]
    symptoms: list[questions.Symptom]
    training: questions.Training
    fluids: questions.Fluids
    days: questions.Days
    medications: str
    signs: list[questions.Sign]
    flags: list[FlagLine]
    history: History  # the range and the days before it, for each episode's context
    patterns: patterns.Patterns  # what came before the range's episodes (triage/patterns.py)

    @property
    def episode_days(self) -> int:
        return len({e.day for e in self.episodes})

    @property
    def weeks(self) -> float:
        return questions.weeks_in(self.start, self.end)

    @property
    def places_again(self) -> list[questions.Place]:
        """The places with more than one episode: each answers the questions."""
        return [place for place in self.places if place.episodes > 1]

    @property
    def places_once(self) -> list[questions.Place]:
        return [place for place in self.places if place.episodes == 1]

    @property
    def signs_matched(self) -> list[questions.Sign]:
        return [s for s in self.signs if s.state == questions.MATCHED]

    @property
    def pattern_overview(self) -> str:
        return says.overview(self.patterns)

    @property
    def pattern_note(self) -> str:
        return says.IN_SHORT

    @property
    def clear_patterns(self) -> list[tuple[str, str]]:
        """(what it says, how sure) of each clear difference in the range."""
        return [(says.sentence(c, self.patterns), says.interval(c)) for c in self.patterns.clear]


def build(user, start: date, end: date) -> Summary:
    """The summary of `user`'s log from `start` to `end`, their own calendar days.

    The rules read the range with the days before it (their usual history), so
    that a week's load has its usual weeks and a run that began before the range
    is still a run; only what they find within the range is shown."""
    context_days = settings.TRIAGE["history_days"]
    history = reading.read_history(user, (end - start).days + 1 + context_days, on=end)
    episodes = tuple(e for e in history.episodes if start <= e.day <= end)
    findings = [
        f
        for f in rules.evaluate(history, rules.Thresholds.from_settings())
        if f.window_end >= start and f.window_start <= end
    ]
    profile = Profile.objects.get(user=user)
    return Summary(
        start=start,
        end=end,
        episodes=episodes,
        places=questions.places(
            episodes,
            {
                place: first.astimezone(history.zone)
                for place, first in reading.first_episodes(user.pk).items()
            },
            start,
            end,
        ),
        symptoms=questions.symptoms(episodes),
        training=questions.training(history, start, end),
        fluids=questions.fluids(history, start, end),
        days=questions.days(history.checkins, start, end),
        medications=profile.medications.strip(),
        signs=questions.signs(findings),
        flags=flag_lines(user, start, end),
        history=history,
        patterns=patterns.patterns(history, start, end),
    )


def flag_lines(user, start: date, end: date) -> list[FlagLine]:
    flags = (
        Flag.objects.filter(user=user, window_end__gte=start, window_start__lte=end)
        .with_shared_notes()
        .order_by("window_start", "rule")
    )
    return [
        FlagLine(
            rule_title=flag.get_rule_display().capitalize(),
            severity=rules.Severity(flag.severity).label,
            window_start=flag.window_start,
            window_end=flag.window_end,
            message=flag.message,
            outcome=flag.get_status_display(),
            notes=tuple(review.note for review in flag.shared_reviews),
        )
        for flag in flags
    ]


def today_for(user) -> date:
    return timezone.now().astimezone(Profile.objects.get(user=user).zone).date()
