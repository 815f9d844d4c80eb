"""Does the app hold up under a crowd of phones, and keep every entry it confirms?
Not a test: it prints figures.

Serves the app as production does, on loopback: gunicorn (2 sync workers) on a
PostgreSQL database of the benchmarks' own, Redis as broker and cache (Redis
databases of its own, 13 and 14 unless BENCH_BROKER_URL / BENCH_CACHE_URL say
otherwise; it empties them before and after) and a real Celery worker that
runs the evaluations the saves ask for. Then a bounded asyncio + aiohttp
script plays 50 phones for 60 s, each with its own athlete, API token and
logged-in session, each looping without pause over what a phone does:

- syncs an outbox batch of 5-50 entries of mixed kinds (/api/v1/sync/); one
  in ten replays a batch it sent before (every item must come back
  "unchanged");
- logs single entries (POST /api/v1/<kind>/) with client ids; one in ten sends
  an id it already has confirmed again (200, the stored row);
- now and then loses the answer (the connection drops after sending) and
  sends the same create or batch again, as a phone on a bad network does;
- reads Today (/, with its session cookie) and Load (/load/ and
  GET /api/v1/load/), and /health/ as a load balancer would.

It prints requests/s overall and per kind of request, p50/p95/p99 latency,
and errors: every answer that is not 2xx, every sync item not saved, and every
failed connection, with status and body (there must be none). The baseline is
the same number of clients posting to a bare view that inserts one row with
the ORM (bench/baseline.py), measured in the same run; the mixed load's
request rate is printed as a ratio of it.

Then it checks the database against what the phones were told: every entry
the server acknowledged (a 201 or 200 to a create, a created, updated or
unchanged item of a sync) is stored, once, under its athlete, with the time
it was sent with; and no row is stored that was never acknowledged. Last, how
many evaluations the worker ran, and what was still queued when the phones
stopped.

    .venv/bin/python bench/load.py [--phones 50] [--seconds 60]
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import psycopg
import redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_database_url, django_env, manage

USERNAME_PREFIX = "load-"
ACKNOWLEDGED = {"created", "updated", "unchanged"}
# Where a phone's clock may be: entries carry the offset they were made at.
OFFSETS = [
    timezone(timedelta(hours=h, minutes=m))
    for h, m in [(0, 0), (1, 0), (2, 0), (-5, 0), (-8, 0), (9, 0), (5, 30), (13, 0)]
]
PROFILE_ZONES = ["UTC", "Europe/Oslo", "America/New_York", "Asia/Tokyo", "Pacific/Auckland"]
# How a batch is made up, item by item: mostly drinks and episodes.
ITEM_WEIGHTS = {"hydration": 5, "episodes": 3, "workouts": 2, "checkins": 1}
# What a phone does next, by weight.
ACTIONS = {"sync": 30, "create": 35, "today": 15, "load_api": 10, "load_page": 5, "health": 5}
REPLAY = 0.10  # of syncs: send a batch already sent
RESEND_SAME_ID = 0.10  # of creates: send an entry already confirmed
LOSE_ANSWER = 0.03  # of syncs and creates: the answer never arrives; send again

KIND_NAMES = {
    "sync": "sync batch of 5-50",
    "sync_replay": "sync replay of a sent batch",
    "sync_resend": "sync resent after a lost answer",
    "create": "create one entry",
    "create_again": "create again, same id (200)",
    "create_resend": "create resent after a lost answer",
    "today": "Today page /",
    "load_page": "Load page /load/",
    "load_api": "GET /api/v1/load/",
    "health": "GET /health/",
}


# --- Setting up -------------------------------------------------------------------


def own_redis(url: str) -> str:
    """A Redis URL this benchmark may empty: never database 0 or 1, which others use."""
    db = int(urlsplit(url).path.lstrip("/") or 0)
    if db in (0, 1):
        raise SystemExit(f"{url}: use a Redis database of the benchmark's own (2-15), not {db}")
    return url


def flush(url: str) -> None:
    redis.Redis.from_url(own_redis(url)).flushdb()


PREPARE = """
import json
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.authtoken.models import Token
from bench.baseline import BASELINE_USERNAME
from logbook.kinds import KINDS
from logbook.models import ENTRY_MODELS, Profile
from triage.models import EvaluationState, Flag, FlagReview

