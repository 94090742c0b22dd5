"""Catalogue benchmark: the budgets of PRODUCT.md ("Budgets") measured at given catalogue sizes.

    .venv/bin/python benchmarks/catalogue.py [--sizes 1000 10000 100000] [--requests 100] [--profile]
    .venv/bin/python benchmarks/catalogue.py --database postgresql+psycopg://postgres@127.0.0.1:5432/bench

For each size, in a fresh temporary directory (never instance/portal.sqlite3), or on PostgreSQL in a
database of its own named after the --database one and the size (created, then dropped at the end):

1. a loader process migrates a new database with Alembic, loads the demo catalogue and adds
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
UNCACHED_RATIO, CACHED_RATIO = 20.0, 5.0  # p95 as a multiple of /healthz's, at 100 000 on PostgreSQL
GROWTH_PER_TENFOLD = 3.0  # from 10 000 up: p95 at most 3 x per 10 x activities


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


def _database_url(base: str | None, size: int, tmp: Path) -> str:
    """SQLite in the temporary folder, or a PostgreSQL database of this size's own beside `base`."""
    if not base:
        return f"sqlite:///{tmp}/bench.sqlite3"
    from sqlalchemy.engine import make_url

    url = make_url(base)
    return url.set(database=f"{url.database}_{size}").render_as_string(hide_password=False)


