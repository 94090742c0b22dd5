"""Catalogue benchmark: the budgets of PRODUCT.md ("Budgets") measured at given catalogue sizes.

    .venv/bin/python benchmarks/catalogue.py [--sizes 10000 100000] [--requests 300] [--profile]

For each size, in a fresh temporary directory (never instance/portal.sqlite3):

1. a loader process migrates a new SQLite database with Alembic, loads the demo catalogue and adds
   N synthetic activities, timing each step;
2. a fresh server process (pinned to one core when the OS allows) creates the app on that database and,
   through the Flask test client, measures server time per request for /healthz, a set of filtered
   catalogue pages and the API with the same filters (all in the same process and run), the bytes a
   browser transfers on a first and a second visit, and its resident memory after serving.

The loading and the serving are separate processes so that the memory figure is that of a worker that
only serves (as in production), not one that also built the catalogue.
"""
from __future__ import annotations

import argparse
import cProfile
import gzip
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PAGES = [
    "/fi/activities?category=exercise&district=eastern&price=free",
    "/sv/activities?day=tue&time=morning&language=sv",
    "/en/activities?access=wheelchair",
    "/fi/activities?q=tuoli",
    "/fi/activities?near=00530&sort=nearest",
    "/fi/activities?page=5",
]
PROFILED_PAGE = PAGES[0]
FIRST_VISIT = "/fi/activities"
ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # what Chromium sends

# Budgets from PRODUCT.md.
P95_BUDGET_MS = {10_000: 30.0, 100_000: 60.0}
FIRST_VISIT_BUDGET = 40 * 1024
SECOND_VISIT_BUDGET = 15 * 1024
RSS_BUDGET = 150 * 1024 * 1024


def api_url(page: str) -> str:
    """The API request with the same filters as a catalogue page (its language passed as ?lang=)."""
    path, _, query = page.partition("?")
    lang = path.strip("/").split("/")[0]
    return f"/api/v1/activities?{query}&lang={lang}" if query else f"/api/v1/activities?lang={lang}"


def p95_budget(size: int) -> float | None:
    """The budget of the smallest budgeted size at or above `size` (none beyond the largest)."""
    return next((P95_BUDGET_MS[s] for s in sorted(P95_BUDGET_MS) if size <= s), None)


# --------------------------------------------------------------------------------------------------
# Shared helpers (run in the child processes)

def _quiet_environment() -> None:
    # The app would otherwise create instance/secret_key; the benchmark needs no lasting key.
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")


def _make_app(tmp: Path):
    from portal import create_app

    return create_app(test_config={"DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                                   "SESSION_COOKIE_SECURE": False})


def _memory() -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak) of this process, in bytes."""
    found = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) * 1024
    except OSError:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        found = {"VmRSS": peak, "VmHWM": peak}
    return found


def _pin_to_one_core() -> str:
    try:
        os.sched_setaffinity(0, {0})
        return "pinned to CPU 0 (os.sched_setaffinity)"
    except (AttributeError, OSError) as error:
        return f"NOT pinned ({error.__class__.__name__}: {error})"


def _profile_text(profile: cProfile.Profile, sort: str, limit: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.strip_dirs().sort_stats(sort).print_stats(limit)
    return out.getvalue()


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------------
# Child 1: build the database

def load_phase(size: int, tmp: Path, profile_load: bool) -> dict:
    import datetime as dt

    from alembic import command
    from sqlalchemy import func, select

    from portal import db
    from portal.catalogue.models import Activity, ActivityIndex
    from portal.cli import alembic_config
    from portal.demo.loader import load_demo
    from portal.demo.synthetic import generate

    result: dict = {"size": size}
    app = _make_app(tmp)
    with app.app_context():
        start = time.perf_counter()
        command.upgrade(alembic_config(), "head")
        result["migrate_s"] = time.perf_counter() - start

        start = time.perf_counter()
        session = db.session()
        result["demo_counts"] = load_demo(session, dt.date.today())
        session.commit()
        result["demo_s"] = time.perf_counter() - start

        _log(f"  [{size:,}] generating {size:,} synthetic activities ...")
        profile = cProfile.Profile() if profile_load else None
        start = time.perf_counter()
        if profile:
            profile.enable()
        generate(db.session(), size)
        if profile:
            profile.disable()
        result["synthetic_s"] = time.perf_counter() - start
        if profile:
            result["load_profile"] = _profile_text(profile, "cumulative", 25)

        session = db.session()
        result["activities"] = session.scalar(select(func.count()).select_from(Activity))
        result["indexed"] = session.scalar(select(func.count()).select_from(ActivityIndex)
                                           .where(ActivityIndex.next_start.is_not(None)))
    result["db_bytes"] = sum(p.stat().st_size for p in tmp.glob("bench.sqlite3*"))
    result["loader_peak_rss"] = _memory().get("VmHWM")
    return result


# --------------------------------------------------------------------------------------------------
# Child 2: serve and measure

class _Assets(HTMLParser):
    """Every stylesheet and script a page links (what a browser fetches on a first visit)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split() and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])


