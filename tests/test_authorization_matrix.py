"""The authorization matrix: every URL pattern the resolver knows, tried by four personas.

The patterns are read from django.urls.get_resolver(), includes walked, when this
module is imported, so a URL added tomorrow is in the matrix tomorrow; until it
is classified below (PUBLIC, BEARER_LINKS, PRIVATE, OWNED, STAFF_PAGES, or the
admin's ADMIN_SITE and REVIEWERS_MAY), each of its cases fails and says so.
Each pattern is filled in with real ids of athlete A's objects (entries, flag,
user id, unsubscribe and reset links, format suffixes, every registered
ModelAdmin's object) and tried by:

- an anonymous visitor: sent to log in (pages), 401 (API), or sent to the admin's
  login (admin and staff pages), whatever the method; except on the URLs of the
  PUBLIC allow-list and the BEARER_LINKS, each of which says why it is public;
- athlete A, the owner: reaches their own objects and pages, which is what makes
  everyone else's 404 mean "not yours" rather than "wrong URL"; the admin sends
  them to its login;
- athlete B, on A's objects: 404, answered exactly as for an object that does not
  exist, for GET, POST, PUT, PATCH and DELETE;
- a reviewer (staff, in the Reviewers group): on the athlete's pages and API only
  their own, empty, data and 404 for A's objects; in the admin, only what
  triage/admin.py and migration triage 0004 intend: viewing entries, profiles,
  flags and decisions, and deciding on flags; no other model, no add, edit or delete.

After every request by anyone but A, A's objects are checked unchanged (only a
reviewer's decision on a flag may change it), and no answer to them (outside the
admin, for the reviewer) carries anything of A's: notes, ids, email or token.
"""

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time, timedelta
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.test.client import ClientHandler
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.regex_helper import normalize
from rest_framework.authtoken.models import Token

from logbook import reminding
from logbook.kinds import KINDS as ENTRY_KINDS
from logbook.models import ImportJob, Profile, PushSubscription, Reminder, ReminderSend
from records.models import ShareLink
from tests import factories
from tests.browser_form import form_data
from tests.kinds import KINDS as API_KINDS
from tests.test_push import browser_keys
from triage import mail
from triage.models import DigestLog, EvaluationState, Flag, FlagReview

pytestmark = pytest.mark.django_db

User = get_user_model()

ANONYMOUS, OWNER, OTHER, REVIEWER = "anonymous", "athlete A", "athlete B", "reviewer"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
EVERY_METHOD = frozenset({"GET", *UNSAFE})
# Written into A's notes, flag, review and profile: an answer carrying it shows A's data.
SECRET = "only-athlete-a-wrote-this"
ADMIN_PREFIX = "admin/"


# --- The URL patterns, as the resolver has them ----------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern, with the patterns of the includes it sits in."""

    route: str  # as ResolverMatch.route spells it
    name: str | None  # namespaced ("admin:index"); None for an unnamed pattern
    pieces: tuple  # the pattern objects, from the first include down to this one
    callback: Callable

    @property
    def params(self) -> set[str]:
        return {name for piece in self.pieces for name in piece.regex.groupindex}

    @property
    def in_admin(self) -> bool:
        return self.route.startswith(ADMIN_PREFIX)

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    def url(self, kwargs: dict) -> str:
        """This pattern's path with `kwargs` in its parameters (format: json)."""
        if "format" in self.params:
            kwargs = {"format": "json", **kwargs}
        return "/" + "".join(fill(piece, kwargs) for piece in self.pieces)


def fill(pattern, kwargs: dict) -> str:
    if isinstance(pattern, RoutePattern):

        def value(match):
            name, converter = match["parameter"], pattern.converters.get(match["parameter"])
            return str(converter.to_url(kwargs[name]) if converter else kwargs[name])

        return re.sub(r"<(?:[^>:]+:)?(?P<parameter>[^>]+)>", value, str(pattern))
    wanted = set(pattern.regex.groupindex)
    for template, names in normalize(pattern.regex.pattern):
        if set(names) == wanted:
            return template % {name: kwargs[name] for name in names}
    raise AssertionError(f"cannot fill in {pattern}")


