"""The installable app: manifest, service worker, offline page, and what they never hold."""

import re

import pytest

from logbook import pwa

pytestmark = pytest.mark.django_db


def test_the_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")

    manifest = response.json()
    assert response["Content-Type"] == "application/manifest+json"
    assert (manifest["name"], manifest["short_name"]) == ("twitchlog", "twitchlog")
    assert (manifest["start_url"], manifest["display"]) == ("/", "standalone")
    assert (manifest["theme_color"], manifest["background_color"]) == ("#1f5f8b", "#ffffff")
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_every_page_links_the_manifest(client, athlete):
    link = '<link rel="manifest" href="/manifest.webmanifest">'
    assert link in client.get("/accounts/login/").content.decode()
    client.force_login(athlete)

    for url in ["/", "/offline/", "/log/episode/", "/load/", "/flags/"]:
        assert link in client.get(url).content.decode()


def test_the_service_worker_is_served_at_the_root_and_never_cached_by_http(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "max-age=0" in response["Cache-Control"]


def test_the_service_worker_precaches_the_shell_and_the_log_forms(client):
    script = client.get("/sw.js").content.decode()

    for page in [
        "/offline/",
        "/outbox/",
        "/log/episode/?shell=1",
        "/log/workout/?shell=1",
        "/log/hydration/?shell=1",
        "/log/checkin/?shell=1",
    ]:
        assert f'"{page}"' in script
    for asset in [
        "/static/css/app.css",
        "/static/js/app.js",
        "/static/js/outbox.js",
        "/static/icons/icon-192.png",
    ]:
        assert f'"{asset}"' in script
    assert 'importScripts("/static/js/outbox.js")' in script


def test_every_precached_url_answers_for_an_anonymous_install(client):
    script = client.get("/sw.js").content.decode()
    urls = re.findall(r'"(/[^"]+)"', script.split("var URLS")[0])

    assert urls
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_service_worker_keeps_no_api_or_personal_pages(client):
    script = client.get("/sw.js").content.decode()
    cached = re.search(r"var PAGES = \[(.*?)\];", script).group(1)

    assert "/api/" not in cached
    assert '"/"' not in cached
    assert "history" not in cached
    assert "flags" not in cached


def test_the_cache_is_versioned_by_the_shell_contents(client, monkeypatch, tmp_path):
    pwa.cached_shell_version.cache_clear()
    before = client.get("/sw.js").content.decode()
    version = re.search(r'var VERSION = "(\w+)"', before).group(1)
    changed = tmp_path / "app.css"
    changed.write_text("body { color: red; }")
    real_find = pwa.finders.find
    monkeypatch.setattr(
        pwa.finders, "find", lambda path: str(changed) if path == "css/app.css" else real_find(path)
    )

    pwa.cached_shell_version.cache_clear()
    after = client.get("/sw.js").content.decode()

    assert 'var CACHE = "twitchlog-" + VERSION;' in before
    assert re.search(r'var VERSION = "(\w+)"', after).group(1) != version


def test_the_offline_page_offers_the_log_forms(client):
    html = client.get("/offline/").content.decode()

    assert "No connection" in html
    assert "/log/episode/?now=1" in html
    assert "/outbox/" in html


def test_htmx_is_served_from_this_site_with_its_licence(client):
    html = client.get("/offline/").content.decode()

    assert '<script src="/static/vendor/htmx/htmx-2.0.11.min.js" defer></script>' in html
    assert client.get("/static/vendor/htmx/htmx-2.0.11.min.js").status_code == 200
    assert client.get("/static/vendor/htmx/LICENSE").status_code == 200
