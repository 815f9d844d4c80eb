from rest_framework import serializers

from triage.metrics import ZONE_WORDS, ZONES
from triage.models import Flag, FlagReview


class SharedNoteSerializer(serializers.ModelSerializer):
    """A reviewer's note the reviewer chose to share: the note, the outcome and when; not who."""

    outcome = serializers.CharField(source="to_status")
    decided_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = FlagReview
        fields = ["outcome", "note", "decided_at"]


class FlagSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="rule", help_text="The rule that raised it; stable.")
    review_notes = SharedNoteSerializer(
        source="shared_reviews",
        many=True,
        read_only=True,
        help_text="Notes a reviewer shared with you about this flag.",
    )

    class Meta:
        model = Flag
        fields = [
            "id",
            "code",
            "severity",
            "window_start",
            "window_end",
            "message",
            "advice",
            "source",
            "status",
            "seen_at",
            "evidence",
            "review_notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class LoadDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    load = serializers.FloatField()
    acute = serializers.FloatField(allow_null=True)
    chronic = serializers.FloatField(allow_null=True)
    acwr = serializers.FloatField(allow_null=True)
    acwr_ewma = serializers.FloatField(allow_null=True)


class LoadTodaySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "not_enough_history"])
    acwr = serializers.FloatField(allow_null=True)
    acwr_ewma = serializers.FloatField(allow_null=True)
    monotony = serializers.FloatField(allow_null=True)
    strain = serializers.FloatField(allow_null=True)
    week_change_pct = serializers.FloatField(allow_null=True)
    zone = serializers.ChoiceField(
        choices=[name for name, *_ in ZONES],
        allow_null=True,
        help_text="Where the acute:chronic ratio stands against the athlete's usual.",
    )
    zone_words = serializers.SerializerMethodField(help_text='e.g. "well above your usual"')

    def get_zone_words(self, today) -> str | None:
        return ZONE_WORDS.get(today["zone"])


class LoadSerializer(serializers.Serializer):
    days = LoadDaySerializer(many=True)
    today = LoadTodaySerializer()