def discover(resolver=None, pieces=(), route="", namespace=""):
    """Every URLPattern under the root resolver, includes walked."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        part = str(pattern.pattern)
        # Joined as URLResolver._join_route joins them into ResolverMatch.route.
        joined = route + part.removeprefix("^") if route else part
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from discover(pattern, (*pieces, pattern.pattern), joined, inner)
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield Route(joined, name, (*pieces, pattern.pattern), pattern.callback)


ROUTES = list(discover())


def route_id(route: Route) -> str:
    """The pattern's name; DRF's format-suffix twin adds ".<format>" to the name it
    shares; an unnamed pattern is known by its route."""
    if route.name is None:
        return route.route
    return f"{route.name}.<format>" if "format" in route.params else route.name


ROUTE_IDS = [route_id(route) for route in ROUTES]
assert len(set(ROUTE_IDS)) == len(ROUTES), "two URL patterns got the same test id"


# --- A's objects, the personas, and the ids that go into URLs and bodies ---------------


@dataclass
class World:
    a: object
    b: object
    reviewer: object
    entries: dict  # entry kind slug -> A's entry of that kind
    flag: Flag
    token: Token
    admin_objects: dict  # "app_label.model_name" -> (A's object, its id in admin URLs)
    share: ShareLink
    import_job: ImportJob
    forms: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)
    # A's reminder (in A's words, SECRET), its send of yesterday, A's phone.
    reminder: Reminder | None = None
    reminder_send: ReminderSend | None = None
    push: PushSubscription | None = None

    def user(self, persona):
        return {ANONYMOUS: None, OWNER: self.a, OTHER: self.b, REVIEWER: self.reviewer}[persona]

    def client(self, persona) -> Client:
        if persona not in self.clients:
            self.clients[persona] = signed_in(self.user(persona))
        return self.clients[persona]

    def after_unsafe(self, persona):
        """Sign the persona in again if the request signed them out, changed their
        session or revoked their token; an anonymous visitor starts afresh."""
        client = self.clients[persona]
        user = self.user(persona)
        cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
        token = client.defaults.get("HTTP_AUTHORIZATION", "").removeprefix("Token ")
        if (
            user is None
            or cookie is None
            or cookie.value != client.signed_in_session  # signed out, or in anew
            or not Token.objects.filter(key=token, user=user).exists()
        ):
            del self.clients[persona]

    def secrets(self) -> set[str]:
        """What only ever belongs in an answer to A."""
        return {
            SECRET,
            self.a.email,
            self.token.key,
            str(self.a.profile.pk),
            str(self.flag.pk),
            str(self.share.pk),
            str(self.import_job.pk),
            str(self.reminder.pk),
            self.push.endpoint,
            *(str(entry.pk) for entry in self.entries.values()),
        }

    def owner_form(self, slug: str) -> dict:
        """A's entry as A's browser sends its edit form back, with a new note: a
        body that changes the entry if the view lets it through."""
        if slug not in self.forms:
            page = self.client(OWNER).get(f"/log/{slug}/{self.entries[slug].pk}/")
            assert page.status_code == 200, f"A's own edit form answered {page.status_code}"
            self.forms[slug] = {**form_data(page.content.decode()), "notes": "changed"}
        return self.forms[slug]


@dataclass(frozen=True)
class Ids:
    """What goes into URLs and bodies: A's real ids, or a ghost's of the same shape
    that names nothing (no object, no account, a forged link)."""

    entries: dict  # slug -> uuid
    flag: str
    user: int
    unsubscribe: str
    reset: dict  # uidb64, token
    username: str
    email: str
    share: str
    share_token: str
    import_job: str
    reminder: str
    snooze_token: str
    push_endpoint: str


def real_ids(world: World) -> Ids:
    return Ids(
        entries={slug: str(entry.pk) for slug, entry in world.entries.items()},
        flag=str(world.flag.pk),
        user=world.a.pk,
        unsubscribe=mail.unsubscribe_token(world.a),
        reset={
            "uidb64": urlsafe_base64_encode(force_bytes(world.a.pk)),
            "token": default_token_generator.make_token(world.a),
        },
        username=world.a.username,
        email=world.a.email,
        share=str(world.share.pk),
        share_token=world.share.token,
        import_job=str(world.import_job.pk),
        reminder=str(world.reminder.pk),
        snooze_token=reminding.snooze_token(world.reminder_send),
        push_endpoint=world.push.endpoint,
    )


def ghost_ids(world: World) -> Ids:
    real = real_ids(world)
    tail = "BBBB" if real.unsubscribe.endswith("AAAA") else "AAAA"
    return Ids(
        entries={slug: str(uuid.uuid4()) for slug in real.entries},
        flag=str(uuid.uuid4()),
        user=User.objects.order_by("-pk").first().pk + 1000,
        # A's own link with its signature tampered with: all a guesser has.
        unsubscribe=real.unsubscribe[:-4] + tail,
        reset={"uidb64": real.reset["uidb64"], "token": "cxyz12-0123456789abcdef0123456789ab"},
        username="nobody-has-this-name",
        email="nobody-has-this@example.com",
        share=str(uuid.uuid4()),
        # A's own share link with its signature tampered with.
        share_token=real.share_token[:-4]
        + ("BBBB" if real.share_token.endswith("AAAA") else "AAAA"),
        import_job=str(uuid.uuid4()),
        reminder=str(uuid.uuid4()),
        # A's own snooze link with its signature tampered with.
        snooze_token=real.snooze_token[:-4]
        + ("BBBB" if real.snooze_token.endswith("AAAA") else "AAAA"),
        push_endpoint="https://push.example.net/nobody",
    )


@pytest.fixture
def reviewers(request):
    """The Reviewers group as migration triage 0004 left it; made again (conftest's
    reviewers_group) only if a transactional test flushed it away."""
    group = Group.objects.filter(name="Reviewers").first()
    return group or request.getfixturevalue("reviewers_group")


@pytest.fixture
def world(reviewers):
    a = factories.UserFactory(username="athlete-a")
    b = factories.UserFactory(username="athlete-b")
    reviewer = factories.UserFactory(username="reviewer", is_staff=True)
    reviewer.groups.add(reviewers)
    Profile.objects.filter(user=a).update(medications=SECRET)

    yesterday = timezone.localdate() - timedelta(days=1)
    entries = {
        "episode": factories.EpisodeFactory(user=a, notes=SECRET),
        "workout": factories.WorkoutFactory(user=a, notes=SECRET),
        "hydration": factories.HydrationFactory(user=a, notes=SECRET),
        # Yesterday's: with one of today's, A's new check-in form would open it.
        "checkin": factories.CheckinFactory(user=a, notes=SECRET, date=yesterday),
    }
    flag = Flag.objects.create(
        user=a,
        rule="severe_pain",
        severity="see_doctor",
        window_start=yesterday,
        window_end=yesterday,
        message=f"Severe pain. {SECRET}",
        advice="See a doctor.",
        source="s",
    )
    review = FlagReview.objects.create(
        flag=flag,
        reviewer=reviewer,
        from_status="open",
        to_status="reviewed",
        note=SECRET,
        shared_with_athlete=True,
    )
    token = Token.objects.create(user=a)
    # Shared without the medications or the flags (A's SECRET is in both): the
    # link must show what A chose, and only that.
    share = ShareLink.create(a, yesterday - timedelta(days=30), yesterday, ["symptoms", "signs"])
    state = EvaluationState.objects.create(user=a, changed_at=timezone.now())
    digest = DigestLog.objects.create(user=a, iso_year=2026, iso_week=1, status="sent")
    axes = {
        "username": a.username,
        "user_agent": "matrix",
        "ip_address": "127.0.0.1",
        "http_accept": "*/*",
        "path_info": "/accounts/login/",
    }
    attempt = AccessAttempt.objects.create(
        **axes, get_data="", post_data="", failures_since_start=1
    )
    objects = [
        ("auth.user", a),
        ("auth.group", reviewers),  # no group is A's: the one there is
        ("axes.accessattempt", attempt),
        ("axes.accesslog", AccessLog.objects.create(**axes)),
        ("axes.accessfailurelog", AccessFailureLog.objects.create(**axes)),
        ("logbook.workout", entries["workout"]),
        ("logbook.hydrationentry", entries["hydration"]),
        ("logbook.twitchepisode", entries["episode"]),
        ("logbook.dailycheckin", entries["checkin"]),
        ("logbook.profile", Profile.objects.get(user=a)),
        ("triage.flag", flag),
        ("triage.flagreview", review),
        ("triage.evaluationstate", state),
        ("triage.digestlog", digest),
    ]
    admin_objects = {label: (obj, obj.pk) for label, obj in objects}
    # DRF's token admin names a token by its user's id.
    admin_objects["authtoken.tokenproxy"] = (token, a.pk)
    # A's finished import, whose file name is A's SECRET.
    import_job = ImportJob.objects.create(
        user=a, status="done", files=[{"name": f"{SECRET}.csv", "found": 0}], files_done=1
    )
    reminder = Reminder.objects.create(user=a, what="custom", text=SECRET, time=time(21))
    keys = browser_keys()
    return World(
        *(a, b, reviewer, entries, flag, token, admin_objects, share, import_job),
        reminder=reminder,
        reminder_send=ReminderSend.objects.create(
            reminder=reminder, day=yesterday, due_at=timezone.now(), status="sent"
        ),
        push=PushSubscription.objects.create(
            user=a,
            endpoint=f"https://push.example.net/{SECRET}",
            p256dh=keys.p256dh,
            auth=keys.auth,
        ),
    )


# Each new Client loads the middleware anew, and WhiteNoise's scans every static
# file when it is loaded (tens of milliseconds): the matrix's clients share one handler.
HANDLER = ClientHandler(enforce_csrf_checks=False)


def signed_in(user) -> Client:
    """A client signed in as `user` (None: nobody), by session and by API token."""
    client = Client()
    client.handler = HANDLER
    if user is not None:
        client.force_login(user)
        client.signed_in_session = client.cookies[settings.SESSION_COOKIE_NAME].value
        token, _ = Token.objects.get_or_create(user=user)
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


def send(world, persona, method, url, data=None, *, api=False):
    client = world.client(persona)
    call = getattr(client, method.lower())
    if data is None or method == "GET":
        response = call(url)
    elif api:
        response = call(url, json.dumps(data), content_type="application/json")
    elif method == "POST":
        response = call(url, data)
    else:
        encoded = urlencode(data, doseq=True)
        response = call(url, encoded, content_type="application/x-www-form-urlencoded")
    if method != "GET":
        world.after_unsafe(persona)
    return response


def assert_resolves(route: Route, url: str):
    """The URL tried is this pattern's, not one that shadows it: else a 404 would
    pass for the wrong reason."""
    match = resolve(url.split("?")[0])
    assert (match.route, match.func) == (route.route, route.callback), (
        f"{url} resolves to {match.route!r}, not to the pattern under test {route.route!r}"
    )


# --- What "nothing of A's changed" and "nothing of A's shown" mean ----------------------


def snapshot(world) -> dict:
    a = world.a
    rows = {
        "user": list(User.objects.filter(pk=a.pk).values()),
        "profile": list(Profile.objects.filter(user=a).values()),
        "token": list(Token.objects.filter(user=a).values()),
        "flag": list(Flag.objects.filter(user=a).order_by("pk").values()),
        "flagreview": list(FlagReview.objects.filter(flag__user=a).order_by("pk").values()),
        "evaluationstate": list(EvaluationState.objects.filter(user=a).values()),
        "digestlog": list(DigestLog.objects.filter(user=a).order_by("pk").values()),
        # Opening a share link counts as opening it; what it shares must not change.
        "sharelink": list(
            ShareLink.objects.filter(user=a).values(
                "pk", "start", "end", "sections", "expires_at", "revoked_at"
            )
        ),
        "groups": list(Group.objects.order_by("pk", "permissions").values("name", "permissions")),
        "a's groups": list(a.groups.values_list("pk", flat=True)),
        "reminder": list(Reminder.objects.filter(user=a).values()),
        "remindersend": list(ReminderSend.objects.filter(reminder__user=a).values()),
        "pushsubscription": list(PushSubscription.objects.filter(user=a).values()),
        "a's permissions": list(a.user_permissions.values_list("pk", flat=True)),
    }
    for kind in ENTRY_KINDS:
        rows[kind.slug] = list(kind.model.objects.filter(user=a).order_by("pk").values())
    for row in rows["user"]:
        row.pop("last_login")  # signing A in for A's own requests sets it
    return rows


def changed(before: dict, after: dict, allowed=()) -> list[str]:
    """What differs; `allowed` names tables ("flag") or fields ("flag.updated_at")
    that may change."""

    def kept(name, rows):
        fields = {a.split(".")[1] for a in allowed if a.startswith(f"{name}.")}
        return [{k: v for k, v in row.items() if k not in fields} for row in rows]

    return [
        f"{name} changed: {before[name]!r} -> {after[name]!r}"
        for name in before
        if name not in allowed and kept(name, before[name]) != kept(name, after[name])
    ]


def text(response) -> str:
    """The answer's body, streamed or not (read once)."""
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def leaks(response, world, sent: str) -> list[str]:
    """A's secrets in an answer, other than those the requester sent themselves."""
    body = text(response)
    return sorted(secret for secret in world.secrets() if secret in body and secret not in sent)