class Recorder:
    """Wraps the whole WSGI stack (WhiteNoise included) and records server time per request: from the
    call until the response body is fully produced, with the SQL statements' execute time beside it."""

    def __init__(self, app):
        from sqlalchemy import event

        self.inner = app.wsgi_app
        self.samples: list[tuple[float, float, int]] | None = None  # (seconds, sql seconds, statements)
        self.sql_seconds = 0.0
        self.statements = 0
        engine = app.extensions["db_engine"]
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        app.wsgi_app = self

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        self.sql_seconds += time.perf_counter() - conn.info["bench_started"].pop()
        self.statements += 1

    def __call__(self, environ, start_response):
        sql_before, statements_before = self.sql_seconds, self.statements
        start = time.perf_counter()
        body = self.inner(environ, start_response)
        try:
            chunks = list(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        elapsed = time.perf_counter() - start
        if self.samples is not None:
            self.samples.append((elapsed, self.sql_seconds - sql_before, self.statements - statements_before))
        return chunks


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[q - 1]


def _summary(samples: list[tuple[float, float, int]], wall: float) -> dict:
    times = [s[0] * 1000 for s in samples]
    return {
        "n": len(times),
        "p50_ms": _percentile(times, 50),
        "p95_ms": _percentile(times, 95),
        "max_ms": max(times),
        "mean_ms": statistics.fmean(times),
        "rps": len(times) / wall if wall else 0.0,  # wall clock, test client included
        "sql_p50_ms": _percentile([s[1] * 1000 for s in samples], 50),
        "statements": statistics.median(s[2] for s in samples),
    }


def _measure(client, recorder: Recorder, urls: list[str], requests: int, warmup: int) -> dict:
    """Round-robin over `urls` (each `requests` times) after `warmup` unrecorded rounds."""
    recorder.samples = None
    for _ in range(warmup):
        for url in urls:
            client.get(url)
    per_url = {url: [] for url in urls}
    wall = {url: 0.0 for url in urls}
    errors: dict[str, int] = {}
    for _ in range(requests):
        for url in urls:
            recorder.samples = per_url[url]
            start = time.perf_counter()
            response = client.get(url)
            wall[url] += time.perf_counter() - start
            if response.status_code != 200:
                errors[url] = errors.get(url, 0) + 1
    recorder.samples = None
    everything = [s for samples in per_url.values() for s in samples]
    return {"urls": {url: _summary(s, wall[url]) for url, s in per_url.items()},
            "all": _summary(everything, sum(wall.values())), "errors": errors}


def _sent(response) -> tuple[int, bytes]:
    """The body's size as the app sends it (compressed by the app itself) and the decoded body."""
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return len(body), brotli.decompress(body)
    if encoding == "gzip":
        return len(body), gzip.decompress(body)
    return len(body), body


def _bytes(client) -> dict:
    # The app compresses (flask-compress, portal/compression.py): count what it sends, as asked by a browser.
    first = client.get(FIRST_VISIT, headers={"Accept-Encoding": ACCEPT_ENCODING})
    html_gz, html = _sent(first)
    parser = _Assets()
    parser.feed(html.decode("utf-8"))
    assets = []
    for url in parser.urls:
        response = client.get(url, headers={"Accept-Encoding": ACCEPT_ENCODING})
        cache_control = response.headers.get("Cache-Control", "")
        assets.append({"url": url, "status": response.status_code, "bytes": len(response.get_data()),
                       "encoding": response.headers.get("Content-Encoding", "identity"),
                       "cache_control": cache_control, "immutable": "immutable" in cache_control})
    seconds = []
    for page in PAGES:
        sent, body = _sent(client.get(page, headers={"Accept-Encoding": ACCEPT_ENCODING}))
        seconds.append({"url": page, "html": len(body), "html_gz": sent})
    return {"first_html": len(html), "first_html_gz": html_gz, "assets": assets,
            "first_total": html_gz + sum(a["bytes"] for a in assets),
            "second_pages": seconds, "second_worst": max(seconds, key=lambda s: s["html_gz"])}


def serve_phase(size: int, tmp: Path, requests: int, warmup: int, profile: bool) -> dict:
    pinning = _pin_to_one_core()
    result: dict = {"size": size, "pinning": pinning}
    app = _make_app(tmp)
    recorder = Recorder(app)
    client = app.test_client()
    result["rss_started"] = _memory()["VmRSS"]

    # Matches per filter set, from the API (also a first warm-up of every query).
    result["matches"] = {page: client.get(api_url(page)).get_json()["count"] for page in PAGES}

    _log(f"  [{size:,}] /healthz x {requests} ...")
    result["healthz"] = _measure(client, recorder, ["/healthz"], requests, warmup)
    _log(f"  [{size:,}] {len(PAGES)} catalogue pages x {requests} ...")
    result["pages"] = _measure(client, recorder, PAGES, requests, warmup)
    _log(f"  [{size:,}] API with the same filters x {requests} ...")
    result["api"] = _measure(client, recorder, [api_url(p) for p in PAGES], requests, warmup)
    memory = _memory()
    result["rss_after"], result["rss_peak"] = memory["VmRSS"], memory["VmHWM"]
    result["bytes"] = _bytes(client)

    if profile:
        _log(f"  [{size:,}] profiling 100 requests of {PROFILED_PAGE} ...")
        for _ in range(10):
            client.get(PROFILED_PAGE)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(100):
            client.get(PROFILED_PAGE)
        profiler.disable()
        result["profile"] = {"url": PROFILED_PAGE, "cumulative": _profile_text(profiler, "cumulative", 25),
                             "own": _profile_text(profiler, "tottime", 15)}
    return result


# --------------------------------------------------------------------------------------------------
# The parent: run the children per size and print the table

def _child(phase: str, size: int, tmp: Path, args: argparse.Namespace) -> dict:
    out = tmp / f"{phase}.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--_phase", phase, "--_tmp", str(tmp),
               "--_out", str(out), "--sizes", str(size), "--requests", str(args.requests),
               "--warmup", str(args.warmup)]
    if args.profile:
        command.append("--profile")
    if args.profile_load:
        command.append("--profile-load")
    subprocess.run(command, cwd=ROOT, check=True)
    return json.loads(out.read_text())


