"""The REST API for a person's own entries, under /api/v1/.

Every queryset starts from the requester's rows, so another person's entry
answers 404 exactly like one that does not exist.
"""

import uuid
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser
from rest_framework.response import Response
from rest_framework.views import APIView

from config.rest import ForgivingScopedRateThrottle, JSONParser
from logbook import writer
from logbook.api.sync import SyncRequestSerializer, SyncResponseSerializer, sync_batch
from logbook.kinds import BY_API_KEY
from logbook.writer import NotYours, Status

TIME_RANGE_PARAMETERS = [
    OpenApiParameter(
        name,
        OpenApiTypes.STR,
        description=f"{description} An ISO 8601 date (read as UTC) or date-time "
        "(with an offset; write + as %2B).",
    )
    for name, description in [
        ("since", "Only entries that happened at or after this."),
        ("until", "Only entries that happened at or before this (a date includes its whole day)."),
    ]
]


UNREADABLE_TIME = "Use an ISO 8601 date or date-time, e.g. 2026-11-01 or 2026-11-01T08:00Z."
OUT_OF_RANGE = "Out of range: use a time between the years 1 and 9999 in UTC."


def time_bound(name: str, value: str) -> tuple[datetime | None, bool]:
    """A ?since= / ?until= value as (a UTC instant, whether it is a bare date).

    A date-time without an offset is read as UTC. The instant is None for a
    date that bounds nothing (the last day there is, for ?until=).
    """
    try:
        day = parse_date(value)
        moment = None if day else parse_datetime(value)
    except ValueError:  # well-formed but impossible, like 2026-13-01 or T24:00
        day = moment = None
    if day is not None:
        if name == "until":  # the whole day
            if day == date.max:
                return None, True
            day += timedelta(days=1)
        return datetime.combine(day, time.min, tzinfo=UTC), True
    if moment is None:
        raise ValidationError({name: [UNREADABLE_TIME]})
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC), False
    except OverflowError:  # 0001-01-01T00:00+01:00 is before the year 1 in UTC
        raise ValidationError({name: [OUT_OF_RANGE]}) from None


def filter_time_range(queryset, params):
    """Apply ?since= and ?until= to the field that says when an entry happened.

    A bare date means the whole day in UTC: since=2026-11-01 starts at its
    midnight, until=2026-11-30 includes all of the 30th.
    """
    field = queryset.model.time_field
    since = until = None
    if params.get("since"):
        since, _ = time_bound("since", params["since"])
        queryset = queryset.filter(**{f"{field}__gte": since})
    if params.get("until"):
        until, whole_day = time_bound("until", params["until"])
        if until is not None:
            lookup = "lt" if whole_day else "lte"
            queryset = queryset.filter(**{f"{field}__{lookup}": until})
    if since and until and until < since:
        raise ValidationError({"until": ["Must not be before since."]})
    return queryset


@extend_schema_view(list=extend_schema(parameters=TIME_RANGE_PARAMETERS))
class EntryViewSet(viewsets.ModelViewSet):
    """List (newest first), create, read, change and delete one kind of entry.

    A create with a client-chosen `id` is idempotent: the first answers 201,
    a repeat answers 200 with the stored row and changes nothing. A change
    that changes no value writes nothing. The writer (logbook.writer) decides.
    """

    kind = None  # an EntryKind of logbook.kinds

    def get_serializer_class(self):
        return self.kind.serializer

    def get_queryset(self):
        model = self.kind.model
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the types
            return model.objects.none()
        queryset = model.objects.filter(user=self.request.user)
        if self.action == "list":
            queryset = filter_time_range(queryset, self.request.query_params)
        return queryset

    def create(self, request, *args, **kwargs):
        check = self.kind.serializer.checker(request.data, self.get_serializer_context())
        entry_id = client_id(request.data)
        try:
            if entry_id is None:
                outcome = invalid_or_new(check)
            else:
                outcome = writer.save(
                    self.kind.model, request.user, entry_id, check, may_change=False
                )
        except NotYours:
            raise NotFound from None
        if outcome.status == Status.INVALID:
            raise ValidationError(outcome.errors)
        answer = status.HTTP_201_CREATED if outcome.status == Status.CREATED else status.HTTP_200_OK
        return Response(self.entry_data(outcome), status=answer)

    def update(self, request, *args, **kwargs):
        entry = self.get_object()
        check = self.kind.serializer.checker(
            request.data, self.get_serializer_context(), partial=kwargs.get("partial", False)
        )
        outcome = writer.save(
            self.kind.model, request.user, entry.pk, check, may_change=True, stored=entry
        )
        if outcome.status == Status.INVALID:
            raise ValidationError(outcome.errors)
        return Response(self.entry_data(outcome))

    def entry_data(self, outcome) -> dict:
        """The stored entry as the API shows it, by the serializer that checked it
        when there is one (building a second costs a create a tenth of its time)."""
        serializer = outcome.checker or self.get_serializer()
        serializer.instance = outcome.entry
        return serializer.data


def client_id(data) -> uuid.UUID | None:
    """The id a create names, or None: a new id is made then, unless the data is
    refused for it."""
    if not isinstance(data, dict) or "id" not in data:
        return None
    try:
        return uuid.UUID(str(data["id"]))
    except ValueError:
        return None


def invalid_or_new(check) -> writer.Outcome:
    """A create without a usable id: refused by field if the id is malformed or
    anything else is wrong; otherwise stored under a new id."""
    checked = check(None)
    if checked.values is None:
        return writer.Outcome(Status.INVALID, errors=checked.errors)
    serializer = checked.checker
    return writer.save(
        serializer.Meta.model,
        serializer.context["request"].user,
        uuid.uuid4(),
        lambda stored: checked,
        may_change=False,
    )


def entry_viewset(api_key: str):
    """The viewset of one kind; its create answers 201, or 200 when the id was stored."""
    kind = BY_API_KEY[api_key]
    viewset = type(f"{kind.model.__name__}ViewSet", (EntryViewSet,), {"kind": kind})
    return extend_schema_view(
        create=extend_schema(responses={201: kind.serializer, 200: kind.serializer})
    )(viewset)


class SyncView(APIView):
    """Save a batch of entries made offline; safe to send again and again."""

    @extend_schema(request=SyncRequestSerializer, responses=SyncResponseSerializer)
    def post(self, request):
        results = sync_batch(request.data, context={"request": request, "view": self})
        return Response({"results": results})


class TokenView(ObtainAuthToken):
    """Trade a username and password for the API token to send as `Authorization: Token ...`.

    A changed or reset password revokes the token; asking again makes a new one."""

    throttle_classes = [ForgivingScopedRateThrottle]
    throttle_scope = "auth"
    parser_classes = [JSONParser, FormParser]  # config.rest's JSON parser


class TokenRevokeView(APIView):
    """Revoke your API token at once: it opens nothing any more."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
