"""A flag's life as an evaluation changes it, and which finding updates which flag:
the engine's merge, as plain code.

An evaluation turns one athlete's findings into flags. A finding updates the
flag of the same rule whose window it overlaps, whatever that flag's status,
so a pattern that goes on keeps one flag; otherwise it becomes a new flag.
Severity only rises, and a stronger finding reopens a flag that was decided,
and asks the athlete to look again.

When the rules change (RULES_VERSION), a flag an older version raised is kept
only where the new rules support it: a finding of the same rule overlaps it
at its severity or above. One awaiting review that the new rules no longer
support is closed as superseded; it is never deleted, and its reviews stay.

The engine (triage/engine.py) reads an athlete's flags, calls `merge`, and
writes what it returns in bulk. The population runner (tests/population_run.py)
calls the same `merge` on flags it keeps in memory, so the simulated sweep
measures what the real one does. Neither the database nor the ORM is needed
here: the Flag model and the runner's flags both inherit FlagLife.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

from triage.rules import RULES_VERSION, Finding, Severity

# FlagStatus's values, spelled out so that this module never loads the models
# (tests/test_flag_life.py checks them against FlagStatus).
OPEN = "open"
ESCALATED = "escalated"
SUPERSEDED = "superseded"
AWAITING_REVIEW = (OPEN, ESCALATED)

# What an evaluation may change on a flag; the engine saves these (and updated_at).
FIELDS_SET_BY_EVALUATION = (
    "severity",
    "status",
    "window_start",
    "window_end",
    "evidence",
    "message",
    "advice",
    "source",
    "seen_at",
    "rules_version",
)


class FlagLife:
    """What happens to a flag as the log changes; the Flag model's, and the
    simulation's flags', own methods. The attributes are the model's fields."""

    rule: str
    severity: str
    status: str
    window_start: date
    window_end: date
    evidence: dict
    message: str
    advice: str
    source: str
    seen_at: object
    rules_version: int

    @property
    def awaiting_review(self) -> bool:
        return self.status in AWAITING_REVIEW

    def reopen(self) -> None:
        """Back to the reviewers' queue, and unseen: it says something new."""
        self.status = OPEN
        self.seen_at = None

    def supersede(self) -> None:
        """Closed because the rules no longer support it; kept, with its reviews."""
        self.status = SUPERSEDED

    def absorb(self, finding: Finding, same_rule_flags: Sequence["FlagLife"]) -> bool:
        """Bring the flag up to date with a finding; True if anything changed.

        Severity only rises: a finding weaker than the flag (say, after an entry
        was deleted) leaves the flag as it is. A stronger finding reopens it.
        """
        severity = Severity(finding.severity)
        stored = Severity(self.severity)
        if severity.rank < stored.rank:
            return False
        before = [getattr(self, name) for name in FIELDS_SET_BY_EVALUATION]
        if severity.rank > stored.rank:
            self.reopen()
        self.severity = severity
        # The window start is part of the flag's identity; it only moves earlier
        # (an entry logged late) when no other flag of the rule holds that start.
        starts_taken = {f.window_start for f in same_rule_flags if f is not self}
        if finding.window_start < self.window_start and finding.window_start not in starts_taken:
            self.window_start = finding.window_start
        self.window_end = max(finding.window_end, self.window_start)
        self.evidence = finding.evidence
        self.message = finding.message
        self.advice = finding.advice
        self.source = finding.source
        self.rules_version = RULES_VERSION
        return [getattr(self, name) for name in FIELDS_SET_BY_EVALUATION] != before


F = TypeVar("F", bound=FlagLife)


@dataclass
class Merge(Generic[F]):
    """What one evaluation does to one athlete's flags."""

    # New flags, made by the caller's `new_flag`, to be saved.
    created: list[F] = field(default_factory=list)
    # Existing flags that changed (superseded ones too). A flag that two
    # findings changed appears twice; saving it twice saves its last state.
    updated: list[F] = field(default_factory=list)


def merge(
    findings: Iterable[Finding],
    flags_by_rule: Mapping[str, Sequence[F]],
    new_flag: Callable[[Finding], F],
) -> Merge[F]:
    """Match one athlete's findings to their flags, updating those flags in place.

    `flags_by_rule` holds the athlete's flags that a finding could overlap
    (superseded ones left out), each rule's in order of window start: the
    earliest overlapping flag is the one a finding updates. The findings are
    taken in order, and each sees the flags as the findings before it left
    them; a flag created here is not matched again in the same evaluation (a
    rule's findings never overlap).
    """
    result: Merge[F] = Merge()
    for finding in findings:
        flags = flags_by_rule.get(finding.rule, ())
        flag = next((f for f in flags if overlaps(f, finding)), None)
        if flag is not None and not_supported(flag, finding):
            flag = None  # superseded below; the finding is a flag of its own
        if flag is None:
            result.created.append(new_flag(finding))
        elif flag.absorb(finding, flags):
            result.updated.append(flag)
    for flags in flags_by_rule.values():
        for flag in flags:
            if flag.rules_version != RULES_VERSION and flag.awaiting_review:
                flag.supersede()
                result.updated.append(flag)
    return result


def not_supported(flag: FlagLife, finding: Finding) -> bool:
    """An older rules' flag awaiting review that this finding, weaker, no longer
    supports. (Under the same rules, a weaker finding just leaves the flag as it is.)"""
    return (
        flag.rules_version != RULES_VERSION
        and flag.awaiting_review
        and Severity(finding.severity).rank < Severity(flag.severity).rank
    )


def overlaps(flag: FlagLife, finding: Finding) -> bool:
    return flag.window_start <= finding.window_end and finding.window_start <= flag.window_end
