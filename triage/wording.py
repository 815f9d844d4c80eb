"""How the patterns view (triage/patterns.py) says what it found: every sentence, in one place.

The view describes; it never claims a cause. Its words say what came on which
days, with the counts, and how sure that is: "unlikely to be chance" for a
clear difference, "no clear difference yet" for the rest, "not enough days
yet" below the minimum. tests/test_patterns.py checks every phrase here for
causal words ("cause", "because", "due to", "triggers", "leads to", …).

Quantities read as logbook/wording.py writes them.
"""

from logbook import wording
from triage import patterns
from triage.patterns import Comparison, Outcome, Patterns

UNLIKELY_CHANCE = "This is unlikely to be chance."
NO_CLEAR_DIFFERENCE = "No clear difference yet"
NOT_ENOUGH_DAYS = "Not enough days yet"
LEVEL = f"{patterns.CONFIDENCE * 100:.0f} % interval"

# What a status is called, on the page and in the API.
STATUS_WORDS = {
    patterns.MORE: "Clear: more often",
    patterns.FEWER: "Clear: less often",
    patterns.NO_CLEAR_DIFFERENCE: "Could be chance",
    patterns.NOT_ENOUGH_DAYS: NOT_ENOUGH_DAYS,
}

# How the method reads, for the page's and the summary's small print.
HOW_SURE = (
    f"Each comparison counts days: the share of days with an episode on days with the factor, "
    f"against the days without it. A difference is called unlikely to be chance only when it "
    f"stays so after allowing for every factor being compared at once (Fisher's exact test, "
    f"Benjamini–Hochberg, at {patterns.Q:g}: stricter than the usual 0.05, since habits last "
    f"for days and episodes come in runs, and days that follow one another are not "
    f"independent). Intervals are {LEVEL}s. A factor needs {patterns.MIN_DAYS} days with it "
    f"and {patterns.MIN_DAYS} without, and the comparison {patterns.MIN_EPISODE_DAYS} days "
    "with an episode."
)
# The visit summary's small print: which factors, and what the comparison is.
IN_SHORT = (
    "Each factor's days set against the days without it: "
    + wording.and_list([factor.name.lower() for factor in patterns.FACTORS])
    + ". This describes the log; it does not say what brought an episode on. A difference is "
    "called unlikely to be chance only after allowing for every factor compared at once."
)
DESCRIBES = (
    "This describes your log: which days your episodes came on. It cannot tell what brought "
    "them on, and factors that came together on the same days cannot be told apart. Days "
    "without an entry may be days without an episode, or days nothing was logged."
)


def outcome_name(outcome: Outcome) -> str:
    """ "episodes", "cramps", "episodes in the calf", "cramps in the back of the thigh"."""
    name = wording.kind_name(outcome.kind, 2) if outcome.kind else "episodes"
    if outcome.region:
        name += f" in the {wording.region(outcome.region)}"
    return name


def times(value: float) -> str:
    """3.14 -> "3.1", 0.42 -> "0.4", 15.6 -> "16": a ratio, read at a glance."""
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def days_of(count: int) -> str:
    return "none" if count == 0 else f"{count:,}"


def sentence(comparison: Comparison, report: Patterns) -> str:
    """What one factor's comparison says, with its day counts."""
    c = comparison
    name = outcome_name(report.outcome)
    days_with = c.factor.days_with
    counts = (
        f"on {days_of(c.episode_days_with)} of {wording.plural(c.days_with, 'such day')}, "
        f"against {days_of(c.episode_days_without)} of {c.days_without:,} {c.factor.others}"
    )
    if c.status == patterns.NOT_ENOUGH_DAYS:
        return not_enough(c, report)
    if c.status == patterns.NO_CLEAR_DIFFERENCE:
        return f"{NO_CLEAR_DIFFERENCE}: {name} came {counts}."
    if c.status == patterns.MORE:
        if c.ratio is None:
            return (
                f"{name.capitalize()} came more often on days {days_with}: {counts}. "
                f"{UNLIKELY_CHANCE}"
            )
        return (
            f"{name.capitalize()} came {times(c.ratio)} times as often on days {days_with}: "
            f"{counts}. {UNLIKELY_CHANCE}"
        )
    return f"{name.capitalize()} came less often on days {days_with}: {counts}. {UNLIKELY_CHANCE}"


