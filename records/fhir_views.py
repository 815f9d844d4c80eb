"""The FHIR bundle of a range of days (records.fhir): a download for the signed-in
page session, and the same Bundle under /api/v1/ for a token or a session.

The range is the visit summary's: ?from= and ?to=, read by records.summary."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from records import fhir
from records.summary import EARLIEST, MAX_DAYS, RangeError, parse_range, today_for

FHIR_JSON = "application/fhir+json"


def asked_range(user, params) -> tuple[date, date]:
    """(start, end) from ?from= and ?to=; raises RangeError naming the field."""
    try:
        return parse_range(params.get("from"), params.get("to"), today_for(user))
    except OverflowError:  # a `to` so early that the default `from` is before the year 1
        raise RangeError("to", f"“to” is before {EARLIEST.isoformat()}.") from None


def filename(start: date, end: date) -> str:
    return f"twitchlog-{start.isoformat()}-to-{end.isoformat()}.fhir.json"


@login_required
@require_safe
def summary_fhir(request):
    """The Bundle as a file to save or hand on."""
    try:
        start, end = asked_range(request.user, request.GET)
    except RangeError as error:
        return JsonResponse({error.field: [error.message]}, status=400)
    response = JsonResponse(fhir.bundle(request.user, start, end), content_type=FHIR_JSON)
    response["Content-Disposition"] = f'attachment; filename="{filename(start, end)}"'
    return response


RANGE_PARAMETERS = [
    OpenApiParameter(
        "from",
        OpenApiTypes.DATE,
        description="The first day, on your own calendar (your profile's time zone); "
        f"90 days before `to` if left out. Not before {EARLIEST.isoformat()}.",
    ),
    OpenApiParameter(
        "to",
        OpenApiTypes.DATE,
        description="The last day; today if left out. Not after today, and at most "
        f"{MAX_DAYS} days after `from`.",
    ),
]


class SummaryFhirView(APIView):
    """Your log over a range of days as a FHIR R4 Bundle (type "collection"): a
    Patient, an Observation for each episode (HPO-coded, in the pattern of the HL7
    Symptoms IG) and for each symptom that came with it, one for each workout and
    one for each day's drinks."""

    @extend_schema(
        parameters=RANGE_PARAMETERS,
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="A FHIR R4 Bundle resource.")
        },
    )
    def get(self, request):
        try:
            start, end = asked_range(request.user, request.query_params)
        except RangeError as error:
            raise ValidationError({error.field: [error.message]}) from None
        return Response(fhir.bundle(request.user, start, end))
