"""The production files: compose.yaml runs what README promises, and with the
environment it gives the app, `manage.py check --deploy` finds nothing."""

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
EXAMPLE_ENV = ROOT / "deploy" / "production.env.example"
APP_SERVICES = {"migrate", "web", "worker", "beat"}


def example_env() -> dict:
    lines = EXAMPLE_ENV.read_text().splitlines()
    pairs = (line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))
    return {name: value for name, value in pairs}


def interpolate(value: str, env: dict) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?error}, as compose reads them."""

    def one(match):
        name, operator, operand = match.group(1), match.group(2), match.group(3)
        if env.get(name):
            return env[name]
        assert operator != ":?", f"compose would refuse to start: {operand}"
        return operand or ""

    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", one, value)


def app_environment() -> dict:
    env = example_env()
    return {
        name: interpolate(str(value), env)
        for name, value in COMPOSE["x-app"]["environment"].items()
    }


def test_check_deploy_finds_nothing_with_the_production_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **app_environment()},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    # W021 (HSTS preload) is silenced on purpose: config/settings.py says why.
    assert result.stdout == "System check identified no issues (1 silenced).\n"
    assert result.stderr == ""


def test_the_production_environment_turns_on_https_and_off_debug():
    env = app_environment()

    assert env["DJANGO_DEBUG"] == "0"
    assert env["DJANGO_SSL_REDIRECT"] == "1"
    assert int(env["DJANGO_HSTS_SECONDS"]) >= 31536000
    assert env["DATABASE_URL"].startswith("postgres://twitchlog:")
    assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"


def test_every_example_variable_is_read_by_compose():
    text = (ROOT / "compose.yaml").read_text()

    unused = [name for name in example_env() if "${" + name not in text]

    assert unused == []


def test_compose_runs_migrations_once_then_web_scalable_workers_and_one_beat():
    services = COMPOSE["services"]

    assert set(services) == APP_SERVICES | {"postgres", "redis"}
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    for name in APP_SERVICES - {"migrate"}:
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }, name
    assert services["web"]["command"] == ["gunicorn", "config.wsgi"]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["beat"]["deploy"]["replicas"] == 1
    # Workers scale with --scale worker=N: nothing of theirs may clash.
    for name in ("worker", "beat"):
        assert "ports" not in services[name]
        assert "container_name" not in services[name]


def test_the_image_runs_as_a_user_and_collects_static_files_at_build():
    dockerfile = (ROOT / "Dockerfile").read_text()
    final_stage = dockerfile.rsplit("\nFROM ", 1)[1]

    assert re.search(r"^USER (?!root)\w+", final_stage, re.MULTILINE)
    assert "collectstatic --noinput" in final_stage
    assert final_stage.index("collectstatic") < final_stage.index("\nUSER ")
    assert "-slim" in final_stage.splitlines()[0]