def refused_to_log_in(response, url: str, *, api: bool, login: str) -> bool:
    if api:
        return response.status_code == 401
    return response.status_code == 302 and response["Location"].startswith(f"{login}?next=")


# --- The classification -----------------------------------------------------------------
#
# Bodies: (ids, method, world, params) -> what an unsafe method sends. Each is the
# body that would do harm if the view let it through (test_what_the_others_send_...
# checks that A's own does), so that a refusal is what keeps A's objects unchanged.


@dataclass(frozen=True)
class Public:
    """On the allow-list: anyone may open it. What GET answers each persona; a
    signed-in athlete's answer defaults to the visitor's, a reviewer's to theirs."""

    why: str
    anonymous: int = 200
    athlete: int | None = None
    reviewer: int | None = None
    body: Callable | None = None
    # Its POST names A (username, email): answered as for a name nobody has, so
    # that it tells nobody whether A has an account.
    same_for_nobody: bool = False

    def get_status(self, persona) -> int:
        athlete = self.athlete or self.anonymous
        if persona == ANONYMOUS:
            return self.anonymous
        return self.reviewer or athlete if persona == REVIEWER else athlete


@dataclass(frozen=True)
class BearerLink:
    """Public by design: the link, mailed to A, is the key, and whoever holds it may
    use it. A forged link opens nothing, whatever the method."""

    why: str
    get: int  # what A's real link answers anyone
    forged: int  # what a tampered link answers, for every method
    params: Callable  # ids -> [kwargs]
    body: Callable | None = None


@dataclass(frozen=True)
class Private:
    """Needs signing in, and shows or changes the requester's own data only.

    owner_get: what GET answers A (and so B and the reviewer, for their own).
    owner_sees: what of A's A's GET shows, so that its absence from B's means
    something. others: what B's and the reviewer's unsafe methods must answer."""

    owner_get: int = 200
    params: Callable = lambda ids: [{}]
    owner_sees: Callable = lambda ids: []
    body: Callable | None = None
    others: dict = field(default_factory=dict)
    # ?shell=1: the page as the service worker keeps it, open to anyone and
    # holding nobody's data, not even the data of whoever it was fetched for.
    shell: bool = False


@dataclass(frozen=True)
class Owned:
    """Names one of A's objects. accepts: the methods answered 404 for anyone but
    A; any other method answers 405, for A's object and for none alike.
    changes_with: the methods whose body changes the object when A sends it."""

    accepts: frozenset
    params: Callable
    owner_get: int = 200
    changes_with: frozenset = frozenset()
    body: Callable | None = None


@dataclass(frozen=True)
class StaffPage:
    """Outside the admin, for staff with a permission: everyone else is sent to the
    admin's login, for A's id and a ghost's alike."""

    why: str
    reviewer_get: int
    params: Callable


def each_kind(make):
    """A pattern with <slug:kind> is tried for every kind of entry."""
    return lambda ids: [make(kind.slug, ids) for kind in ENTRY_KINDS]


