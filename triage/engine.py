"""The one place that writes flags.

`evaluate(user_ids)` reads the last 120 days of a batch of athletes in a fixed
number of queries (triage/reading.py, then their flags), runs the pure rules
on each history, and upserts the flags in bulk. `sweep()` does that for
everyone who is due, batch by batch.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils import timezone

from triage import flag_merge, reading, rules
from triage.models import EvaluationState, Flag, FlagStatus

FLAG_FIELDS_SET_BY_EVALUATION = [*flag_merge.FIELDS_SET_BY_EVALUATION, "updated_at"]


@dataclass
class Outcome:
    users: int = 0
    flags_created: int = 0
    flags_updated: int = 0

    def __iadd__(self, other: "Outcome") -> "Outcome":
        self.users += other.users
        self.flags_created += other.flags_created
        self.flags_updated += other.flags_updated
        return self


def evaluate(user_ids, *, now: datetime | None = None) -> Outcome:
    """Run every rule over these athletes' recent history and save what they find.

    `now` is when the evaluation began: changes committed after it will be
    evaluated again, so it is what `last_evaluated_at` records.
    """
    now = now or timezone.now()
    histories = reading.read_histories(user_ids, settings.TRIAGE["history_days"], now=now)
    thresholds = rules.Thresholds.from_settings()
    found = {user_id: rules.evaluate(history, thresholds) for user_id, history in histories.items()}
    outcome = save_findings(found, histories)
    EvaluationState.objects.bulk_create(
        [EvaluationState(user_id=user_id, last_evaluated_at=now) for user_id in histories],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["last_evaluated_at"],
    )
    outcome.users = len(histories)
    return outcome


def due_user_ids(now: datetime, *, everyone: bool = False) -> list[int]:
    """Active athletes whose log changed since their last evaluation, or who have
    not been evaluated for `reevaluate_hours`, or never."""
    users = get_user_model().objects.filter(is_active=True)
    if not everyone:
        stale = now - timedelta(hours=settings.TRIAGE["reevaluate_hours"])
        users = users.filter(
            Q(triage_state__isnull=True)
            | Q(triage_state__last_evaluated_at__isnull=True)
            | Q(triage_state__last_evaluated_at__lt=stale)
            | Q(triage_state__changed_at__gt=F("triage_state__last_evaluated_at"))
        )
    return list(users.order_by("pk").values_list("pk", flat=True))


def batches(user_ids: list[int]) -> list[list[int]]:
    size = settings.TRIAGE["batch_size"]
    return [user_ids[start : start + size] for start in range(0, len(user_ids), size)]


def sweep(*, now: datetime | None = None, everyone: bool = False, user_ids=None) -> Outcome:
    """Evaluate everyone who is due (or everyone, or these users), batch by batch, here."""
    now = now or timezone.now()
    if user_ids is None:
        user_ids = due_user_ids(now, everyone=everyone)
    outcome = Outcome()
    for batch in batches(user_ids):
        outcome += evaluate(batch, now=now)
    return outcome


# --- Saving -----------------------------------------------------------------------


def save_findings(found: dict[int, list[rules.Finding]], histories: dict) -> Outcome:
    """Upsert the findings as flags: one query to read, one to create, one to update.

    Which finding updates which flag, and how, is decided by flag_merge.merge
    (a finding updates the flag of the same rule whose window it overlaps, so
    a pattern that goes on keeps one flag; otherwise it becomes a new flag).
    """
    if not histories:
        return Outcome()
    earliest = min(h.loaded_since for h in histories.values())
    # Flags that ended before the history loaded cannot overlap any finding.
    existing = defaultdict(lambda: defaultdict(list))
    for flag in (
        Flag.objects.filter(user_id__in=found, window_end__gte=earliest)
        .exclude(status=FlagStatus.SUPERSEDED)
        .order_by("window_start")
    ):
        existing[flag.user_id][flag.rule].append(flag)

    to_create, to_update = [], []
    for user_id, findings in found.items():
        merged = flag_merge.merge(findings, existing[user_id], partial(new_flag, user_id))
        to_create += merged.created
        to_update += merged.updated

    # Updates first: a superseded flag frees its window for the flag taking its place.
    if to_update:
        now = timezone.now()
        for flag in to_update:
            flag.updated_at = now
        Flag.objects.bulk_update(to_update, FLAG_FIELDS_SET_BY_EVALUATION)
    # ignore_conflicts: an evaluation of the same person running at the same
    # moment may have just created the flag; the next evaluation updates it.
    Flag.objects.bulk_create(to_create, ignore_conflicts=True)
    return Outcome(flags_created=len(to_create), flags_updated=len(to_update))


def new_flag(user_id: int, finding: rules.Finding) -> Flag:
    return Flag(
        user_id=user_id,
        rule=finding.rule,
        severity=finding.severity,
        window_start=finding.window_start,
        window_end=finding.window_end,
        evidence=finding.evidence,
        message=finding.message,
        advice=finding.advice,
        source=finding.source,
    )
