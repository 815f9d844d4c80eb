"""How fast can the API take writes? Not a test: it prints figures.

Starts gunicorn (2 sync workers, as in production) on a PostgreSQL database of
its own, then drives it over loopback with a bounded number of concurrent
clients:

- baseline: a bare view that inserts one row with the ORM (no auth, parsing or
  validation), the ceiling of gunicorn + Django + PostgreSQL on this machine;
- single episode creates through the API, each with its own client UUID;
- /api/v1/sync/ batches of 50 episodes.

Each line prints req/s, rows/s, p50/p95/p99 latency and rows/s as a ratio of
the baseline measured in the same run. Targets: episode creates >= 0.60x the
baseline with p99 <= 50 ms; a sync batch of 50 at p95 <= 150 ms.

    make bench            # or: .venv/bin/python bench/api_write.py [--requests N]
"""

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    ROOT,
    TABLE_HEADER,
    Figures,
    bench_database_url,
    django_env,
    manage,
)

CLIENTS = 16


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database(env: dict) -> list[str]:
    """Migrate, empty the bench users' entries, and make one user and token per client."""
    manage(env, "migrate", "--noinput", "-v0")
    # Plain SQL: the ORM would load every row to announce its deletion, and the
    # database may also hold the sweep bench's millions of rows.
    script = f"""
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.authtoken.models import Token
from logbook.models import ENTRY_MODELS
from bench.baseline import BASELINE_USERNAME
with connection.cursor() as cursor:
    for model in ENTRY_MODELS:
        cursor.execute(
            f"DELETE FROM {{model._meta.db_table}} WHERE user_id IN "
            "(SELECT id FROM auth_user WHERE username LIKE %s)",
            ["bench-%"],
        )
User = get_user_model()
User.objects.get_or_create(username=BASELINE_USERNAME)
tokens = []
for n in range({CLIENTS}):
    user, _ = User.objects.get_or_create(username=f"bench-{{n}}")
    tokens.append(Token.objects.get_or_create(user=user)[0].key)
print(" ".join(tokens))
"""
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.split()


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def episode(now: str) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "started_at": now,
        "duration_s": 45,
        "kind": "cramp",
        "body_region": "calf",
        "side": "left",
        "pain": 5,
        "timing": "right_after",
        "relief": ["stretch"],
    }


async def drive(name, url, make_body, tokens, *, requests, clients, items_per_request=1):
    """Send `requests` POSTs from `clients` concurrent clients; time each one."""
    latencies: list[float] = []
    remaining = requests
    connector = aiohttp.TCPConnector(limit=clients)

    async with aiohttp.ClientSession(connector=connector) as session:

        async def client(token):
            nonlocal remaining
            headers = {"Content-Type": "application/json"}
            if token:
                headers["Authorization"] = f"Token {token}"
            while remaining > 0:
                remaining -= 1
                body = json.dumps(make_body())
                started = time.perf_counter()
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    if response.status not in (200, 201):
                        raise SystemExit(f"{name}: HTTP {response.status}")
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(client(tokens[n % len(tokens)]) for n in range(clients)))
        seconds = time.perf_counter() - started
    return Figures(name, requests, seconds, latencies, items_per_request)


async def run(base: str, tokens: list[str], requests: int) -> list[Figures]:
    now = datetime.now(UTC).isoformat()
    no_tokens = [""]

    def one():
        return episode(now)

    def batch():
        return {"episodes": [episode(now) for _ in range(50)]}

    # Warm both workers' connections and imports before timing anything.
    await drive("warm-up", f"{base}/bench/baseline/", one, no_tokens, requests=200, clients=4)
    await drive("warm-up", f"{base}/api/v1/episodes/", one, tokens, requests=200, clients=4)

    baseline = await drive(
        f"baseline ORM insert, {CLIENTS} clients",
        f"{base}/bench/baseline/",
        one,
        no_tokens,
        requests=requests,
        clients=CLIENTS,
    )
    creates = await drive(
        f"API episode create, {CLIENTS} clients",
        f"{base}/api/v1/episodes/",
        one,
        tokens,
        requests=requests,
        clients=CLIENTS,
    )
    sync_figures = [
        await drive(
            f"API sync of 50, {clients} clients",
            f"{base}/api/v1/sync/",
            batch,
            tokens,
            requests=max(requests // 20, 40),
            clients=clients,
            items_per_request=50,
        )
        for clients in (1, 2, CLIENTS)
    ]
    return [baseline, creates, *sync_figures]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="requests per scenario")
    args = parser.parse_args()

    database_url = bench_database_url()
    # A broker as in production, so that saving pays for announcing the change;
    # its own Redis database, emptied afterwards.
    broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
    env = django_env(database_url, CELERY_BROKER_URL=broker, CACHE_URL=broker)
    tokens = prepare_database(env)
    port = free_port()
    server = start_gunicorn(env, port)
    try:
        figures = asyncio.run(run(f"http://127.0.0.1:{port}", tokens, args.requests))
    finally:
        server.terminate()
        server.wait(timeout=30)
        subprocess.run(["redis-cli", "-u", broker, "flushdb"], capture_output=True, check=False)

    baseline = figures[0]
    print(f"\ngunicorn 2 sync workers, PostgreSQL, {os.cpu_count()} CPUs, {args.requests} requests")
    print(TABLE_HEADER)
    for figure in figures:
        print(figure.row(baseline))


if __name__ == "__main__":
    main()
