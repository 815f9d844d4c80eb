"""Idempotent writes: how a client-chosen id makes retries and replays safe.

A phone that loses its connection mid-request cannot know whether the server
stored the entry, so it sends it again with the same id. These functions make
the second send harmless: the id finds the row the first send created.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.db import IntegrityError, transaction


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
    instance: object = None
    errors: dict = field(default_factory=dict)


def find_by_id(model, entry_id):
    """The entry with this id, whoever owns it, or None."""
    if entry_id is None:
        return None
    return model.objects.filter(pk=entry_id).first()


def save_entry(serializer_class, data, context, *, existing, update_existing) -> Outcome:
    """Create the entry `data` describes, or settle what its id already names.

    `existing` is the row that already has `data`'s id (any owner's), or None.
    If it is the requester's, a create replay keeps it as it is, while a sync
    (`update_existing`) brings it up to date. Raises NotYours for another
    person's row, which must stay untouched.
    """
    user = context["request"].user
    if existing is not None:
        if existing.user_id != user.pk:
            raise NotYours
        if not update_existing:
            return Outcome(Status.UNCHANGED, existing)

    serializer = serializer_class(existing, data=data, context=context)
    if not serializer.is_valid():
        return Outcome(Status.INVALID, errors=serializer.errors)

    if existing is not None:
        if not differs(existing, serializer.validated_data):
            return Outcome(Status.UNCHANGED, existing)
        with transaction.atomic():
            return Outcome(Status.UPDATED, serializer.save())

    try:
        with transaction.atomic():
            return Outcome(Status.CREATED, serializer.save(user=user))
    except IntegrityError:
        # Two sends of one entry raced and the other one inserted it first.
        raced = find_by_id(serializer_class.Meta.model, serializer.validated_data.get("id"))
        if raced is not None:
            return save_entry(
                serializer_class, data, context, existing=raced, update_existing=update_existing
            )
        # Or another entry took a unique slot (a check-in's date) meanwhile:
        # validating again now reports it by field.
        serializer = serializer_class(data=data, context=context)
        if serializer.is_valid():
            raise
        return Outcome(Status.INVALID, errors=serializer.errors)


def differs(instance, validated_data) -> bool:
    return any(getattr(instance, name) != value for name, value in validated_data.items())
