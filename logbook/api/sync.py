"""POST /api/v1/sync/: the offline outbox, sent as one batch.

Each item is saved or refused on its own and reported by its client id, so a
phone can drop what was confirmed and keep showing what was refused. Sending
the same batch again answers "unchanged" for every item and writes nothing.
What becomes of each item is the writer's decision (logbook.writer), as for a
form or a single API create.
"""

import uuid

from django.db import transaction
from rest_framework import serializers
from rest_framework.exceptions import APIException, ValidationError

from logbook import writer
from logbook.kinds import BY_API_KEY
from logbook.writer import Checked, Status

MAX_ITEMS = 500
NO_ID = "Each item needs its client id."


class BatchTooLarge(APIException):
    status_code = 413
    default_code = "batch_too_large"


def sync_batch(data, context) -> list[dict]:
    """Save every item of `data`, and say what became of each."""
    batch = checked_batch(data)
    results = []
    # One transaction, so one commit, for the whole batch; items that fail
    # are refused inside it without disturbing the others.
    with transaction.atomic():
        for api_key, items in batch.items():
            results += sync_kind(api_key, items, context)
    return results


def checked_batch(data) -> dict[str, list]:
    if not isinstance(data, dict):
        raise ValidationError(
            {"non_field_errors": [f"Send an object with lists under {', '.join(BY_API_KEY)}."]}
        )
    errors = {}
    for key, items in data.items():
        if key not in BY_API_KEY:
            errors[key] = [f"Unknown entry type; use {', '.join(BY_API_KEY)}."]
        elif not isinstance(items, list):
            errors[key] = ["Must be a list."]
    if errors:
        raise ValidationError(errors)
    total = sum(len(items) for items in data.values())
    if total > MAX_ITEMS:
        raise BatchTooLarge(
            f"A sync batch may hold at most {MAX_ITEMS} items; this one holds {total}. "
            "Send it in smaller batches."
        )
    return data


def client_id(item) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(item.get("id")))
    except (AttributeError, ValueError):
        return None


def sync_kind(api_key, items, context) -> list[dict]:
    """The items of one kind (say, episodes): checked here, stored by the writer."""
    kind = BY_API_KEY[api_key]
    # One serializer checks every item, as DRF's ListSerializer does, so its
    # fields are built once rather than once per item.
    serializer = kind.serializer(context=context)

    def check(item):
        def checked(stored) -> Checked:
            serializer.instance = stored
            try:
                values = serializer.run_validation(item)
            except ValidationError as exc:
                return Checked(errors=exc.detail)
            return Checked({name: v for name, v in values.items() if name != "id"})

        return checked

    results = [None] * len(items)
    valid = []  # (position, id, check)
    for position, item in enumerate(items):
        entry_id = client_id(item)
        if not isinstance(item, dict):
            results[position] = invalid(api_key, None, {"non_field_errors": ["Must be an object."]})
        elif entry_id is None:
            message = "Must be a valid UUID." if "id" in item else NO_ID
            given = item.get("id")
            # Echoed as given when it is text, so the phone can find it; else null.
            results[position] = invalid(
                api_key, given if isinstance(given, str) else None, {"id": [message]}
            )
        else:
            valid.append((position, entry_id, check(item)))

    user = context["request"].user
    outcomes = writer.save_batch(kind.model, user, [(i, c) for _, i, c in valid])
    for (position, entry_id, _), outcome in zip(valid, outcomes, strict=True):
        results[position] = {
            "type": api_key,
            "id": str(entry_id),
            "status": outcome.status,
            "errors": outcome.errors,
        }
    return results


def invalid(api_key, entry_id, errors) -> dict:
    return {"type": api_key, "id": entry_id, "status": Status.INVALID, "errors": errors}


class SyncRequestSerializer(serializers.Serializer):
    """For the schema: the shape of a batch."""

    workouts = BY_API_KEY["workouts"].serializer(many=True, required=False)
    hydration = BY_API_KEY["hydration"].serializer(many=True, required=False)
    episodes = BY_API_KEY["episodes"].serializer(many=True, required=False)
    checkins = BY_API_KEY["checkins"].serializer(many=True, required=False)


class SyncResultSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=list(BY_API_KEY))
    id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=[status.value for status in Status])
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by field name; empty unless the status is invalid.",
    )


class SyncResponseSerializer(serializers.Serializer):
    results = SyncResultSerializer(many=True)
