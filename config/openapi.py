"""The API's OpenAPI schema, with the errors each operation can answer.

Kept apart from config.rest, which DRF's settings name and so import while
rest_framework.views is itself still importing: drf-spectacular needs that
module whole.
"""

import uritemplate
from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS, AllowAny


class ErrorSerializer(serializers.Serializer):
    """Why a request was refused, in one sentence (every error but a 400)."""

    detail = serializers.CharField()


class ValidationErrorsSerializer(serializers.Serializer):
    """A 400's messages by field name (its schema is ValidationErrorsExtension's)."""


class ValidationErrorsExtension(OpenApiSerializerExtension):
    target_class = ValidationErrorsSerializer

    def map_serializer(self, auto_schema, direction):
        return {
            "type": "object",
            "description": "Messages by field name: `non_field_errors` for the whole "
            "entry or batch, `body` for a body that cannot be read.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        }


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, with the errors each operation can answer.

    The errors follow from the view, so a new view is documented as it behaves:
    400 where it reads a body or checks query parameters, 401 wherever a token
    is checked, 403 where a browser session's unsafe request needs its CSRF
    token, 404 for an id or a page, 413 and 415 for a body, 429 where it is
    throttled. An operation's own @extend_schema(responses=...) for a code wins.

    Every API view uses it (DEFAULT_SCHEMA_CLASS in settings); the methods it builds on
    are drf-spectacular's own (pinned in constraints.txt), and
    tests/test_schema.py checks the result."""

    PAGINATION_PARAMETERS = ("page", "page_size")

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, (serializer, description) in self.error_responses().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(serializer, description), code, direction=direction
                )
        return responses

    def error_responses(self) -> dict[str, tuple[type, str]]:
        has_body = self._get_request_body() is not None
        checked_query = any(
            parameter["in"] == "query" and parameter["name"] not in self.PAGINATION_PARAMETERS
            for parameter in self._get_parameters()
        )
        paginated = self._is_list_view() and self._get_paginator() is not None
        needs_sign_in = not all(isinstance(p, AllowAny) for p in self.view.get_permissions())
        authenticators = self.view.get_authenticators()
        errors = {}
        if has_body or checked_query:
            errors["400"] = (ValidationErrorsSerializer, "Refused; the messages say why, by field.")
        # A token that is sent is checked, even where none is needed.
        if needs_sign_in or authenticators:
            errors["401"] = (ErrorSerializer, "The token is unknown or revoked, or none was sent.")
        if self.method not in SAFE_METHODS and any(
            isinstance(a, SessionAuthentication) for a in authenticators
        ):
            errors["403"] = (ErrorSerializer, "A signed-in browser session sent no CSRF token.")
        if uritemplate.variables(self.path) or paginated:
            errors["404"] = (
                ErrorSerializer,
                "No such page." if paginated else "None of yours has this id.",
            )
        if has_body:
            errors["413"] = (ErrorSerializer, "The body is over 1 MiB (a sync: over 500 items).")
            errors["415"] = (ErrorSerializer, "The body is not of a media type listed here.")
        if self.view.get_throttles():
            errors["429"] = (ErrorSerializer, "Too many requests; wait before trying again.")
        return errors
