"""Servers a test starts of its own, on a free loopback port, and stops by its
pid: a Redis to break, and the app served by gunicorn as in production. The
shared PostgreSQL and Redis are never stopped, flushed or killed."""

import http.cookiejar
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import redis
from django.db import connection

from tests.conftest import service_missing

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnRedis:
    """A redis-server of this test's own, on a free port."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        try:
            self.process = subprocess.Popen(
                [
                    *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                    *("--save", "", "--appendonly", "no"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except FileNotFoundError:
            service_missing("needs redis-server to start a Redis of its own")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def refuse(self):
        """Gone: nothing listens on its port any more."""
        self.process.kill()
        self.process.wait()

    def hang(self):
        """Hung: it accepts connections, and never answers (SIGSTOP)."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self):
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.kill()
            self.process.wait()


class Gunicorn:
    """The app as production serves it, on this test's database: gunicorn (with
    gunicorn.conf.py), one sync worker, DEBUG off, JSON logs into `log_path`."""

    def __init__(self, log_path: Path, **env):
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{free_port()}"
        test_database = connection.settings_dict["NAME"]
        # Tasks run in-process, and the cache is the process's own, unless the
        # test names a broker and a cache: nothing goes to the shared Redis.
        inherited = {
            name: value
            for name, value in os.environ.items()
            if name not in ("CELERY_BROKER_URL", "CACHE_URL")
        }
        environment = {
            **inherited,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{test_database}",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "a-key-for-this-test-only-" + "x" * 40,
            "DJANGO_STATIC_MANIFEST": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "PORT": self.url.rsplit(":", 1)[1],
            "WEB_CONCURRENCY": "1",
            **env,
        }
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", self.url[7:]],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise AssertionError("gunicorn did not start:\n" + self.log()) from None
                time.sleep(0.1)

    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Browser:
    """A person at `url`, with cookies, as a browser without JavaScript: GETs,
    form POSTs that carry the CSRF token, and JSON requests."""

    def __init__(self, url: str):
        self.url = url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, method: str, path: str, body=None, headers=()) -> tuple[int, str]:
        request = urllib.request.Request(
            self.url + path, data=body, headers=dict(headers), method=method
        )
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def get(self, path: str) -> tuple[int, str]:
        return self.request("GET", path)

    def csrf(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def post(self, path: str, fields: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.csrf()}, doseq=True)
        return self.request(
            "POST",
            path,
            body.encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.url + path},
        )

    def json(self, method: str, path: str, body, token: str) -> tuple[int, str]:
        return self.request(
            method,
            path,
            json.dumps(body, default=str).encode(),
            {"Content-Type": "application/json", "Authorization": f"Token {token}"},
        )
