"""Which finding updates which flag, and how: the engine's merge, as plain code.

An evaluation turns one athlete's findings into flags. A finding updates the
flag of the same rule whose window it overlaps, whatever that flag's status,
so a pattern that goes on keeps one flag; otherwise it becomes a new flag. Severity only rises,
and a stronger finding reopens a flag that was acknowledged or decided.

The engine (triage/engine.py) reads an athlete's flags, calls `merge`, and
writes what it returns in bulk. The population runner (tests/population_run.py)
calls the same `merge` on flags it keeps in memory, so the simulated sweep
measures what the real one does. Neither the database nor the ORM is needed
here: a flag is anything with the attributes of `FlagState`, a Flag row or a
plain object alike.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, Protocol, TypeVar

from triage.rules import Finding, Severity

# FlagStatus.OPEN's value; spelled out so that this module never loads the models.
OPEN = "open"

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
)


class FlagState(Protocol):
    rule: str
    severity: str
    status: str
    window_start: date
    window_end: date
    evidence: dict
    message: str
    advice: str
    source: str


F = TypeVar("F", bound=FlagState)


@dataclass
class Merge(Generic[F]):
    """What one evaluation does to one athlete's flags."""

    # New flags, made by the caller's `new_flag`, to be saved.
    created: list[F] = field(default_factory=list)
    # Existing flags that changed, in the order their findings came. A flag that
    # two findings changed appears twice; saving it twice saves its last state.
    updated: list[F] = field(default_factory=list)


def merge(
    findings: Iterable[Finding],
    flags_by_rule: Mapping[str, Sequence[F]],
    new_flag: Callable[[Finding], F],
) -> Merge[F]:
    """Match one athlete's findings to their flags, updating those flags in place.

    `flags_by_rule` holds the athlete's flags that a finding could overlap,
    each rule's in order of window start: the earliest overlapping flag is the
    one a finding updates. The findings are taken in order, and each sees the
    flags as the findings before it left them; a flag created here is not
    matched again in the same evaluation (a rule's findings never overlap).
    """
    result: Merge[F] = Merge()
    for finding in findings:
        flags = flags_by_rule.get(finding.rule, ())
        flag = next((f for f in flags if overlaps(f, finding)), None)
        if flag is None:
            result.created.append(new_flag(finding))
        elif update_flag(flag, finding, flags):
            result.updated.append(flag)
    return result


def overlaps(flag: FlagState, finding: Finding) -> bool:
    return flag.window_start <= finding.window_end and finding.window_start <= flag.window_end


def update_flag(flag: FlagState, finding: Finding, same_rule_flags: Sequence[FlagState]) -> bool:
    """Bring a flag up to date with a finding; True if anything changed.

    Severity only rises: a finding weaker than the flag (say, after an entry
    was deleted) leaves the flag as it is. A stronger finding on a flag that
    was acknowledged or decided reopens it, because the athlete has not seen
    what it says now.
    """
    severity = Severity(finding.severity)
    stored = Severity(flag.severity)
    if severity.rank < stored.rank:
        return False
    before = [getattr(flag, name) for name in FIELDS_SET_BY_EVALUATION]
    if severity.rank > stored.rank and flag.status != OPEN:
        flag.status = OPEN
    flag.severity = severity
    # The window start is part of the flag's identity; it only moves earlier
    # (an entry logged late) when no other flag of the rule holds that start.
    starts_taken = {f.window_start for f in same_rule_flags if f is not flag}
    if finding.window_start < flag.window_start and finding.window_start not in starts_taken:
        flag.window_start = finding.window_start
    flag.window_end = max(finding.window_end, flag.window_start)
    flag.evidence = finding.evidence
    flag.message = finding.message
    flag.advice = finding.advice
    flag.source = finding.source
    return [getattr(flag, name) for name in FIELDS_SET_BY_EVALUATION] != before
