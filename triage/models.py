"""What triage remembers: the flags it raised, and when it last looked at each person."""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from logbook.models import choices_constraint
from triage.rules import RULE_TITLES, Rule, Severity


class FlagQuerySet(models.QuerySet):
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
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    REVIEWED = "reviewed", "Reviewed"
    DISMISSED = "dismissed", "Dismissed"
    ESCALATED = "escalated", "Escalated"


class Flag(models.Model):
    """A concerning pattern in one athlete's log, with its evidence.

    One flag per rule and window: evaluating again updates the flag's evidence
    rather than adding another. Its severity only rises while it is open.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags"
    )
    rule = models.CharField(max_length=32, choices=[(r.value, RULE_TITLES[r]) for r in Rule])
    severity = models.CharField(
        max_length=16, choices=[(s.value, s.value.replace("_", " ")) for s in Severity]
    )
    window_start = models.DateField()
    window_end = models.DateField()
    evidence = models.JSONField(default=dict)
    message = models.TextField()
    advice = models.TextField()
    source = models.TextField()
    status = models.CharField(max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN)
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
            models.UniqueConstraint(
                fields=["user", "rule", "window_start"], name="flag_one_per_rule_and_window"
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

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="reviews")
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