def _postgres_database(url: str, create: bool) -> None:
    """Create (emptied if it exists) or drop the benchmark's own PostgreSQL database."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        if create:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def _make_app(url: str, cache: bool = True):
    from portal import create_app

    config = {"DATABASE_URL": url, "SESSION_COOKIE_SECURE": False}
    if not cache:
        config["CACHE_TYPE"] = "NullCache"
    return create_app(test_config=config)


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

def settle(app) -> None:
    """What the database does by itself soon after a bulk load, done at once so that the serving phase
    measures the steady state: on PostgreSQL, VACUUM (autovacuum starts on the inserts within minutes)
    sets the visibility map, without which a count cannot read a covering index alone and the planner
    scans the table instead; on SQLite, statistics for the planner (ANALYZE, as PRAGMA optimize would)."""
    from sqlalchemy import text

    engine = app.extensions["db_engine"]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("VACUUM (ANALYZE) activity_index, activity_words"))
        else:
            connection.execute(text("ANALYZE"))


def load_phase(size: int, tmp: Path, url: str, profile_load: bool) -> dict:
    import datetime as dt

    from alembic import command
    from sqlalchemy import func, select, text

    from portal import db
    from portal.catalogue.models import Activity, ActivityIndex
    from portal.cli import alembic_config
    from portal.demo.loader import load_demo
    from portal.demo.synthetic import generate

    result: dict = {"size": size, "engine": url.split(":")[0].split("+")[0]}
    app = _make_app(url)
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
        start, cpu_start = time.perf_counter(), time.process_time()
        if profile:
            profile.enable()
        generate(db.session(), size)
        db.session().commit()
        if profile:
            profile.disable()
        result["synthetic_s"] = time.perf_counter() - start
        result["synthetic_cpu_s"] = time.process_time() - cpu_start
        start = time.perf_counter()
        settle(app)
        result["settle_s"] = time.perf_counter() - start
        if profile:
            result["load_profile"] = _profile_text(profile, "cumulative", 25)

        session = db.session()
        result["activities"] = session.scalar(select(func.count()).select_from(Activity))
        result["indexed"] = session.scalar(select(func.count()).select_from(ActivityIndex)
                                           .where(ActivityIndex.next_start.is_not(None)))
        if result["engine"] == "postgresql":
            result["db_bytes"] = session.scalar(text("SELECT pg_database_size(current_database())"))
    if result["engine"] != "postgresql":
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
        # (seconds, sql seconds, statements, CPU seconds of this process)
        self.samples: list[tuple[float, float, int, float]] | None = None
        self.before_each = None  # called outside the timed part of each request (clearing the caches)
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
        if self.before_each is not None:
            self.before_each()
        sql_before, statements_before = self.sql_seconds, self.statements
        cpu, start = time.process_time(), time.perf_counter()
        body = self.inner(environ, start_response)
        try:
            chunks = list(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        if self.samples is not None:
            self.samples.append((elapsed, self.sql_seconds - sql_before, self.statements - statements_before, cpu))
        return chunks


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[q - 1]


def _summary(samples: list[tuple[float, float, int, float]], wall: float) -> dict:
    times = [s[0] * 1000 for s in samples]
    return {
        "cpu_p50_ms": _percentile([s[3] * 1000 for s in samples], 50),
        "cpu_p95_ms": _percentile([s[3] * 1000 for s in samples], 95),
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
    wall = dict.fromkeys(urls, 0.0)
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


def serve_phase(size: int, tmp: Path, url: str, requests: int, warmup: int, profile: bool) -> dict:
    from portal import cache

    pinning = _pin_to_one_core()
    result: dict = {"size": size, "pinning": pinning}
    app = _make_app(url)
    recorder = Recorder(app)
    client = app.test_client()
    result["rss_started"] = _memory()["VmRSS"]

    # Matches per filter set, from the API (also a first warm-up of every query).
    result["matches"] = {page: client.get(api_url(page)).get_json()["count"] for page in PAGES}
    result["at_least"] = {page: client.get(api_url(page)).get_json().get("count_is_at_least", False)
                          for page in PAGES}

    def forget():
        with app.app_context():
            cache.clear()

    def forget_all_but_cards():
        # The in-process backend's own dict (the benchmark never sets REDIS_URL): everything but the
        # result cards goes, as for a filter set nobody has asked for since the last edit.
        store = cache._cache.cache._cache
        for key in [k for k in store if not k.startswith("card:")]:
            del store[key]

    # /healthz goes round with the pages, so each ratio compares requests made at the same moments.
    urls = ["/healthz", *PAGES]
    _log(f"  [{size:,}] /healthz and {len(PAGES)} catalogue pages x {requests}, caches emptied before each ...")
    recorder.before_each = forget
    result["uncached"] = _measure(client, recorder, urls, requests, warmup)
    _log(f"  [{size:,}] the same, the result cards kept (a new filter set) ...")
    recorder.before_each = forget_all_but_cards
    result["new_filters"] = _measure(client, recorder, urls, requests, warmup)
    recorder.before_each = None
    _log(f"  [{size:,}] the same with the caches kept ...")
    result["cached"] = _measure(client, recorder, urls, requests, warmup)
    _log(f"  [{size:,}] API with the same filters x {requests} ...")
    result["api"] = _measure(client, recorder, ["/healthz", *[api_url(p) for p in PAGES]], requests, warmup)
    memory = _memory()
    result["rss_after"], result["rss_peak"] = memory["VmRSS"], memory["VmHWM"]
    result["bytes"] = _bytes(client)
    if url.startswith("postgresql"):
        result["plans"] = _plans(app)

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


def _plans(app) -> dict[str, str]:
    """EXPLAIN ANALYZE of each page's statements that read activity_index (PostgreSQL), caches emptied."""
    from sqlalchemy import event

    from portal import cache

    plans: dict[str, str] = {}
    engine = app.extensions["db_engine"]
    for page in PAGES:
        sent: list = []

        def record(_conn, _cursor, statement, parameters, _context, _many, sent=sent):
            if "activity_index" in statement and not statement.lstrip().upper().startswith(("INSERT", "UPDATE")):
                sent.append((statement, parameters))

        with app.app_context():
            cache.clear()
        event.listen(engine, "before_cursor_execute", record)
        app.test_client().get(page)
        event.remove(engine, "before_cursor_execute", record)
        texts = []
        with engine.connect() as connection:
            cursor = connection.connection.driver_connection.cursor()
            for statement, parameters in sent:
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) " + statement, parameters)
                texts.append("\n".join(row[0] for row in cursor.fetchall()))
        plans[page] = "\n--\n".join(texts)
    return plans


# --------------------------------------------------------------------------------------------------
# The parent: run the children per size and print the table

def _child(phase: str, size: int, tmp: Path, url: str, args: argparse.Namespace) -> dict:
    out = tmp / f"{phase}.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--_phase", phase, "--_tmp", str(tmp),
               "--_url", url, "--_out", str(out), "--sizes", str(size), "--requests", str(args.requests),
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


def growth(figures: list[dict]) -> str:
    """p95 (in /healthz multiples) per page from 10 000 (or the smallest size above it) to the largest,
    as the factor per tenfold of activities, uncached and for a new filter set."""
    import math

    runs = sorted((f for f in figures if f["load"]["size"] >= 10_000), key=lambda f: f["load"]["size"])
    if len(runs) < 2:
        return ""
    small, big = runs[0], runs[-1]
    tenfolds = math.log10(big["load"]["size"] / small["load"]["size"])

    def ratio(run, state, url):
        urls = run["serve"][state]["urls"]
        return urls[url]["p95_ms"] / urls["/healthz"]["p95_ms"]

    lines = []
    for state, label in (("uncached", "uncached"), ("new_filters", "new filter set")):
        lines.append(f"Growth of {label} p95 (x /healthz) from {small['load']['size']:,} to {big['load']['size']:,}, "
                     f"per 10 x activities (budget <= {GROWTH_PER_TENFOLD:.0f} x):")
        for url in PAGES:
            before, after = ratio(small, state, url), ratio(big, state, url)
            factor = (after / before) ** (1 / tenfolds)
            lines.append(f"  {url:<56} {before:6.1f} -> {after:6.1f}   {factor:4.2f} x per 10 x  "
                         f"{_verdict(factor <= GROWTH_PER_TENFOLD)}")
    return "\n".join(lines)


