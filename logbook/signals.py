"""logbook's announcement that a person's entries changed.

Apps that read the log (triage) listen to `entry_changed`; logbook calls nobody,
so it depends on nothing downstream. The announcement goes out only after the
transaction commits: a listener never sees a change that was rolled back, and a
listener that fails (say, the broker is down) never undoes or fails a save.
"""

import logging

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

logger = logging.getLogger(__name__)

# Sent with sender=<the entry's model>, user_id=..., entry_id=..., action="saved" or
# "deleted", and changed_at: when the entry was saved or deleted (before the commit).
entry_changed = Signal()


def announce_after_commit(entry, action: str) -> None:
    model, user_id, entry_id = type(entry), entry.user_id, entry.pk
    changed_at = timezone.now()

    def send():
        replies = entry_changed.send_robust(
            sender=model, user_id=user_id, entry_id=entry_id, action=action, changed_at=changed_at
        )
        for receiver, reply in replies:
            if isinstance(reply, Exception):
                # Only names and the error: never the entry's contents.
                logger.error(
                    "entry_changed receiver %s failed for user %s",
                    getattr(receiver, "__qualname__", receiver),
                    user_id,
                    exc_info=reply,
                )

    transaction.on_commit(send, robust=True)


def entry_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        announce_after_commit(instance, "saved")


def entry_deleted(sender, instance, **kwargs):
    announce_after_commit(instance, "deleted")


def create_profile(sender, instance, created, raw=False, **kwargs):
    from logbook.models import Profile

    if created and not raw:
        Profile.objects.get_or_create(user=instance)
