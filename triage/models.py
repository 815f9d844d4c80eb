"""What triage remembers: the flags it raised, and when it last looked at each person."""

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from logbook.models import choices_constraint
from triage import flag_merge
from triage.flag_merge import FlagLife
from triage.rules import RULE_TITLES, RULES_VERSION, Rule, Severity


class FlagQuerySet(models.QuerySet):
    def awaiting_review(self):
        return self.filter(status__in=flag_merge.AWAITING_REVIEW)

    def unseen(self):
        """Awaiting review and not yet marked seen by the athlete: the banner's."""
        return self.awaiting_review().filter(seen_at__isnull=True)

    def with_shared_notes(self):
        """Prefetch, as `shared_reviews`, the reviews whose notes the athlete may read."""
        return self.prefetch_related(
            models.Prefetch(
                "reviews",
                queryset=FlagReview.objects.filter(shared_with_athlete=True),
                to_attr="shared_reviews",
            )
        )


class FlagStatus(models.TextChoices):
    """Where a flag stands with the reviewers. (The athlete's "seen" is seen_at.)"""

    OPEN = flag_merge.OPEN, "Open"
    REVIEWED = "reviewed", "Reviewed"
    DISMISSED = "dismissed", "Dismissed"
    ESCALATED = flag_merge.ESCALATED, "Escalated"
    SUPERSEDED = flag_merge.SUPERSEDED, "Superseded by new rules"


def current_rules_version() -> int:
    return RULES_VERSION


class Flag(FlagLife, models.Model):
    """A concerning pattern in one athlete's log, with its evidence.

    One flag per rule and window: evaluating again updates the flag's evidence
    rather than adding another. Its severity only rises. Its state changes are
    its own methods: the athlete marks it seen (mark_seen), a reviewer decides
    (decide), an evaluation reopens or supersedes it (FlagLife). Acknowledging
    a flag does not take it off the reviewers' queue.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags"
    )
    rule = models.CharField(max_length=32, choices=[(r.value, RULE_TITLES[r]) for r in Rule])
    severity = models.CharField(max_length=16, choices=[(s.value, s.label) for s in Severity])
    window_start = models.DateField()
    window_end = models.DateField()
    evidence = models.JSONField(default=dict)
    message = models.TextField()
    advice = models.TextField()
    source = models.TextField()
    status = models.CharField(max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    # When the athlete marked it seen ("I've seen this"); cleared when it says something new.
    seen_at = models.DateTimeField(null=True, blank=True)
    # The rules that raised it, or last found it still holds (triage.rules.RULES_VERSION).
    rules_version = models.PositiveSmallIntegerField(default=current_rules_version)
    # The severity as a number, kept by the database, so queues can sort worst first.
    severity_rank = models.GeneratedField(
        expression=models.Case(
            *[models.When(severity=s.value, then=models.Value(s.rank)) for s in Severity],
            default=models.Value(0),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["-window_end", "-created_at"]
        constraints = [
            # Superseded flags are kept as they were, and may share a window start
            # with the flag that took their place.
            models.UniqueConstraint(
                fields=["user", "rule", "window_start"],
                condition=~Q(status=flag_merge.SUPERSEDED),
                name="flag_one_per_rule_and_window",
            ),
            models.CheckConstraint(
                condition=Q(window_end__gte=F("window_start")), name="flag_window_in_order"
            ),
            models.CheckConstraint(
                condition=Q(rule__in=[r.value for r in Rule]), name="flag_rule_choice"
            ),
            models.CheckConstraint(
                condition=Q(severity__in=[s.value for s in Severity]), name="flag_severity_choice"
            ),
            choices_constraint("flag", "status", FlagStatus),
        ]
        indexes = [models.Index(fields=["user", "status"], name="flag_user_status")]

    def __str__(self):
        title = RULE_TITLES[Rule(self.rule)].capitalize()
        return f"{title} ({self.get_severity_display()}) for {self.user}, from {self.window_start}"

    @property
    def sees_doctor(self) -> bool:
        return Severity(self.severity).sees_doctor

    @property
    def severity_label(self) -> str:
        return Severity(self.severity).label

    def mark_seen(self) -> None:
        """The athlete has read it. It stays on the reviewers' queue."""
        if self.seen_at is None:
            self.seen_at = timezone.now()
            self.save(update_fields=["seen_at", "updated_at"])

    def decide(self, reviewer, decision: str, note: str = "", shared: bool = False):
        """A reviewer's decision: the flag takes it as its status, and a FlagReview
        records who decided what and why. Escalating and dismissing need a note;
        a note may be shared with the athlete."""
        decision = Decision(decision)
        note = note.strip()
        if decision in NOTE_REQUIRED and not note:
            raise ValidationError({"note": f"{decision.label} needs a note saying why."})
        with transaction.atomic():
            locked = Flag.objects.select_for_update().get(pk=self.pk)
            review = FlagReview.objects.create(
                flag=locked,
                reviewer=reviewer,
                from_status=locked.status,
                to_status=decision.value,
                note=note,
                shared_with_athlete=shared and bool(note),
            )
            locked.status = self.status = decision.value
            locked.save(update_fields=["status", "updated_at"])
        return review