# Plain SQL: the ORM would load every row to announce its deletion.
athletes = "SELECT id FROM auth_user WHERE username LIKE %s OR username = %s"
who = [PREFIX + "%", BASELINE_USERNAME]
with connection.cursor() as cursor:
    for model in ENTRY_MODELS:
        cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE user_id IN ({athletes})", who)
    cursor.execute(
        f"DELETE FROM {FlagReview._meta.db_table} WHERE flag_id IN "
        f"(SELECT id FROM {Flag._meta.db_table} WHERE user_id IN ({athletes}))",
        who,
    )
    for model in (Flag, EvaluationState):
        cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE user_id IN ({athletes})", who)

User = get_user_model()
User.objects.get_or_create(username=BASELINE_USERNAME)
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
phones = []
for n in range(PHONES):
    user, created = User.objects.get_or_create(username=f"{PREFIX}{n:03d}")
    if created:
        user.set_unusable_password()
        user.save()
    Profile.objects.filter(user=user).update(timezone=ZONES[n % len(ZONES)])
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    token = Token.objects.get_or_create(user=user)[0].key
    phones.append({"user_id": user.pk, "token": token, "session": session.session_key})
kinds = {
    kind.api_key: [kind.model._meta.db_table, kind.model.time_field] for kind in KINDS
}
print(json.dumps({"phones": phones, "kinds": kinds, "cookie": settings.SESSION_COOKIE_NAME}))
"""


def prepare(env: dict, phones: int) -> dict:
    """Migrate; empty the load athletes' entries and flags; make each phone's athlete,
    token and session."""
    manage(env, "migrate", "--noinput", "-v0")
    script = (
        f"PHONES = {phones}\nPREFIX = {USERNAME_PREFIX!r}\nZONES = {PROFILE_ZONES!r}\n{PREPARE}"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict, port: int, log) -> subprocess.Popen:
    """As bench/api_write.py serves it: 2 sync workers, the baseline view mounted."""
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
        stdout=log,
        stderr=subprocess.STDOUT,
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


def start_worker(env: dict, concurrency: int, log_path: Path) -> subprocess.Popen:
    """`celery -A config worker`, logging each task it runs to `log_path`."""
    log = log_path.open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "INFO",
            "--hostname",
            "load-bench@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if " ready." in log_path.read_text():
            return worker
        if worker.poll() is not None:
            raise SystemExit(f"the Celery worker exited; see {log_path}")
        time.sleep(0.2)
    worker.kill()
    raise SystemExit(f"the Celery worker did not start; see {log_path}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- What the phones send -----------------------------------------------------------


def moment(rng: random.Random) -> str:
    """Some time in the last 45 days, on the phone's clock, with its UTC offset."""
    when = datetime.now(rng.choice(OFFSETS)) - timedelta(seconds=rng.randrange(60, 45 * 86400))
    return when.isoformat(timespec="seconds")


def workout(rng):
    return {
        "started_at": moment(rng),
        "duration_min": rng.randrange(10, 150),
        "kind": rng.choice(["run", "cycle", "strength", "swim", "hiit", "team_sport"]),
        "rpe": rng.randint(2, 9),
        "warmed_up": rng.random() < 0.7,
        "stretched_after": rng.random() < 0.4,
        "hot_conditions": rng.random() < 0.15,
    }


def hydration(rng):
    return {
        "taken_at": moment(rng),
        "volume_ml": rng.choice([150, 250, 330, 500, 750, 1000]),
        "drink": rng.choice(["water", "water", "electrolyte", "sports_drink", "coffee", "tea"]),
    }


def episode(rng):
    relief = rng.choice([[], ["stretch"], ["stretch", "fluids"], ["massage", "heat"], ["none"]])
    return {
        "started_at": moment(rng),
        "duration_s": rng.choice([5, 20, 45, 90, 300, 900]),
        "kind": rng.choice(["twitch", "twitch", "spasm", "cramp"]),
        "body_region": rng.choice(["calf", "calf", "eyelid", "thigh_back", "foot", "hand"]),
        "side": rng.choice(["left", "right", "both", "none"]),
        "pain": rng.randint(0, 10),
        "timing": rng.choice(["during_exercise", "right_after", "hours_after", "unrelated"]),
        "count": rng.choice([1, 1, 1, 3, 12]),
        "weakness": rng.random() < 0.03,
        "sensation_change": rng.random() < 0.03,
        "relief": relief,
    }