def summary(figures: list[dict]) -> str:
    """One Markdown row per size: each state's worst page and /healthz's p95 in the same state."""
    lines = ["| engine | size | load wall / CPU | uncached worst (x hz) | new filter set worst | cached worst "
             "| /healthz p95 (ms) | all uncached p95 (ms) | RSS peak |", "|---|---|---|---|---|---|---|---|---|"]
    for f in figures:
        load, serve = f["load"], f["serve"]
        cells = []
        for state in ("uncached", "new_filters", "cached"):
            urls = serve[state]["urls"]
            worst = max(PAGES, key=lambda u, urls=urls: urls[u]["p95_ms"])
            cells.append(f"{urls[worst]['p95_ms'] / urls['/healthz']['p95_ms']:.1f} x ({urls[worst]['p95_ms']:.1f} ms)")
        loading = f"{load['synthetic_s']:.0f} s / {load['synthetic_cpu_s']:.0f} s"
        healthz, everything = serve["uncached"]["urls"]["/healthz"]["p95_ms"], serve["uncached"]["all"]["p95_ms"]
        lines.append(f"| {load['engine']} | {load['size']:,} | {loading} | " + " | ".join(cells)
                     + f" | {healthz:.2f} | {everything:.1f} | {_mb(serve['rss_peak'])} |")
    return "\n".join(lines)


