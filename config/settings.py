"""twitchlog settings: the one settings file, read from the environment.

With no environment at all you get the embedded default that `make run` uses:
SQLite in var/, DEBUG on, email printed to the console, and Celery tasks run
in-process. Production sets DATABASE_URL, CELERY_BROKER_URL, EMAIL_URL,
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DJANGO_DEBUG=0 (see README.md).
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF

from config.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise SystemExit(
            "twitchlog refuses to start: DJANGO_DEBUG=0 needs DJANGO_SECRET_KEY "
            "(set it to a long random string, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
        )
    SECRET_KEY = "insecure-development-key-only-for-DEBUG-mode"

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The public address of the app, used in links that leave the browser (emails).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "axes",
    "logbook",
    "triage",
    "records",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.NoStoreForSignedIn",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "logbook.middleware.ActivateProfileTimezone",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "logbook.forms.FormRenderer"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "logbook.context_processors.entry_kinds",
                "triage.context_processors.open_flags",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    # runserver threads and in-process Celery tasks write at the same time:
    # WAL plus IMMEDIATE transactions make SQLite wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 10,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# Redis, hung or gone, must not hold a request up: a short wait, then the caller
# carries on without it (triage/scheduling.py, config/rest.py).
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=0.5)
if "redis" in CACHES["default"]["BACKEND"].lower():
    CACHES["default"].setdefault("OPTIONS", {}).update(
        socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT
    )

# --- Auth, i18n, static -----------------------------------------------------

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins after repeated failures.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "today"
LOGOUT_REDIRECT_URL = "login"
# Whether anyone may create an account, or only an admin.
SIGNUP_OPEN = env.bool("SIGNUP_OPEN", default=True)

# Reset mails per address typed, and per account, in a window (logbook/password_reset.py).
PASSWORD_RESET_LIMIT = {"address": 3, "account": 3, "window_seconds": 3600}

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=8)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed files need `collectstatic` (the Procfile's release step);
# without it the sources are served straight from their folders, so a fresh
# clone runs without that step.
STATIC_MANIFEST = env.bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
if not STATIC_MANIFEST:
    # WhiteNoise warns about a missing STATIC_ROOT even when serving sources.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# The whole body of any request, form or JSON, is capped at 1 MiB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# Pages work under a strict policy: no inline scripts or style attributes;
# scripts, styles and the service worker come from this site only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- HTTPS ------------------------------------------------------------------

SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Off unless asked for: a site served over plain HTTP (a home network) would
# lock itself out. production.env.example turns both on.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=False)
# Probes from inside the network (compose, a load balancer) speak plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
# Preloading is a promise made for a whole registered domain, at its apex; it is
# its owner's to make (DJANGO_HSTS_PRELOAD=1), not a warning to every install.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- Email ------------------------------------------------------------------

# smtp://user:password@host:587 (smtp+tls://, smtp+ssl://), consolemail:// or
# filemail://var/mail (a folder under the project; filemail:///srv/mail for an
# absolute one).
_email_url = env.str("EMAIL_URL", default="consolemail://")
_email = env.email_url_config(_email_url)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
# django-environ reads filemail://var/mail as host "var" and folder "mail".
EMAIL_FILE_PATH = BASE_DIR / (_email_url.partition("filemail://")[2] or "var/mail")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="twitchlog <twitchlog@localhost>")

# --- REST API ---------------------------------------------------------------

REST_FRAMEWORK = {
    # Token first, so that an anonymous request gets 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["config.rest.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.rest.Pagination",
    "DEFAULT_SCHEMA_CLASS": "config.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.rest.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"auth": env.str("API_AUTH_THROTTLE", default="20/minute")},
    # How many proxies stand in front and add to X-Forwarded-For; 0 trusts none of
    # it, so a client cannot dodge the throttle by making one up.
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=0),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "twitchlog API",
    "DESCRIPTION": (
        "Log workouts, hydration, daily check-ins and muscle twitch, spasm and cramp "
        "episodes. Every entry's id is a UUID the client may choose, which makes "
        "creates and `/api/v1/sync/` safe to retry."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Celery -----------------------------------------------------------------

# Without a broker the tasks run in-process, so the embedded default needs no
# Redis and no worker. ("memory://" only keeps Celery from looking for one.)
CELERY_TASK_ALWAYS_EAGER = not env.str("CELERY_BROKER_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or "memory://localhost/"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# A save must not hang on a dead or hung broker: a short wait, no retry; the
# sweep catches up. (triage/scheduling.py also stops asking for a while.)
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": REDIS_TIMEOUT,
    "socket_connect_timeout": REDIS_TIMEOUT,
    # kombu otherwise sleeps 2 s between connection attempts, even for a publish.
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE = {
    "triage-sweep": {"task": "triage.tasks.sweep", "schedule": 15 * 60},
    "weekly-digests": {"task": "triage.tasks.send_due_digests", "schedule": 60 * 60},
    # Every minute: people set reminders to the minute (logbook/reminding.py).
    "reminders": {"task": "logbook.tasks.send_due_reminders", "schedule": 60},
    "waiting-imports": {"task": "logbook.tasks.run_waiting_imports", "schedule": 5 * 60},
}

# --- Workout imports ----------------------------------------------------------

# Uploaded files wait here until they are read, then are removed. Web and
# worker hosts must share it (compose.yaml mounts one volume on both).
IMPORT_DIR = Path(env.str("IMPORT_DIR", default=str(VAR_DIR / "imports")))
# Apple Health exports of years of data reach gigabytes.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_MB", default=2048) * 1024 * 1024
IMPORT_MAX_FILES = env.int("IMPORT_MAX_FILES", default=20)
# Uploads up to this size are imported while the request waits; larger ones by
# a worker, and the answer says where to ask how it is going.
IMPORT_INLINE_MAX_BYTES = env.int("IMPORT_INLINE_MAX_KB", default=2048) * 1024

# --- Reminders ----------------------------------------------------------------

# Web Push (VAPID) keys: `python manage.py vapid_keys` makes a pair. Without
# them, reminders go by email. The subject is a mailto: or https: address the
# push services may contact about this server.
VAPID_PUBLIC_KEY = env.str("VAPID_PUBLIC_KEY", default="")
VAPID_PRIVATE_KEY = env.str("VAPID_PRIVATE_KEY", default="")
VAPID_SUBJECT = env.str("VAPID_SUBJECT", default="mailto:twitchlog@localhost")

# --- Weekly digest ------------------------------------------------------------

# Each athlete's digest of the week before goes out once their own clock has
# reached this weekday (0 is Monday) and hour.
DIGEST_WEEKDAY = env.int("DIGEST_WEEKDAY", default=0)
DIGEST_HOUR = env.int("DIGEST_HOUR", default=8)
# A week with nothing logged gets a two-line note, or no email at all.
DIGEST_SKIP_EMPTY_WEEKS = env.bool("DIGEST_SKIP_EMPTY_WEEKS", default=False)

# --- Triage -----------------------------------------------------------------

# The rules' thresholds (triage/rules.py explains each) and the engine's knobs.
# The rules' numbers (triage/rules.py), each beside the guidance it comes from.
# Where the guidance gives no number, the number is a product decision, said so,
# and measured on simulated populations (bench/triage_quality.py,
# tests/test_population_goals.py): healthy athletes are almost never told to see
# a doctor, and every pattern the guidance calls concerning is caught.
TRIAGE = {
    # recurring_episodes: "If any muscle twitch or spasm lasts a long time or keeps
    # coming back, you may have a serious condition." Counted in days with an
    # episode in one body region. Product decision: 3 days within 7 to watch, 6
    # within 14 to see a doctor.
    "recurring_watch_days": 3,
    "recurring_watch_window": 7,
    "recurring_doctor_days": 6,
    "recurring_doctor_window": 14,
    # long_episode: "Cramps can last anywhere from a few seconds to 15 minutes."
    # One longer cramp: watch. It "lasts a long time or keeps coming back" (see a
    # doctor) when a second comes within 28 days, or one lasts over an hour
    # (product decisions).
    "long_cramp_minutes": 15,
    "long_cramp_repeats": 2,
    "long_cramp_repeat_window": 28,
    "long_episode_minutes": 60,
    # persistent_twitching: "frequently twitch and … Long-term twitching". Product
    # decision: episodes on 10 days spread over 21 or more, within 30.
    "persistent_episode_days": 10,
    "persistent_span_days": 21,
    "persistent_lookback_days": 30,
    # red_flag_symptoms: "if your muscles frequently twitch and you experience any
    # of the following symptoms: … Weakness … Loss of or change in nerve sensation …
    # Loss of muscle size". Frequently: episodes on 3 days within 14 (product
    # decision); a symptom that comes back on a second day within 28; any muscle loss.
    "symptom_frequent_days": 3,
    "symptom_frequent_window": 14,
    "symptom_repeat_window": 28,
    # severe_pain: "If you experience severe pain, like a muscle explosion, contact
    # your doctor." A muscle explosion (kind "severe"): see a doctor. Pain of 8/10
    # or more in an ordinary cramp: watch ("cramps, more sustained and painful
    # contractions"); see a doctor when it is long or comes back within 28 days
    # (product decisions).
    "painful": 8,
    "painful_repeats": 2,
    "painful_repeat_window": 28,
    # load_spike: "Increase your exercise difficulty incrementally — not
    # exponentially". Calendar weeks against the median of the 4 whole weeks before
    # with any training (product decisions, measured on simulated athletes: one
    # healthy week in twenty is 1.5 times the usual, so that is no signal): a jump
    # to 2 times the usual; or a sustained rise, three weeks each 1.2 times the usual,
    # 1.4 times on average, the last 1.5 times. Weeks of 300 AU or more, after 28
    # days of training history.
    "min_load_history_days": 28,
    "usual_weeks": 4,
    "week_jump_ratio": 2.0,
    "ramp_weeks": 3,
    "ramp_each_over_usual": 1.2,
    "ramp_mean_over_usual": 1.4,
    "ramp_last_over_usual": 1.5,
    "week_min_load": 300,
    # dehydration_risk and no_warmup_pattern: episodes this soon after a workout.
    # "Spasms may occur during exercise, immediately after, or up to several hours
    # later."
    "after_workout_hours": 24,
    # dehydration_risk: "Exercise, particularly in hot weather, can cause
    # dehydration." Product decision: 2 episodes within 14 days.
    "dehydration_episodes": 2,
    "dehydration_days": 14,
    # unexplained_twitching: "If your muscles often twitch in the absence of known
    # causes, you should speak to your doctor." Often: on 5 days within 14 (product
    # decision), by an athlete who logs training (a workout in the 28 days before),
    # on days whose check-in names none of the known causes the guidance lists:
    # illness, medication, anxiety (stress of 7/10 or more) and caffeine (400 mg, or
    # 1.5 times the athlete's usual; the cited study of "caffeine consumption").
    "unexplained_days": 5,
    "unexplained_window": 14,
    "unexplained_training_days": 28,
    "known_cause_stress": 7,
    "known_cause_caffeine_mg": 400,
    "known_cause_caffeine_ratio": 1.5,
    # return_after_break: "An athlete returning to train after a period of
    # inactivity". Product decision: 14 days without a workout.
    "break_days": 14,
    # no_warmup_pattern: "You should also warm up and stretch before any intense
    # activity." Product decision: 3 episodes within 14 days.
    "no_warmup_episodes": 3,
    "no_warmup_days": 14,
    # The engine: how far back it reads, how many people per batch, how long a
    # burst of saves waits before one evaluation, and how often everyone is
    # evaluated again even without changes.
    "history_days": 120,
    "batch_size": 500,
    "debounce_seconds": env.int("TRIAGE_DEBOUNCE_SECONDS", default=5),
    "reevaluate_hours": 24,
}

# --- Logging ----------------------------------------------------------------

# Health data never goes into logs: loggers get ids and counts, not entries
# (config/logs.py). Production writes one JSON object per line.
LOGGING = logging_config(DEBUG)
# The worker logs through the same configuration, not Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
