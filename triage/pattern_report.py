"""One athlete's patterns over recent days, for the Patterns page and the API.

Reads the History with triage/reading.py (the days asked for and the
CONTEXT_DAYS before them) and hands it to the pure triage/patterns.py.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.utils import timezone

from logbook import wording
from logbook.models import BodyRegion, EpisodeKind
from triage import charts, patterns, reading
from triage import wording as says
from triage.patterns import Outcome, Patterns

KINDS = [kind for kind, _ in EpisodeKind.choices]
REGIONS = [region for region, _ in BodyRegion.choices]
MIN_DAYS, MAX_DAYS = 28, 730


class ChoiceError(ValueError):
    """A query parameter the patterns view cannot take; the message names it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def parse(query) -> tuple[Outcome, int]:
    """(outcome, days) from ?kind=, ?region= and ?days= (each optional); raises
    ChoiceError naming the field."""
    kind = query.get("kind") or None
    region = query.get("region") or None
    if kind is not None and kind not in KINDS:
        raise ChoiceError("kind", f"Choose one of {', '.join(KINDS)}, or leave it out for any.")
    if region is not None and region not in REGIONS:
        raise ChoiceError(
            "region", f"Choose one of {', '.join(REGIONS)}, or leave it out for anywhere."
        )
    raw = query.get("days") or str(patterns.DEFAULT_DAYS)
    # isdigit() alone takes "²" and "٣", which int() then refuses.
    if not (raw.isascii() and raw.isdigit()) or not MIN_DAYS <= int(raw) <= MAX_DAYS:
        raise ChoiceError("days", f"A whole number of days from {MIN_DAYS} to {MAX_DAYS}.")
    return Outcome(kind, region), int(raw)


def pattern_report(
    user,
    outcome: Outcome = patterns.ANY_EPISODE,
    days: int = patterns.DEFAULT_DAYS,
    *,
    now=None,
) -> tuple[Patterns, dict]:
    """(the patterns over the last `days` days, what was logged by kind and region:
    {"kinds": [(kind, episode days)], "regions": [(region, episode days)]}, the
    most first), so that the page offers only choices with episodes."""
    history = reading.read_history(user, days + patterns.CONTEXT_DAYS, now=now or timezone.now())
    first = history.today - timedelta(days=days - 1)
    report = patterns.patterns(history, first, history.today, outcome)
    return report, logged_choices(history, first)


def logged_choices(history, first) -> dict:
    kinds: dict[str, set] = {}
    regions: dict[str, set] = {}
    for episode in history.episodes:
        if episode.day >= first:
            kinds.setdefault(episode.kind, set()).add(episode.day)
            regions.setdefault(episode.body_region, set()).add(episode.day)

    def ranked(found):
        return sorted(((key, len(days)) for key, days in found.items()), key=lambda kv: -kv[1])

    return {"kinds": ranked(kinds), "regions": ranked(regions)}


def items(report: Patterns) -> list[dict]:
    """Each factor as the page and the API show it, the clear differences first,
    then the others compared, then those without enough days (each group in the
    factor table's order)."""
    rank = {patterns.MORE: 0, patterns.FEWER: 0, patterns.NO_CLEAR_DIFFERENCE: 1}
    ordered = sorted(report.comparisons, key=lambda c: rank.get(c.status, 2))
    return [
        {
            "comparison": c,
            "factor": c.factor,
            "status_words": says.STATUS_WORDS[c.status],
            "sentence": says.sentence(c, report),
            "days_needed": "" if c.compared else says.days_needed(c, report),
            "interval": says.interval(c),
            "chart": charts.pattern_chart(c) if c.compared else None,
        }
        for c in ordered
    ]


def choices(outcome: Outcome, logged: dict, days: int = patterns.DEFAULT_DAYS) -> dict:
    """The page's choices of kind and region, as links: each with its label, its
    query (which keeps the days asked for), its count of episode days and
    whether it is the one shown. Only what was logged is offered, and what is shown."""
    logged = {
        "kinds": with_shown(logged["kinds"], outcome.kind),
        "regions": with_shown(logged["regions"], outcome.region),
    }
    kept_days = days if days != patterns.DEFAULT_DAYS else None

    def query(kind, region) -> str:
        asked = (("kind", kind), ("region", region), ("days", kept_days))
        return "?" + urlencode({key: value for key, value in asked if value})

    kinds = [
        {
            "label": "All episodes",
            "query": query(None, outcome.region),
            "days": None,
            "current": outcome.kind is None,
        }
    ]
    kinds += [
        {
            "label": wording.kind_name(kind, 2).capitalize(),
            "query": query(kind, outcome.region),
            "days": days,
            "current": outcome.kind == kind,
        }
        for kind, days in logged["kinds"]
    ]
    regions = [
        {
            "label": "Anywhere",
            "query": query(outcome.kind, None),
            "days": None,
            "current": outcome.region is None,
        }
    ]
    regions += [
        {
            "label": wording.region(region).capitalize(),
            "query": query(outcome.kind, region),
            "days": days,
            "current": outcome.region == region,
        }
        for region, days in logged["regions"]
    ]
    return {"kinds": kinds, "regions": regions}


def with_shown(listed: list, key: str | None) -> list:
    """The choices logged, and the one shown if it is not among them (with 0 days)."""
    if key is None or key in {k for k, _ in listed}:
        return listed
    return [*listed, (key, 0)]