def report(load: dict, serve: dict, show_profile: bool, show_plans: bool = False) -> str:
    size = load["size"]
    budget = p95_budget(size)
    lines = []
    add = lines.append
    add("")
    add("=" * 118)
    demo = load["demo_counts"].get("activities", 0)
    add(f"[{load['engine']}] SIZE {size:,} synthetic (+{demo} demo) = {load['activities']:,} activities, "
        f"{load['indexed']:,} with a coming occurrence; database {_mb(load['db_bytes'])}")
    add(f"Loading: migrate {load['migrate_s']:.2f} s, demo {load['demo_s']:.2f} s, synthetic "
        f"{load['synthetic_s']:.1f} s wall, {load['synthetic_cpu_s']:.1f} s CPU of the loader "
        f"({load['synthetic_s'] / max(size, 1) * 1000:.2f} ms per activity), then VACUUM/ANALYZE "
        f"{load.get('settle_s', 0):.1f} s; "
        f"loader peak RSS {_mb(load['loader_peak_rss'])}")
    add(f"Server process: {serve['pinning']}; Flask test client, server time = WSGI call until the body is "
        f"produced; {serve['cached']['urls']['/healthz']['n']} measured requests per URL after warm-up")
    add("-" * 118)
    add("Each page beside /healthz in the same round-robin, in three states: uncached (every cache emptied before")
    add("each request: the first request after an edit or import), new filter set (pages, counts and page ends")
    add("emptied, result cards kept: any filter set not asked for since the last edit) and cached (the whole page")
    add("kept). Per state: p95 in ms, the process's CPU p95 in ms, p95 as a multiple of /healthz's p95 in the same")
    add("state (x hz), and the median SQL time and statements per request of the uncached state.")
    states = (("uncached", "uncached"), ("new_filters", "new filter set"), ("cached", "cached"))
    add(f"{'request':<52} {'matches':>7} | " + " | ".join(f"{label:^22}" for _, label in states)
        + f" | {'SQL50':>6} {'stmts':>5}")
    add(f"{'':<52} {'':>7} | " + " | ".join(f"{'p95':>7} {'CPU95':>7} {'x hz':>6}" for _ in states) + " |")
    hz = {state: serve[state]["urls"]["/healthz"]["p95_ms"] for state, _ in states}
    worst = dict.fromkeys(hz, 0.0)
    for url in ["/healthz", *PAGES]:
        matches = "" if url == "/healthz" else f"{'>' if serve['at_least'].get(url) else ''}{serve['matches'][url]}"
        cells = []
        for state, _ in states:
            figures = serve[state]["urls"][url]
            ratio = figures["p95_ms"] / hz[state]
            if url != "/healthz":
                worst[state] = max(worst[state], ratio)
            cells.append(f"{figures['p95_ms']:7.2f} {figures['cpu_p95_ms']:7.2f} {ratio:6.1f}")
        u = serve["uncached"]["urls"][url]
        add(f"{url[:52]:<52} {matches:>7} | " + " | ".join(cells) + f" | {u['sql_p50_ms']:6.2f} {u['statements']:5.0f}")
    add(f"  worst page (budget at 100 000 on PostgreSQL: uncached <= {UNCACHED_RATIO:.0f} x, cached <= "
        f"{CACHED_RATIO:.0f} x): uncached {worst['uncached']:.1f} x {_verdict(worst['uncached'] <= UNCACHED_RATIO)}; "
        f"new filter set {worst['new_filters']:.1f} x {_verdict(worst['new_filters'] <= UNCACHED_RATIO)}; "
        f"cached {worst['cached']:.1f} x {_verdict(worst['cached'] <= CACHED_RATIO)}")
    if budget is not None:
        p95_all = serve["uncached"]["all"]["p95_ms"]
        add(f"  old absolute budget, all uncached requests together: p95 {p95_all:.1f} ms < {budget:.0f} ms "
            f"{_verdict(p95_all < budget)} (on a quiet core only)")
    api = serve["api"]["urls"]
    hz_a = api["/healthz"]["p95_ms"]
    shown = [f"{u.split('?')[1].split('&lang')[0] or 'all'} {api[u]['p95_ms'] / hz_a:.1f} x"
             for u in api if u != "/healthz"]
    add("API with the same filters (cached; no budget of its own): " + ", ".join(shown))
    for group in ("uncached", "new_filters", "cached", "api"):
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
    if show_plans and serve.get("plans"):
        add("-" * 118)
        add("Plans (EXPLAIN ANALYZE, caches emptied) of the statements that read activity_index:")
        for url, text in serve["plans"].items():
            add(f"## {url}")
            add(text)
    if "load_profile" in load:
        add("-" * 118)
        add(f"cProfile of synthetic generation at {size:,}, top 25 by cumulative time")
        add(load["load_profile"])
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000],
                        help="synthetic activities to add to the demo catalogue (default: 1000 10000 100000; "
                             "1000000 works too, and takes a while to load)")
    parser.add_argument("--requests", type=int, default=100, help="measured requests per URL (default 100)")
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured rounds first (default 10)")
    parser.add_argument("--profile", action="store_true",
                        help="print a cProfile of 100 requests of one filtered page at the smallest size")
    parser.add_argument("--profile-load", action="store_true",
                        help="also profile the synthetic generation (at the smallest size)")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    parser.add_argument("--database", default=os.environ.get("PORTAL_TEST_DATABASE_URL"),
                        help="a PostgreSQL URL (default PORTAL_TEST_DATABASE_URL; else SQLite): each size gets "
                             "a database of its own named after it plus _SIZE, dropped at the end")
    parser.add_argument("--sqlite", action="store_true", help="SQLite even when PORTAL_TEST_DATABASE_URL is set")
    parser.add_argument("--plans", action="store_true", help="print the PostgreSQL plans of each page's queries")
    parser.add_argument("--_url", help=argparse.SUPPRESS)
    parser.add_argument("--_phase", choices=("load", "serve"), help=argparse.SUPPRESS)
    parser.add_argument("--_tmp", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--_out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args._phase:
        _quiet_environment()
        size = args.sizes[0]
        if args._phase == "load":
            result = load_phase(size, args._tmp, args._url, args.profile_load)
        else:
            result = serve_phase(size, args._tmp, args._url, args.requests, args.warmup, args.profile)
        args._out.write_text(json.dumps(result))
        return 0

    smallest = min(args.sizes)
    figures = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="portal-bench-") as name:
            tmp = Path(name)
            url = _database_url(None if args.sqlite else args.database, size, tmp)
            if url.startswith("postgresql"):
                _postgres_database(url, create=True)
            _log(f"Size {size:,}: loading into {url.rsplit('@', 1)[-1]} ...")
            started = time.perf_counter()
            load = _child("load", size, tmp, url, argparse.Namespace(**{**vars(args), "profile": False,
                                                                    "profile_load": args.profile_load
                                                                    and size == smallest}))
            _log(f"  [{size:,}] loaded in {time.perf_counter() - started:.1f} s; serving ...")
            serve = _child("serve", size, tmp, url, argparse.Namespace(**{**vars(args),
                                                                     "profile": args.profile and size == smallest,
                                                                     "profile_load": False}))
            if url.startswith("postgresql"):
                _postgres_database(url, create=False)
        figures.append({"load": load, "serve": serve})
        print(report(load, serve, args.profile, args.plans), flush=True)
    print(growth(figures), flush=True)
    print(summary(figures), flush=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
