"""500 people ask for a callback at the same moment: are all 500 stored, none lost, no server error?

Starts gunicorn (several workers, as in production) on a free local port with a fresh database —
SQLite in a temporary folder, or PostgreSQL with --database-url — then 500 clients each open the
form and send it at once. Each client comes from its own address (X-Forwarded-For through one
trusted proxy), as people do, so the per-address rate limits do not apply across them.

    .venv/bin/python benchmarks/submissions.py [--clients 500] [--workers 4] [--database-url URL]
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database(env: dict) -> None:
    for command in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "app", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True)


def one_person(base: str, number: int, start: threading.Barrier) -> tuple[int, float, str | None]:
    """Open the form, wait for everyone, send it. Returns (status, seconds for the send, reference)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar),
                                         urllib.request.HTTPRedirectHandler())
    address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256 or 1}"
    headers = {"X-Forwarded-For": address, "X-Forwarded-Proto": "http", "Referer": f"{base}/fi/callback"}
    form = opener.open(urllib.request.Request(f"{base}/fi/callback", headers=headers), timeout=60).read().decode()
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    submission = re.search(r'id="submission" name="submission" type="hidden" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({
        "csrf_token": token, "submission": submission, "for_whom": "me", "name": f"Benchmark Person {number}",
        "phone": f"040 {1000000 + number}", "call_language": "fi", "time_window": "any", "voicemail_ok": "no",
    }).encode()
    start.wait()
    began = time.perf_counter()
    try:
        response = opener.open(urllib.request.Request(f"{base}/fi/callback", data=body, headers=headers), timeout=120)
        page, status = response.read().decode(), response.status
    except urllib.error.HTTPError as error:
        return error.code, time.perf_counter() - began, None
    reference = re.search(r'class="reference">([^<]+)<', page)
    return status, time.perf_counter() - began, reference.group(1) if reference else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database-url", help="e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test (emptied!)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portal-submissions-") as tmp:
        database = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        env = {**os.environ, "DATABASE_URL": database, "PORTAL_INSECURE_COOKIES": "1", "PORTAL_PROXIES": "1",
               "SECRET_KEY": "benchmark", "PORTAL_DATA_KEYS": "oRFpDXmjM2c7ZGHx0-8S4z8xrTVR1pRj9WgRnqvU-OU="}
        if args.database_url:
            from sqlalchemy import create_engine, text

            with create_engine(args.database_url).begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        prepare_database(env)
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
                                   "--timeout", "120", "--backlog", "2048", "app:app"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            barrier = threading.Barrier(args.clients)
            began = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.clients) as pool:
                results = list(pool.map(lambda n: one_person(base, n, barrier), range(args.clients)))
            elapsed = time.perf_counter() - began
        finally:
            server.terminate()
            server.wait(timeout=30)
        from sqlalchemy import create_engine, text

        with create_engine(database).connect() as connection:
            stored = connection.execute(text("SELECT count(*), count(DISTINCT reference) FROM callback_request")).one()
            outbox = connection.execute(text("SELECT count(*) FROM outbox_message")).scalar()
    statuses = {}
    for status, _seconds, _ref in results:
        statuses[status] = statuses.get(status, 0) + 1
    confirmed = {ref for _s, _t, ref in results if ref}
    times = sorted(seconds for _s, seconds, _r in results)
    print(f"engine: {database.split(':', 1)[0]}, gunicorn workers: {args.workers}, clients sending at once: {args.clients}")
    print(f"responses by status: {dict(sorted(statuses.items()))}")
    print(f"confirmations shown: {len(confirmed)}; stored: {stored[0]} rows, {stored[1]} distinct references; "
          f"outbox messages: {outbox}")
    print(f"send time: median {statistics.median(times):.2f} s, p95 {times[int(len(times) * 0.95) - 1]:.2f} s, "
          f"max {times[-1]:.2f} s; whole run {elapsed:.1f} s")
    ok = statuses.get(200, 0) == args.clients and stored[0] == args.clients == stored[1] == len(confirmed) == outbox
    print(("PASS" if ok else "FAIL") + f": budget {args.clients} stored, none lost, no server error"
)


if __name__ == "__main__":
    main()