@dataclass
class Phone:
    n: int
    user_id: int
    token: str
    cookie: str
    rng: random.Random
    # (api key, id) -> the entry as sent, once the server has acknowledged it
    acknowledged: dict = field(default_factory=dict)
    # (api key, id) -> the entry as sent, for every entry sent at all
    sent: dict = field(default_factory=dict)
    batches: list = field(default_factory=list)  # bodies of sent batches, for replays
    checkin_days_back: int = 0

    def entry(self, api_key: str) -> dict:
        if api_key == "checkins":
            # One check-in a day: each new one takes a day further back.
            day = datetime.now(UTC).date() - timedelta(days=self.checkin_days_back)
            self.checkin_days_back += 1
            body = {
                "date": day.isoformat(),
                "sleep_hours": self.rng.choice([5.5, 6, 7, 7.5, 8, 9]),
                "caffeine_mg": self.rng.choice([0, 80, 160, 240, 400]),
                "stress": self.rng.randint(0, 10),
                "ill": self.rng.random() < 0.05,
            }
        else:
            body = {"workouts": workout, "hydration": hydration, "episodes": episode}[api_key](
                self.rng
            )
        body = {"id": str(uuid.uuid4()), **body}
        self.sent[(api_key, body["id"])] = body
        return body

    def batch(self) -> dict:
        size = self.rng.randint(5, 50)
        keys = self.rng.choices(list(ITEM_WEIGHTS), weights=list(ITEM_WEIGHTS.values()), k=size)
        batch = defaultdict(list)
        for api_key in keys:
            batch[api_key].append(self.entry(api_key))
        return dict(batch)


# --- Counting ------------------------------------------------------------------------


@dataclass
class Kind:
    latencies_ms: list = field(default_factory=list)
    entries: int = 0
    statuses: Counter = field(default_factory=Counter)  # HTTP statuses
    items: Counter = field(default_factory=Counter)  # sync item statuses
    errors: int = 0


class Tally:
    def __init__(self):
        self.kinds: dict[str, Kind] = defaultdict(Kind)
        self.error_samples: list[str] = []
        self.lost_answers = 0

    def error(self, kind: str, what: str) -> None:
        self.kinds[kind].errors += 1
        if len(self.error_samples) < 50:
            self.error_samples.append(f"{KIND_NAMES.get(kind, kind)}: {what}")

    @property
    def requests(self) -> int:
        return sum(len(k.latencies_ms) for k in self.kinds.values())


def percentiles(latencies: list[float]) -> tuple[float, float, float]:
    if len(latencies) < 2:
        value = latencies[0] if latencies else float("nan")
        return value, value, value
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


# --- Driving --------------------------------------------------------------------------


