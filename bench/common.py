"""What the benchmarks share: a PostgreSQL database of their own, and timing figures."""

import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/twitchlog_bench"


def bench_database_url() -> str:
    """BENCH_DATABASE_URL, created if missing; never the app's own database."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return url


def django_env(database_url: str, **extra) -> dict:
    """The environment of a production-like process on the bench database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-bench-only-secret-key",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_STATIC_MANIFEST": "0",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


@dataclass
class Figures:
    name: str
    requests: int
    seconds: float
    latencies_ms: list[float]
    items_per_request: int = 1

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: int) -> float:
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[p - 1]

    def row(self, baseline: "Figures") -> str:
        items = self.per_second * self.items_per_request
        ratio = items / baseline.per_second
        return (
            f"{self.name:<34} {self.per_second:8.1f} {items:9.1f} "
            f"{self.percentile(50):7.1f} {self.percentile(95):7.1f} {self.percentile(99):7.1f}"
            f"   {ratio:5.2f}x"
        )


TABLE_HEADER = (
    f"{'scenario':<34} {'req/s':>8} {'rows/s':>9} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    "   rows/s vs baseline"
)
