"""config/settings.py reads everything from the environment, and has a safe default."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SHOW_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST"),
    "health_checks": db["CONN_HEALTH_CHECKS"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER, "broker": settings.CELERY_BROKER_URL,
    "email": settings.EMAIL_BACKEND, "email_host": settings.EMAIL_HOST,
    "email_port": settings.EMAIL_PORT, "hosts": settings.ALLOWED_HOSTS,
    "celery_eager": __import__("config").celery_app.conf.task_always_eager,
}))
"""


def run_python(code, **env):
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_no_environment_gives_the_embedded_default():
    result = run_python(SHOW_SETTINGS)

    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["debug"] is True
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["name"] == str(ROOT / "var" / "db.sqlite3")
    assert shown["eager"] is shown["celery_eager"] is True
    assert shown["email"] == "django.core.mail.backends.console.EmailBackend"
    assert shown["health_checks"] is True


def test_production_reads_its_services_from_the_environment():
    result = run_python(
        SHOW_SETTINGS,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://app:pw@db.internal:5432/twitchlog",
        CELERY_BROKER_URL="redis://cache.internal:6379/0",
        EMAIL_URL="smtp+tls://mailer:pw@smtp.internal:587",
        DJANGO_ALLOWED_HOSTS="twitchlog.example.org,www.twitchlog.example.org",
    )

    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["debug"] is False
    assert (shown["engine"], shown["name"], shown["host"]) == (
        "django.db.backends.postgresql",
        "twitchlog",
        "db.internal",
    )
    assert shown["health_checks"] is True
    assert shown["eager"] is shown["celery_eager"] is False
    assert shown["broker"] == "redis://cache.internal:6379/0"
    assert shown["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (shown["email_host"], shown["email_port"]) == ("smtp.internal", 587)
    assert shown["hosts"] == ["twitchlog.example.org", "www.twitchlog.example.org"]


def test_debug_off_without_a_secret_key_refuses_to_start_in_one_line():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "0"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "DJANGO_SECRET_KEY" in lines[0]


def test_filemail_writes_under_the_project_or_to_an_absolute_folder():
    show = (
        "import django; django.setup(); "
        "from django.conf import settings as s; print(s.EMAIL_FILE_PATH)"
    )

    relative = run_python(show, EMAIL_URL="filemail://var/mail")
    absolute = run_python(show, EMAIL_URL="filemail:///srv/twitchlog-mail")

    assert relative.stdout.strip() == str(ROOT / "var" / "mail"), relative.stderr
    assert absolute.stdout.strip() == "/srv/twitchlog-mail", absolute.stderr


def test_https_settings_are_off_by_default_and_read_from_the_environment():
    show = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD]))"
    )

    default = run_python(show)
    asked = run_python(show, DJANGO_SSL_REDIRECT="1", DJANGO_HSTS_SECONDS="3600")

    assert json.loads(default.stdout) == [False, 0, True, False], default.stderr
    assert json.loads(asked.stdout) == [True, 3600, True, False], asked.stderr
