"""Project-wide REST API conventions: body size, pagination, error shape."""

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.views import defaults
from rest_framework import parsers
from rest_framework.exceptions import APIException, NotFound, ParseError
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import ScopedRateThrottle

logger = logging.getLogger(__name__)


class RequestTooLarge(APIException):
    status_code = 413
    default_detail = "The request body is larger than 1 MiB."
    default_code = "too_large"


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing JSON nested deeper than Python can read (a
    RecursionError, which would otherwise be a 500) as it refuses bad JSON."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None


class ForgivingScopedRateThrottle(ScopedRateThrottle):
    """A throttle that lets the request through when its cache is down: the
    token endpoint must not fail because Redis did. (django-axes still locks
    out repeated failed logins, in the database.)"""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # each cache backend raises its own errors
            logger.warning("throttle cache unavailable (%s); request allowed", type(exc).__name__)
            return True


def exception_handler(exc, context):
    """DRF's handler, with bad JSON reported like a field error and big bodies as 413.

    Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE (1 MiB) and
    raises RequestDataTooBig, which would otherwise become a bare 400.
    """
    # Imported here: rest_framework.views reads the settings that name this
    # module, so importing it at the top would be circular.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ParseError):
        response.data = {"body": [str(exc.detail)]}
    return response


def page_not_found(request, exception):
    """Django's 404 (handler404), answered in JSON like the API's own under /api/.

    A URL that none of the API's routes match, such as an entry id with a dot
    in it, is still a question to the API, and its client reads JSON."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)
