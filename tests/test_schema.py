"""The OpenAPI schema and the docs page, served without any CDN."""

import re

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
