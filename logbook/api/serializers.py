"""How entries look in the API, and how incoming entries are checked.

The ranges and choices come from the model fields' validators, so the API,
forms and admin all reject the same things with the same messages.
"""

import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from logbook.models import (
    DailyCheckin,
    HydrationEntry,
    Relief,
    TwitchEpisode,
    Workout,
    validate_relief,
)
from logbook.writer import Check, Checked


class AwareDateTimeField(serializers.DateTimeField):
    """A timestamp that must carry its UTC offset.

    A phone in Auckland that sends "07:30" without an offset would otherwise be
    stored thirteen hours off, silently.
    """

    default_error_messages = {
        "naive": "Include a UTC offset, e.g. 2026-11-21T07:30:00+01:00 or 2026-11-21T06:30:00Z.",
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value)
            except ValueError:  # well-formed but impossible: 2026-02-30, T24:00, +25:00
                self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss][+HH:MM|Z]")
            if parsed is not None and timezone.is_naive(parsed):
                self.fail("naive")
        return super().to_internal_value(value)


class ClientIdField(serializers.UUIDField):
    """An entry's id as text, the only way JSON carries a UUID.

    DRF's UUIDField also reads a number as the UUID of that value (false as
    00000000-0000-0000-0000-000000000000), an id the create cannot see as
    the client's: the entry was stored under a new id, and a retry stored it
    again."""

    def to_internal_value(self, data):
        if not isinstance(data, str | uuid.UUID):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class EntrySerializer(serializers.ModelSerializer):
    """What every entry serializer shares.

    - `id` may be chosen by the client on create, and never changes afterwards.
    - An unknown field is an error, so a typo never passes as "nothing changed".
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: AwareDateTimeField,
    }

    id = ClientIdField(required=False)

    class Meta:
        exclude = ["user"]
        read_only_fields = ["created_at", "updated_at"]

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)

    def validate_id(self, value):
        if self.instance is not None and value != self.instance.pk:
            raise serializers.ValidationError("The id of an entry cannot be changed.")
        return value

    @classmethod
    def checker(cls, data, context, *, partial=False) -> Check:
        """This serializer as the writer's check of `data` (see logbook.writer)."""

        def check(stored) -> Checked:
            serializer = cls(stored, data=data, context=context, partial=partial)
            if serializer.is_valid():
                return Checked(entry_values(serializer.validated_data), checker=serializer)
            return Checked(errors=serializer.errors, checker=serializer)

        return check


def entry_values(validated_data) -> dict:
    """A serializer's validated data as the model fields the writer stores."""
    return {name: value for name, value in validated_data.items() if name != "id"}


class WorkoutSerializer(EntrySerializer):
    load = serializers.IntegerField(
        read_only=True, help_text="Session load in arbitrary units: rpe x duration_min."
    )

    class Meta(EntrySerializer.Meta):
        model = Workout
        read_only_fields = [*EntrySerializer.Meta.read_only_fields, "source"]


class HydrationSerializer(EntrySerializer):
    class Meta(EntrySerializer.Meta):
        model = HydrationEntry


@extend_schema_field(
    {"type": "array", "items": {"type": "string", "enum": Relief.values}, "uniqueItems": True}
)
class ReliefField(serializers.Field):
    """What helped, as a list of Relief values; its errors a flat list of messages."""

    def to_internal_value(self, data):
        try:
            validate_relief(data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return data

    def to_representation(self, value):
        return list(value)


class EpisodeSerializer(EntrySerializer):
    relief = ReliefField(required=False, help_text='What helped; "none" stands alone.')

    class Meta(EntrySerializer.Meta):
        model = TwitchEpisode


class CheckinSerializer(EntrySerializer):
    class Meta(EntrySerializer.Meta):
        model = DailyCheckin

    def validate(self, attrs):
        attrs = super().validate(attrs)
        DailyCheckin.check_day_free(
            self.context["request"].user,
            attrs.get("date", getattr(self.instance, "date", None)),
            self.instance.pk if self.instance else attrs.get("id"),
        )
        return attrs