class Crowd:
    """The phones, sharing one connection pool bounded by their number."""

    def __init__(self, http, base, cookie_name, phones):
        self.http = http
        self.base = base
        self.cookie_name = cookie_name
        self.phones = phones
        self.tally = Tally()

    async def request(self, kind, phone, method, path, *, body=None, auth="token", entries=0):
        """One timed request; returns (status, parsed JSON or None), or (None, None)
        when the connection failed. Anything but a 2xx is an error."""
        headers = {}
        if auth == "token":
            headers["Authorization"] = f"Token {phone.token}"
        elif auth == "session":
            headers["Cookie"] = f"{self.cookie_name}={phone.cookie}"
        data = None
        if body is not None:
            data = body if isinstance(body, str) else json.dumps(body)
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            async with self.http.request(
                method, self.base + path, data=data, headers=headers, allow_redirects=False
            ) as response:
                raw = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.tally.error(kind, f"{method} {path}: {type(exc).__name__}: {exc}")
            return None, None
        record = self.tally.kinds[kind]
        record.latencies_ms.append((time.perf_counter() - started) * 1000)
        record.statuses[status] += 1
        record.entries += entries
        if not 200 <= status < 300:
            text = raw[:400].decode(errors="replace")
            self.tally.error(kind, f"{method} {path} -> {status}: {text}")
            return status, None
        if response.content_type == "application/json":
            return status, json.loads(raw)
        return status, None

    async def lose_answer(self, phone, path, body: str) -> None:
        """Send, and drop the connection before (or regardless of) the answer."""
        self.tally.lost_answers += 1
        headers = {"Authorization": f"Token {phone.token}", "Content-Type": "application/json"}

        async def send():
            async with self.http.post(self.base + path, data=body, headers=headers) as response:
                await response.read()

        with contextlib.suppress(TimeoutError, aiohttp.ClientError):
            await asyncio.wait_for(send(), timeout=phone.rng.uniform(0.001, 0.05))

    async def sync(self, phone: Phone) -> None:
        roll = phone.rng.random()
        if roll < REPLAY and phone.batches:
            kind, body = "sync_replay", phone.rng.choice(phone.batches)
        else:
            kind, batch = "sync", phone.batch()
            body = json.dumps(batch)
            phone.batches = [*phone.batches[-19:], body]
            if roll > 1 - LOSE_ANSWER:
                await self.lose_answer(phone, "/api/v1/sync/", body)
                kind = "sync_resend"
        items = [(key, item) for key, entries in json.loads(body).items() for item in entries]
        _, answer = await self.request(
            kind, phone, "POST", "/api/v1/sync/", body=body, entries=len(items)
        )
        if answer is None:
            return
        results = answer.get("results", [])
        if len(results) != len(items):
            self.tally.error(kind, f"sent {len(items)} items, {len(results)} results: {answer}")
        for result in results:
            self.tally.kinds[kind].items[result["status"]] += 1
            key = (result["type"], result["id"])
            if result["status"] in ACKNOWLEDGED and key in phone.sent:
                phone.acknowledged[key] = phone.sent[key]
            else:
                self.tally.error(kind, f"item {result}")
        if kind == "sync_replay" and any(r["status"] != "unchanged" for r in results):
            statuses = Counter(r["status"] for r in results)
            self.tally.error(kind, f"a replay answered {dict(statuses)}, not all unchanged")

    async def create(self, phone: Phone) -> None:
        roll = phone.rng.random()
        if roll < RESEND_SAME_ID and phone.acknowledged:
            kind = "create_again"
            api_key, entry_id = phone.rng.choice(list(phone.acknowledged))
            body = phone.acknowledged[(api_key, entry_id)]
        else:
            kind = "create"
            api_key = phone.rng.choices(list(ITEM_WEIGHTS), weights=list(ITEM_WEIGHTS.values()))[0]
            body = phone.entry(api_key)
            if roll > 1 - LOSE_ANSWER:
                await self.lose_answer(phone, f"/api/v1/{api_key}/", json.dumps(body))
                kind = "create_resend"
        status, answer = await self.request(
            kind, phone, "POST", f"/api/v1/{api_key}/", body=body, entries=1
        )
        if answer is None:
            return
        if answer.get("id") != body["id"]:
            self.tally.error(kind, f"sent id {body['id']}, answered {answer.get('id')}")
            return
        phone.acknowledged[(api_key, body["id"])] = body
        if (kind, status) in {("create", 200), ("create_again", 201)}:
            self.tally.error(kind, f"POST /api/v1/{api_key}/ answered {status}")

    async def act(self, phone: Phone, action: str) -> None:
        if action == "sync":
            await self.sync(phone)
        elif action == "create":
            await self.create(phone)
        elif action == "today":
            await self.request("today", phone, "GET", "/", auth="session")
        elif action == "load_page":
            await self.request("load_page", phone, "GET", "/load/", auth="session")
        elif action == "load_api":
            await self.request("load_api", phone, "GET", "/api/v1/load/")
        else:
            await self.request("health", phone, "GET", "/health/", auth=None)

    async def phone_loop(self, phone: Phone, deadline: float) -> None:
        while time.monotonic() < deadline:
            action = phone.rng.choices(list(ACTIONS), weights=list(ACTIONS.values()))[0]
            await self.act(phone, action)

    async def run(self, seconds: float) -> float:
        """Every phone loops until the deadline; returns the seconds it took."""
        self.tally = Tally()
        started = time.perf_counter()
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(self.phone_loop(phone, deadline) for phone in self.phones))
        return time.perf_counter() - started

    async def baseline(self, seconds: float) -> tuple[Kind, float]:
        """The same number of clients posting to the bare ORM insert."""
        record = Kind()
        deadline = time.monotonic() + seconds

        async def client():
            while time.monotonic() < deadline:
                started = time.perf_counter()
                async with self.http.post(self.base + "/bench/baseline/") as response:
                    await response.read()
                    if response.status != 201:
                        raise SystemExit(f"baseline: HTTP {response.status}")
                record.latencies_ms.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in self.phones))
        return record, time.perf_counter() - started