def not_enough(c: Comparison, report: Patterns) -> str:
    """Not enough days with the factor, or without it, or with an episode: how many more."""
    return f"{NOT_ENOUGH_DAYS}: {days_needed(c, report)}"


def days_needed(c: Comparison, report: Patterns) -> str:
    """ "8 days with it and 59 without so far; a comparison needs 10 of each (2 more with it)." """
    if not (c.more_days_with or c.more_days_without):
        return episode_days_needed(report)
    needs = wording.and_list(
        [
            text
            for more, text in (
                (c.more_days_with, f"{c.more_days_with} more with it"),
                (c.more_days_without, f"{c.more_days_without} more without"),
            )
            if more
        ]
    )
    return (
        f"{wording.plural(c.days_with, 'day')} with it and {c.days_without:,} without so far; "
        f"a comparison needs {patterns.MIN_DAYS} of each ({needs})."
    )


def interval(comparison: Comparison) -> str:
    """How sure the ratio is: "99 % interval: 1.2 to 8.1 times as often." after a
    sentence that says the ratio, "1.4 times as often; 99 % interval: 0.5 to 3.9
    times." after one that does not; or why there is no ratio."""
    c = comparison
    if not c.compared:
        return ""
    if c.ratio is None:
        side = "with it" if not c.episode_days_with else "without it"
        return (
            f"No ratio: no day {side} had one. The intervals of the two shares show how sure "
            "each is."
        )
    bounds = f"{LEVEL}: {times(c.ratio_low)} to {times(c.ratio_high)} times"
    if c.status == patterns.MORE:  # the sentence said how many times
        return f"{bounds} as often."
    return f"{times(c.ratio)} times as often; {bounds}."


def episode_days_needed(report: Patterns) -> str:
    """ "cramps on 3 days in these 71 days; a comparison needs at least 5." """
    return (
        f"{outcome_name(report.outcome)} on {wording.plural(report.episode_days, 'day')} in "
        f"these {wording.plural(report.days, 'day')}; a comparison needs at least "
        f"{patterns.MIN_EPISODE_DAYS}."
    )


def too_few_episode_days(report: Patterns) -> str:
    """Why nothing was compared, when the episodes are too few."""
    return f"{NOT_ENOUGH_DAYS}: {episode_days_needed(report)}"


def overview(report: Patterns) -> str:
    """The page's headline: how many differences are clear, out of how many compared."""
    name = outcome_name(report.outcome)
    if not report.enough_episode_days:
        return too_few_episode_days(report)
    compared, clear = len(report.compared), len(report.clear)
    if not compared:
        return f"{NOT_ENOUGH_DAYS}: no factor has enough days with it and without it."
    if not clear:
        return (
            f"{NO_CLEAR_DIFFERENCE}: of {wording.plural(compared, 'factor')} compared over "
            f"{wording.plural(report.days, 'day')} with {name} on "
            f"{wording.plural(report.episode_days, 'day')}, none stands out from chance."
        )
    return (
        f"{wording.plural(clear, 'clear difference')} among {wording.plural(compared, 'factor')} "
        f"compared, over {wording.plural(report.days, 'day')} with {name} on "
        f"{wording.plural(report.episode_days, 'day')}."
    )


def digest_line(new: list[Comparison], report: Patterns) -> str:
    """One line for the weekly digest: the patterns that became clear this week."""
    name = outcome_name(report.outcome)
    if len(new) == 1:
        return f"New in your patterns: {sentence(new[0], report)}"
    clauses = [
        f"{'more' if c.status == patterns.MORE else 'less'} often on days {c.factor.days_with}"
        for c in new
    ]
    return (
        f"New in your patterns: {name} came {wording.and_list(clauses)}; each is unlikely to "
        "be chance (the Patterns page has the counts)."
    )


def summary_line(report: Patterns) -> str:
    """The visit summary's short form: the clear differences, or that there are none."""
    clear = report.clear
    if not report.enough_episode_days:
        return too_few_episode_days(report)
    if not clear:
        return overview(report)
    return " ".join(f"{sentence(c, report)} {interval(c)}" for c in clear)
