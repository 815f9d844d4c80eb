"""What makes the app installable and lets logging work offline: the web
manifest, the service worker, the offline page and the outbox page, and the
session check that a replaying outbox makes before it sends anything."""

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache

from logbook.kinds import KINDS

# The app shell: everything a log form needs with no network at all.
SHELL_ASSETS = [
    "css/app.css",
    "js/outbox.js",
    "js/app.js",
    "vendor/htmx/htmx-2.0.11.min.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/icon-maskable-512.png",
]


def shell_pages() -> list[str]:
    """Pages the service worker keeps for offline use; none holds anyone's data.

    A page asked for without a connection falls back to its ?shell=1 version:
    Today, so that the installed app opens on it, and each log form.
    """
    return [
        reverse("offline"),
        reverse("outbox"),
        f"{reverse('today')}?shell=1",
        *[f"{reverse('log_entry', kwargs={'kind': kind.slug})}?shell=1" for kind in KINDS],
    ]


# The templates the shell pages are made of: a change to one is a new version.
SHELL_TEMPLATES = [
    "sw.js",
    "base.html",
    "icons.html",
    "offline.html",
    "forms/field.html",
    "logbook/today.html",
    "logbook/entry_form.html",
    "logbook/partials/entry_form.html",
    "logbook/body_map.html",
    "logbook/outbox.html",
    "logbook/widgets/chips.html",
    "logbook/widgets/chip.html",
    "logbook/widgets/scale.html",
    "logbook/widgets/duration.html",
]


def manifest(request):
    icons = [
        {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    body = {
        "name": "twitchlog",
        "short_name": "twitchlog",
        "description": "Log training, fluids and muscle twitches; see what the guidance says.",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f5f8b",
        "icons": icons,
        "shortcuts": [
            {
                "name": "Twitch now",
                "url": f"{reverse('log_entry', kwargs={'kind': 'episode'})}?now=1",
            },
            {"name": "Log workout", "url": reverse("log_entry", kwargs={"kind": "workout"})},
            {"name": "Daily check-in", "url": reverse("log_entry", kwargs={"kind": "checkin"})},
        ],
    }
    return JsonResponse(body, content_type="application/manifest+json")


@never_cache
def service_worker(request):
    """/sw.js, at the root so that its scope is the whole site.

    Its text carries a version made from the shell's contents: any change to a
    cached file changes the worker, which the browser then installs anew.
    """
    context = {
        "version": shell_version(),
        "assets": json.dumps([static(path) for path in SHELL_ASSETS]),
        "pages": json.dumps(shell_pages()),
        "offline_page": json.dumps(reverse("offline")),
        "outbox_js": json.dumps(static("js/outbox.js")),
        "session_url": json.dumps(reverse("session")),
    }
    return render(request, "sw.js", context, content_type="application/javascript")


def shell_version() -> str:
    if settings.DEBUG:
        return compute_shell_version()
    return cached_shell_version()


@cache
def cached_shell_version() -> str:
    return compute_shell_version()


def compute_shell_version() -> str:
    digest = hashlib.sha256()
    for path in SHELL_ASSETS:
        found = finders.find(path)
        if found:
            with open(found, "rb") as asset:
                digest.update(asset.read())
    for name in SHELL_TEMPLATES:
        digest.update(get_template(name).template.source.encode())
    return digest.hexdigest()[:12]


# These pages are cached by the service worker: "shell" keeps anyone's data out.


def offline(request):
    return render(request, "offline.html", {"shell": True})


def outbox(request):
    """The entries waiting on this phone; drawn by app.js from IndexedDB."""
    return render(request, "logbook/outbox.html", {"shell": True})


@never_cache
def session(request):
    """Asked by the outbox before a replay: still signed in? And a fresh CSRF token."""
    return JsonResponse(
        {"authenticated": request.user.is_authenticated, "csrf_token": get_token(request)}
    )