def _kb(n: float) -> str:
    return f"{n / 1024:.1f} KB"


def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "OVER"


def report(load: dict, serve: dict, show_profile: bool) -> str:
    size = load["size"]
    budget = p95_budget(size)
    lines = []
    add = lines.append
    add("")
    add("=" * 118)
    demo = load["demo_counts"].get("activities", 0)
    add(f"SIZE {size:,} synthetic (+{demo} demo) = {load['activities']:,} activities, "
        f"{load['indexed']:,} with a coming occurrence; database {_mb(load['db_bytes'])}")
    add(f"Loading: migrate {load['migrate_s']:.2f} s, demo {load['demo_s']:.2f} s, synthetic "
        f"{load['synthetic_s']:.1f} s ({load['synthetic_s'] / max(size, 1) * 1000:.2f} ms per activity); "
        f"loader peak RSS {_mb(load['loader_peak_rss'])}")
    add(f"Server process: {serve['pinning']}; Flask test client, server time = WSGI call until the body is "
        f"produced; {serve['healthz']['all']['n']} measured requests per URL after warm-up")
    add("-" * 118)
    add(f"{'request':<60} {'matches':>7} {'p50':>7} {'p95':>7} {'max':>7} {'req/s':>7} {'SQL p50':>8} "
        f"{'stmts':>5}  budget")
    add(f"{'':<60} {'':>7} {'ms':>7} {'ms':>7} {'ms':>7} {'':>7} {'ms':>8}")

    def row(label: str, s: dict, matches="", judged: bool = False) -> None:
        verdict = ""
        if judged and budget is not None:
            verdict = f"p95 < {budget:.0f} ms  {_verdict(s['p95_ms'] < budget)}"
        add(f"{label[:60]:<60} {matches!s:>7} {s['p50_ms']:7.2f} {s['p95_ms']:7.2f} {s['max_ms']:7.1f} "
            f"{s['rps']:7.0f} {s['sql_p50_ms']:8.2f} {s['statements']:5.0f}  {verdict}")

    row("/healthz (minimal route, baseline)", serve["healthz"]["all"])
    for url, s in serve["pages"]["urls"].items():
        row(url, s, serve["matches"][url], judged=True)
    row("  all catalogue pages together", serve["pages"]["all"], judged=True)
    for url, s in serve["api"]["urls"].items():
        row(url, s, "")
    row("  all API requests together (no budget of its own)", serve["api"]["all"])
    for group in ("healthz", "pages", "api"):
        for url, n in serve[group]["errors"].items():
            add(f"  !! {n} responses other than 200 for {url}")
    add("-" * 118)

    b = serve["bytes"]
    add(f"Bytes, first visit to {FIRST_VISIT}: HTML {_kb(b['first_html'])} -> sent by the app "
        f"{_kb(b['first_html_gz'])}")
    for a in b["assets"]:
        flag = "" if a["immutable"] and a["status"] == 200 else "   !! not cached immutably" \
            if a["status"] == 200 else f"   !! status {a['status']}"
        add(f"    + {a['url']:<48} {_kb(a['bytes']):>9} ({a['encoding']}; Cache-Control: {a['cache_control']}){flag}")
    all_immutable = all(a["immutable"] and a["status"] == 200 for a in b["assets"])
    add(f"  first visit total {_kb(b['first_total']):>9}   budget <= 40 KB  "
        f"{_verdict(b['first_total'] <= FIRST_VISIT_BUDGET)}"
        f"{'' if all_immutable else '   (and static files NOT all immutable: second visit would refetch them)'}")
    worst = b["second_worst"]
    add(f"  second visit (cached static files; largest compressed HTML of the {len(b['second_pages'])} pages, "
        f"{worst['url']}): {_kb(worst['html_gz'])}   budget <= 15 KB  "
        f"{_verdict(worst['html_gz'] <= SECOND_VISIT_BUDGET and all_immutable)}")
    add("    per page: " + ", ".join(f"{s['url'].split('?')[-1]} {_kb(s['html_gz'])}" for s in b["second_pages"]))
    add(f"Memory (server process): RSS at start {_mb(serve['rss_started'])}, after serving "
        f"{_mb(serve['rss_after'])} (peak {_mb(serve['rss_peak'])})   budget < 150 MB  "
        f"{_verdict(serve['rss_peak'] < RSS_BUDGET)}")
    if show_profile and "profile" in serve:
        add("-" * 118)
        add(f"cProfile: 100 requests of {serve['profile']['url']} at {size:,}, top 25 by cumulative time")
        add(serve["profile"]["cumulative"])
        add("Top 15 by own time")
        add(serve["profile"]["own"])
    if "load_profile" in load:
        add("-" * 118)
        add(f"cProfile of synthetic generation at {size:,}, top 25 by cumulative time")
        add(load["load_profile"])
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000],
                        help="synthetic activities to add to the demo catalogue (default: 10000 100000)")
    parser.add_argument("--requests", type=int, default=300, help="measured requests per URL (default 300)")
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured rounds first (default 10)")
    parser.add_argument("--profile", action="store_true",
                        help="print a cProfile of 100 requests of one filtered page at the smallest size")
    parser.add_argument("--profile-load", action="store_true", help="also profile the synthetic generation (at the smallest size)")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    parser.add_argument("--_phase", choices=("load", "serve"), help=argparse.SUPPRESS)
    parser.add_argument("--_tmp", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--_out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args._phase:
        _quiet_environment()
        size = args.sizes[0]
        if args._phase == "load":
            result = load_phase(size, args._tmp, args.profile_load)
        else:
            result = serve_phase(size, args._tmp, args.requests, args.warmup, args.profile)
        args._out.write_text(json.dumps(result))
        return 0

    smallest = min(args.sizes)
    figures = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="portal-bench-") as name:
            tmp = Path(name)
            _log(f"Size {size:,}: loading into {tmp} ...")
            started = time.perf_counter()
            load = _child("load", size, tmp, argparse.Namespace(**{**vars(args), "profile": False,
                                                                    "profile_load": args.profile_load
                                                                    and size == smallest}))
            _log(f"  [{size:,}] loaded in {time.perf_counter() - started:.1f} s; serving ...")
            serve = _child("serve", size, tmp, argparse.Namespace(**{**vars(args),
                                                                     "profile": args.profile and size == smallest,
                                                                     "profile_load": False}))
        figures.append({"load": load, "serve": serve})
        print(report(load, serve, args.profile), flush=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