async def drive(base, setup, args) -> tuple[Crowd, float, Kind, float]:
    phones = [
        Phone(n, p["user_id"], p["token"], p["session"], random.Random(args.seed * 1000 + n))
        for n, p in enumerate(setup["phones"])
    ]
    connector = aiohttp.TCPConnector(limit=len(phones))
    timeout = aiohttp.ClientTimeout(total=120)
    jar = aiohttp.DummyCookieJar()  # each request carries its phone's own cookie
    async with aiohttp.ClientSession(connector=connector, timeout=timeout, cookie_jar=jar) as http:
        crowd = Crowd(http, base, setup["cookie"], phones)
        # Warm both gunicorn workers' connections and imports; what is sent
        # here is acknowledged like the rest and checked with it.
        await crowd.run(3)
        warm_up_errors = crowd.tally.error_samples
        baseline, baseline_seconds = await crowd.baseline(args.baseline_seconds)
        seconds = await crowd.run(args.seconds)
        crowd.tally.error_samples[:0] = [f"(warm-up) {e}" for e in warm_up_errors]
    return crowd, seconds, baseline, baseline_seconds


# --- Checking ---------------------------------------------------------------------------


def check_stored(database_url: str, setup: dict, phones: list[Phone]) -> dict:
    """Compare each athlete's stored entries with what their phone was told."""
    by_user = {phone.user_id: phone for phone in phones}
    found = Counter()
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as conn:
        for api_key, (table, time_field) in setup["kinds"].items():
            rows = conn.execute(
                f"SELECT user_id, id, {time_field} FROM {table} WHERE user_id = ANY(%s)",
                [list(by_user)],
            ).fetchall()
            stored = defaultdict(dict)
            for user_id, entry_id, when in rows:
                stored[user_id][str(entry_id)] = when
            for user_id, phone in by_user.items():
                mine = stored[user_id]
                acknowledged = {i for k, i in phone.acknowledged if k == api_key}
                sent = {i for k, i in phone.sent if k == api_key}
                found["acknowledged"] += len(acknowledged)
                found["stored"] += len(mine)
                found["lost"] += len(acknowledged - mine.keys())
                found["stored, never acknowledged"] += len(mine.keys() - acknowledged)
                found["stored, never sent"] += len(mine.keys() - sent)
                found["sent, never acknowledged"] += len(sent - acknowledged)
                found["athlete-kinds matching"] += mine.keys() == acknowledged
                found["athlete-kinds"] += 1
                for entry_id in acknowledged & mine.keys():
                    when = phone.acknowledged[(api_key, entry_id)][time_field]
                    expected = (
                        date.fromisoformat(when)
                        if time_field == "date"
                        else datetime.fromisoformat(when)
                    )
                    found["time differs"] += mine[entry_id] != expected
    return found


def worker_figures(log_path: Path, broker: str, database_url: str, user_ids, since) -> dict:
    log = log_path.read_text(errors="replace")
    client = redis.Redis.from_url(broker)
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as conn:
        evaluated = conn.execute(
            "SELECT count(*) FROM triage_evaluationstate "
            "WHERE user_id = ANY(%s) AND last_evaluated_at >= %s",
            [list(user_ids), since],
        ).fetchone()[0]
        flags = conn.execute(
            "SELECT count(*) FROM triage_flag WHERE user_id = ANY(%s)", [list(user_ids)]
        ).fetchone()[0]
    return {
        "evaluations": len(re.findall(r"evaluate_user\[[^\]]+\] succeeded", log)),
        "failed": len(re.findall(r"\] raised unexpected|\] retry: ", log)),
        "queued": client.llen("celery"),
        "reserved": client.hlen("unacked"),
        "evaluated": evaluated,
        "flags": flags,
    }


# --- Printing ---------------------------------------------------------------------------


