"""Staff sign-in under parallel attack, through gunicorn with several workers (as in production).

Starts gunicorn on a free local port with a fresh database (a new SQLite file, or the PostgreSQL
database given with --database-url, which is emptied first), creates an account with the `staff create`
command, and then, each client with its own cookies and its own address (X-Forwarded-For, one proxy
trusted):
  1. sends N wrong passwords for the account at the same moment, and reads the failure count;
  2. signs in with the right password in M browsers, sends one and the same code from all of them at
     the same moment, and counts how many were let in;
  3. signs one browser in, copies its cookie, signs out, and tries the copy.
Prints the figures; it asserts nothing (the tests do).

    .venv/bin/python benchmarks/staff_sign_in.py [--workers 4] [--wrong 12] [--sessions 4]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/<your own database>]
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyotp
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "benchmark password of some length"  # noqa: S105 - a throwaway account in a throwaway database


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Its own cookies and its own address."""

    def __init__(self, base: str, address: str):
        self.base, self.address = base, address
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirects)

    def open(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={
            "X-Forwarded-For": self.address, "Referer": self.base + "/"})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode(), response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.headers.get("Location", "")


def token_of(page: str) -> str:
    found = (re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
             or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page))
    return found.group(1)


def at_once(count: int, work) -> list:
    start, results = threading.Barrier(count), [None] * count

    def run(i):
        start.wait()
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--wrong", type=int, default=12, help="wrong passwords sent at once")
    parser.add_argument("--sessions", type=int, default=4, help="browsers sending the same code at once")
    parser.add_argument("--database-url", help="a PostgreSQL database of your own (emptied first)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="staff-sign-in-"))
    url = args.database_url or f"sqlite:///{tmp / 'portal.sqlite3'}"
    if url.startswith("postgresql"):
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "benchmark-" + os.urandom(8).hex(),
           "PORTAL_DATA_KEYS": Fernet.generate_key().decode(), "PORTAL_INSECURE_COOKIES": "1", "PORTAL_PROXIES": "1"}
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    email = "benchmark.adviser@example.fi"
    subprocess.run([*flask, "staff", "create", "--email", email, "--name", "Bench Mark", "--role", "adviser",
                    "--password", PASSWORD], cwd=ROOT, env=env, check=True, capture_output=True)
    engine = create_engine(url)
    secret = pyotp.random_base32()
    with engine.begin() as connection:  # enrolled, as after the first sign-in
        from portal import create_app, crypto

        with create_app({"DATABASE_URL": url, "DATA_KEYS": [env["PORTAL_DATA_KEYS"]]}).app_context():
            stored = crypto.encrypt(secret)
        connection.execute(text("UPDATE staff_user SET totp_secret = :s WHERE email = :e"), {"s": stored, "e": email})

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp / "gunicorn.log"
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
                               "--access-logfile", "-", "app:app"], cwd=ROOT, env=env,
                              stdout=log.open("w"), stderr=subprocess.STDOUT)
    addresses = iter(f"10.77.{i // 250}.{i % 250 + 1}" for i in range(10_000))
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)

        # 1. Wrong passwords at once.
        browsers = [Browser(base, next(addresses)) for _ in range(args.wrong)]
        tokens = [token_of(b.open("/en/staff/sign-in")[1]) for b in browsers]
        statuses = at_once(args.wrong, lambda i: browsers[i].open("/en/staff/sign-in", {
            "csrf_token": tokens[i], "email": email, "password": f"wrong guess {i}"})[0])
        with engine.connect() as connection:
            failures, locked = connection.execute(
                text("SELECT failed_sign_ins, locked_until FROM staff_user WHERE email = :e"), {"e": email}).one()
        print(f"{args.wrong} wrong passwords at once through {args.workers} workers: answers {sorted(set(statuses))}, "
              f"failures counted {failures}, sign-ins delayed until {locked}")

        # 2. One code from several browsers at once (from addresses that have not failed, so the delay
        #    from step 1 slows them down but does not refuse them).
        browsers = [Browser(base, next(addresses)) for _ in range(args.sessions)]
        for b in browsers:
            page = b.open("/en/staff/sign-in")[1]
            status, _page, location = b.open("/en/staff/sign-in", {"csrf_token": token_of(page), "email": email,
                                                                   "password": PASSWORD})
            assert status == 303 and location.endswith("/sign-in/code"), (status, location)
        tokens = [token_of(b.open("/en/staff/sign-in/code")[1]) for b in browsers]
        code = pyotp.TOTP(secret).now()
        results = at_once(args.sessions, lambda i: browsers[i].open("/en/staff/sign-in/code", {
            "csrf_token": tokens[i], "code": code})[0])
        let_in = sum(b.open("/en/staff/")[0] == 200 for b in browsers)
        print(f"one code sent by {args.sessions} browsers at once: answers {sorted(results)}, signed in {let_in}")

        # 3. A copied cookie after sign-out.
        signed = next(b for b in browsers if b.open("/en/staff/")[0] == 200)
        thief = Browser(base, next(addresses))
        for cookie in signed.jar:
            thief.jar.set_cookie(cookie)
        before = thief.open("/en/staff/")[0]
        page = signed.open("/en/staff/sessions")[1]
        signed.open("/en/staff/sign-out", {"csrf_token": token_of(page)})
        after = thief.open("/en/staff/")[0]
        print(f"copied cookie: queue answered {before} before sign-out, {after} after "
              f"({'a redirect to sign-in' if after == 302 else 'STILL OPEN'})")
        errors = log.read_text(errors="replace").count(" 500 ")
        print(f"server errors (500) in the gunicorn log: {errors}")
    finally:
        server.terminate()
        server.wait(30)
        engine.dispose()


if __name__ == "__main__":
    main()