def api_kind(slug):
    model = next(kind.model for kind in ENTRY_KINDS if kind.slug == slug)
    return next(kind for kind in API_KINDS if kind.model is model)


def api_body(slug, **fields) -> dict:
    """A valid API body for the kind, with its test value changed."""
    field_name, value = api_kind(slug).change
    return api_kind(slug).body(**{field_name: value, **fields})


def api_create(slug):
    """A create under the id of A's entry: refused as not found."""
    return lambda ids, method, world, params: api_body(slug, id=ids.entries[slug])


def api_change(slug):
    """A change of A's entry, as test_api_ownership sends it."""

    def body(ids, method, world, params):
        data = api_body(slug, notes="changed")
        data.pop("id")
        return data

    return body


def sync_batch(ids, method, world, params):
    """A batch changing every one of A's entries: answered 200, each item refused."""
    return {kind.api_key: [api_body(kind.slug, id=ids.entries[kind.slug])] for kind in ENTRY_KINDS}


def new_entry_with_a_id(ids, method, world, params):
    """A's own form, sent as a new entry under the id of A's entry: not found."""
    return {**world.owner_form(params["kind"]), "id": ids.entries[params["kind"]]}


def sign_in_as_a(ids, method, world, params):
    return {"username": ids.username, "password": "not-the-password"}


# The allow-list: what anyone may open without signing in, and why.
PUBLIC = {
    # Probes: a load balancer or compose asks with no session; the answer is
    # "ok" or which service is down, never anything about anyone.
    "healthz": Public("liveness probe"),
    "readyz": Public("readiness probe"),
    "health": Public("readiness probe, under the name wave one documented"),
    # The ways in. A signed-in person is sent on to Today.
    "signup": Public(
        "making an account",
        athlete=302,
        body=lambda ids, method, world, params: {
            "username": ids.username,  # A's: taken, refused
            "email": ids.email,
            "password1": "a-long-new-password-1",
            "password2": "a-long-new-password-1",
        },
    ),
    "login": Public("signing in", athlete=302, body=sign_in_as_a, same_for_nobody=True),
    "logout": Public("signing out: POST only, harmless for anyone", anonymous=405),
    # Password reset: asking for a link (answered alike for any address, and
    # rate-limited), and the pages around the mailed link; the link itself is a
    # BEARER_LINK.
    "password_reset": Public(
        "asking for a reset link",
        body=lambda ids, method, world, params: {"email": ids.email},
        same_for_nobody=True,
    ),
    "password_reset_done": Public("'check your inbox'"),
    "password_reset_complete": Public("'your new password is set'"),
    # The installable app's shell: kept by the service worker for use with no
    # signal, so it holds nobody's data (logbook/pwa.py).
    "service_worker": Public("the service worker, at the root for its scope"),
    "manifest": Public("the web app manifest"),
    "offline": Public("the page shown with no connection"),
    "outbox": Public("entries waiting on the phone, drawn by app.js from IndexedDB"),
    "session": Public("'still signed in?', asked by the outbox before a replay"),
    # The API's description. drf-spectacular serves it to anyone by default
    # (SERVE_PERMISSIONS AllowAny); it describes the API's shape, nobody's data.
    "api-schema": Public("the OpenAPI schema"),
    "api-docs": Public("Swagger UI over the schema"),
    # How a phone signs in: a username and password for a token. POST only.
    "api-token": Public(
        "the API's sign-in", anonymous=405, body=sign_in_as_a, same_for_nobody=True
    ),
    # The admin's sign-in and sign-out. A signed-in reviewer is sent on to the
    # admin's index; anyone else leaving it, to its index (and so to its login).
    "admin:login": Public(
        "the admin's sign-in", reviewer=302, body=sign_in_as_a, same_for_nobody=True
    ),
    "admin:logout": Public("the admin's sign-out (POST only)", anonymous=302, reviewer=405),
}

BEARER_LINKS = {
    # RFC 8058 one-click unsubscribe: the signed token is the key, and mail
    # clients POST to it with no session. Its GET only asks to confirm.
    "digest_unsubscribe": BearerLink(
        "the digest's unsubscribe link",
        get=200,
        forged=400,
        params=lambda ids: [{"token": ids.unsubscribe}],
    ),
    # The mailed reset link: its GET moves the token into the session and
    # redirects to the form; a forged one says the link is invalid.
    "password_reset_confirm": BearerLink(
        "the mailed password reset link",
        get=302,
        forged=200,
        params=lambda ids: [ids.reset],
        body=lambda ids, method, world, params: {
            "new_password1": "taken-over-1",
            "new_password2": "taken-over-1",
        },
    ),
}

# A's link to their summary, for a clinician: the signed token is the key; it
# opens the summary and its PDF read-only, nothing else.
BEARER_LINKS["shared_summary"] = BearerLink(
    "a share link for a clinician",
    get=200,
    forged=404,
    params=lambda ids: [{"token": ids.share_token}],
)
BEARER_LINKS["shared_pdf"] = BearerLink(
    "the PDF of a share link",
    get=200,
    forged=404,
    params=lambda ids: [{"token": ids.share_token}],
)

STAFF_PAGES = {
    # A reviewer reads the digest an athlete would get (staff, and triage.change_flag).
    "digest_preview": StaffPage(
        "the digest preview, for reviewers",
        reviewer_get=200,
        params=lambda ids: [{"user_id": ids.user}],
    ),
}

PRIVATE = {
    "today": Private(shell=True),
    # +250 ml, under the id of A's drink: not found, as any of A's ids is.
    "quick_water": Private(
        owner_get=405,
        body=lambda ids, method, world, params: {"id": ids.entries["hydration"], "volume_ml": 250},
        others={"POST": 404},
    ),
    "log_entry": Private(
        params=each_kind(lambda slug, ids: {"kind": slug}),
        body=new_entry_with_a_id,
        others={"POST": 404},
        shell=True,
    ),
    "history": Private(owner_sees=lambda ids: list(ids.entries.values())),
    "episodes": Private(owner_sees=lambda ids: [ids.entries["episode"]]),
    "settings": Private(owner_sees=lambda ids: [SECRET]),
    "password_change": Private(),
    "revoke_token": Private(owner_get=405),
    "load": Private(),
    # What came before one's own episodes (issue 14): the page and its API twin.
    "patterns": Private(),
    "api-patterns": Private(),
    "flags": Private(owner_sees=lambda ids: [SECRET, ids.flag]),
    "api-root": Private(),
    "api-sync": Private(owner_get=405, body=sync_batch, others={"POST": 200}),
    "api-token-revoke": Private(owner_get=405),
    "api-load": Private(),
    "flag-list": Private(owner_sees=lambda ids: [SECRET, ids.flag]),
    # The visit summary of one's own log; its medications are A's SECRET.
    "summary": Private(owner_sees=lambda ids: [SECRET]),
    "summary_pdf": Private(),
    "summary_csv": Private(owner_sees=lambda ids: [SECRET]),  # the episodes' notes
    "summary_fhir": Private(owner_sees=lambda ids: [ids.entries["episode"]]),
    "api-summary-fhir": Private(owner_sees=lambda ids: [ids.entries["episode"]]),
    # Everything one logged, as a zip (binary: A's own data is checked by test_export).
    "export": Private(),
    "api-export": Private(),
    # Deleting one's own account needs its password: B's POST with a wrong one
    # answers the form again and deletes nothing.
    "delete_account": Private(
        body=lambda ids, method, world, params: {"password": "not-the-password"},
        others={"POST": 200},
    ),
    # Importing workout files: B's POST without files is refused (400), nothing of A's.
    "import": Private(others={"POST": 400}),
    # The API takes files as multipart only: the matrix's JSON body is refused (415).
    "api-imports": Private(owner_sees=lambda ids: [SECRET, ids.import_job], others={"POST": 415}),
    # A new link to one's own summary: B's POST makes B's, nothing of A's.
    "share_create": Private(
        owner_get=405,
        body=lambda ids, method, world, params: {"days": 7},
        others={"POST": 302},
    ),
}