def report(args, crowd, seconds, baseline, baseline_seconds, stored, worker, server_log) -> None:
    tally = crowd.tally
    print(
        f"\n{args.phones} phones for {seconds:.1f} s; gunicorn 2 sync workers, Celery worker "
        f"-c {args.concurrency}, PostgreSQL, Redis; {os.cpu_count()} CPUs"
    )
    print(
        f"{'request':<36} {'count':>6} {'req/s':>7} {'entries/s':>9} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}  statuses"
    )
    every = []
    for kind, name in KIND_NAMES.items():
        record = tally.kinds.get(kind)
        if record is None:
            continue
        every += record.latencies_ms
        p50, p95, p99 = percentiles(record.latencies_ms)
        statuses = ", ".join(f"{s}x{n}" for s, n in sorted(record.statuses.items()))
        if record.items:
            statuses += "; items " + ", ".join(f"{s} {n}" for s, n in record.items.items())
        print(
            f"{name:<36} {len(record.latencies_ms):6} {len(record.latencies_ms) / seconds:7.1f} "
            f"{record.entries / seconds:9.1f} {p50:7.1f} {p95:7.1f} {p99:7.1f} "
            f"{record.errors:6}  {statuses}"
        )
    entries = sum(k.entries for k in tally.kinds.values())
    errors = sum(k.errors for k in tally.kinds.values())
    p50, p95, p99 = percentiles(every)
    rate = len(every) / seconds
    print(
        f"{'all':<36} {len(every):6} {rate:7.1f} {entries / seconds:9.1f} "
        f"{p50:7.1f} {p95:7.1f} {p99:7.1f} {errors:6}"
    )
    b50, b95, b99 = percentiles(baseline.latencies_ms)
    base_rate = len(baseline.latencies_ms) / baseline_seconds
    print(
        f"{f'baseline ORM insert, {args.phones} clients':<36} {len(baseline.latencies_ms):6} "
        f"{base_rate:7.1f} {base_rate:9.1f} {b50:7.1f} {b95:7.1f} {b99:7.1f}"
    )
    print(
        f"mixed load: {rate / base_rate:.2f}x the baseline's requests/s; "
        f"entries/s {entries / seconds / base_rate:.2f}x its rows/s; "
        f"p50 {p50 / b50:.1f}x its p50. Answers dropped on purpose and sent again: "
        f"{tally.lost_answers}."
    )
    own = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"the phones' own process used {own.ru_utime + own.ru_stime:.1f} CPU-seconds "
        "of the machine's, warm-up and baseline included"
    )
    print(f"errors: {errors}")
    for sample in tally.error_samples[:20]:
        print(f"  {sample}")
    server_errors = server_log.read_text(errors="replace").count("Traceback")
    if server_errors:
        print(f"  server tracebacks: {server_errors} (see {server_log})")

    lost, extra = stored["lost"], stored["stored, never acknowledged"]
    ok = lost == 0 and extra == 0 and stored["time differs"] == 0
    print(
        f"\nacknowledged vs stored ({'OK' if ok else 'MISMATCH'}): "
        f"{stored['acknowledged']:,} entries acknowledged, {stored['stored']:,} rows stored"
    )
    for label, value in [
        ("lost (acknowledged, not stored)", lost),
        ("duplicated or unknown (stored, not acknowledged)", extra),
        ("  of which never sent", stored["stored, never sent"]),
        ("stored with another time than sent", stored["time differs"]),
        ("sent, never acknowledged (failed sends)", stored["sent, never acknowledged"]),
        (
            "athlete x kind sets of ids equal",
            f"{stored['athlete-kinds matching']}/{stored['athlete-kinds']}",
        ),
    ]:
        print(f"  {label:<50} {value}")
    print(
        f"worker: {worker['evaluations']:,} evaluations run ({worker['failed']} failed or "
        f"retried), {worker['evaluated']}/{args.phones} athletes evaluated since the start, "
        f"{worker['flags']:,} flags; at the end {worker['queued']} queued and "
        f"{worker['reserved']} held by the worker (evaluations waiting out their debounce)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--baseline-seconds", type=float, default=10, help="how long to measure the baseline"
    )
    parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    database_url = bench_database_url()
    broker = own_redis(os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13"))
    cache = own_redis(os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/14"))
    if broker == cache:
        raise SystemExit("BENCH_BROKER_URL and BENCH_CACHE_URL must be different databases")
    env = django_env(database_url, CELERY_BROKER_URL=broker, CACHE_URL=cache)
    for url in (broker, cache):
        flush(url)
    setup = prepare(env, args.phones)

    logs = Path(tempfile.mkdtemp(prefix="twitchlog-load-"))
    server_log, worker_log = logs / "gunicorn.log", logs / "worker.log"
    worker = start_worker(env, args.concurrency, worker_log)
    port = free_port()
    with server_log.open("w") as log:
        server = start_gunicorn(env, port, log)
    since = datetime.now(UTC)
    try:
        crowd, seconds, baseline, baseline_seconds = asyncio.run(
            drive(f"http://127.0.0.1:{port}", setup, args)
        )
        user_ids = [phone.user_id for phone in crowd.phones]
        figures = worker_figures(worker_log, broker, database_url, user_ids, since)
    finally:
        stop(server)
        stop(worker)
    stored = check_stored(database_url, setup, crowd.phones)
    for url in (broker, cache):
        flush(url)
    report(args, crowd, seconds, baseline, baseline_seconds, stored, figures, server_log)
    print(f"logs: {logs}")


if __name__ == "__main__":
    main()
