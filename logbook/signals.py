"""logbook's announcement that a person's entries changed.

Apps that read the log (triage) listen to `entry_changed`; logbook calls nobody,
so it depends on nothing downstream. The announcement goes out once per
transaction and person, after the transaction commits, naming every entry it
saved or deleted for them: a sync of fifty entries is one announcement, not
fifty. A listener never sees a transaction that was rolled back, and a
listener that fails (say, the broker is down) never undoes or fails a save.
(An entry saved in a savepoint that was later rolled back may still be named
in its transaction's announcement; listeners re-read the log, so it does no harm.)
"""

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

logger = logging.getLogger(__name__)

# Sent with sender=Announcement, user_id=..., changed_at (when the first change of
# the transaction was made, before the commit) and entries: [(model, entry id,
# "saved" or "deleted"), ...] in the order they were made.
entry_changed = Signal()


@dataclass
class Announcement:
    """One person's changes in one transaction, waiting for its commit."""

    user_id: int
    changed_at: datetime
    entries: list[tuple[type, object, str]] = field(default_factory=list)
    # The commit hook that sends it, once registered.
    callback: object = field(default=None, repr=False)
    # Set when the person's account was deleted in the same transaction: there
    # is nobody left to evaluate, so nothing is announced.
    withdrawn: bool = False

    def send(self) -> None:
        if self.withdrawn:
            return
        replies = entry_changed.send_robust(
            sender=Announcement,
            user_id=self.user_id,
            changed_at=self.changed_at,
            entries=self.entries,
        )
        for receiver, reply in replies:
            if isinstance(reply, Exception):
                # Only names and the error: never the entries' contents.
                logger.error(
                    "entry_changed receiver %s failed for user %s",
                    getattr(receiver, "__qualname__", receiver),
                    self.user_id,
                    exc_info=reply,
                )


# Each thread's connections' open announcements, by (database alias, user id).
_waiting = threading.local()


def announce_after_commit(entry, action: str) -> None:
    """Add this change to its person's announcement for the current transaction."""
    change = (type(entry), entry.pk, action)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        # Autocommit: the change is committed already.
        Announcement(entry.user_id, timezone.now(), [change]).send()
        return
    waiting = _waiting.__dict__.setdefault("announcements", {})
    key = (connection.alias, entry.user_id)
    open_ = waiting.get(key)
    if open_ is None or not still_waiting(connection, open_):
        announcement = Announcement(entry.user_id, timezone.now())

        def send_when_committed(announcement=announcement):
            if waiting.get(key) is announcement:
                del waiting[key]
            announcement.send()

        announcement.callback = send_when_committed
        waiting[key] = announcement
        transaction.on_commit(send_when_committed, robust=True)
        open_ = announcement
    open_.entries.append(change)


def still_waiting(connection, announcement: Announcement) -> bool:
    """Whether the announcement's commit hook is still queued on the connection:
    a rollback drops the hooks of what it rolls back, and a commit runs them.
    (Django keeps them as (savepoint ids, callback, robust) in run_on_commit.)"""
    return any(hook[1] is announcement.callback for hook in connection.run_on_commit)


def account_deleted(sender, instance, **kwargs):
    """A deleted account takes its entries with it (after they announced their
    deletion, one by one): withdraw the announcement, since nobody is left to
    read the log for."""
    waiting = _waiting.__dict__.get("announcements", {})
    announcement = waiting.pop((transaction.get_connection().alias, instance.pk), None)
    if announcement is not None:
        announcement.withdrawn = True


def entry_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        announce_after_commit(instance, "saved")


def entry_deleted(sender, instance, **kwargs):
    announce_after_commit(instance, "deleted")


def revoke_token_on_new_password(sender, instance, created, raw=False, **kwargs):
    """A changed or reset password ends the old API token: whoever had the old
    password may have taken the token too. (Django keeps the new password in
    `_password` until the save that stores it is over.)"""
    from rest_framework.authtoken.models import Token

    if not created and not raw and getattr(instance, "_password", None) is not None:
        Token.objects.filter(user=instance).delete()


def create_profile(sender, instance, created, raw=False, **kwargs):
    from logbook.models import Profile

    if created and not raw:
        Profile.objects.get_or_create(user=instance)
