"""Idempotent writes: how a client-chosen id makes retries and replays safe.

A phone that loses its connection mid-request cannot know whether the server
stored the entry, so it sends it again with the same id. These functions make
the second send harmless: the id finds the row the first send created.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.db import IntegrityError, transaction
from rest_framework import serializers


class Status(StrEnum):
    CREATED = "created"
    UNCHANGED = "unchanged"
    UPDATED = "updated"
    INVALID = "invalid"


class NotYours(Exception):
    """The id belongs to another person's entry; answer as if it did not exist."""


@dataclass
class Outcome:
    status: Status
    # Bound to the stored entry, ready to render it; None when invalid.
    serializer: serializers.ModelSerializer | None = None
    errors: dict = field(default_factory=dict)


def find_by_id(model, entry_id):
    """The entry with this id, whoever owns it, or None."""
    return model.objects.filter(pk=entry_id).order_by().first()


def save_entry(serializer_class, data, context, *, existing=None, update_existing) -> Outcome:
    """Create the entry `data` describes, or settle what its id already names.

    `existing` is the row already stored under `data`'s id (any owner's), if
    the caller looked it up; otherwise the insert finds out. If the row is the
    requester's, a create replay keeps it as it is, while a sync
    (`update_existing`) brings it up to date. Raises NotYours for another
    person's row, which must stay untouched.
    """
    user = context["request"].user
    if existing is not None:
        if existing.user_id != user.pk:
            raise NotYours
        if not update_existing:
            return Outcome(Status.UNCHANGED, serializer_class(existing, context=context))

    serializer = serializer_class(existing, data=data, context=context)
    if not serializer.is_valid():
        return Outcome(Status.INVALID, errors=serializer.errors)

    if existing is not None:
        if not differs(existing, serializer.validated_data):
            return Outcome(Status.UNCHANGED, serializer)
        serializer.save()
        return Outcome(Status.UPDATED, serializer)

    try:
        insert(serializer, user)
        return Outcome(Status.CREATED, serializer)
    except IntegrityError:
        # The id was taken: by an earlier send of this entry, or one racing it.
        taken_by = find_by_id(serializer_class.Meta.model, serializer.validated_data.get("id"))
        if taken_by is not None:
            return save_entry(
                serializer_class, data, context, existing=taken_by, update_existing=update_existing
            )
        # Or another entry took a unique slot (a check-in's date) meanwhile:
        # validating again now reports it by field.
        serializer = serializer_class(data=data, context=context)
        if serializer.is_valid():
            raise
        return Outcome(Status.INVALID, errors=serializer.errors)


def insert(serializer, user):
    if transaction.get_connection().in_atomic_block:
        # Inside a batch: a savepoint, so that a refused row leaves the batch usable.
        with transaction.atomic():
            serializer.save(user=user)
    else:
        # One INSERT commits on its own; a refused one leaves nothing to undo.
        serializer.save(user=user)


def differs(instance, validated_data) -> bool:
    return any(getattr(instance, name) != value for name, value in validated_data.items())
