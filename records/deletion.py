"""Deleting an account: every row of the person's goes, in one transaction.

What goes: their entries, profile, API token, flags, evaluation state, digest
logs and share links (so every link stops working at once), their sessions
on every device, django-axes' records of their username, the admin's log
lines about any of their rows, and the user.

What stays: the reviewers' decisions about their flags (FlagReview), as the
review desk's record of who decided what and when: reviewer, from and to
status, time. Each loses its flag (FlagReview.flag is set to null) and its
note, which becomes REMOVED_NOTE, so no health detail is left in them.

The log line says the user's id and how many rows went, nothing else.
"""

import logging
from collections import Counter
from importlib import import_module

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from triage.models import FlagReview

logger = logging.getLogger("records.account")

# A decision's note after its athlete's account is gone (escalating and
# dismissing must have a note, so it is replaced rather than emptied).
REMOVED_NOTE = "(removed with the athlete's account)"

REVIEWER_REFUSAL = (
    "This account recorded reviewers' decisions about flags, which are kept as the "
    "review desk's record; an administrator must deactivate it instead."
)


class CannotDelete(Exception):
    """The account cannot be deleted here; the message says why."""


def refusal(user) -> str | None:
    """Why this account cannot be deleted here, or None."""
    if FlagReview.objects.filter(reviewer=user).exists():
        return REVIEWER_REFUSAL
    return None


def delete_account(user) -> dict[str, int]:
    """Delete the person and every row of theirs (their entries go with the
    account, which withdraws the announcement of their deletion: see
    logbook/signals.py); keep the reviewers' decisions
    about their flags without the flag or the note. Returns rows removed by
    model label (and "triage.FlagReview kept" for the decisions kept).

    Raises CannotDelete when refusal() says so; nothing is deleted then."""
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        reason = refusal(user)
        if reason:
            raise CannotDelete(reason)
        user_id = user.pk
        counts: Counter[str] = Counter()
        counts["triage.FlagReview kept"] = FlagReview.objects.filter(flag__user=user).update(
            flag=None, note=REMOVED_NOTE
        )
        counts["admin.LogEntry"] += delete_admin_log_about(user)
        counts["sessions.Session"] = delete_sessions(user)
        username = user.get_username()
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            counts[model._meta.label], _ = model.objects.filter(username=username).delete()
        _, cascaded = user.delete()
        counts.update(cascaded)
    removed = {label: n for label, n in sorted(counts.items()) if n}
    logger.info("account deleted: user %s; rows %s", user_id, removed)
    return removed


def owned_models(user_model) -> list[tuple[type[models.Model], str]]:
    """(model, field) for every model whose rows go with their user."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation
        and field.related_model is user_model
        and field.remote_field.on_delete is models.CASCADE
    ]


def delete_admin_log_about(user) -> int:
    """The admin's log lines about the person or any row of theirs: each names
    its row in words ("Cramp, left calf, 30 s"), by whoever made the change."""
    user_model = type(user)
    doomed = []
    for model, field in [(user_model, "pk"), *owned_models(user_model)]:
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        lines = dict(
            LogEntry.objects.filter(content_type=content_type).values_list("pk", "object_id")
        )
        if not lines:
            continue
        theirs = {str(row.pk) for row in model.objects.filter(**{field: user.pk}).iterator()}
        doomed += [pk for pk, object_id in lines.items() if object_id in theirs]
    return LogEntry.objects.filter(pk__in=doomed).delete()[0] if doomed else 0


def delete_sessions(user) -> int:
    """The person's sessions in the session table, signed in on any device.

    Sessions kept only in a cache or a cookie cannot be listed; they end anyway,
    since Django drops a session whose user is gone."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    theirs = str(user.pk)
    keys = [
        key
        for key, data in store.get_model_class()
        .objects.values_list("session_key", "session_data")
        .iterator()
        if store().decode(data).get(SESSION_KEY) == theirs
    ]
    for key in keys:
        store(key).delete()
    return len(keys)