class Decision(models.TextChoices):
    """What a reviewer can decide about a flag; each is the flag's new status."""

    REVIEWED = FlagStatus.REVIEWED.value, "Mark reviewed"
    ESCALATED = FlagStatus.ESCALATED.value, "Escalate"
    DISMISSED = FlagStatus.DISMISSED.value, "Dismiss"


# Escalating or dismissing must say why.
NOTE_REQUIRED = {Decision.ESCALATED, Decision.DISMISSED}


class FlagReview(models.Model):
    """One reviewer's decision about a flag: who, when, from what to what, and why.

    Written once, never changed: the admin offers no way to edit or delete one,
    and saving an existing row again is refused.
    """

    # Empty once the athlete deleted their account: the decision stays on record
    # (who, when, from what to what), the flag and every health detail go.
    flag = models.ForeignKey(
        Flag, on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="flag_reviews"
    )
    from_status = models.CharField(max_length=16, choices=FlagStatus.choices)
    to_status = models.CharField(max_length=16, choices=FlagStatus.choices)
    note = models.TextField(blank=True)
    shared_with_athlete = models.BooleanField(
        default=False, help_text="Show the note to the athlete with the flag."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            choices_constraint("review", "from_status", FlagStatus),
            choices_constraint("review", "to_status", FlagStatus),
            models.CheckConstraint(
                condition=~Q(to_status__in=sorted(NOTE_REQUIRED)) | ~Q(note=""),
                name="review_note_where_required",
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} {self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A flag review is a record: it cannot be changed.")
        super().save(*args, **kwargs)


class EvaluationState(models.Model):
    """When a person's log last changed, and when triage last read it.

    The person is due ("dirty") when the log changed after the last evaluation
    began. The sweep finds the due, so nothing is missed when the queue loses
    a task or the broker is down.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="triage_state",
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    last_evaluated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "evaluation state"

    def __str__(self):
        return f"Evaluation state of {self.user}"

    @property
    def dirty(self) -> bool:
        return self.changed_at is not None and (
            self.last_evaluated_at is None or self.changed_at > self.last_evaluated_at
        )


class DigestStatus(models.TextChoices):
    PENDING = "pending", "Claimed, not sent yet"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed; will be retried"
    SKIPPED = "skipped", "Skipped"


class DigestLog(models.Model):
    """One athlete's digest for one ISO week: claimed once, before sending.

    The unique (user, iso_year, iso_week) row is the claim: whichever beat,
    retry or worker inserts it first sends that week's digest, and nobody
    else does.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_logs"
    )
    iso_year = models.PositiveSmallIntegerField()
    iso_week = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=8, choices=DigestStatus.choices, default=DigestStatus.PENDING
    )
    # Which run claimed the row, so that a run can find the rows it inserted.
    claim = models.UUIDField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When a sender moved it to "sending": a row left there long after was
    # abandoned by a sender that died, and is sent again (weekly.recover_stuck).
    sending_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "digest"
        ordering = ["-iso_year", "-iso_week", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "iso_year", "iso_week"], name="digest_once_a_week"
            ),
            models.CheckConstraint(
                condition=Q(iso_week__gte=1, iso_week__lte=53), name="digest_iso_week_range"
            ),
            choices_constraint("digest", "status", DigestStatus),
        ]
        indexes = [models.Index(fields=["claim"], name="digest_claim")]

    def __str__(self):
        return f"Digest {self.iso_year}-W{self.iso_week:02d} for {self.user}"

    @property
    def monday(self):
        return date.fromisocalendar(self.iso_year, self.iso_week, 1)
