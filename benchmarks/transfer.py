"""Bytes a browser receives for the catalogue, as the servers send them (PRODUCT.md "Budgets": a first
visit under 40 KB, a second page under 15 KB).

    .venv/bin/python benchmarks/transfer.py                      # werkzeug (as `make run`) and gunicorn
    .venv/bin/python benchmarks/transfer.py --server gunicorn
    .venv/bin/python benchmarks/transfer.py --base http://127.0.0.1:5000   # a server already running

Each server is started on a free local port, on a new SQLite database in a temporary folder prepared as
`make prepare` does (migrations, demo catalogue; instance/portal.sqlite3 is never touched), and asked
over a real socket with the request headers Chromium sends (Accept-Encoding: gzip, deflate, br, zstd).
Counted: the response bodies exactly as they arrive (compressed when the server compressed them) and
the response status lines and headers. A response other than 200 is marked "!!" and fails the budget.

- First visit: /fi/activities, then every stylesheet, script and icon the page links.
- Second pages (static files already cached, as they are immutable): a filtered list, an activity page
  and the htmx update of the results when a box is ticked. The largest is judged.
"""
from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import brotli

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # what Chromium sends
FIRST_VISIT = "/fi/activities"
SECOND_PAGES = [("filtered list", "/fi/activities?category=exercise&price=free", {}),
                ("activity page", None, {}),
                ("results update (htmx)", "/fi/activities?category=exercise&access=seated",
                 {"HX-Request": "true", "HX-Target": "results", "HX-Trigger": "filters"})]
FIRST_VISIT_BUDGET = 40 * 1024
SECOND_PAGE_BUDGET = 15 * 1024


class _Linked(HTMLParser):
    """Stylesheets (print included: browsers fetch it too), scripts, the icon, and the first activity link."""

    def __init__(self):
        super().__init__()
        self.assets: list[str] = []
        self.activity: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        rel = (attrs.get("rel") or "").split()
        if tag == "link" and ("stylesheet" in rel or "icon" in rel) and attrs.get("href"):
            self.assets.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.assets.append(attrs["src"])
        elif tag == "a" and self.activity is None and "/activities/" in (attrs.get("href") or "") \
                and attrs["href"].rstrip("/").split("/")[-1].isdigit():
            self.activity = attrs["href"]


def fetch(base: str, path: str, headers: dict | None = None) -> dict:
    """One GET; the body as received (not decoded) and the size of the status line and headers."""
    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    connection.request("GET", path, headers={"Accept-Encoding": ACCEPT_ENCODING, "Accept": "text/html,*/*",
                                             **(headers or {})})
    response = connection.getresponse()
    body = response.read()
    header_bytes = len(f"HTTP/1.1 {response.status} {response.reason}\r\n") + 2 + \
        sum(len(f"{name}: {value}\r\n") for name, value in response.getheaders())
    connection.close()
    encoding = response.getheader("Content-Encoding", "identity")
    return {"path": path, "status": response.status, "body": len(body), "headers": header_bytes,
            "encoding": encoding, "raw": body}


def decoded(result: dict) -> str:
    body = result["raw"]
    if result["encoding"] == "br":
        body = brotli.decompress(body)
    elif result["encoding"] == "gzip":
        import gzip

        body = gzip.decompress(body)
    return body.decode("utf-8")


def measure(base: str) -> dict:
    page = fetch(base, FIRST_VISIT)
    links = _Linked()
    links.feed(decoded(page))
    assets = [fetch(base, url) for url in links.assets]
    seconds = []
    for label, path, headers in SECOND_PAGES:
        seconds.append({"label": label, **fetch(base, path or links.activity, headers)})
    return {"first": [page, *assets], "second": seconds}


def _flag(item: dict) -> str:
    return "" if item["status"] == 200 else "   !! not 200: this is not the page"


def _kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def report(name: str, figures: dict) -> str:
    lines = [f"== {name}"]
    total = 0
    for item in figures["first"]:
        total += item["body"] + item["headers"]
        lines.append(f"  {item['path'][:60]:<60} {item['status']} {item['encoding']:<8} body {_kb(item['body']):>9}"
                     f"  headers {_kb(item['headers']):>7}{_flag(item)}")
    first_ok = total < FIRST_VISIT_BUDGET and all(item["status"] == 200 for item in figures["first"])
    lines.append(f"  first visit, everything received: {_kb(total)}   budget < 40 KB  {'PASS' if first_ok else 'OVER'}")
    worst = 0
    for item in figures["second"]:
        size = item["body"] + item["headers"]
        worst = max(worst, size)
        lines.append(f"  second page, {item['label']:<22} {item['path'][:48]:<48} {item['status']} "
                     f"{item['encoding']:<8} {_kb(size):>9}{_flag(item)}")
    second_ok = worst < SECOND_PAGE_BUDGET and all(item["status"] == 200 for item in figures["second"])
    lines.append(f"  largest second page: {_kb(worst)}   budget < 15 KB  {'PASS' if second_ok else 'OVER'}")
    return "\n".join(lines)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if fetch(base, "/healthz")["status"] == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"the server at {base} did not answer /healthz")
        time.sleep(0.3)


def prepare_database(folder: Path) -> None:
    """A demo database of the benchmark's own, made as `make prepare` makes instance/portal.sqlite3."""
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'transfer.sqlite3'}"
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "app"]
    for command in (["db", "upgrade"], ["demo", "load", "--if-empty"], ["catalogue", "refresh", "--stale"]):
        subprocess.run(flask + command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def with_werkzeug(run):
    """The app in werkzeug's server, as `make run` (flask run) serves it."""
    import logging

    from werkzeug.serving import make_server

    from app import app

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request in the figures

    port = _free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base)
        return run(base)
    finally:
        server.shutdown()


def with_gunicorn(run):
    """The app in gunicorn, as the README's production command serves it (one worker is enough here)."""
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen([str(gunicorn), "-w", "1", "-b", f"127.0.0.1:{port}", "app:app"], cwd=ROOT,
                               env={**os.environ, "PORTAL_INSECURE_COOKIES": "1"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base)
        return run(base)
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", choices=["werkzeug", "gunicorn", "both"], default="both")
    parser.add_argument("--base", help="measure a server already running at this address instead")
    args = parser.parse_args()
    os.environ.setdefault("PORTAL_INSECURE_COOKIES", "1")
    os.chdir(ROOT)
    if args.base:
        print(report(args.base, measure(args.base)))
        return 0
    servers = {"werkzeug (make run)": with_werkzeug, "gunicorn": with_gunicorn}
    with tempfile.TemporaryDirectory(prefix="portal-transfer-") as folder:
        prepare_database(Path(folder))
        for name, start in servers.items():
            if args.server == "both" or name.startswith(args.server):
                print(report(name, start(measure)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
