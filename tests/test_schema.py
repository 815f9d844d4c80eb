"""The OpenAPI schema and the docs page, served without any CDN."""

import re

import jsonschema
import pytest
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_openapi_3_and_covers_the_api(client):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    for path in [
        "/api/v1/workouts/",
        "/api/v1/hydration/{id}/",
        "/api/v1/episodes/",
        "/api/v1/checkins/",
        "/api/v1/sync/",
        "/api/v1/auth/token/",
    ]:
        assert path in schema["paths"], path
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_the_schema_documents_the_time_filters_and_the_sync_shape(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    list_parameters = {p["name"] for p in schema["paths"]["/api/v1/episodes/"]["get"]["parameters"]}
    assert {"since", "until", "page", "page_size"} <= list_parameters
    sync = schema["components"]["schemas"]["SyncRequestRequest"]["properties"]
    assert set(sync) == {"workouts", "hydration", "episodes", "checkins"}


def test_the_docs_page_loads_its_assets_from_this_server(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    external = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html)
    assert external == []


def test_the_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))

    assert (tmp_path / "s.yml").read_text().startswith("openapi: 3")


def test_the_docs_page_assets_are_served(client):
    html = client.get("/api/docs/").content.decode()
    assets = re.findall(r"""(?:src|href)=["'](/static/[^"']+)""", html)

    assert assets
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset


def test_every_operation_documents_the_errors_it_answers(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]

    def codes(path, method):
        return set(paths[path][method]["responses"])

    assert codes("/api/v1/auth/token/", "post") == {"200", "400", "401", "403", "413", "415", "429"}
    assert codes("/api/v1/workouts/", "get") == {"200", "400", "401", "404"}
    assert codes("/api/v1/workouts/", "post") == {"200", "201", "400", "401", "403", "413", "415"}
    assert codes("/api/v1/episodes/{id}/", "get") == {"200", "401", "404"}
    assert codes("/api/v1/episodes/{id}/", "patch") == {
        "200",
        "400",
        "401",
        "403",
        "404",
        "413",
        "415",
    }
    assert codes("/api/v1/checkins/{id}/", "delete") == {"204", "401", "403", "404"}
    assert codes("/api/v1/sync/", "post") == {"200", "400", "401", "403", "413", "415"}
    assert codes("/api/v1/flags/", "get") == {"200", "400", "401", "404"}
    assert codes("/api/v1/flags/{id}/acknowledge/", "post") == {"200", "401", "403", "404"}
    assert codes("/api/v1/load/", "get") == {"200", "400", "401"}
    assert codes("/api/v1/auth/token/revoke/", "post") == {"204", "401", "403"}
    errors = schema["components"]["schemas"]
    assert errors["ValidationErrors"]["additionalProperties"] == {
        "type": "array",
        "items": {"type": "string"},
    }
    assert errors["Error"]["required"] == ["detail"]
    bad_request = paths["/api/v1/sync/"]["post"]["responses"]["400"]
    assert bad_request["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationErrors"
    }


@pytest.mark.parametrize(
    ("path", "method", "request_kwargs", "code"),
    [
        ("/api/v1/workouts/", "post", {"data": {"rpe": 99}, "format": "json"}, 400),
        ("/api/v1/sync/", "post", {"data": "{", "content_type": "application/json"}, 400),
        ("/api/v1/episodes/", "post", {"data": {"pain": 3}}, 415),  # multipart
        ("/api/v1/workouts/", "get", {"data": {"page": 9}}, 404),
        ("/api/v1/hydration/{id}/", "get", {}, 404),
        ("/api/v1/load/", "get", {"signed_out": True}, 401),
    ],
)
def test_the_api_answers_its_errors_as_the_schema_documents_them(
    client, api, anonymous_api, path, method, request_kwargs, code
):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    documented = schema["paths"][path][method]["responses"][str(code)]
    body_schema = documented["content"]["application/json"]["schema"]

    url = path.replace("{id}", "00000000-0000-4000-8000-000000000000")
    kwargs = dict(request_kwargs)
    caller = anonymous_api if kwargs.pop("signed_out", False) else api
    response = getattr(caller, method)(url, **kwargs)

    assert response.status_code == code
    assert response["Content-Type"] == "application/json"
    jsonschema.validate(response.json(), {**body_schema, "components": schema["components"]})
