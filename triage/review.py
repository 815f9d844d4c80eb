"""Reviewers' decisions about flags, each recorded as a FlagReview."""

from django.core.exceptions import ValidationError
from django.db import transaction

from triage.models import NOTE_REQUIRED, Decision, Flag, FlagReview


def decide(flag: Flag, reviewer, decision: str, note: str = "", shared: bool = False) -> FlagReview:
    """Set the flag's status to the decision and record who decided what, and why.

    Escalating and dismissing need a note; a note may be shared with the athlete.
    """
    decision = Decision(decision)
    note = note.strip()
    if decision in NOTE_REQUIRED and not note:
        raise ValidationError({"note": f"{decision.label} needs a note saying why."})
    with transaction.atomic():
        flag = Flag.objects.select_for_update().get(pk=flag.pk)
        review = FlagReview.objects.create(
            flag=flag,
            reviewer=reviewer,
            from_status=flag.status,
            to_status=decision.value,
            note=note,
            shared_with_athlete=shared and bool(note),
        )
        flag.status = decision.value
        flag.save(update_fields=["status", "updated_at"])
    return review
