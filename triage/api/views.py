"""The athlete's flags and training load, under /api/v1/."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from triage import pattern_report, patterns
from triage import wording as says
from triage.api.serializers import FlagSerializer, LoadSerializer, PatternsSerializer
from triage.load import load_report
from triage.models import Flag, FlagStatus
from triage.rules import Severity

FILTERS = {"status": [s.value for s in FlagStatus], "severity": [s.value for s in Severity]}


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(name, OpenApiTypes.STR, enum=values)
            for name, values in FILTERS.items()
        ]
    )
)
class FlagViewSet(viewsets.ReadOnlyModelViewSet):
    """The patterns triage found in your log: what it saw, and what the guidance says."""

    serializer_class = FlagSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Flag.objects.none()
        flags = Flag.objects.filter(user=self.request.user).with_shared_notes()
        if self.action == "list":
            for name, allowed in FILTERS.items():
                value = self.request.query_params.get(name)
                if value is None:
                    continue
                if value not in allowed:
                    raise ValidationError({name: [f"Choose one of {', '.join(allowed)}."]})
                flags = flags.filter(**{name: value})
        return flags

    @extend_schema(request=None, responses=FlagSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Mark a flag as seen (`seen_at`). Its status, which reviewers decide, stays."""
        flag = self.get_object()
        flag.mark_seen()
        return Response(self.get_serializer(flag).data)


class LoadView(APIView):
    """Daily training load with acute and chronic loads and ratios, and where things stand today."""

    @extend_schema(
        parameters=[
            OpenApiParameter("days", OpenApiTypes.INT, description="1 to 365; 90 by default.")
        ],
        responses=LoadSerializer,
    )
    def get(self, request):
        raw = request.query_params.get("days", "90")
        # isdigit() alone takes "²" and "٣", which int() then refuses.
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 365:
            raise ValidationError({"days": ["A whole number of days from 1 to 365."]})
        return Response(LoadSerializer(load_report(request.user, int(raw))).data)


class PatternsView(APIView):
    """What came before your episodes: for each factor (a training load jump, a hard
    session, no warm-up, fluid under target, short sleep, …), the share of days
    with an episode on days with it against days without it, with the ratio, its
    interval, and whether the difference is clear after correcting for every
    factor compared. It describes the log; it does not say what caused anything."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "days",
                OpenApiTypes.INT,
                description=f"{pattern_report.MIN_DAYS} to {pattern_report.MAX_DAYS}; "
                f"{patterns.DEFAULT_DAYS} by default.",
            ),
            OpenApiParameter(
                "kind", OpenApiTypes.STR, enum=pattern_report.KINDS, description="Any by default."
            ),
            OpenApiParameter(
                "region",
                OpenApiTypes.STR,
                enum=pattern_report.REGIONS,
                description="Anywhere by default.",
            ),
        ],
        responses=PatternsSerializer,
    )
    def get(self, request):
        try:
            outcome, days = pattern_report.parse(request.query_params)
        except pattern_report.ChoiceError as error:
            raise ValidationError({error.field: [error.message]}) from None
        report, _ = pattern_report.pattern_report(request.user, outcome, days)
        body = {
            "first": report.first,
            "last": report.last,
            "outcome": report.outcome,
            "days": report.days,
            "episode_days": report.episode_days,
            "summary": says.overview(report),
            "method": {
                "test": "fisher_exact",
                "correction": "benjamini_hochberg",
                "q": patterns.Q,
                "confidence": patterns.CONFIDENCE,
                "min_days": patterns.MIN_DAYS,
                "min_episode_days": patterns.MIN_EPISODE_DAYS,
            },
            "factors": [
                {
                    **{
                        name: getattr(c, name)
                        for name in (
                            "factor",
                            "status",
                            "days_with",
                            "episode_days_with",
                            "days_without",
                            "episode_days_without",
                            "ratio",
                            "ratio_low",
                            "ratio_high",
                            "p_value",
                            "adjusted_p_value",
                            "more_days_with",
                            "more_days_without",
                        )
                    },
                    "sentence": says.sentence(c, report),
                }
                for c in report.comparisons
            ],
        }
        return Response(PatternsSerializer(body).data)