OWNED = {
    "share_revoke": Owned(
        accepts=frozenset({"POST"}),
        owner_get=405,
        params=lambda ids: [{"pk": ids.share}],
        changes_with=frozenset({"POST"}),
    ),
    # Any method but POST is answered as a GET: the form.
    "edit_entry": Owned(
        accepts=EVERY_METHOD,
        params=each_kind(lambda slug, ids: {"kind": slug, "pk": ids.entries[slug]}),
        changes_with=frozenset({"POST"}),
        body=lambda ids, method, world, params: world.owner_form(params["kind"]),
    ),
    # The entry is looked up before the method is: 404 for anyone else's, whatever
    # the method; its owner's GET is refused (405).
    "delete_entry": Owned(
        accepts=EVERY_METHOD,
        owner_get=405,
        params=each_kind(lambda slug, ids: {"kind": slug, "pk": ids.entries[slug]}),
        changes_with=frozenset({"POST"}),
    ),
    "acknowledge_flag": Owned(
        accepts=frozenset({"POST"}),
        owner_get=405,
        params=lambda ids: [{"pk": ids.flag}],
        changes_with=frozenset({"POST"}),
    ),
    "flag-detail": Owned(accepts=frozenset({"GET"}), params=lambda ids: [{"pk": ids.flag}]),
    # How an import went: its page (polled by htmx) and its API twin.
    "import_job": Owned(accepts=frozenset({"GET"}), params=lambda ids: [{"pk": ids.import_job}]),
    "api-import": Owned(accepts=frozenset({"GET"}), params=lambda ids: [{"pk": ids.import_job}]),
    "flag-acknowledge": Owned(
        accepts=frozenset({"POST"}),
        owner_get=405,
        params=lambda ids: [{"pk": ids.flag}],
        changes_with=frozenset({"POST"}),
    ),
}

# Each kind's API routes, from the registry of kinds (logbook/kinds.py): a new
# kind's routes are classified the day it is added, once tests/kinds.py knows it.
for _kind in ENTRY_KINDS:
    PRIVATE[f"{_kind.slug}-list"] = Private(
        owner_sees=lambda ids, slug=_kind.slug: [ids.entries[slug]],
        body=api_create(_kind.slug),
        others={"POST": 404},
    )
    OWNED[f"{_kind.slug}-detail"] = Owned(
        accepts=frozenset({"GET", "PUT", "PATCH", "DELETE"}),
        params=lambda ids, slug=_kind.slug: [{"pk": ids.entries[slug]}],
        changes_with=frozenset({"PUT", "PATCH", "DELETE"}),
        body=api_change(_kind.slug),
    )


# Reminders (Settings): one's own reminders, quiet hours and phones.


def reminder_form(ids, method, world, params):
    """A's reminder as its edit form sends it back, in other words: a change."""
    return {"what": "custom", "text": "changed", "time": "21:00", "days": ["0", "1"]}


def push_subscription(ids, method, world, params):
    """A's phone's subscription, sent again with new keys: taken over, if let through."""
    keys = browser_keys()
    return {"endpoint": ids.push_endpoint, "p256dh": keys.p256dh, "auth": keys.auth}


PRIVATE.update(
    {
        # B's POSTs make or change B's own, nothing of A's.
        "reminder_new": Private(body=reminder_form, others={"POST": 302}),
        "quiet_hours": Private(
            body=lambda ids, method, world, params: {"quiet_start": "22:00", "quiet_end": "07:00"},
            others={"POST": 302},
        ),
        # A's phone's endpoint is not B's to take or to drop: 404, as for none of B's.
        "push_subscribe": Private(owner_get=405, body=push_subscription, others={"POST": 404}),
        "push_unsubscribe": Private(
            owner_get=405,
            body=lambda ids, method, world, params: {"endpoint": ids.push_endpoint},
            others={"POST": 404},
        ),
    }
)
OWNED.update(
    {
        # Any method but POST is answered as a GET: the form.
        "reminder_edit": Owned(
            accepts=EVERY_METHOD,
            params=lambda ids: [{"pk": ids.reminder}],
            changes_with=frozenset({"POST"}),
            body=reminder_form,
        ),
        # Looked up before the method is: 404 for anyone else's, whatever the method.
        "reminder_switch": Owned(
            accepts=EVERY_METHOD,
            owner_get=405,
            params=lambda ids: [{"pk": ids.reminder}],
            changes_with=frozenset({"POST"}),
            body=lambda ids, method, world, params: {"enabled": "0"},
        ),
        "reminder_delete": Owned(
            accepts=EVERY_METHOD,
            owner_get=405,
            params=lambda ids: [{"pk": ids.reminder}],
            changes_with=frozenset({"POST"}),
        ),
    }
)
# The snooze link in a reminder's notification or email: the signed token is
# the key (the service worker posts it with no session). Its GET only asks.
BEARER_LINKS["reminder_snooze"] = BearerLink(
    "a reminder's snooze link",
    get=200,
    forged=400,
    params=lambda ids: [{"token": ids.snooze_token}],
)


# --- The admin ----------------------------------------------------------------------------

# What reviewers may do in the admin, model by model, as triage/admin.py's
# docstring and migration triage 0004 say: view the athletes' entries and
# profiles, the flags and the decisions, and decide on flags ("change"). Every
# model is listed, so that a newly registered one must be decided on here.
REVIEWERS_MAY = {
    "logbook.workout": {"view"},
    "logbook.hydrationentry": {"view"},
    "logbook.twitchepisode": {"view"},
    "logbook.dailycheckin": {"view"},
    "logbook.profile": {"view"},
    "triage.flag": {"view", "change"},
    "triage.flagreview": {"view"},
    # Nothing else: accounts and passwords, API tokens, login records, triage's
    # bookkeeping and the digest log are the superuser's.
    "auth.user": set(),
    "auth.group": set(),
    "authtoken.tokenproxy": set(),
    "axes.accessattempt": set(),
    "axes.accesslog": set(),
    "axes.accessfailurelog": set(),
    "triage.evaluationstate": set(),
    "triage.digestlog": set(),
}
MODEL_ADMIN_VIEWS = ("changelist", "add", "change", "delete", "history")


