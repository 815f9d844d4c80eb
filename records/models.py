import uuid
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

SHARE_SALT = "records.share-link"
SHARE_DAYS_DEFAULT = 7
SHARE_DAYS_MIN, SHARE_DAYS_MAX = 1, 30


class ShareLinkQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ShareLink(models.Model):
    """A read-only link to one person's visit summary, for a clinician: signed,
    expiring, revocable, and counted each time it is opened.

    The address carries the link's id signed with the site's key, so that a
    changed address opens nothing; whether it still opens anything is this
    row's to say (revoked, expired, or deleted with the account)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links"
    )
    # The summary's range, and the sections chosen for it.
    start = models.DateField()
    end = models.DateField()
    sections = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    times_opened = models.PositiveIntegerField(default=0)
    last_opened_at = models.DateTimeField(null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lte=F("end")), name="share_range_in_order"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="share_expires_after_created"
            ),
        ]

    def __str__(self):
        return f"share link {self.pk}"

    @classmethod
    def create(cls, user, start, end, sections, days: int = SHARE_DAYS_DEFAULT) -> "ShareLink":
        if not SHARE_DAYS_MIN <= days <= SHARE_DAYS_MAX:
            raise ValueError(f"a link lasts {SHARE_DAYS_MIN} to {SHARE_DAYS_MAX} days")
        now = timezone.now()
        return cls.objects.create(
            user=user,
            start=start,
            end=end,
            sections=list(sections),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )

    @property
    def token(self) -> str:
        """The link's id, signed with the site's key: the same every time it is asked."""
        return signing.Signer(salt=SHARE_SALT).sign(str(self.pk))

    @classmethod
    def named_by(cls, token: str):
        """The id a token names, if the site signed it; else ShareLink.DoesNotExist."""
        try:
            return signing.Signer(salt=SHARE_SALT).unsign(token)
        except signing.BadSignature:
            raise cls.DoesNotExist from None

    @classmethod
    def opened(cls, pk) -> "ShareLink":
        """The active link `pk`, counted as opened once more; ShareLink.DoesNotExist
        for a link revoked, expired or gone."""
        now = timezone.now()
        updated = (
            cls.objects.active(now)
            .filter(pk=pk)
            .update(times_opened=F("times_opened") + 1, last_opened_at=now)
        )
        if not updated:
            raise cls.DoesNotExist
        return cls.objects.select_related("user__profile").get(pk=pk)

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
