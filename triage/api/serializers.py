from rest_framework import serializers

from triage.metrics import ZONE_WORDS, ZONES
from triage.models import Flag, FlagReview
from triage.patterns import FACTOR_KEYS, STATUSES


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


class PatternFactorSerializer(serializers.Serializer):
    """One factor's comparison: the days with it against the days without."""

    key = serializers.ChoiceField(choices=list(FACTOR_KEYS), source="factor.key")
    name = serializers.CharField(source="factor.name")
    definition = serializers.CharField(
        source="factor.definition", help_text="What counts, in the words the app shows."
    )
    compared_with = serializers.CharField(source="factor.others")
    status = serializers.ChoiceField(
        choices=list(STATUSES),
        help_text="more / fewer: a clear difference, unlikely to be chance after the "
        "correction for every factor compared; no_clear_difference; not_enough_days.",
    )
    days_with = serializers.IntegerField()
    episode_days_with = serializers.IntegerField()
    days_without = serializers.IntegerField()
    episode_days_without = serializers.IntegerField()
    ratio = serializers.FloatField(
        allow_null=True,
        help_text="The share of days with an episode with the factor over the share without; "
        "null when not compared, or when either share is 0.",
    )
    ratio_low = serializers.FloatField(allow_null=True, help_text="The interval's lower end.")
    ratio_high = serializers.FloatField(allow_null=True, help_text="The interval's upper end.")
    p_value = serializers.FloatField(allow_null=True, help_text="Fisher's exact test, two-sided.")
    adjusted_p_value = serializers.FloatField(
        allow_null=True, help_text="Benjamini–Hochberg, across the factors compared."
    )
    more_days_with = serializers.IntegerField(help_text="Days with it a comparison still needs.")
    more_days_without = serializers.IntegerField()
    sentence = serializers.CharField(help_text="What the app says about it.")


class PatternMethodSerializer(serializers.Serializer):
    test = serializers.CharField()
    correction = serializers.CharField()
    q = serializers.FloatField(help_text="The largest adjusted p-value called clear.")
    confidence = serializers.FloatField(help_text="Of every interval.")
    min_days = serializers.IntegerField(help_text="With the factor, and without it.")
    min_episode_days = serializers.IntegerField()


class PatternsSerializer(serializers.Serializer):
    first = serializers.DateField(help_text="The first day compared.")
    last = serializers.DateField()
    kind = serializers.CharField(allow_null=True, source="outcome.kind")
    region = serializers.CharField(allow_null=True, source="outcome.region")
    days = serializers.IntegerField(help_text="Days compared.")
    episode_days = serializers.IntegerField(help_text="Days with an episode of the kind asked.")
    summary = serializers.CharField()
    method = PatternMethodSerializer()
    factors = PatternFactorSerializer(many=True)
