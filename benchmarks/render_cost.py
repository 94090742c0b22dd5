"""What rendering the catalogue costs, beside /healthz in the same process and run.

    .venv/bin/python benchmarks/render_cost.py [--size 1000] [--requests 200]

A fresh SQLite database in a temporary directory (never instance/portal.sqlite3): the demo catalogue
plus `--size` synthetic activities. Through the Flask test client (so only the app's own time counts,
no network), for each URL: the median and p95 of wall time and of CPU time per request, and the
ratio of the median to /healthz's. Each catalogue URL is measured

- as a first visitor (no cookie) with the caches warm (the whole answer is kept: the usual case),
- with the cache emptied before every request (pages, cards and counts: the first request after an edit),
- as a visitor with a my-list cookie (the page is then drawn for them, from the cached cards and counts),
- as a conditional request with the page's ETag (a browser or proxy revalidating: 304; a 200 there
  means the catalogue version moved during the run, e.g. "next time" rolled forward).

Columns: wall×hz and CPU×hz are the median wall and CPU time as multiples of /healthz's.

Timings vary with the machine's load: compare the ratios to /healthz, not the milliseconds.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PAGES = [
    "/fi/activities",
    "/sv/activities?category=exercise",
    "/en/activities?access=wheelchair",
    "/fi/activities?page=3",
]
ACCEPT_ENCODING = "gzip, deflate, br, zstd"


def _app(tmp: Path, size: int):
    import datetime as dt

    from alembic import command

    from portal import create_app, db
    from portal.cli import alembic_config
    from portal.demo.loader import load_demo
    from portal.demo.synthetic import generate

    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    app = create_app(test_config={"DATABASE_URL": f"sqlite:///{tmp}/render.sqlite3", "SESSION_COOKIE_SECURE": False})
    with app.app_context():
        command.upgrade(alembic_config(), "head")
        session = db.session()
        load_demo(session, dt.date.today())
        session.commit()
        generate(db.session(), size)
        db.session().commit()
    return app


def _time(client, url: str, requests: int, before=None, headers=None) -> dict:
    walls, cpus, status = [], [], None
    for _ in range(requests):
        if before:
            before()
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(url, headers={"Accept-Encoding": ACCEPT_ENCODING, **(headers or {})})
        response.get_data()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        status = response.status_code
    walls.sort()
    return {"median": statistics.median(walls), "p95": walls[int(len(walls) * 0.95) - 1],
            "cpu": statistics.median(cpus), "status": status}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1000, help="synthetic activities beside the demo (default 1000)")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per URL and case (default 200)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="render-cost-") as tmp:
        app = _app(Path(tmp), args.size)
        try:
            from portal import cache
        except ImportError:  # before portal/cache.py existed
            cache = None

        def empty_cache():
            if cache is not None:
                with app.app_context():
                    cache.clear()

        anonymous = app.test_client()
        for url in ["/healthz", *PAGES]:  # warm up: templates compiled, caches filled
            for _ in range(5):
                anonymous.get(url)
        health = _time(anonymous, "/healthz", args.requests)
        rows = [("/healthz", "", health)]
        listed = app.test_client()
        listed.environ_base["HTTP_ORIGIN"] = "http://localhost"
        listed.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
        first = listed.get("/fi/activities")
        from bs4 import BeautifulSoup

        button = BeautifulSoup(first.get_data(as_text=True), "html.parser").select_one("form.mylist-toggle")
        token = button.find("input", attrs={"name": "csrf_token"})
        listed.post(button["action"], data={"csrf_token": token["value"]} if token else {})
        for url in PAGES:
            rows.append((url, "no cookie, caches warm", _time(anonymous, url, args.requests)))
            rows.append((url, "no cookie, cache emptied", _time(anonymous, url, args.requests, before=empty_cache)))
            rows.append((url, "my-list cookie", _time(listed, url, args.requests)))
            etag = anonymous.get(url, headers={"Accept-Encoding": ACCEPT_ENCODING}).headers.get("ETag")
            if etag:
                rows.append((url, "conditional (ETag)", _time(anonymous, url, args.requests,
                                                                headers={"If-None-Match": etag})))
        print(f"Render cost, {args.size:,} synthetic activities + demo, {args.requests} requests per row "
              f"(test client, SQLite)")
        print(f"{'URL':34} {'case':26} {'status':>6} {'median ms':>9} {'p95 ms':>7} {'CPU ms':>7} "
              f"{'wall×hz':>8} {'CPU×hz':>7}")
        for url, case, row in rows:
            print(f"{url:34} {case:26} {row['status']:>6} {row['median']:>9.2f} {row['p95']:>7.2f} "
                  f"{row['cpu']:>7.2f} {row['median'] / health['median']:>8.1f} {row['cpu'] / health['cpu']:>7.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
