"""POST /api/v1/sync/: the offline outbox, sent as one batch.

Each item is saved or rejected on its own and reported by its client id, so a
phone can drop what was confirmed and keep showing what was refused. Sending
the same batch again answers "unchanged" for every item and writes nothing.
"""

import uuid

from django.db import transaction
from rest_framework import serializers
from rest_framework.exceptions import APIException, ValidationError

from logbook.api import serializers as s
from logbook.api.writes import NotYours, Status, save_entry

MAX_ITEMS = 500

SERIALIZERS = {
    "workouts": s.WorkoutSerializer,
    "hydration": s.HydrationSerializer,
    "episodes": s.EpisodeSerializer,
    "checkins": s.CheckinSerializer,
}


class BatchTooLarge(APIException):
    status_code = 413
    default_code = "batch_too_large"


def sync_batch(data, context) -> list[dict]:
    """Save every item of `data`, and say what became of each."""
    batch = checked_batch(data)
    results = []
    # One transaction for the batch is one commit instead of hundreds; each item
    # still succeeds or fails alone inside its own savepoint.
    with transaction.atomic():
        for kind, items in batch.items():
            serializer_class = SERIALIZERS[kind]
            existing = rows_by_id(serializer_class.Meta.model, items)
            for item in items:
                results.append(sync_item(kind, serializer_class, item, existing, context))
    return results


def checked_batch(data) -> dict[str, list]:
    if not isinstance(data, dict):
        raise ValidationError(
            {"non_field_errors": [f"Send an object with lists under {', '.join(SERIALIZERS)}."]}
        )
    errors = {}
    for key, items in data.items():
        if key not in SERIALIZERS:
            errors[key] = [f"Unknown entry type; use {', '.join(SERIALIZERS)}."]
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


def rows_by_id(model, items) -> dict:
    """The rows, of any owner, that already carry the batch's ids: one query."""
    ids = {entry_id for entry_id in map(client_id, items) if entry_id}
    return {row.pk: row for row in model.objects.filter(pk__in=ids)}


def sync_item(kind, serializer_class, item, existing, context) -> dict:
    entry_id = client_id(item)
    result = {"type": kind, "id": str(entry_id) if entry_id else None}
    if not isinstance(item, dict):
        return {
            **result,
            "status": Status.INVALID,
            "errors": {"non_field_errors": ["Must be an object."]},
        }
    if entry_id is None:
        message = "Must be a valid UUID." if "id" in item else "Each item needs its client id."
        return {
            **result,
            "id": item.get("id"),
            "status": Status.INVALID,
            "errors": {"id": [message]},
        }
    try:
        outcome = save_entry(
            serializer_class,
            item,
            context,
            existing=existing.get(entry_id),
            update_existing=True,
        )
    except NotYours:
        errors = {"id": ["This id cannot be used; generate a new one."]}
        return {**result, "status": Status.INVALID, "errors": errors}
    if outcome.instance is not None:
        # A later item in this batch with the same id finds this one.
        existing[entry_id] = outcome.instance
    return {**result, "status": outcome.status, "errors": outcome.errors}


class SyncRequestSerializer(serializers.Serializer):
    """For the schema: the shape of a batch."""

    workouts = s.WorkoutSerializer(many=True, required=False)
    hydration = s.HydrationSerializer(many=True, required=False)
    episodes = s.EpisodeSerializer(many=True, required=False)
    checkins = s.CheckinSerializer(many=True, required=False)


class SyncResultSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=list(SERIALIZERS))
    id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=[status.value for status in Status])
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by field name; empty unless the status is invalid.",
    )


class SyncResponseSerializer(serializers.Serializer):
    results = SyncResultSerializer(many=True)
