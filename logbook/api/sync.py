"""POST /api/v1/sync/: the offline outbox, sent as one batch.

Each item is saved or rejected on its own and reported by its client id, so a
phone can drop what was confirmed and keep showing what was refused. Sending
the same batch again answers "unchanged" for every item and writes nothing.

A phone back online may send hundreds of entries at once, so the common case
is made cheap: one query finds which ids are already stored, one serializer
checks every item of a kind, and the new entries go in with one INSERT. Only
when that INSERT is refused (a race with another send) does each entry go
through the one-at-a-time path of the create endpoint.
"""

import uuid

from django.db import IntegrityError, transaction
from rest_framework import serializers
from rest_framework.exceptions import APIException, ValidationError

from logbook.api import serializers as s
from logbook.api.writes import NotYours, Status, differs, save_entry
from logbook.signals import announce_after_commit

MAX_ITEMS = 500

SERIALIZERS = {
    "workouts": s.WorkoutSerializer,
    "hydration": s.HydrationSerializer,
    "episodes": s.EpisodeSerializer,
    "checkins": s.CheckinSerializer,
}

NOT_YOURS = "This id cannot be used; generate a new one."
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
        for kind, items in batch.items():
            results += KindSync(kind, context).run(items)
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


class KindSync:
    """Syncs the items of one kind (say, episodes) of a batch."""

    def __init__(self, kind, context):
        self.kind = kind
        self.context = context
        self.user = context["request"].user
        # One serializer checks every item, as DRF's ListSerializer does, so
        # its fields are built once rather than once per item.
        self.serializer = SERIALIZERS[kind](context=context)
        self.model = self.serializer.Meta.model
        self.stored = {}  # id -> row already in the database (any owner's)
        self.pending = {}  # id -> (result, item, unsaved row) awaiting the INSERT

    def run(self, items) -> list[dict]:
        ids = {entry_id for entry_id in map(client_id, items) if entry_id}
        self.stored = {row.pk: row for row in self.model.objects.filter(pk__in=ids)}
        results = []
        for item in items:
            entry_id = client_id(item)
            if entry_id in self.pending:
                self.insert_pending()  # the same id twice: the second edits the first
            results.append(self.sync_item(entry_id, item))
        self.insert_pending()
        return results

    def sync_item(self, entry_id, item) -> dict:
        result = {"type": self.kind, "id": str(entry_id) if entry_id else None}

        def invalid(errors):
            return {**result, "status": Status.INVALID, "errors": errors}

        if not isinstance(item, dict):
            return invalid({"non_field_errors": ["Must be an object."]})
        if entry_id is None:
            result["id"] = item.get("id")
            return invalid({"id": ["Must be a valid UUID." if "id" in item else NO_ID]})

        stored = self.stored.get(entry_id)
        if stored is not None and stored.user_id != self.user.pk:
            return invalid({"id": [NOT_YOURS]})
        self.serializer.instance = stored
        try:
            validated = self.serializer.run_validation(item)
        except ValidationError as exc:
            return invalid(exc.detail)

        if stored is None:
            # Reported as created unless insert_pending finds otherwise.
            result.update(status=Status.CREATED, errors={})
            self.pending[entry_id] = (result, item, self.model(user=self.user, **validated))
            return result
        if not differs(stored, validated):
            return {**result, "status": Status.UNCHANGED, "errors": {}}
        self.serializer.update(stored, validated)
        return {**result, "status": Status.UPDATED, "errors": {}}

    def insert_pending(self):
        if not self.pending:
            return
        pending, self.pending = list(self.pending.values()), {}
        try:
            with transaction.atomic():
                self.model.objects.bulk_create([row for _, _, row in pending])
        except IntegrityError:
            # Another request stored one of these ids or dates meanwhile:
            # settle each entry on its own, as the create endpoint does.
            for result, item, _ in pending:
                result.update(self.save_one(item))
            return
        for _, _, row in pending:
            self.stored[row.pk] = row
            # bulk_create sends no post_save, so announce here.
            announce_after_commit(row, "saved")

    def save_one(self, item) -> dict:
        try:
            outcome = save_entry(type(self.serializer), item, self.context, update_existing=True)
        except NotYours:
            return {"status": Status.INVALID, "errors": {"id": [NOT_YOURS]}}
        if outcome.serializer is not None:
            self.stored[outcome.serializer.instance.pk] = outcome.serializer.instance
        return {"status": outcome.status, "errors": outcome.errors}


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