@dataclass(frozen=True)
class AdminPage:
    """An admin URL: athletes and visitors are sent to its login, whatever the
    method; a reviewer gets `reviewer(method, params)` (one status or a set).

    params: world -> [kwargs]. body: world -> data for unsafe methods.
    may_change: what of A's a reviewer's unsafe request may change here.
    redirect: world, params -> where a reviewer is sent, for a 302."""

    reviewer: Callable
    params: Callable = lambda world: [{}]
    body: Callable | None = None
    may_change: tuple = ()
    redirect: Callable | None = None
    check: Callable | None = None  # (response, world) -> problems
    query: str = ""


def always(status):
    return lambda method, params: status


def index_lists_only_what_reviewers_may_view(response, world):
    page = response.content.decode()
    return [
        f"the admin's index links to {url}, which reviewers may not view"
        for label, powers in REVIEWERS_MAY.items()
        if "view" not in powers
        and (url := reverse(f"admin:{label.replace('.', '_')}_changelist")) in page
    ]


def app_list_status(method, params):
    labels = {label for label, powers in REVIEWERS_MAY.items() if "view" in powers}
    return 200 if any(label.startswith(f"{params['app_label']}.") for label in labels) else 404


def view_on_site_params(world):
    return [
        {"content_type_id": ContentType.objects.get_for_model(obj).pk, "object_id": pk}
        for obj, pk in world.admin_objects.values()
    ]


ADMIN_SITE = {
    "admin:index": AdminPage(always(200), check=index_lists_only_what_reviewers_may_view),
    # The reviewer's own password.
    "admin:password_change": AdminPage(always(200), body=lambda world: {}),
    "admin:password_change_done": AdminPage(lambda method, params: 200 if method == "GET" else 405),
    # Searching athletes' usernames through an entry's user field: reviewers may not
    # view users, so they may not search them either.
    "admin:autocomplete": AdminPage(
        lambda method, params: 403 if method == "GET" else 405,
        query="app_label=logbook&model_name=workout&field_name=user&term=athlete",
    ),
    "admin:jsi18n": AdminPage(lambda method, params: 200 if method == "GET" else 405),
    # No model of A's has a page of its own to send a reviewer to.
    "admin:view_on_site": AdminPage(always(404), params=view_on_site_params),
    "admin:app_list": AdminPage(
        app_list_status,
        params=lambda world: [
            {"app_label": label}
            for label in sorted({m._meta.app_label for m in admin.site._registry})
        ],
    ),
    "admin/(?P<url>.*)$": AdminPage(always(404), params=lambda world: [{"url": "no-such-page/"}]),
    # Deciding on a flag is what reviewers are for: POST only.
    "admin:triage_flag_decide": AdminPage(
        lambda method, params: 302 if method == "POST" else 403,
        params=lambda world: [{"object_id": world.flag.pk, "decision": "reviewed"}],
        body=lambda world: {"note": ""},
        may_change=("flag", "flagreview"),
    ),
    "admin:triage_flag_dashboard": AdminPage(always(200)),
    # Setting A's password: the superuser's, never a reviewer's.
    "admin:auth_user_password_change": AdminPage(
        always(403),
        params=lambda world: [{"id": world.a.pk}],
        body=lambda world: {"password1": "taken-over-1", "password2": "taken-over-1"},
    ),
}


def model_admin_page(label: str, view: str) -> AdminPage:
    """A standard ModelAdmin URL, for A's object of the model."""
    powers = REVIEWERS_MAY[label]
    views, changes = "view" in powers, "change" in powers
    obj_params = lambda world: [{"object_id": world.admin_objects[label][1]}]  # noqa: E731
    if view == "changelist":
        return AdminPage(
            lambda method, params: (200 if method != "POST" else {200, 302}) if views else 403,
            # Delete A's object by the changelist's action, confirmed at once.
            body=lambda world: {
                "action": "delete_selected",
                "_selected_action": [world.admin_objects[label][1]],
                "post": "yes",
            },
        )
    if view == "add":
        return AdminPage(always(403), body=lambda world: {"notes": SECRET})
    if view == "change":
        return AdminPage(
            lambda method, params: (
                ({200, 302} if changes else 403) if method == "POST" else (200 if views else 403)
            ),
            params=obj_params,
            body=lambda world: {"notes": "changed", "status": "dismissed"},
            # A flag's fields are all read-only: saving its page may touch updated_at only.
            may_change=(f"{label.split('.')[1]}.updated_at",) if changes else (),
        )
    if view == "delete":
        return AdminPage(always(403), params=obj_params, body=lambda world: {"post": "yes"})
    if view == "history":
        return AdminPage(always(200 if views else 403), params=obj_params)
    # "<object_id>/": sends any staff member on to the change page, which decides.
    return AdminPage(
        always(302),
        params=obj_params,
        redirect=lambda world, params: reverse(
            f"admin:{label.replace('.', '_')}_change", args=[params["object_id"]]
        ),
    )


def classify_admin(route: Route):
    if route.name in PUBLIC:
        return PUBLIC[route.name]
    for key in (route.name, route.route):
        if key in ADMIN_SITE:
            return ADMIN_SITE[key]
    for model in admin.site._registry:
        opts = model._meta
        label = f"{opts.app_label}.{opts.model_name}"
        prefix = f"{ADMIN_PREFIX}{opts.app_label}/{opts.model_name}/"
        names = {
            f"admin:{opts.app_label}_{opts.model_name}_{view}": view for view in MODEL_ADMIN_VIEWS
        }
        view = names.get(route.name)
        if view is None and route.name is None and route.route == f"{prefix}<path:object_id>/":
            view = "object"
        if view is None:
            continue
        if label not in REVIEWERS_MAY:
            pytest.fail(
                f"{label} is registered in the admin but not classified: say in REVIEWERS_MAY "
                "what reviewers may do with it, and in the world fixture which object is A's"
            )
        return model_admin_page(label, view)
    return None


def classify(route: Route):
    """The route's classification, or a failure saying to classify it."""
    if route.in_admin:
        spec = classify_admin(route)
    else:
        tables = (PUBLIC, BEARER_LINKS, STAFF_PAGES, PRIVATE, OWNED)
        found = [
            table[key] for table in tables for key in (route.name, route.route) if key in table
        ]
        spec = found[0] if found else None
    if spec is None:
        pytest.fail(
            f"The URL pattern {route.route!r} (name {route.name!r}) is not classified in "
            "tests/test_authorization_matrix.py: add it to PUBLIC (with why anyone may open "
            "it), BEARER_LINKS, PRIVATE, OWNED, STAFF_PAGES, or ADMIN_SITE, saying which of "
            "A's objects fill its parameters."
        )
    return spec


