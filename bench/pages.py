"""How heavy and how fast are the pages? Not a test: it prints figures.

Serves the app as production does (gunicorn, 2 workers, DEBUG off, hashed and
compressed static files, PostgreSQL) with the demo athlete's 10 weeks of data,
and for each page prints:

- the bytes transferred (compressed, as on the wire) on a cold load in
  Chromium: the page and everything it loads, with the service worker's
  precache of the app shell counted apart;
- the server's p50 and p95 time over 200 sequential requests, against a
  baseline of /health/ (one SELECT) measured the same way.

Then it runs Lighthouse (npm `lighthouse`, on /usr/bin/chromium) on Today and
Load in its mobile preset and prints the performance, accessibility and best
practices scores.

Targets: Today <= 100 KB cold; server <= 50 ms p95; Lighthouse >= 95 each.

    (cd bench && npm ci) && .venv/bin/python bench/pages.py
"""

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_database_url, django_env, manage

PAGES = ["/", "/log/episode/", "/history/", "/episodes/", "/load/", "/flags/", "/settings/"]
REQUESTS = 200
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env, port) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def session_cookie(base) -> str:
    """Log in as the demo athlete through the login form; the session cookie."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS[1:])
        page = browser.new_page()
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", "demo")
        page.fill("#id_password", "demo-twitch-2026")
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")["value"]
        browser.close()
    return cookie


def cold_loads(base, cookie) -> dict[str, tuple[int, int]]:
    """{page: (bytes the page loaded, bytes the service worker precached)}, fresh browser each."""
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as p:
        for path in PAGES:
            with tempfile.TemporaryDirectory() as profile:
                context = p.chromium.launch_persistent_context(
                    profile,
                    executable_path=CHROMIUM,
                    args=CHROMIUM_FLAGS[1:],
                    viewport={"width": 390, "height": 844},
                )
                context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                sizes = {}

                def finished(event, sizes=sizes):
                    sizes[event["requestId"]] = event["encodedDataLength"]

                cdp.on("Network.loadingFinished", finished)
                page.goto(base + path, wait_until="networkidle")
                page_bytes = sum(sizes.values())
                # The service worker's own fetches happen in its own target.
                page.evaluate("navigator.serviceWorker.ready")
                precache = page.evaluate(
                    """async () => {
                        const names = await caches.keys();
                        let total = 0;
                        for (const name of names) {
                            const cache = await caches.open(name);
                            for (const request of await cache.keys()) {
                                const response = await cache.match(request);
                                total += (await response.clone().arrayBuffer()).byteLength;
                            }
                        }
                        return total;
                    }"""
                )
                results[path] = (page_bytes, precache)
                context.close()
    return results


def server_times(base, cookie, path) -> list[float]:
    request = urllib.request.Request(base + path, headers={"Cookie": f"sessionid={cookie}"})
    times = []
    for _ in range(REQUESTS + 10):
        started = time.perf_counter()
        with urllib.request.urlopen(request) as response:
            response.read()
        times.append((time.perf_counter() - started) * 1000)
    return times[10:]


def lighthouse(base, cookie, path) -> dict[str, float]:
    if not LIGHTHOUSE.exists():
        return {}
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        run = subprocess.run(
            [
                str(LIGHTHOUSE),
                base + path,
                "--quiet",
                "--only-categories=performance,accessibility,best-practices",
                "--output=json",
                f"--output-path={report}",
                f"--extra-headers={json.dumps({'Cookie': f'sessionid={cookie}'})}",
                f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}",
            ],
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            check=False,
            capture_output=True,
            text=True,
        )
        if not report.exists():
            print(f"Lighthouse failed on {path}: {run.stderr.strip()[-500:]}")
            return {}
        categories = json.loads(report.read_text())["categories"]
    return {name: round(category["score"] * 100) for name, category in categories.items()}


def percentile(values, p) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def main():
    static_root = ROOT / "var" / "bench-static"
    env = django_env(
        bench_database_url(),
        DJANGO_STATIC_MANIFEST="1",
        DJANGO_STATIC_ROOT=str(static_root),
        SITE_URL="http://127.0.0.1",
    )
    manage(env, "migrate", "--noinput", "-v0")
    shutil.rmtree(static_root, ignore_errors=True)
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "seed_demo", "--force")
    manage(env, "triage_sweep", "--user", "demo")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(env, port)
    try:
        cookie = session_cookie(base)
        baseline = server_times(base, cookie, "/health/")
        loads = cold_loads(base, cookie)
        rows = []
        for path in PAGES:
            times = server_times(base, cookie, path)
            rows.append((path, loads[path], percentile(times, 50), percentile(times, 95)))
        scores = {path: lighthouse(base, cookie, path) for path in ("/", "/load/")}
    finally:
        server.terminate()
        server.wait(timeout=30)

    base_p95 = percentile(baseline, 95)
    print(
        f"\npages: gunicorn 2 workers, PostgreSQL, DEBUG off, demo data; {REQUESTS} requests each"
    )
    header = ["page", "cold KB", "+ SW cache KB", "p50 ms", "p95 ms", "p95 vs /health/"]
    print(
        f"{header[0]:<16}"
        + "".join(f"{h:>{w}}" for h, w in zip(header[1:], (9, 15, 9, 9, 17), strict=True))
    )
    print(f"{'/health/':<16}{'':>24}{percentile(baseline, 50):9.1f}{base_p95:9.1f}{'1.00x':>17}")
    for path, (page_bytes, precache), p50, p95 in rows:
        print(
            f"{path:<16}{page_bytes / 1024:9.1f}{precache / 1024:15.1f}{p50:9.1f}{p95:9.1f}"
            f"{p95 / base_p95:16.2f}x"
        )
    for path, result in scores.items():
        if result:
            print(f"Lighthouse mobile {path}: " + ", ".join(f"{k} {v}" for k, v in result.items()))
        else:
            print("Lighthouse: not installed (cd bench && npm ci)")


if __name__ == "__main__":
    main()