# --- The checks -----------------------------------------------------------------------------


def described(method, url, response) -> str:
    where = f" -> {response['Location']}" if response.has_header("Location") else ""
    return f"{method} {url}: {response.status_code}{where}"


class Problems(list):
    """What one route and persona got wrong, all of it, reported at once."""

    def check(self, ok: bool, message: str):
        if not ok:
            self.append(message)

    def status(self, method, url, response, expected, why=""):
        """`expected`: a status, a set of them, or None for "anything but an error"."""
        if expected is None:
            ok, said = response.status_code < 500, "no server error"
        else:
            expected = expected if isinstance(expected, set) else {expected}
            ok, said = response.status_code in expected, " or ".join(map(str, sorted(expected)))
        self.check(ok, f"{described(method, url, response)}{why}, expected {said}")

    def no_leaks(self, method, url, response, world, data=None):
        shown = leaks(response, world, url + json.dumps(data, default=str))
        self.check(not shown, f"{method} {url} shows A's {shown}")

    def unchanged(self, before, world):
        self.extend(changed(before, snapshot(world)))

    def assert_none(self, route, persona):
        assert not self, f"{route.route} as {persona}:\n  " + "\n  ".join(self)


def with_query(url, spec) -> str:
    query = getattr(spec, "query", "")
    return f"{url}?{query}" if query else url


def methods(route: Route) -> tuple:
    """GET and every unsafe method; in the admin, GET and POST: its views change
    things on POST only, and Django parses no form body for PUT, PATCH or DELETE
    (tried with every method, the admin answered them as GET, or 405)."""
    return ("GET", "POST") if route.in_admin else ("GET", *UNSAFE)


def body_for(spec, ids, method, world, params):
    """What an unsafe method sends: the spec's harmful body, or nothing."""
    if method == "GET" or getattr(spec, "body", None) is None:
        return None
    if isinstance(spec, AdminPage):
        return spec.body(world)
    return spec.body(ids, method, world, params)


def try_public(route, spec: Public, persona, world, problems):
    ids = real_ids(world)
    url = route.url({})
    assert_resolves(route, url)
    before = snapshot(world)
    response = send(world, persona, "GET", url, api=route.is_api)
    problems.status("GET", url, response, spec.get_status(persona))
    if persona != OWNER:
        problems.no_leaks("GET", url, response, world)
        for method in UNSAFE:
            data = body_for(spec, ids, method, world, {}) or {}
            response = send(world, persona, method, url, data, api=route.is_api)
            problems.status(method, url, response, None)
            problems.no_leaks(method, url, response, world, data)
            if spec.same_for_nobody and method == "POST":
                nobody = body_for(spec, ghost_ids(world), method, world, {})
                theirs = send(world, persona, method, url, nobody, api=route.is_api)
                problems.check(
                    (response.status_code, response.get("Location"))
                    == (theirs.status_code, theirs.get("Location")),
                    f"{described(method, url, response)} for A's name, unlike "
                    f"{theirs.status_code} for nobody's: it tells who has an account",
                )
    problems.unchanged(before, world)


def try_refused(route, spec, persona, world, problems, *, login):
    """Every method, with the body that would do harm: sent to log in, or 401."""
    ids = real_ids(world)
    api = route.is_api and login != "admin"
    login_url = reverse("admin:login") if login == "admin" else reverse("login")
    before = snapshot(world)
    for params in spec.params(world) if isinstance(spec, AdminPage) else spec.params(ids):
        url = with_query(route.url(params), spec)
        assert_resolves(route, url)
        for method in methods(route):
            data = body_for(spec, ids, method, world, params)
            response = send(world, persona, method, url, data, api=api)
            problems.check(
                refused_to_log_in(response, url, api=api, login=login_url),
                f"{described(method, url, response)}, expected "
                + ("401" if api else f"302 to {login_url}?next=..."),
            )
            problems.no_leaks(method, url, response, world, data)
        if getattr(spec, "shell", False):
            try_shell(url, persona, world, problems)
    problems.unchanged(before, world)


def try_shell(url, persona, world, problems):
    """The ?shell=1 page: 200 for anyone, and nothing of A's in it, even for A."""
    shell = f"{url}?shell=1"
    response = send(world, persona, "GET", shell)
    problems.status("GET", shell, response, 200)
    problems.no_leaks("GET", shell, response, world)


def try_private(route, spec: Private, persona, world, problems):
    ids = real_ids(world)
    for params in spec.params(ids):
        url = route.url(params)
        assert_resolves(route, url)
        before = snapshot(world)
        response = send(world, persona, "GET", url, api=route.is_api)
        problems.status("GET", url, response, spec.owner_get)
        if persona == OWNER:
            body = text(response)
            missing = [text for text in spec.owner_sees(ids) if text not in body]
            problems.check(not missing, f"GET {url} does not show A their own {missing}")
        else:
            problems.no_leaks("GET", url, response, world)
            for method in UNSAFE:
                data = body_for(spec, ids, method, world, params) or {}
                response = send(world, persona, method, url, data, api=route.is_api)
                problems.status(method, url, response, spec.others.get(method))
                problems.no_leaks(method, url, response, world, data)
        if spec.shell:
            try_shell(url, persona, world, problems)
        problems.unchanged(before, world)


def try_owned(route, spec: Owned, persona, world, problems):
    ids, ghost = real_ids(world), ghost_ids(world)
    for params, ghost_params in zip(spec.params(ids), spec.params(ghost), strict=True):
        url, ghost_url = route.url(params), route.url(ghost_params)
        assert_resolves(route, url)
        before = snapshot(world)
        if persona == OWNER:
            response = send(world, persona, "GET", url, api=route.is_api)
            problems.status("GET", url, response, spec.owner_get, " for A's own")
        else:
            for method in ("GET", *UNSAFE):
                data = body_for(spec, ids, method, world, params)
                response = send(world, persona, method, url, data, api=route.is_api)
                ghost_data = body_for(spec, ghost, method, world, ghost_params)
                nobodys = send(world, persona, method, ghost_url, ghost_data, api=route.is_api)
                expected = 404 if method in spec.accepts else 405
                problems.status(method, url, response, expected, " for A's object")
                same = response.content.replace(url.encode(), ghost_url.encode()) == nobodys.content
                problems.check(
                    response.status_code == nobodys.status_code and same,
                    f"{method} {url} answers A's object ({response.status_code}) unlike one "
                    f"that does not exist ({nobodys.status_code}): it tells them apart",
                )
                problems.no_leaks(method, url, response, world, data)
        problems.unchanged(before, world)


def try_bearer_link(route, spec: BearerLink, persona, world, problems):
    world.client(persona)  # signing A in sets last_login, which A's reset link depends on
    ids, ghost = real_ids(world), ghost_ids(world)
    for params, forged_params in zip(spec.params(ids), spec.params(ghost), strict=True):
        url, forged = route.url(params), route.url(forged_params)
        assert_resolves(route, url)
        before = snapshot(world)
        response = send(world, persona, "GET", url)
        problems.status("GET", url, response, spec.get)
        if persona != OWNER:
            problems.no_leaks("GET", url, response, world)
            for method in ("GET", *UNSAFE):
                data = body_for(spec, ghost, method, world, forged_params) or {}
                response = send(world, persona, method, forged, data)
                problems.status(method, forged, response, spec.forged, " (a forged link)")
        problems.unchanged(before, world)


def try_staff_page(route, spec: StaffPage, persona, world, problems):
    if persona != REVIEWER:
        return try_refused(route, spec, persona, world, problems, login="admin")
    ids, ghost = real_ids(world), ghost_ids(world)
    for params, ghost_params in zip(spec.params(ids), spec.params(ghost), strict=True):
        url, ghost_url = route.url(params), route.url(ghost_params)
        assert_resolves(route, url)
        before = snapshot(world)
        problems.status("GET", url, send(world, persona, "GET", url), spec.reviewer_get)
        problems.status("GET", ghost_url, send(world, persona, "GET", ghost_url), 404)
        for method in UNSAFE:
            problems.status(method, url, send(world, persona, method, url, {}), None)
        problems.unchanged(before, world)


def try_admin(route, spec: AdminPage, persona, world, problems):
    if persona != REVIEWER:
        return try_refused(route, spec, persona, world, problems, login="admin")
    before = snapshot(world)
    for params in spec.params(world):
        url = with_query(route.url(params), spec)
        assert_resolves(route, url)
        for method in methods(route):
            data = spec.body(world) if spec.body and method != "GET" else None
            response = send(world, persona, method, url, data)
            problems.status(method, url, response, spec.reviewer(method, params))
            if spec.redirect and response.status_code == 302:
                to = spec.redirect(world, params)
                problems.check(
                    response["Location"] == to, f"{described(method, url, response)}, expected {to}"
                )
            if spec.check and method == "GET":
                problems.extend(spec.check(response, world))
            if response.status_code != 200:  # a refusal shows nothing of A's either
                problems.no_leaks(method, url, response, world, data)
            after = snapshot(world)
            allowed = spec.may_change if method != "GET" else ()
            problems.extend(f"{method} {url}: {c}" for c in changed(before, after, allowed))
            before = after


def try_route(route: Route, persona: str, world: World):
    spec = classify(route)
    problems = Problems()
    if isinstance(spec, Public):
        try_public(route, spec, persona, world, problems)
    elif isinstance(spec, BearerLink):
        try_bearer_link(route, spec, persona, world, problems)
    elif isinstance(spec, StaffPage):
        try_staff_page(route, spec, persona, world, problems)
    elif isinstance(spec, AdminPage):
        try_admin(route, spec, persona, world, problems)
    elif persona == ANONYMOUS:
        try_refused(route, spec, persona, world, problems, login="site")
    elif isinstance(spec, Private):
        try_private(route, spec, persona, world, problems)
    else:
        try_owned(route, spec, persona, world, problems)
    problems.assert_none(route, persona)


# --- The matrix ---------------------------------------------------------------------------

EVERY_ROUTE = [pytest.param(route, id=id_) for route, id_ in zip(ROUTES, ROUTE_IDS, strict=True)]


@pytest.mark.parametrize("route", EVERY_ROUTE)
def test_anonymous_visitors_are_sent_to_log_in_everywhere_but_the_public_allow_list(route, world):
    try_route(route, ANONYMOUS, world)


@pytest.mark.parametrize("route", EVERY_ROUTE)
def test_athlete_a_reaches_their_own_objects_and_pages_and_the_admin_sends_them_to_log_in(
    route, world
):
    try_route(route, OWNER, world)


@pytest.mark.parametrize("route", EVERY_ROUTE)
def test_athlete_b_gets_404_for_a_s_objects_as_for_none_and_sees_and_changes_nothing_of_a_s(
    route, world
):
    try_route(route, OTHER, world)


@pytest.mark.parametrize("route", EVERY_ROUTE)
def test_a_reviewer_sees_no_athlete_data_but_their_own_and_only_what_is_intended_in_the_admin(
    route, world
):
    try_route(route, REVIEWER, world)


TEETH = [
    pytest.param(route, method, id=f"{id_}-{method}")
    for route, id_ in zip(ROUTES, ROUTE_IDS, strict=True)
    if not route.in_admin and route.name in OWNED
    for method in sorted(OWNED[route.name].changes_with)
]


@pytest.mark.parametrize(("route", "method"), TEETH)
def test_what_the_others_send_would_change_a_s_object_if_a_sent_it(route, method, world):
    """The bodies B and the reviewer send are not harmless by accident: from A,
    each changes A's object, so its refusal to them is what keeps it unchanged."""
    spec = OWNED[route.name]
    ids = real_ids(world)
    for params in spec.params(ids):
        url = route.url(params)
        before = snapshot(world)
        data = body_for(spec, ids, method, world, params)
        response = send(world, OWNER, method, url, data, api=route.is_api)
        assert response.status_code < 400, described(method, url, response)
        assert changed(before, snapshot(world)), f"{method} {url} by A changed nothing"


def test_the_walk_finds_every_named_url_the_resolver_can_reverse():
    """No include is skipped: every name reverse() knows is in the matrix."""
    resolver = get_resolver()
    names = {key for key in resolver.reverse_dict if isinstance(key, str)}
    for namespace, (_, inner) in resolver.namespace_dict.items():
        names |= {f"{namespace}:{key}" for key in inner.reverse_dict if isinstance(key, str)}
    found = {route.name for route in ROUTES}

    assert names <= found, f"not walked: {sorted(names - found)}"


def test_every_classified_url_and_model_still_exists():
    """Stale entries hide nothing, but they mislead: remove them with their URL."""
    keys = {route.name for route in ROUTES} | {route.route for route in ROUTES}
    tables = {
        "PUBLIC": PUBLIC,
        "BEARER_LINKS": BEARER_LINKS,
        "STAFF_PAGES": STAFF_PAGES,
        "PRIVATE": PRIVATE,
        "OWNED": OWNED,
        "ADMIN_SITE": ADMIN_SITE,
    }
    stale = [
        f"{table}[{key!r}]"
        for table, entries in tables.items()
        for key in entries
        if key not in keys
    ]
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}
    stale += [f"REVIEWERS_MAY[{label!r}]" for label in REVIEWERS_MAY if label not in registered]

    assert not stale, f"classified, but no such URL pattern or admin model: {stale}"
